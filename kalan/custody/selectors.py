"""Reads of the places of detention, the visits and the visit instrument (issue 14, points 1-3).

Every holder of ``view_custody`` reads every place and every visit: the NPM's findings are not
scoped by session or partner. A uid that names nothing answers 404 (``*_get_or_404``). Lists
annotate their counts in one query, so a page costs the same for ten places or a thousand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kalan.core.models import Place, User
from kalan.core.roles import Role
from kalan.custody.instrument import instrument_sources
from kalan.custody.models import (
    DetentionPlace,
    InstrumentItem,
    ItemAnswer,
    Recommendation,
    Visit,
    VisitPhoto,
)
from kalan.custody.selectors_recommendations import OPEN_STATUSES
from kalan.people.models import Unit

# The roles whose members may be in a visit's team: the NPM's members and administrators,
# never a trainer (the institution's trainers do not inspect the units they trained).
TEAM_ROLES = (Role.NPM, Role.ADMINISTRATOR)
# The units of the registry that have custody cells.
UNIT_KINDS_WITH_CELLS = ("brigade", "commissariat", "post")
RECENT_VISITS = 10


# --- places ---------------------------------------------------------------------------------


def places_list(*, kind: str = "", region: Place | None = None) -> QuerySet[DetentionPlace]:
    """The places, with ``visit_count`` and ``last_visit`` (the last visit done), filtered by
    kind and by region (the locality is the region or lies in it, two levels down at most)."""
    places = DetentionPlace.objects.select_related("locality__parent", "unit").annotate(
        visit_count=Count("visits", distinct=True),
        last_visit=Max("visits__visited_on", filter=Q(visits__status=Visit.Status.DONE)),
    )
    if kind:
        places = places.filter(kind=kind)
    if region is not None:
        places = places.filter(
            Q(locality=region) | Q(locality__parent=region) | Q(locality__parent__parent=region)
        )
    return places.order_by("name", "pk")


def regions() -> QuerySet[Place]:
    """The regions and districts, for the filter of the list."""
    return Place.objects.filter(kind__in=[Place.Kind.REGION, Place.Kind.DISTRICT]).order_by("name")


def place_get_or_404(uid: UUID | str) -> DetentionPlace:
    found = DetentionPlace.objects.select_related("locality__parent", "unit").filter(uid=uid)
    place = found.first()
    if place is None:
        raise Http404
    return place


def place_visits(place: DetentionPlace) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(place=place)
        .annotate(answer_count=Count("answers", distinct=True))
        .order_by("-visited_on", "-pk")
    )


def place_open_recommendations(place: DetentionPlace) -> QuerySet[Recommendation]:
    """The place's recommendations not yet closed (open or in progress), the oldest due first."""
    return (
        Recommendation.objects.filter(visit__place=place, status__in=OPEN_STATUSES)
        .select_related("visit", "unit")
        .order_by("due_on", "pk")
    )


def units_without_place() -> QuerySet[Unit]:
    """The registry's units with custody cells that have no place of detention yet."""
    return (
        Unit.objects.filter(kind__in=UNIT_KINDS_WITH_CELLS, detention_place__isnull=True)
        .select_related("place")
        .order_by("name", "pk")
    )


# --- visits ---------------------------------------------------------------------------------


def visits_list(
    *, place: DetentionPlace | None = None, status: str = "", year: int | None = None
) -> QuerySet[Visit]:
    """The visits, the latest first, with their place and ``team_size``."""
    visits = Visit.objects.select_related("place__locality").annotate(
        team_size=Count("team", distinct=True)
    )
    if place is not None:
        visits = visits.filter(place=place)
    if status:
        visits = visits.filter(status=status)
    if year:
        visits = visits.filter(visited_on__year=year)
    return visits.order_by("-visited_on", "-pk")


def visit_years() -> list[int]:
    dates = Visit.objects.dates("visited_on", "year", order="DESC")
    return [day.year for day in dates]


def visit_get_or_404(uid: UUID | str) -> Visit:
    visit = Visit.objects.select_related("place__locality", "place__unit").filter(uid=uid).first()
    if visit is None:
        raise Http404
    return visit


def photo_get_or_404(uid: UUID | str) -> VisitPhoto:
    photo = VisitPhoto.objects.select_related("visit").filter(uid=uid).first()
    if photo is None:
        raise Http404
    return photo


def team_candidates() -> QuerySet[User]:
    """The users who may be in a visit's team: active NPM members and administrators."""
    return User.objects.filter(is_active=True, role__in=TEAM_ROLES).order_by(
        "last_name", "first_name", "pk"
    )


# --- the instrument -------------------------------------------------------------------------


@dataclass
class ItemView:
    """An item of the instrument as a page shows it, with the visit's answer if any."""

    item: InstrumentItem
    sources: list[str]
    answer: ItemAnswer | None = None
    # The instrument's page adds the item's radio group and note (bound fields of its form).
    choice: Any = None
    note: Any = None


@dataclass
class ThemeView:
    key: str
    label: str
    items: list[ItemView] = field(default_factory=list)


def source_labels(item: InstrumentItem, names: dict[str, dict[str, str]]) -> list[str]:
    """« Code de procédure pénale du Mali…, art. 76 » for each of the item's sources."""
    labels = []
    for source in item.sources or []:
        name = names.get(source.get("source", ""), {}).get("name", source.get("source", ""))
        article = source.get("article", "")
        labels.append(f"{name}, art. {article}" if article else name)
    return labels


def instrument_by_theme(
    *, visit: Visit | None = None, items: Iterable[InstrumentItem] | None = None
) -> list[ThemeView]:
    """The active items grouped by theme, in the instrument's order, each with its sources named
    and, given a visit, its answer. Three queries whatever the number of items."""
    if items is None:
        items = InstrumentItem.objects.filter(active=True).order_by("order", "pk")
    answers: dict[int, ItemAnswer] = {}
    if visit is not None:
        answers = {a.item_id: a for a in ItemAnswer.objects.filter(visit=visit)}
    names = instrument_sources()
    labels = dict(InstrumentItem.Theme.choices)
    themes: dict[str, ThemeView] = {}
    for item in items:
        theme = themes.setdefault(item.theme, ThemeView(item.theme, str(labels[item.theme])))
        theme.items.append(ItemView(item, source_labels(item, names), answers.get(item.pk)))
    return list(themes.values())


def visit_answered_by_theme(visit: Visit) -> list[ThemeView]:
    """The visit's answers grouped by theme (items out of use included when answered)."""
    answered = ItemAnswer.objects.filter(visit=visit).values("item_id")
    items = InstrumentItem.objects.filter(Q(active=True) | Q(pk__in=answered)).order_by(
        "order", "pk"
    )
    return instrument_by_theme(visit=visit, items=items)


# --- the index ------------------------------------------------------------------------------


def visits_planned(*, today: dt.date | None = None) -> QuerySet[Visit]:
    today = today or timezone.localdate()
    return (
        Visit.objects.filter(status=Visit.Status.PLANNED, visited_on__gte=today)
        .select_related("place__locality")
        .order_by("visited_on", "pk")
    )


def visits_recent(*, today: dt.date | None = None, limit: int = RECENT_VISITS) -> list[Visit]:
    today = today or timezone.localdate()
    found = (
        Visit.objects.filter(status=Visit.Status.DONE, visited_on__lte=today)
        .select_related("place__locality")
        .order_by("-visited_on", "-pk")
    )
    return list(found[:limit])
