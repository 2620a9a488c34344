"""Reads of workshops and sessions. Pages that list rows run a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.models import User
from kalan.core.roles import SCOPED_TO_ASSIGNED_SESSIONS, sees_assigned_sessions_only
from kalan.core.text import fold
from kalan.people.models import Person
from kalan.plans.models import Axis
from kalan.workshops.models import (
    Attendance,
    Enrollment,
    Objective,
    Session,
    Workshop,
    enrollment_ordering,
)

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

# The participants a session counts: an enrollment superseded by a merge (kalan.workshops.merge)
# is the same person again.
COUNTED_PARTICIPANTS = Q(
    enrollments__role=Enrollment.Role.PARTICIPANT, enrollments__superseded_by__isnull=True
)


# --- scopes: what a user may reach (kalan.core.roles) -------------------------------------


def sessions_visible(user: AnyUser) -> QuerySet[Session]:
    """The sessions this user may open: all for the programme's staff, the assigned ones for a
    trainer, none for a donor viewer or an account without a role."""
    if not user.has_perm("kalan.view_programme"):
        return Session.objects.none()
    if sees_assigned_sessions_only(user):
        return Session.objects.filter(trainers=user.pk)
    return Session.objects.all()


def workshops_visible(user: AnyUser) -> QuerySet[Workshop]:
    """Workshops with at least one visible session, or all of them for unscoped staff."""
    if not user.has_perm("kalan.view_programme"):
        return Workshop.objects.none()
    if sees_assigned_sessions_only(user):
        return Workshop.objects.filter(
            pk__in=sessions_visible(user).values("workshop_id")
        ).distinct()
    return Workshop.objects.all()


def workshop_list(*, user: AnyUser) -> QuerySet[Workshop]:
    return (
        workshops_visible(user)
        .select_related("axis__plan")
        .annotate(
            session_count=Count(
                "sessions",
                filter=Q(sessions__in=sessions_visible(user).values("pk")),
                distinct=True,
            )
        )
        .order_by("-created_at")
    )


def workshop_detail(*, pk: int, user: AnyUser) -> Workshop:
    """The workshop with the sessions this user may see; DoesNotExist outside their scope."""
    return (
        workshops_visible(user)
        .select_related("axis__plan__organisation")
        .prefetch_related(
            "objectives",
            "fundings__partner",
            Prefetch(
                "sessions",
                queryset=sessions_visible(user)
                .select_related("place__parent")
                .annotate(participant_count=Count("enrollments", filter=COUNTED_PARTICIPANTS)),
            ),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class RosterColumn:
    """One attendance column, with what its cells print computed once rather than per cell."""

    day: dt.date
    half: str
    key: str  # "20221108-day": the ids of the column's cells and of its total
    iso: str  # "2022-11-08": the day as the toggle posts it
    label: str  # "présent(e) le 8 novembre (matin)": read out after the person's name


def roster_column(*, day: dt.date, half: str) -> RosterColumn:
    label = _("présent(e) le %(date)s") % {"date": date_format(day, "j F")}
    if half != Attendance.Half.DAY:
        label = f"{label} ({Attendance.Half(half).label})"
    return RosterColumn(
        day=day, half=half, key=f"{day:%Y%m%d}-{half}", iso=day.isoformat(), label=label
    )


@dataclass(frozen=True)
class RosterCell:
    column: RosterColumn
    present: bool

    @property
    def day(self) -> dt.date:
        return self.column.day

    @property
    def half(self) -> str:
        return self.column.half


@dataclass(frozen=True)
class PriorTraining:
    """An earlier session where the person was present and learned some of the same objectives."""

    session: Session
    shared_objectives: int


@dataclass
class RosterRow:
    enrollment: Enrollment
    marks: list[bool]  # one per (day, half) column, in the order of SessionRoster.columns
    present_count: int
    columns: list[RosterColumn] = field(default_factory=list, repr=False)
    prior: list[PriorTraining] = field(default_factory=list)

    @property
    def cells(self) -> list[RosterCell]:
        return [
            RosterCell(column=column, present=mark)
            for column, mark in zip(self.columns, self.marks, strict=True)
        ]


@dataclass
class SessionRoster:
    session: Session
    columns: list[tuple[dt.date, str]]
    rows: list[RosterRow]
    column_totals: list[int] = field(default_factory=list)
    column_details: list[RosterColumn] = field(default_factory=list)

    @property
    def header(self) -> list[tuple[dt.date, str, int]]:
        """Each attendance column with its count of participants present."""
        return [
            (day, half, total)
            for (day, half), total in zip(self.columns, self.column_totals, strict=True)
        ]

    @property
    def header_columns(self) -> list[tuple[RosterColumn, int]]:
        return list(zip(self.column_details, self.column_totals, strict=True))

    @property
    def participant_count(self) -> int:
        return sum(1 for r in self.rows if r.enrollment.role == Enrollment.Role.PARTICIPANT)

    @property
    def person_days(self) -> float:
        """Days of presence of participants; a half-day counts for half a day."""
        weight = 0.5 if self.session.half_days else 1.0
        return sum(
            r.present_count * weight
            for r in self.rows
            if r.enrollment.role == Enrollment.Role.PARTICIPANT
        )


def session_get(*, uid: str, user: AnyUser) -> Session:
    """The session, if this user may see it; DoesNotExist otherwise (as for an unknown uid)."""
    return (
        sessions_visible(user).select_related("workshop__axis__plan", "place__parent").get(uid=uid)
    )


def session_get_or_404(uid: object, *, user: AnyUser) -> Session:
    """For views: the session, or a 404 for an unknown or malformed uid or one outside the
    user's scope (a trainer asking for another trainer's session learns nothing, not even that
    it exists)."""
    try:
        return session_get(uid=str(uid), user=user)
    except (Session.DoesNotExist, ValidationError):
        raise Http404 from None


# --- trainers: the accounts that run a session ----------------------------------------------


def trainers_assignable() -> QuerySet[User]:
    """The accounts a session may be given as trainers: active ones with a trainer's role."""
    return User.objects.filter(is_active=True, role__in=SCOPED_TO_ASSIGNED_SESSIONS).order_by(
        "last_name", "first_name", "username"
    )


