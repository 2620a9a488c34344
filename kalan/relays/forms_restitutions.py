"""The restitution form, on the staff pages and on the relay's phone page (no JavaScript).

The form only reads what was typed; every rule (dates, totals, plausible audience, the photo's
content) is ``kalan.relays.services_restitutions``'s, whose errors come back at their field.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Place
from kalan.people.models import Unit
from kalan.relays.models import Restitution
from kalan.relays.services_restitutions import COUNT_FIELDS
from kalan.workshops.models import Enrollment, Objective


def _count(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "count"}),
    )


def _units_for(enrollment: Enrollment) -> list[tuple[str, list[tuple[int, str]]]]:
    """Units grouped by corps, the relay's own corps first (a select that needs no script)."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    units = Unit.objects.select_related("corps", "place").order_by("corps__order", "name")
    for unit in units:
        groups[str(unit.corps)].append((unit.pk, f"{unit.name} ({unit.place})"))
    own = str(enrollment.person.corps) if enrollment.person.corps_id else ""
    return sorted(groups.items(), key=lambda item: item[0] != own)


def _places() -> list[tuple[str, list[tuple[int, str]]]]:
    """Towns and cercles grouped under their region."""
    places = Place.objects.filter(
        kind__in=[Place.Kind.TOWN, Place.Kind.CERCLE, Place.Kind.DISTRICT]
    ).select_related("parent")
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for place in places:
        region = place.parent.name if place.kind != Place.Kind.DISTRICT and place.parent else ""
        groups[region].append((place.pk, place.name))
    return [(region, sorted(items, key=lambda i: i[1])) for region, items in sorted(groups.items())]


class RestitutionForm(forms.Form):
    held_on = DateField(label=_("Date de la restitution"))
    unit = forms.ModelChoiceField(
        label=_("Unité où elle a eu lieu"), queryset=Unit.objects.all(), required=False
    )
    place = forms.ModelChoiceField(
        label=_("Lieu (facultatif)"), queryset=Place.objects.all(), required=False
    )
    women = _count(_("Femmes"))
    men = _count(_("Hommes"))
    colleagues = _count(_("Collègues (policiers, gendarmes, gardes…)"))
    families = _count(_("Familles de personnes gardées à vue"))
    leaders = _count(_("Autorités et leaders locaux"))
    population = _count(_("Population"))
    others = _count(_("Autres"))
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
    )
    objectives = forms.ModelMultipleChoiceField(
        label=_("Thèmes abordés"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Observations (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.FileField(
        label=_("Feuille de présence ou photo (facultatif)"),
        required=False,
        help_text=_(
            "Une photo JPEG, PNG ou WebP. Kalan la réduit et retire ses métadonnées (position "
            "GPS, appareil, date) ; l’original n’est pas gardé."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    remove_photo = forms.BooleanField(label=_("Retirer la photo enregistrée"), required=False)
    confirm_large = forms.BooleanField(label=_("Je confirme cet effectif"), required=False)

    def __init__(
        self,
        *args: Any,
        enrollment: Enrollment,
        instance: Restitution | None = None,
        phone: bool = False,
        **kwargs: Any,
    ) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = (
                _initial(instance) if instance is not None else {"unit": enrollment.person.unit_id}
            )
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(  # type: ignore[attr-defined]
            workshop_id=enrollment.session.workshop_id
        ).order_by("order")
        self.fields["unit"].choices = [("", "---------"), *_units_for(enrollment)]  # type: ignore[attr-defined]
        self.fields["place"].choices = [("", "---------"), *_places()]  # type: ignore[attr-defined]
        if instance is None or not instance.photo:
            del self.fields["remove_photo"]
        if phone:
            # A phone opens its camera: the sheet is photographed where the briefing was held.
            self.fields["photo"].widget.attrs["capture"] = "environment"
        # Shown once the service asks for it (an audience to confirm), or when it was confirmed.
        self.show_confirm = bool(instance is not None and instance.large_confirmed)

    def service_kwargs(self) -> dict[str, Any]:
        """What the services take, from the cleaned data (an empty count is zero)."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) or 0 for name in COUNT_FIELDS}
        values.update(
            held_on=data["held_on"],
            unit=data.get("unit"),
            place=data.get("place"),
            duration_minutes=data["duration_minutes"],
            objectives=list(data.get("objectives") or []),
            note=data.get("note") or "",
            photo=data.get("photo"),
            confirm_large=bool(data.get("confirm_large")),
        )
        return values

    @property
    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COUNT_FIELDS]


def _initial(restitution: Restitution) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(restitution, name) for name in COUNT_FIELDS}
    initial.update(
        held_on=restitution.held_on,
        unit=restitution.unit_id,
        place=restitution.place_id,
        duration_minutes=restitution.duration_minutes,
        objectives=[o.pk for o in restitution.objectives.all()],
        note=restitution.note,
        confirm_large=restitution.large_confirmed,
    )
    return initial
