"""Builders for the interviews' and recommendations' tests: a place of detention (the custody
of a brigade), a visit to it, a recommendation of a visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kalan.custody.models import DetentionPlace, Recommendation, RecommendationResponse, Visit
from kalan.people.models import Unit
from tests.custody.builders_visits import a_place, a_visit
from tests.factories import UnitFactory


def detention_place(unit: Unit | None = None, **kwargs: Any) -> DetentionPlace:
    """The custody of a unit (a brigade by default): ``a_place`` with the unit's name and town."""
    unit = unit or UnitFactory()
    kwargs.setdefault("name", f"Chambre de sûreté — {unit.name}")
    kwargs.setdefault("locality", unit.place)
    return a_place(unit=unit, **kwargs)


def visit(
    place: DetentionPlace | None = None, on: dt.date = dt.date(2024, 3, 12), **kwargs: Any
) -> Visit:
    return a_visit(place or detention_place(), visited_on=on, **kwargs)


def recommendation(of: Visit | None = None, **kwargs: Any) -> Recommendation:
    of = of or visit()
    kwargs.setdefault("unit", of.place.unit)
    kwargs.setdefault("text", "Tenir le registre de garde à vue à jour, heure par heure.")
    kwargs.setdefault("priority", Recommendation.Priority.HIGH)
    kwargs.setdefault("due_on", of.visited_on + dt.timedelta(days=90))
    return Recommendation.objects.create(visit=of, **kwargs)


def response(rec: Recommendation, **kwargs: Any) -> RecommendationResponse:
    kwargs.setdefault("received_on", rec.visit.visited_on + dt.timedelta(days=20))
    kwargs.setdefault("respondent", "Le commandant de brigade")
    kwargs.setdefault("text", "Un nouveau registre a été ouvert.")
    return RecommendationResponse.objects.create(recommendation=rec, **kwargs)
