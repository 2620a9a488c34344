"""The forms of a visit, of its instrument (one radio group and one note per item) and of a
photo. They only read what was typed; the rules are ``kalan.custody.services_visits``'s, whose
errors come back at their field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import User
from kalan.custody.models import Answer, DetentionPlace, InstrumentItem, Visit
from kalan.custody.selectors import team_candidates
from kalan.custody.services_visits import HELD_FIELDS


def _count(label: Any, *, big: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=2_147_483_647 if big else 32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "count"}),
    )


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def _member_label(user: User) -> str:
    return user.get_full_name() or user.username


class VisitForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Lieu visité"), queryset=DetentionPlace.objects.select_related("locality")
    )
    kind = forms.ChoiceField(
        label=_("Type de visite"), choices=Visit.Kind.choices, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(label=_("État"), choices=Visit.Status.choices)
    visited_on = DateField(label=_("Date de la visite"))
    arrived_at = _time(_("Arrivée de l’équipe"))
    left_at = _time(_("Départ de l’équipe"))
    # Every active account: a member outside the NPM is refused by the service, by name.
    team = forms.ModelMultipleChoiceField(
        label=_("Équipe"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les membres du MNP et les administrateurs ; jamais un formateur."),
    )
    received_by = forms.CharField(
        label=_("Équipe reçue par (fonction, grade)"), max_length=200, required=False
    )
    held_men = _count(_("Hommes majeurs"))
    held_women = _count(_("Femmes majeures"))
    held_boys = _count(_("Garçons mineurs"))
    held_girls = _count(_("Filles mineures"))
    summary = forms.CharField(
        label=_("Observations générales"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, instance: Visit | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in (
                    "kind",
                    "status",
                    "visited_on",
                    "arrived_at",
                    "left_at",
                    "received_by",
                    "summary",
                    *HELD_FIELDS,
                )
            } | {"place": instance.place_id, "team": [u.pk for u in instance.team.all()]}
        super().__init__(*args, **kwargs)
        members = list(team_candidates())
        if instance is not None:
            # A member whose role changed since stays shown, to be taken out.
            members += [u for u in instance.team.all() if u not in members]
        self.fields["team"].choices = [(u.pk, _member_label(u)) for u in members]  # type: ignore[attr-defined]

    @property
    def held_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in HELD_FIELDS]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in HELD_FIELDS}
        values.update(
            place=data["place"],
            kind=data["kind"],
            status=data["status"],
            visited_on=data["visited_on"],
            arrived_at=data.get("arrived_at"),
            left_at=data.get("left_at"),
            team=list(data.get("team") or []),
            received_by=data.get("received_by") or "",
            summary=data.get("summary") or "",
        )
        return values


class InstrumentForm(forms.Form):
    """One radio group (``item-<pk>``) and one note (``note-<pk>``) per active item, and the
    register's counts. An item left without an answer is not answered; a note needs an answer."""

    register_examined = _count(_("Inscriptions du registre examinées"), big=True)
    register_over_limit = _count(_("Dont au-delà du délai légal"), big=True)

    def __init__(self, *args: Any, items: list[InstrumentItem], visit: Visit, **kwargs: Any):
        if "initial" not in kwargs:
            initial: dict[str, Any] = {
                "register_examined": visit.register_examined,
                "register_over_limit": visit.register_over_limit,
            }
            for answer in visit.answers.all():
                initial[f"item-{answer.item_id}"] = answer.value
                initial[f"note-{answer.item_id}"] = answer.note
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item-{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note-{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            if data.get(f"note-{item.pk}", "").strip() and not data.get(f"item-{item.pk}"):
                self.add_error(
                    f"item-{item.pk}",
                    _(
                        "Une note est saisie : choisissez aussi une réponse (oui, en partie, "
                        "non, non vu)."
                    ),
                )
        return data

    def answers(self) -> list[tuple[InstrumentItem, str, str]]:
        data = self.cleaned_data
        return [
            (item, data[f"item-{item.pk}"], data.get(f"note-{item.pk}") or "")
            for item in self.items
            if data.get(f"item-{item.pk}")
        ]

    def item_fields(self, item: InstrumentItem) -> tuple[forms.BoundField, forms.BoundField]:
        return self[f"item-{item.pk}"], self[f"note-{item.pk}"]


class VisitPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "Une photo JPEG, PNG ou WebP des lieux. Kalan la réduit et retire ses métadonnées "
            "(position GPS, appareil, date) ; l’original n’est pas gardé."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    caption = forms.CharField(label=_("Légende"), max_length=200)
    places_only = forms.BooleanField(
        label=_("La photo montre les lieux et aucune personne"),
        required=True,
        error_messages={
            "required": _(
                "Cochez cette case : une photo de visite montre les lieux, jamais une personne."
            )
        },
    )
