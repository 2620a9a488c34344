"""Forms of the follow-up rounds: planning, a call's outcome, a departure, the relay's code,
and the questionnaire of a round (one field per frozen question, for the caller and the phone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kalan.relays.models import CallAttempt, Departure, RoundQuestion
from kalan.relays.services_calls import MAX_NUMBER, MAX_TEXT, NO, YES


class PlanForm(forms.Form):
    months = forms.CharField(
        label=_("Mois après la dernière session"),
        initial="1, 3, 6",
        max_length=40,
        help_text=_("Un tour par nombre de mois, séparés par des virgules : 1, 3, 6."),
    )

    def clean_months(self) -> list[str]:
        return [part for part in self.cleaned_data["months"].replace(";", ",").split(",") if part]


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Résultat de l’appel"),
        choices=CallAttempt.Outcome.choices,
        widget=forms.RadioSelect,
    )
    next_call_on = forms.DateField(
        label=_("Rappeler le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Laissez vide pour rappeler dès que possible."),
    )
    note = forms.CharField(label=_("Remarque"), max_length=300, required=False)


class DepartureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"), choices=Departure.Reason.choices, widget=forms.RadioSelect
    )
    since = forms.DateField(
        label=_("Depuis le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Précisions"), max_length=300, required=False)


class RelayJoinForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code personnel de relais"),
        max_length=20,
        help_text=_(
            "Huit lettres et chiffres, sur votre fiche d’engagement ou donnés au téléphone."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# --- the questionnaire -------------------------------------------------------------------------


@dataclass
class Choice:
    key: str
    text: str
    checked: bool


@dataclass
class QuestionField:
    """A frozen question as a form shows it, with what was typed (or stored) in it."""

    pk: int
    order: int
    kind: str
    text: str
    practice: str
    choices: list[Choice] = field(default_factory=list)
    value: str = ""  # number and text
    max_number: int = MAX_NUMBER
    max_text: int = MAX_TEXT

    @property
    def name(self) -> str:
        return f"q{self.pk}"

    @property
    def input_type(self) -> str:
        return "checkbox" if self.kind == "multiple" else "radio"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _localised(content: dict[str, Any], key: str) -> str:
    if _english() and content.get(f"{key}_en"):
        return str(content[f"{key}_en"])
    return str(content.get(key, ""))


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return [YES if value else NO]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def questionnaire_fields(
    questions: list[RoundQuestion], values: dict[int, Any] | None = None
) -> list[QuestionField]:
    """One field per question, filled with ``values`` (raw answers or stored values by pk)."""
    values = values or {}
    fields = []
    for q in questions:
        content, chosen = q.content, _as_list(values.get(q.pk))
        kind = str(content.get("kind", "text"))
        if kind == "yes_no":
            options = [(YES, str(_("Oui"))), (NO, str(_("Non")))]
        else:
            options = [(str(c["key"]), _localised(c, "text")) for c in content.get("choices", [])]
        fields.append(
            QuestionField(
                pk=q.pk,
                order=q.order,
                kind=kind,
                text=_localised(content, "text"),
                practice=_localised(content, "practice"),
                choices=[Choice(key, text, key in chosen) for key, text in options],
                value=chosen[0] if kind in ("number", "text") and chosen else "",
            )
        )
    return fields


def answers_from_post(questions: list[RoundQuestion], data: QueryDict) -> dict[int, Any]:
    """The raw answers of a posted questionnaire, by question pk (lists for multiple)."""
    answers: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.content.get("kind") == "multiple":
            answers[q.pk] = data.getlist(name)
        else:
            answers[q.pk] = data.get(name, "")
    return answers
