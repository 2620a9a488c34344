"""Strategic plans and their axes: the rules the model and the database hold."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from kalan.core.models import Organisation, Partner
from kalan.plans.models import Axis, StrategicPlan
from tests.factories import AxisFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_plan_may_last_a_single_year(organisation: Organisation) -> None:
    plan = StrategicPlan(organisation=organisation, title="Plan", start_year=2022, end_year=2022)

    plan.full_clean()


def test_full_clean_refuses_a_plan_ending_before_it_starts(organisation: Organisation) -> None:
    plan = StrategicPlan(organisation=organisation, title="Plan", start_year=2022, end_year=2020)

    with pytest.raises(ValidationError) as caught:
        plan.full_clean()

    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "L’année de fin précède l’année de début."
    ]


def test_the_database_refuses_a_plan_ending_before_it_starts(plan: StrategicPlan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategicPlan.objects.filter(pk=plan.pk).update(end_year=plan.start_year - 1)

    plan.refresh_from_db()
    assert plan.end_year == 2022


def test_the_database_refuses_two_axes_with_the_same_number_in_a_plan(axis: Axis) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Axis.objects.create(plan=axis.plan, number=axis.number, title="Doublon")


def test_the_same_axis_number_may_be_used_by_another_plan(axis: Axis) -> None:
    other = AxisFactory(number=axis.number)

    assert other.plan != axis.plan


def test_the_database_numbers_axes_from_one(plan: StrategicPlan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Axis.objects.create(plan=plan, number=0, title="Axe zéro")


def test_an_axis_reads_with_its_number(axis: Axis) -> None:
    axis.title = "Concilier le respect des droits et les impératifs sécuritaires"

    # French typography: a non-breaking space before the colon.
    assert (
        str(axis) == "Axe 1\u00a0: Concilier le respect des droits et les impératifs sécuritaires"
    )


def test_a_partner_name_is_unique() -> None:
    PartnerFactory(name="EUCAP Sahel Mali")

    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="EUCAP Sahel Mali")
