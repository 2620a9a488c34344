"""Reads of the recommendations (issue 14, point 5): the list with its filters, a visit's own
recommendations, the earlier ones a visit is to check, and the counts of the custody index.

Every reader holds ``view_custody``; the views check it, these reads do not filter further
(recommendations are not secret within the institution)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kalan.custody.models import Recommendation, RecommendationCheck, Visit

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

OPEN_STATUSES = (Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS)
CLOSED_STATUSES = (Recommendation.Status.IMPLEMENTED, Recommendation.Status.REJECTED)


def recommendations_all() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("visit__place", "unit").annotate(
        responses_count=Count("responses", distinct=True)
    )


def recommendations_filtered(
    *,
    status: str = "",
    priority: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Recommendation]:
    """The recommendations, filtered by status, priority, and overdue (still open or in
    progress, past their due date)."""
    today = today or timezone.localdate()
    qs = recommendations_all()
    if status in Recommendation.Status.values:
        qs = qs.filter(status=status)
    if priority in Recommendation.Priority.values:
        qs = qs.filter(priority=priority)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    return qs.order_by("due_on", "pk")


def recommendation_counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """For the custody index: ``open`` (open or in progress) and ``overdue`` (of those, past
    their due date)."""
    today = today or timezone.localdate()
    counts = Recommendation.objects.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    return {"open": counts["open"] or 0, "overdue": counts["overdue"] or 0}


def recommendations_to_check(*, visit: Visit) -> QuerySet[Recommendation]:
    """The recommendations of earlier visits to the same place that this visit is to check:
    those still open or in progress, and those it already checked (whatever their status),
    each with this visit's check prefetched as ``this_visit_checks``."""
    return (
        recommendations_all()
        .filter(visit__place_id=visit.place_id, visit__visited_on__lt=visit.visited_on)
        .filter(Q(status__in=OPEN_STATUSES) | Q(checks__visit=visit))
        .distinct()
        .prefetch_related(
            Prefetch(
                "checks",
                queryset=RecommendationCheck.objects.filter(visit=visit),
                to_attr="this_visit_checks",
            )
        )
        .order_by("visit__visited_on", "due_on", "pk")
    )


def visit_recommendations_context(*, visit: Visit, user: AnyUser) -> dict[str, Any]:
    """The context of ``custody/_visit_recommendations.html`` on the visit's page.

    ``recommendations``: the visit's own; ``recommendations_to_check``: the earlier ones
    (``recommendations_to_check``), each with ``this_check`` (this visit's check or None);
    ``recommendation_can_write``: whether the add link and the check forms are offered
    (``record_visits``); ``check_findings``: the choices of the check form."""
    to_check = list(recommendations_to_check(visit=visit))
    for rec in to_check:
        found = getattr(rec, "this_visit_checks", [])
        rec.this_check = found[0] if found else None  # type: ignore[attr-defined]
    return {
        "recommendations": list(recommendations_all().filter(visit=visit).order_by("due_on", "pk")),
        "recommendations_to_check": to_check,
        "recommendation_can_write": bool(user.has_perm("kalan.record_visits")),
        "check_findings": RecommendationCheck.Finding.choices,
        "today": timezone.localdate(),
    }
