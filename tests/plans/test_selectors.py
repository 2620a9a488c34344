"""Reads of plans: the list of plans with their axes, and one axis with its workshops."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from kalan.plans import selectors
from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops import selectors as workshop_selectors
from tests.factories import AxisFactory, SessionFactory, StrategicPlanFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_plan_list_counts_the_workshops_of_each_axis(plan: StrategicPlan, axis: Axis) -> None:
    second = AxisFactory(plan=plan, number=2)
    WorkshopFactory.create_batch(2, axis=axis)

    (listed,) = selectors.plan_list()

    assert [(a.number, a.workshop_count) for a in listed.axes.all()] == [(1, 2), (2, 0)]
    assert second in listed.axes.all()


def test_plan_list_newest_plan_first(plan: StrategicPlan) -> None:
    newer = StrategicPlanFactory(organisation=plan.organisation, start_year=2023, end_year=2027)

    assert list(selectors.plan_list()) == [newer, plan]


def test_plan_list_reads_axes_without_a_query_per_plan(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for start in (2015, 2020, 2025):
        plan = StrategicPlanFactory(start_year=start, end_year=start + 2)
        AxisFactory.create_batch(3, plan=plan)

    with django_assert_num_queries(2):
        rows = [
            (p.organisation.acronym, [a.workshop_count for a in p.axes.all()])
            for p in selectors.plan_list()
        ]

    assert rows == [("CNDH", [0, 0, 0])] * 3


def test_axis_detail_brings_its_workshops_and_their_sessions(axis: Axis) -> None:
    session = SessionFactory(workshop=WorkshopFactory(axis=axis))

    found = workshop_selectors.axis_detail(pk=axis.pk)

    assert found.plan == axis.plan
    assert [list(w.sessions.all()) for w in found.workshops.all()] == [[session]]
