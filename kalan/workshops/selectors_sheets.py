"""Reads for the session's paper: who goes on the sign-in sheets, the badges and the lists."""

from __future__ import annotations

from dataclasses import dataclass

from kalan.workshops.models import Enrollment, Session, enrollment_sort_key


@dataclass(frozen=True)
class SessionPeople:
    attendees: list[Enrollment]  # participants, then observers and organisers
    facilitators: list[Enrollment]

    @property
    def participants(self) -> list[Enrollment]:
        return [e for e in self.attendees if e.role == Enrollment.Role.PARTICIPANT]


def session_people(*, session: Session) -> SessionPeople:
    """Everyone enrolled but withdrawn, with rank, corps and unit: one query."""
    enrollments = sorted(
        session.enrollments.exclude(status=Enrollment.Status.WITHDRAWN)
        .filter(superseded_by__isnull=True)
        .select_related("person__rank", "person__corps", "person__unit"),
        key=enrollment_sort_key,
    )
    return SessionPeople(
        attendees=[e for e in enrollments if e.role != Enrollment.Role.FACILITATOR],
        facilitators=[e for e in enrollments if e.role == Enrollment.Role.FACILITATOR],
    )
