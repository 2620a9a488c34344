"""What a participant types on the phone (the two codes, then the commitment), and what the
trainer copies from the paper form: the same commitment form for both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core import formats
from kalan.relays.models import Audience, Commitment
from kalan.relays.services_commitments import a_year_after
from kalan.workshops.models import Objective, Session

CODE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class CommitmentJoinForm(forms.Form):
    access_code = forms.CharField(
        label=_("Code des engagements"),
        max_length=12,
        help_text=_("Affiché par le formateur, par exemple K7P2QX."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    participant_code = forms.CharField(
        label=_("Votre code participant"),
        max_length=12,
        help_text=_("Les chiffres imprimés sur votre badge."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )


class CommitmentForm(forms.Form):
    """The commitment's fields; the rules (how many, by when, which objectives) are the
    service's, which names the field at fault."""

    audiences = forms.MultipleChoiceField(
        label=_("Qui allez-vous sensibiliser ?"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    people_planned = forms.IntegerField(
        label=_("Combien de personnes, à peu près ?"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Avant quelle date ?"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )
    objectives = forms.MultipleChoiceField(
        label=_("Sur quels objectifs de l’atelier ?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Précisions (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workshop_objectives = {
            o.pk: o for o in Objective.objects.filter(workshop_id=session.workshop_id)
        }
        for field in self.fields.values():  # a question mark never alone on its line
            field.label = formats.fr(str(field.label))
        self.fields["due_on"].help_text = _("Après le %(end)s et au plus tard le %(latest)s.") % {
            "end": f"{session.end_date:%d/%m/%Y}",
            "latest": f"{a_year_after(session.end_date):%d/%m/%Y}",
        }
        field = self.fields["objectives"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(pk), f"{o.order}. {o.text}") for pk, o in self.workshop_objectives.items()
        ]

    def clean_people_planned(self) -> int:
        value = self.cleaned_data.get("people_planned")
        if value is None:
            raise forms.ValidationError(_("Indiquez un nombre de personnes."))
        return int(value)

    def clean_due_on(self) -> Any:
        value = self.cleaned_data.get("due_on")
        if value is None:
            raise forms.ValidationError(_("Indiquez une date, par exemple 31/01/2023."))
        return value

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "audiences": data["audiences"],
            "people_planned": data["people_planned"],
            "due_on": data["due_on"],
            "objectives": [self.workshop_objectives[int(pk)] for pk in data["objectives"]],
            "note": data["note"],
        }


def commitment_initial(commitment: Commitment | None) -> dict[str, Any] | None:
    """The form filled with what was stated, to correct it."""
    if commitment is None:
        return None
    return {
        "audiences": list(commitment.audiences),
        "people_planned": commitment.people_planned,
        "due_on": commitment.due_on,
        "objectives": [str(o.pk) for o in commitment.objectives.all()],
        "note": commitment.note,
    }
