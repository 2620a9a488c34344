"""Places of detention: recorded by hand (a unit's custody cells, or another place) or created at
once for every unit of the registry that has custody cells (issue 14, point 1).

The rules, each a ``CustodyError`` naming its field:

- ``name_missing``: no name, and no unit whose name it could take;
- ``unit_taken``: the unit already has its place of detention (one per unit);
- ``closed_before_opened``: the closing date is before the opening date;
- ``visit_outside``: the new dates leave out a visit already recorded (the message names it).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.models import Place
from kalan.custody.errors import CustodyError
from kalan.custody.models import DetentionPlace, Visit
from kalan.custody.selectors import units_without_place
from kalan.people.models import Unit

# The kind of place a unit's custody cells are, by the unit's kind.
KIND_OF_UNIT: dict[str, str] = {
    Unit.Kind.BRIGADE: DetentionPlace.Kind.BRIGADE,
    Unit.Kind.COMMISSARIAT: DetentionPlace.Kind.COMMISSARIAT,
    Unit.Kind.POST: DetentionPlace.Kind.POST,
}


def _day(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


@transaction.atomic
def detention_place_save(
    *,
    place: DetentionPlace | None = None,
    unit: Unit | None,
    name: str,
    kind: str,
    locality: Place,
    capacity: int | None,
    cells: int | None,
    opened_on: dt.date | None,
    closed_on: dt.date | None,
) -> DetentionPlace:
    """Create a place (``place`` None) or change it. An empty name takes the unit's. Raises
    CustodyError (see the module's docstring)."""
    name = name.strip() or (unit.name if unit is not None else "")
    if not name:
        raise CustodyError(
            _("Nom : indiquez le nom du lieu, ou choisissez l’unité dont il prend le nom."),
            code="name_missing",
            field="name",
        )
    if unit is not None:
        taken = DetentionPlace.objects.filter(unit=unit)
        if place is not None:
            taken = taken.exclude(pk=place.pk)
        if taken.exists():
            raise CustodyError(
                _("Unité : « %(unit)s » a déjà son lieu de privation de liberté.")
                % {"unit": unit.name},
                code="unit_taken",
                field="unit",
            )
    if opened_on and closed_on and closed_on < opened_on:
        raise CustodyError(
            _(
                "Fermé le : la date de fermeture (%(closed)s) précède la mise en service "
                "(%(opened)s)."
            )
            % {"closed": _day(closed_on), "opened": _day(opened_on)},
            code="closed_before_opened",
            field="closed_on",
        )
    if place is not None:
        _check_visits_inside(place, opened_on=opened_on, closed_on=closed_on)
    place = place or DetentionPlace()
    place.unit = unit
    place.name = name
    place.kind = kind
    place.locality = locality
    place.capacity = capacity
    place.cells = cells
    place.opened_on = opened_on
    place.closed_on = closed_on
    place.full_clean()
    place.save()
    return place


def _check_visits_inside(
    place: DetentionPlace, *, opened_on: dt.date | None, closed_on: dt.date | None
) -> None:
    visits = Visit.objects.filter(place=place).exclude(status=Visit.Status.CANCELLED)
    before = visits.filter(visited_on__lt=opened_on).first() if opened_on else None
    after = visits.filter(visited_on__gt=closed_on).first() if closed_on else None
    outside = before or after
    if outside is not None:
        raise CustodyError(
            _(
                "Dates : une visite du %(day)s est enregistrée en dehors de ces dates ; corrigez "
                "la visite ou les dates du lieu."
            )
            % {"day": _day(outside.visited_on)},
            code="visit_outside",
            field="opened_on" if before else "closed_on",
        )


@transaction.atomic
def detention_places_from_units() -> list[DetentionPlace]:
    """Create a place for each unit of the registry with custody cells (a brigade, a
    commissariat, a post) that has none, named after the unit, in its locality. All or none;
    returns the places created (none when every such unit has its place)."""
    created = []
    for unit in units_without_place().select_for_update(of=("self",)):
        place = DetentionPlace(
            unit=unit, name=unit.name, kind=KIND_OF_UNIT[unit.kind], locality=unit.place
        )
        place.full_clean()
        place.save()
        created.append(place)
    return created
