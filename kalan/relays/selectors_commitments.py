"""Reads of the commitments: a session's participants with their commitment, the phone's own."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kalan.relays.models import Audience, Commitment, CommitmentWindow
from kalan.workshops.models import Enrollment, Objective, Session, enrollment_ordering


def commitment_participants(*, session: Session) -> QuerySet[Enrollment]:
    """The participants who may commit: not withdrawn, not merged into another enrollment."""
    return (
        Enrollment.objects.filter(
            session=session, role=Enrollment.Role.PARTICIPANT, superseded_by__isnull=True
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by(*enrollment_ordering())
    )


@dataclass(frozen=True)
class CommitmentRow:
    enrollment: Enrollment
    commitment: Commitment | None
    audiences: list[str]  # labels, in the list's order
    objective_numbers: list[int]


@dataclass(frozen=True)
class SessionCommitments:
    rows: list[CommitmentRow]
    objectives: list[Objective]
    window: CommitmentWindow | None

    @property
    def entered(self) -> int:
        return sum(1 for row in self.rows if row.commitment is not None)

    @property
    def by_phone(self) -> int:
        return sum(1 for row in self.rows if row.commitment and row.commitment.source == "phone")

    @property
    def people_planned(self) -> int:
        return sum(row.commitment.people_planned for row in self.rows if row.commitment)


def session_commitments(*, session: Session) -> SessionCommitments:
    """Every participant of the session with their commitment or none: four queries, however
    many participants."""
    enrollments = list(
        commitment_participants(session=session)
        .select_related("person__rank", "person__unit", "commitment")
        .prefetch_related(
            Prefetch("commitment__objectives", queryset=Objective.objects.order_by("order"))
        )
    )
    labels = dict(Audience.choices)
    rows = []
    for enrollment in enrollments:
        commitment = getattr(enrollment, "commitment", None)
        rows.append(
            CommitmentRow(
                enrollment=enrollment,
                commitment=commitment,
                audiences=[str(labels[a]) for a in commitment.audiences if a in labels]
                if commitment
                else [],
                objective_numbers=[o.order for o in commitment.objectives.all()]
                if commitment
                else [],
            )
        )
    return SessionCommitments(
        rows=rows,
        objectives=list(Objective.objects.filter(workshop_id=session.workshop_id)),
        window=CommitmentWindow.objects.filter(session=session).first(),
    )


def commitment_participant_or_404(*, session: Session, pk: int) -> Enrollment:
    """A participant of this session who may commit, with their commitment if any; 404 else."""
    enrollment = (
        commitment_participants(session=session)
        .select_related("person", "session__workshop")
        .filter(pk=pk)
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


def commitment_of(enrollment: Enrollment) -> Commitment | None:
    return Commitment.objects.filter(enrollment=enrollment).prefetch_related("objectives").first()
