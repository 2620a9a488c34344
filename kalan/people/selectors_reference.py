"""Reads of the reference pages: corps, ranks, units, places and aliases, with how much uses each.

Counts are subqueries, never joins: a corps with 30 ranks and 200 units is not multiplied into
6,000 rows, and a list costs the same few queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kalan.core.models import Place
from kalan.core.text import fold
from kalan.people.models import Corps, Person, Posting, Rank, ReferenceAlias, Unit

REGION_KINDS = (Place.Kind.REGION, Place.Kind.DISTRICT)
NBSP = "\u00a0"


def _count(model: type[models.Model], field: str, **where: object) -> Coalesce:
    """How many rows of ``model`` point at the outer row through ``field``."""
    rows = (
        model._base_manager.filter(**{field: OuterRef("pk")}, **where)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def corps_list() -> QuerySet[Corps]:
    return Corps.objects.annotate(
        rank_count=_count(Rank, "corps"),
        unit_count=_count(Unit, "corps"),
        person_count=_count(Person, "corps", merged_into__isnull=True),
    ).order_by("order", "name")


def rank_list(*, corps: Corps) -> QuerySet[Rank]:
    return (
        Rank.objects.filter(corps=corps)
        .annotate(
            person_count=_count(Person, "rank", merged_into__isnull=True),
            alias_count=_count(ReferenceAlias, "rank"),
        )
        .order_by("order")
    )


def unit_list(*, corps: Corps | None = None, query: str = "") -> QuerySet[Unit]:
    """Units, of one corps when given, whose name or place holds every word of the query."""
    units = Unit.objects.select_related("corps", "place", "parent")
    if corps is not None:
        units = units.filter(corps=corps)
    for word in query.split():
        units = units.filter(Q(name__icontains=word) | Q(place__name__icontains=word))
    return units.annotate(
        person_count=_count(Person, "unit", merged_into__isnull=True),
        posting_count=_count(Posting, "unit"),
    ).order_by("name", "pk")


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    depth: int  # 0 for the region, 1 for its cercles…
    unit_count: int
    place_count: int = 0  # in the list of regions: how many places lie under it

    @property
    def indent(self) -> str:
        return "· " * self.depth


def _tree() -> tuple[dict[int, Place], dict[int | None, list[Place]]]:
    # In French order, accents aside: « Ménaka » before « Mopti ».
    places = {p.pk: p for p in sorted(Place.objects.all(), key=lambda p: fold(p.name))}
    children: dict[int | None, list[Place]] = {}
    for place in places.values():
        children.setdefault(place.parent_id, []).append(place)
    return places, children


def _unit_counts() -> dict[int, int]:
    return dict(
        Unit.objects.order_by().values("place").annotate(n=Count("pk")).values_list("place", "n")
    )


def region_list() -> list[PlaceRow]:
    """The regions and the district, each with how many places lie under it and how many
    units are in them."""
    places, children = _tree()
    units = _unit_counts()
    rows = []
    for region in sorted(
        (p for p in places.values() if p.kind in REGION_KINDS), key=lambda p: fold(p.name)
    ):
        below = [place for place, _depth in _walk(region, children)]
        rows.append(
            PlaceRow(
                place=region,
                depth=0,
                place_count=len(below),
                unit_count=sum(units.get(p.pk, 0) for p in [region, *below]),
            )
        )
    return rows


def place_rows(*, region: Place) -> list[PlaceRow]:
    """The region, then every place under it in tree order (a cercle, then its communes)."""
    _places, children = _tree()
    units = _unit_counts()
    rows = [PlaceRow(place=region, depth=0, unit_count=units.get(region.pk, 0))]
    rows += [
        PlaceRow(place=place, depth=depth, unit_count=units.get(place.pk, 0))
        for place, depth in _walk(region, children)
    ]
    return rows


def place_search(*, query: str) -> QuerySet[Place]:
    places = Place.objects.select_related("parent__parent")
    for word in query.split():
        places = places.filter(name__icontains=word)
    return places.annotate(unit_count=_count(Unit, "place")).order_by("name", "pk")


def place_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every place for a select, grouped under its region, indented by depth; the country and
    the regions themselves first."""
    places, children = _tree()
    top = sorted(
        (f"{p.name} ({p.get_kind_display()})", p.pk)
        for p in places.values()
        if p.kind in (Place.Kind.COUNTRY, *REGION_KINDS)
    )
    groups: list[tuple[str, list[tuple[int, str]]]] = [("", [(pk, label) for label, pk in top])]
    regions = sorted(
        (p for p in places.values() if p.kind in REGION_KINDS), key=lambda p: fold(p.name)
    )
    for region in regions:
        options = [
            (place.pk, f"{NBSP * 2 * (depth - 1)}{place.name} ({place.get_kind_display()})")
            for place, depth in _walk(region, children)
        ]
        if options:
            groups.append((region.name, options))
    return groups


def _walk(
    place: Place, children: dict[int | None, list[Place]], depth: int = 1
) -> list[tuple[Place, int]]:
    """The places under ``place`` in tree order, each with its depth below it."""
    found = []
    for child in children.get(place.pk, []):
        found.append((child, depth))
        found += _walk(child, children, depth + 1)
    return found


def unit_choices(*, exclude: Unit | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Every unit for a select, grouped by corps."""
    units = Unit.objects.select_related("corps", "place").order_by(
        "corps__order", "corps__name", "name"
    )
    if exclude is not None and exclude.pk is not None:
        units = units.exclude(pk=exclude.pk)
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        groups.setdefault(str(unit.corps), []).append((unit.pk, f"{unit.name} ({unit.place})"))
    return list(groups.items())


def alias_list(*, kind: str = "", corps: Corps | None = None) -> QuerySet[ReferenceAlias]:
    aliases = ReferenceAlias.objects.select_related("corps", "rank", "unit", "created_by")
    if kind:
        aliases = aliases.filter(kind=kind)
    if corps is not None:
        aliases = aliases.filter(corps=corps)
    return aliases.order_by("kind", "corps__order", "folded", "pk")
