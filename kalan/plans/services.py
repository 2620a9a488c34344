"""Writes of strategic plans, axes and partners: one transaction each, validated first."""

from __future__ import annotations

from django.db import transaction

from kalan.core.models import Organisation, Partner
from kalan.plans.models import Axis, StrategicPlan


@transaction.atomic
def partner_create(*, name: str, acronym: str = "", website: str = "") -> Partner:
    """Record a partner. Raises ValidationError when the name is empty or already taken."""
    partner = Partner(name=name.strip(), acronym=acronym.strip(), website=website.strip())
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def plan_create(
    *, organisation: Organisation, title: str, start_year: int, end_year: int
) -> StrategicPlan:
    """Record a strategic plan. Raises ValidationError when it ends before it starts."""
    plan = StrategicPlan(
        organisation=organisation, title=title.strip(), start_year=start_year, end_year=end_year
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def axis_create(*, plan: StrategicPlan, number: int, title: str, description: str = "") -> Axis:
    """Add an axis to a plan. Raises ValidationError when the plan already has that number."""
    axis = Axis(plan=plan, number=number, title=title.strip(), description=description.strip())
    axis.full_clean()
    axis.save()
    return axis
