"""Writes of plans, axes and partners."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalan.core.models import Organisation, Partner
from kalan.plans.models import StrategicPlan
from kalan.plans.services import axis_create, partner_create, plan_create


def test_plan_create_refuses_a_plan_that_ends_before_it_starts(organisation: Organisation) -> None:
    with pytest.raises(ValidationError) as error:
        plan_create(organisation=organisation, title="Plan", start_year=2022, end_year=2020)
    assert "L’année de fin précède l’année de début." in error.value.messages
    assert not StrategicPlan.objects.exists()


def test_axis_create_numbers_axes_once_per_plan(plan: StrategicPlan) -> None:
    axis = axis_create(plan=plan, number=3, title="  Concilier droits et sécurité ")
    assert (axis.number, axis.title) == (3, "Concilier droits et sécurité")
    with pytest.raises(ValidationError):
        axis_create(plan=plan, number=3, title="Un autre axe 3")
    assert plan.axes.count() == 1


def test_partner_create_refuses_a_name_already_taken(db: None) -> None:
    partner_create(name="EUCAP Sahel Mali", acronym="EUCAP")
    with pytest.raises(ValidationError) as error:
        partner_create(name="EUCAP Sahel Mali")
    assert "name" in error.value.message_dict
    assert Partner.objects.count() == 1
