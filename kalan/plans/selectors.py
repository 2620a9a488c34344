from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from kalan.core.models import Partner
from kalan.plans.models import Axis, StrategicPlan


def plan_list() -> QuerySet[StrategicPlan]:
    axes = Axis.objects.annotate(workshop_count=Count("workshops")).order_by("number")
    return StrategicPlan.objects.select_related("organisation").prefetch_related(
        Prefetch("axes", queryset=axes)
    )


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.order_by("name")
