"""What the app's deletions do to the relays' rows.

What can delete something the follow-up points at, in the app today (services that call
``.delete()``): the edit of a workshop deletes the objectives past the end of its new list
(refused when a commitment or a restitution names one: ``kalan.relays.receivers``); the
reference pages delete a unit or a place that nothing uses (a restitution's unit and place are
PROTECT, and ``reference_uses`` counts them), and a unit merge moves them to the kept unit.
No service deletes a person, an enrollment, a session or a workshop (a merge hides a person and
supersedes an enrollment); were one deleted by hand, its relays' rows go with its enrollments
(CASCADE) and a departure with its person.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.errors import KalanError
from kalan.core.models import User
from kalan.people.services_reference import reference_delete, unit_merge
from kalan.relays.models import Commitment, Restitution
from kalan.workshops.models import Objective, Workshop
from kalan.workshops.services import workshop_update
from tests.factories import PlaceFactory, UnitFactory
from tests.relays.factories import CommitmentFactory, RestitutionFactory, relay

pytestmark = pytest.mark.django_db


def shorten(workshop: Workshop, count: int) -> None:
    texts = list(workshop.objectives.order_by("order").values_list("text", flat=True))
    workshop_update(
        workshop=workshop,
        axis=workshop.axis,
        title=workshop.title,
        general_objective=workshop.general_objective,
        objectives=texts[:count],
    )


def test_an_objective_a_restitution_covered_cannot_be_removed_from_the_workshop(
    workshop: Workshop,
) -> None:
    last = workshop.objectives.order_by("order").last()
    assert last is not None
    restitution = RestitutionFactory(enrollment=relay())
    restitution.objectives.add(last)
    with pytest.raises(KalanError) as error:
        shorten(workshop, 1)
    assert error.value.code == "objective_in_use" and error.value.field == "objectives"
    assert "L’objectif n° 2" in str(error.value)
    assert "0 engagement(s) et 1 restitution(s)" in str(error.value)
    assert list(Restitution.objects.get().objectives.all()) == [last]


def test_an_objective_a_commitment_names_cannot_be_removed_either(workshop: Workshop) -> None:
    last = workshop.objectives.order_by("order").last()
    assert last is not None
    CommitmentFactory().objectives.add(last)
    with pytest.raises(KalanError):
        shorten(workshop, 1)
    assert Commitment.objects.get().objectives.get() == last
    assert workshop.objectives.count() == 2


def test_an_objective_no_relay_names_is_removed_as_before(workshop: Workshop) -> None:
    first = workshop.objectives.order_by("order").first()
    assert first is not None
    RestitutionFactory().objectives.add(first)
    shorten(workshop, 1)
    assert list(workshop.objectives.all()) == [first]
    assert not Objective.objects.filter(order=2, workshop=workshop).exists()


def test_a_unit_a_restitution_was_held_in_cannot_be_deleted() -> None:
    unit = UnitFactory()
    RestitutionFactory(unit=unit)
    with pytest.raises(KalanError) as error:
        reference_delete(obj=unit)
    assert error.value.code == "reference_in_use"
    assert "restitutions : 1" in str(error.value)


def test_a_place_a_restitution_was_held_in_cannot_be_deleted() -> None:
    town = PlaceFactory(name="Konna")
    RestitutionFactory(place=town)
    with pytest.raises(KalanError) as error:
        reference_delete(obj=town)
    assert "restitutions : 1" in str(error.value)


def test_a_unit_merge_moves_the_restitutions_held_in_the_merged_unit() -> None:
    merged = UnitFactory()
    kept = UnitFactory(corps=merged.corps)
    restitution = RestitutionFactory(unit=merged)
    unit_merge(merged=merged, kept=kept, by=None)
    restitution.refresh_from_db()
    assert restitution.unit == kept


def test_the_workshop_page_shows_the_refusal_at_the_objectives(
    workshop: Workshop, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    last = workshop.objectives.order_by("order").last()
    assert last is not None
    RestitutionFactory().objectives.add(last)
    response = client_for(programme_officer).post(
        reverse("workshop_edit", kwargs={"pk": workshop.pk}),
        {
            "axis": str(workshop.axis_id),
            "title": "Nouveau titre",
            "general_objective": workshop.general_objective,
            "objectives": "Un seul objectif",
            "fundings-TOTAL_FORMS": "0",
            "fundings-INITIAL_FORMS": "0",
            "fundings-MIN_NUM_FORMS": "0",
            "fundings-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "est cité par 0 engagement(s) et 1 restitution(s)" in str(
        response.context["form"].errors["objectives"]
    )
    workshop.refresh_from_db()
    assert workshop.title != "Nouveau titre"  # nothing half-saved
