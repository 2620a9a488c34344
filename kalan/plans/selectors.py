from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops.models import Session, Workshop
from kalan.workshops.selectors import sessions_visible, workshops_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


def plan_list() -> QuerySet[StrategicPlan]:
    axes = Axis.objects.annotate(workshop_count=Count("workshops")).order_by("number")
    return StrategicPlan.objects.select_related("organisation").prefetch_related(
        Prefetch("axes", queryset=axes)
    )


def axis_detail(*, pk: int, user: AnyUser | None = None) -> Axis:
    """The axis with its workshops and their sessions: for ``user``, only those they may see
    (a trainer, the workshops and sessions assigned to them), as on the workshop pages.
    Raises Axis.DoesNotExist."""
    workshops, sessions = Workshop.objects.all(), Session.objects.all()
    if user is not None:
        workshops, sessions = workshops_visible(user), sessions_visible(user)
    return (
        Axis.objects.select_related("plan")
        .prefetch_related(
            Prefetch(
                "workshops",
                queryset=workshops.prefetch_related(Prefetch("sessions", queryset=sessions)),
            )
        )
        .get(pk=pk)
    )
