"""The registry's unit merge and deletion with custody rows: a merge carries the unit's place of
detention and its recommendations, refuses two units that each have a place of detention, and a
unit with a place of detention cannot be deleted."""

from __future__ import annotations

import pytest

from kalan.custody.models import DetentionPlace, Recommendation
from kalan.people import services_reference as services
from kalan.people.errors import PeopleError
from kalan.people.models import Unit
from tests.custody.builders_recommendations import detention_place, recommendation, visit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_merge_carries_the_place_of_detention_and_the_recommendations() -> None:
    merged = UnitFactory(name="Brigade de Sévaré (doublon)")
    kept = UnitFactory(name="Brigade territoriale de Sévaré", corps=merged.corps)
    place = detention_place(merged)
    rec = recommendation(visit(place), unit=merged)
    moves = services.unit_merge(merged=merged, kept=kept, by=None)
    moved = {use.key: use.count for use in moves}
    assert moved["custody.DetentionPlace.unit"] == 1
    assert moved["custody.Recommendation.unit"] == 1
    place.refresh_from_db()
    rec.refresh_from_db()
    assert (place.unit, rec.unit) == (kept, kept)
    assert not Unit.objects.filter(pk=merged.pk).exists()


def test_two_units_each_with_a_place_of_detention_are_not_merged() -> None:
    merged = UnitFactory(name="Commissariat du 2e arrondissement")
    kept = UnitFactory(name="Commissariat du IIe arrondissement", corps=merged.corps)
    merged_place, kept_place = detention_place(merged), detention_place(kept)
    rec = recommendation(visit(merged_place), unit=merged)
    with pytest.raises(PeopleError) as refused:
        services.unit_merge(merged=merged, kept=kept, by=None)
    assert refused.value.code == "merge_collision"
    message = str(refused.value)
    assert "lieux de privation de liberté" in message
    assert "Commissariat du 2e arrondissement" in message
    assert "UNIQUE" not in message.upper() and "constraint" not in message
    # Nothing changed: both units, each place on its own unit, the recommendation on merged.
    assert Unit.objects.filter(pk__in=[merged.pk, kept.pk]).count() == 2
    assert DetentionPlace.objects.get(pk=merged_place.pk).unit_id == merged.pk
    assert DetentionPlace.objects.get(pk=kept_place.pk).unit_id == kept.pk
    assert Recommendation.objects.get(pk=rec.pk).unit_id == merged.pk


def test_a_unit_with_a_place_of_detention_is_not_deleted() -> None:
    unit = UnitFactory()
    detention_place(unit)
    with pytest.raises(PeopleError) as refused:
        services.reference_delete(obj=unit)
    assert refused.value.code == "reference_in_use"
    assert "lieux de privation de liberté : 1" in str(refused.value)
    assert Unit.objects.filter(pk=unit.pk).exists()
