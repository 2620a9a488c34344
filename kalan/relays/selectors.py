"""Reads of the follow-up that every part of the relays app shares: who the relays are, and
which of them a user may reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from kalan.workshops.selectors import sessions_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


def relays_of(*, sessions: QuerySet[Session]) -> QuerySet[Enrollment]:
    """The relays trained by these sessions: participant enrollments present at least one day
    or half-day, leaving out those a merge superseded (the person counts once). The same rule
    as ``kalan.reports.figures`` (*trained*)."""
    return Enrollment.objects.filter(
        Exists(Attendance.objects.filter(enrollment=OuterRef("pk"))),
        session__in=sessions,
        role=Enrollment.Role.PARTICIPANT,
        superseded_by__isnull=True,
    )


def relays_of_workshop(*, workshop: Workshop) -> QuerySet[Enrollment]:
    return relays_of(sessions=Session.objects.filter(workshop=workshop))


def relays_visible(user: AnyUser) -> QuerySet[Enrollment]:
    """The relays this user may see: those of the sessions they may open (a trainer: the
    sessions assigned to them), none without ``view_relays``."""
    if not user.has_perm("kalan.view_relays"):
        return Enrollment.objects.none()
    return relays_of(sessions=sessions_visible(user))