def session_trainers(*, session: Session) -> QuerySet[User]:
    """The accounts assigned to run this session, by name."""
    return session.trainers.order_by("last_name", "first_name", "username")


M = TypeVar("M", bound=models.Model)


def get_in_scope_or_404(queryset: QuerySet[M], *, user: AnyUser, session: str, **lookup: Any) -> M:
    """For views: one record of a session (a test, a statement, a certificate, an import) found
    by ``lookup``, or 404 when unknown, malformed or in a session outside the user's scope.
    ``session`` is the path from the record to its session (``"session"``,
    ``"enrollment__session"``)."""
    try:
        return queryset.filter(**{f"{session}__in": sessions_visible(user)}).get(**lookup)
    except (ObjectDoesNotExist, ValidationError):
        raise Http404 from None


def session_roster(*, session: Session) -> SessionRoster:
    """The roster with one attendance mark per person per day, and who was already trained on
    the same objectives: four queries, whatever the size."""
    enrollments = (
        session.enrollments.filter(superseded_by__isnull=True)
        .select_related("person__rank", "person__corps", "person__unit__place")
        .prefetch_related(
            Prefetch(
                "attendances", queryset=Attendance.objects.only("enrollment_id", "day", "half")
            )
        )
        .order_by(*enrollment_ordering())
    )
    columns = [(day, half) for day in session.days for half in session.halves]
    details = [roster_column(day=day, half=half) for day, half in columns]
    index = {column: n for n, column in enumerate(columns)}
    totals = [0] * len(columns)
    rows = []
    for enrollment in enrollments:
        marks = [False] * len(columns)
        for attendance in enrollment.attendances.all():
            n = index.get((attendance.day, attendance.half))
            if n is not None:
                marks[n] = True
                if enrollment.role == Enrollment.Role.PARTICIPANT:
                    totals[n] += 1
        rows.append(
            RosterRow(enrollment=enrollment, marks=marks, present_count=sum(marks), columns=details)
        )
    prior = prior_training(session=session, person_ids=[r.enrollment.person_id for r in rows])
    for row in rows:
        row.prior = prior.get(row.enrollment.person_id, [])
    return SessionRoster(
        session=session, columns=columns, rows=rows, column_totals=totals, column_details=details
    )


