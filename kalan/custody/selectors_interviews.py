"""Reads of the anonymous interviews (issue 14, point 4).

Who holds ``view_interviews`` (the NPM, administrators) sees the codes and opens the notes;
who holds only ``view_custody`` (programme, monitoring) sees counts: how many persons were
interviewed and how many reported ill-treatment, never a code, never a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from kalan.custody.models import Interview, Visit

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


def interviews_readable(user: AnyUser) -> bool:
    return bool(user.has_perm("kalan.view_interviews"))


def interviews_visible(user: AnyUser) -> QuerySet[Interview]:
    """The interviews this user may open: all with ``view_interviews``, none otherwise."""
    if not interviews_readable(user):
        return Interview.objects.none()
    return Interview.objects.select_related("visit__place")


def interview_counts(*, visit: Visit) -> dict[str, int]:
    """The visit's interviews as counts only: ``total`` and ``allegations``."""
    counts = Interview.objects.filter(visit=visit).aggregate(
        total=Count("pk"), allegations=Count("pk", filter=Q(allegation=True))
    )
    return {"total": counts["total"] or 0, "allegations": counts["allegations"] or 0}


def visit_interviews_context(*, visit: Visit, user: AnyUser) -> dict[str, Any]:
    """The context of ``custody/_visit_interviews.html`` on the visit's page.

    ``interviews_readable``: whether the codes are shown; ``interviews``: the codes and their
    allegation flag (never the notes: the list is built with ``only``), empty for a reader
    without ``view_interviews``; ``interview_counts``: the counts every reader sees;
    ``interview_can_add``: whether the add link is offered."""
    readable = interviews_readable(user)
    interviews: list[Interview] = []
    if readable:
        interviews = list(
            Interview.objects.filter(visit=visit).only("uid", "code", "allegation", "visit_id")
        )
        counts = {
            "total": len(interviews),
            "allegations": sum(1 for i in interviews if i.allegation),
        }
    else:
        counts = interview_counts(visit=visit)
    return {
        "interviews_readable": readable,
        "interviews": interviews,
        "interview_counts": counts,
        "interview_can_add": readable and visit.status != Visit.Status.CANCELLED,
    }
