"""The form of a place of detention. It only reads what was typed; the rules (a name, one place
per unit, the dates) are ``kalan.custody.services_places``'s, whose errors come back at their
field."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kalan.core.forms import DateField
from kalan.core.models import Place
from kalan.custody.models import DetentionPlace
from kalan.people.models import Unit


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "count"}),
    )


def locality_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Regions, towns and cercles grouped under their region (a select that needs no script)."""
    places = Place.objects.exclude(kind=Place.Kind.COUNTRY).select_related("parent")
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for place in places:
        if place.kind in (Place.Kind.REGION, Place.Kind.DISTRICT) or place.parent is None:
            groups[place.name].append((place.pk, place.name))
        else:
            groups[place.parent.name].append((place.pk, place.name))
    return [(group, sorted(items, key=lambda i: i[1])) for group, items in sorted(groups.items())]


def unit_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The registry's units grouped by corps, each with its place."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    units = Unit.objects.select_related("corps", "place").order_by("corps__order", "name")
    for unit in units:
        groups[str(unit.corps)].append((unit.pk, f"{unit.name} ({unit.place})"))
    return list(groups.items())


class DetentionPlaceForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unité du registre (facultatif)"),
        queryset=Unit.objects.all(),
        required=False,
        help_text=_("Les chambres de sûreté d’une brigade, d’un commissariat ou d’un poste."),
    )
    name = forms.CharField(
        label=_("Nom"),
        max_length=200,
        required=False,
        help_text=_("Laissé vide, le lieu prend le nom de l’unité."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=DetentionPlace.Kind.choices)
    locality = forms.ModelChoiceField(
        label=_("Localité"),
        queryset=Place.objects.all(),
        required=False,
        help_text=_("Laissée vide, celle de l’unité."),
    )
    capacity = _count(_("Capacité (personnes)"))
    cells = _count(_("Nombre de cellules"))
    opened_on = DateField(label=_("En service depuis le"), required=False)
    closed_on = DateField(label=_("Fermé le"), required=False)

    def __init__(self, *args: Any, instance: DetentionPlace | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "unit": instance.unit_id,
                "name": instance.name,
                "kind": instance.kind,
                "locality": instance.locality_id,
                "capacity": instance.capacity,
                "cells": instance.cells,
                "opened_on": instance.opened_on,
                "closed_on": instance.closed_on,
            }
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "---------"), *unit_choices()]  # type: ignore[attr-defined]
        self.fields["locality"].choices = [("", "---------"), *locality_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        # A unit's place of detention lies where the unit is: its locality may be left empty.
        data = super().clean() or {}
        unit = data.get("unit")
        if not data.get("locality"):
            if unit is not None:
                data["locality"] = unit.place
            elif "locality" not in self.errors:
                self.add_error(
                    "locality", _("Localité : choisissez la localité du lieu, ou son unité.")
                )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data.get("unit"),
            "name": data.get("name") or "",
            "kind": data["kind"],
            "locality": data["locality"],
            "capacity": data.get("capacity"),
            "cells": data.get("cells"),
            "opened_on": data.get("opened_on"),
            "closed_on": data.get("closed_on"),
        }