def prior_training(*, session: Session, person_ids: list[int]) -> dict[int, list[PriorTraining]]:
    """For each person, the earlier sessions (present at least once, as a participant) whose
    workshop is this one or shares at least one specific objective with it. Two queries.
    """
    if not person_ids:
        return {}
    objectives = (
        Objective.objects.filter(
            Q(workshop_id=session.workshop_id)
            | Q(
                workshop__sessions__enrollments__person_id__in=person_ids,
                workshop__sessions__start_date__lt=session.start_date,
            )
        )
        .values_list("workshop_id", "text")
        .distinct()
    )
    by_workshop: dict[int, set[str]] = {}
    for workshop_id, text in objectives:
        by_workshop.setdefault(workshop_id, set()).add(fold(text))
    here = by_workshop.get(session.workshop_id, set())
    earlier = (
        Enrollment.objects.filter(
            person_id__in=person_ids,
            role=Enrollment.Role.PARTICIPANT,
            session__start_date__lt=session.start_date,
            attendances__isnull=False,
        )
        .exclude(session=session)
        .select_related("session__place", "session__workshop")
        .distinct()
        .order_by("session__start_date")
    )
    found: dict[int, list[PriorTraining]] = {}
    for enrollment in earlier:
        other = enrollment.session
        shared = len(here & by_workshop.get(other.workshop_id, set()))
        if other.workshop_id == session.workshop_id or shared:
            found.setdefault(enrollment.person_id, []).append(
                PriorTraining(session=other, shared_objectives=shared)
            )
    return found


def sessions_current_and_coming(
    *, user: AnyUser, today: dt.date | None = None
) -> QuerySet[Session]:
    today = today or timezone.localdate()
    return (
        sessions_visible(user)
        .filter(end_date__gte=today)
        .select_related("workshop", "place__parent")
        .annotate(participant_count=Count("enrollments", filter=COUNTED_PARTICIPANTS))
        .order_by("start_date")
    )


def sessions_recent(
    *, user: AnyUser, today: dt.date | None = None, limit: int = 5
) -> QuerySet[Session]:
    today = today or timezone.localdate()
    return (
        sessions_visible(user)
        .filter(end_date__lt=today)
        .select_related("workshop", "place__parent")
        .annotate(participant_count=Count("enrollments", filter=COUNTED_PARTICIPANTS))
        .order_by("-start_date")[:limit]
    )


def person_history(*, person: Person) -> QuerySet[Enrollment]:
    """Every session the person was enrolled in, newest first, with days present."""
    return (
        person.enrollments.select_related("session__workshop", "session__place__parent")
        .annotate(days_present=Count("attendances__day", distinct=True))
        .order_by("-session__start_date")
    )


def attendance_counts(*, enrollment: Enrollment, day: dt.date, half: str) -> tuple[int, int]:
    """After one click: participants present in that column, and periods present of that person."""
    column = Attendance.objects.filter(
        enrollment__session_id=enrollment.session_id,
        enrollment__role=Enrollment.Role.PARTICIPANT,
        enrollment__superseded_by__isnull=True,
        day=day,
        half=half,
    ).count()
    return column, enrollment.attendances.count()


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
