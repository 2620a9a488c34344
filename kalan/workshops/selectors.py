"""Reads of workshops and sessions. Pages that list rows run a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

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
    key: str  # "20221108-day": the id of the column's total
    heading: str  # "mar 8/11" or "mar 8/11 matin": the header, and the cells' names end with it


def roster_column(*, day: dt.date, half: str) -> RosterColumn:
    heading = date_format(day, "D j/m")
    if half != Attendance.Half.DAY:
        heading = f"{heading} {Attendance.Half(half).label}"
    return RosterColumn(day=day, half=half, key=f"{day:%Y%m%d}-{half}", heading=heading)


def roster_columns(*, session: Session) -> list[tuple[dt.date, str]]:
    """The (day, half) of each attendance column, in the roster's order: a cell of the page
    names its column by its index in this list."""
    return [(day, half) for day in session.days for half in session.halves]


def roster_columns_version(*, session: Session) -> str:
    """What the column indexes of a page depend on. The page sends it back with a click, so that
    a click on a page drawn before the session's dates changed is refused rather than marked on
    whatever day now has that index."""
    return f"{session.start_date:%Y%m%d}-{session.end_date:%Y%m%d}-{int(session.half_days)}"


@dataclass(frozen=True)
class PriorTraining:
    """An earlier session where the person was present and learned some of the same objectives."""

    session: Session
    shared_objectives: int


class RosterRecord(Protocol):
    """What the roster reads of each row's enrollment (an Enrollment or a RosterEntry)."""

    @property
    def pk(self) -> Any: ...
    @property
    def role(self) -> Any: ...
    @property
    def person_id(self) -> Any: ...


R = TypeVar("R", bound=RosterRecord)


@dataclass(frozen=True)
class RosterEntry:
    """An enrollment as the session page shows it, read as one tuple (``session_roster_page``).

    Read as model instances, 400 rows are 2,400 of them (enrollment, person, rank, corps, unit,
    place), with every field converted: 40 ms of CPU here, against 3 ms as tuples — most of
    what the page of 400 costs more than the page of 40.
    """

    pk: int
    role: str
    over_capacity: bool
    person_id: int
    person_uid: uuid.UUID
    full_name: str
    corps: str
    rank: str
    unit: str

    @property
    def role_label(self) -> str:
        return str(Enrollment.Role(self.role).label)


@dataclass
class RosterRow(Generic[R]):
    enrollment: R
    marks: list[bool]  # one per (day, half) column, in the order of SessionRoster.columns
    present_count: int
    prior: list[PriorTraining] = field(default_factory=list)


@dataclass
class SessionRoster(Generic[R]):
    session: Session
    columns: list[tuple[dt.date, str]]
    rows: list[RosterRow[R]]
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
        weight = self.session.mark_weight
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


# What no reader of the roster (the page, its exports, the Word lists) shows: the records'
# timestamps, and the global ids of the reference rows. Left unread, as 400 rows hold some 2,400
# of them, each a datetime or a UUID to build.
ROSTER_UNREAD = [
    *(f"{prefix}{name}" for prefix in ("", "person__") for name in ("created_at", "updated_at")),
    *(
        f"person__{related}__{name}"
        for related in ("rank", "corps", "unit", "unit__place")
        for name in ("uid", "created_at", "updated_at")
    ),
]


def session_roster(*, session: Session) -> SessionRoster[Enrollment]:
    """The roster with one attendance mark per person per day, and who was already trained on
    the same objectives: four queries, whatever the size. Its rows hold the enrollments, persons
    and their reference rows as model instances (for the exports and the Word lists)."""
    enrollments = (
        session.enrollments.filter(superseded_by__isnull=True)
        .select_related("person__rank", "person__corps", "person__unit__place")
        .defer(*ROSTER_UNREAD)
        .order_by(*enrollment_ordering())
    )
    return _roster(session, list(enrollments))


def session_roster_page(*, session: Session) -> SessionRoster[RosterEntry]:
    """The roster as the session page shows it: the same rows, marks and totals as
    ``session_roster``, each enrollment read as a RosterEntry (why: its docstring)."""
    values = (
        session.enrollments.filter(superseded_by__isnull=True)
        .order_by(*enrollment_ordering())
        .values_list(
            "pk",
            "role",
            "over_capacity",
            "person_id",
            "person__uid",
            "person__last_name",
            "person__first_names",
            "person__corps__short_name",
            "person__corps__name",
            "person__rank__name",
            "person__unit__name",
        )
    )
    entries = [
        RosterEntry(
            pk=pk,
            role=role,
            over_capacity=over_capacity,
            person_id=person_id,
            person_uid=person_uid,
            full_name=Person.full_name_of(last_name, first_names),
            corps=corps_short or corps or "",  # as Corps.__str__
            rank=rank or "",
            unit=unit or "",
        )
        for (
            pk,
            role,
            over_capacity,
            person_id,
            person_uid,
            last_name,
            first_names,
            corps_short,
            corps,
            rank,
            unit,
        ) in values
    ]
    return _roster(session, entries)


def _roster(session: Session, records: list[R]) -> SessionRoster[R]:
    """The marks, the totals and the earlier trainings of these enrollments: three queries."""
    columns = roster_columns(session=session)
    details = [roster_column(day=day, half=half) for day, half in columns]
    index = {column: n for n, column in enumerate(columns)}
    # The marks as bare tuples rather than prefetched Attendance objects: 1,200 of them on a
    # page of 400, each a model instance the page would build and never use.
    marked: dict[int, list[int]] = {}
    for enrollment_id, day, half in Attendance.objects.filter(
        enrollment__session_id=session.pk
    ).values_list("enrollment_id", "day", "half"):
        n = index.get((day, half))
        if n is not None:
            marked.setdefault(enrollment_id, []).append(n)
    totals = [0] * len(columns)
    rows = []
    for record in records:
        marks = [False] * len(columns)
        for n in marked.get(record.pk, ()):
            marks[n] = True
            if record.role == Enrollment.Role.PARTICIPANT:
                totals[n] += 1
        rows.append(RosterRow(enrollment=record, marks=marks, present_count=sum(marks)))
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


@dataclass(frozen=True)
class AttendanceTotals:
    """The totals one click changes: the column's, the person's row, the footer's person-days."""

    column: int  # participants present in that column
    row: int  # periods present of that person
    person_days: float  # days of presence of the session's participants (a half-day is half)


def attendance_totals(*, enrollment: Enrollment, day: dt.date, half: str) -> AttendanceTotals:
    """After one click, as ``SessionRoster`` counts them: three queries."""
    session = enrollment.session
    # Marks outside today's columns (left by a change of dates) are not counted, as on the page.
    in_columns = Q(day__in=session.days, half__in=session.halves)
    participants = Attendance.objects.filter(
        in_columns,
        enrollment__session_id=session.pk,
        enrollment__role=Enrollment.Role.PARTICIPANT,
        enrollment__superseded_by__isnull=True,
    )
    weight = session.mark_weight
    return AttendanceTotals(
        column=participants.filter(day=day, half=half).count(),
        row=enrollment.attendances.filter(in_columns).count(),
        person_days=participants.count() * weight,
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
