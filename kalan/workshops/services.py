"""Every write to workshops, sessions, enrollments and attendance: one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.audit import audit_bulk_created
from kalan.core.models import Partner, Place, User
from kalan.core.roles import SCOPED_TO_ASSIGNED_SESSIONS
from kalan.people.models import Person
from kalan.people.services import person_create
from kalan.plans.models import Axis
from kalan.workshops.errors import WorkshopError
from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop


def _objectives_set(
    *, workshop: Workshop, objectives: Sequence[str], objectives_en: Sequence[str] = ()
) -> None:
    """The objectives in order, each with the English line at its position (if any).

    An objective keeps its row when its place in the list is kept, so that the curriculum
    objectives mapped onto it stay mapped when its text or its English is edited.
    """
    texts = [text.strip() for text in objectives if text.strip()]
    english = [text.strip() for text in objectives_en][: len(texts)]
    english += [""] * (len(texts) - len(english))
    kept = {o.order: o for o in workshop.objectives.all()}
    workshop.objectives.filter(order__gt=len(texts)).delete()
    new = []
    for n, (text, text_en) in enumerate(zip(texts, english, strict=True), start=1):
        objective = kept.get(n)
        if objective is None:
            new.append(Objective(workshop=workshop, order=n, text=text, text_en=text_en))
        elif (objective.text, objective.text_en) != (text, text_en):
            objective.text, objective.text_en = text, text_en
            objective.save(update_fields=["text", "text_en", "updated_at"])
    audit_bulk_created(Objective.objects.bulk_create(new))


def _fundings_set(*, workshop: Workshop, fundings: Sequence[tuple[Partner, int]]) -> None:
    seen: set[int] = set()
    for partner, _amount in fundings:
        if partner.pk in seen:
            raise WorkshopError(
                _("Le bailleur %(partner)s figure deux fois.") % {"partner": partner},
                code="duplicate_funder",
                field="fundings",
            )
        seen.add(partner.pk)
    workshop.fundings.all().delete()
    audit_bulk_created(
        Funding.objects.bulk_create(
            Funding(workshop=workshop, partner=partner, amount=amount)
            for partner, amount in fundings
        )
    )


@transaction.atomic
def workshop_create(
    *,
    axis: Axis,
    title: str,
    general_objective: str,
    objectives: Sequence[str] = (),
    target_audience: str = "",
    description: str = "",
    fundings: Sequence[tuple[Partner, int]] = (),
    title_en: str = "",
    general_objective_en: str = "",
    objectives_en: Sequence[str] = (),
) -> Workshop:
    """Create a workshop with its ordered specific objectives and its funders.

    Blank objective lines are dropped; ``objectives_en`` go with the objectives by position (an
    empty one: no English). Raises ValidationError for an empty title or general objective,
    WorkshopError (duplicate_funder) when a partner is listed twice.
    """
    workshop = Workshop(
        axis=axis,
        title=title.strip(),
        general_objective=general_objective.strip(),
        target_audience=target_audience.strip(),
        description=description.strip(),
        title_en=title_en.strip(),
        general_objective_en=general_objective_en.strip(),
    )
    workshop.full_clean()
    workshop.save()
    _objectives_set(workshop=workshop, objectives=objectives, objectives_en=objectives_en)
    _fundings_set(workshop=workshop, fundings=fundings)
    return workshop


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    axis: Axis,
    title: str,
    general_objective: str,
    objectives: Sequence[str],
    target_audience: str = "",
    description: str = "",
    fundings: Sequence[tuple[Partner, int]] = (),
    title_en: str = "",
    general_objective_en: str = "",
    objectives_en: Sequence[str] = (),
) -> Workshop:
    """Replace a workshop's fields, objectives and funders; raises as workshop_create."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    workshop.axis = axis
    workshop.title = title.strip()
    workshop.general_objective = general_objective.strip()
    workshop.target_audience = target_audience.strip()
    workshop.description = description.strip()
    workshop.title_en = title_en.strip()
    workshop.general_objective_en = general_objective_en.strip()
    workshop.full_clean()
    workshop.save()
    _objectives_set(workshop=workshop, objectives=objectives, objectives_en=objectives_en)
    _fundings_set(workshop=workshop, fundings=fundings)
    return workshop


@transaction.atomic
def session_create(
    *,
    workshop: Workshop,
    place: Place,
    venue: str,
    start_date: dt.date,
    end_date: dt.date,
    capacity: int,
    half_days: bool = False,
    per_diem_rate: int = 0,
    transport_rate: int = 0,
    certificate_min_percent: int = 100,
    trainers: Iterable[User] | None = None,
) -> Session:
    """Add a session to a workshop, numbered after the last one, with these trainers if given.

    Raises ValidationError (end_date) when the end comes before the start, and for any field the
    model refuses; WorkshopError as ``session_trainers_set``.
    """
    Workshop.objects.select_for_update().get(pk=workshop.pk)  # numbers are given one at a time
    last = workshop.sessions.aggregate(last=Max("number"))["last"] or 0
    session = Session(
        workshop=workshop,
        number=last + 1,
        place=place,
        venue=venue.strip(),
        start_date=start_date,
        end_date=end_date,
        capacity=capacity,
        half_days=half_days,
        per_diem_rate=per_diem_rate,
        transport_rate=transport_rate,
        certificate_min_percent=certificate_min_percent,
    )
    session.full_clean()
    session.save()
    if trainers is not None:
        session_trainers_set(session=session, trainers=trainers)
    return session


@transaction.atomic
def session_update(
    *, session: Session, trainers: Iterable[User] | None = None, **fields: object
) -> Session:
    """Change a session's place, venue, dates, capacity or rates, and its trainers if given.

    Raises WorkshopError (attendance_outside_dates) when new dates would leave recorded attendance
    outside the session, (attendance_other_halves) when switching between whole days and half-days
    would hide recorded attendance, WorkshopError as ``session_trainers_set``, and ValidationError
    as session_create.
    """
    allowed = {
        "place",
        "venue",
        "start_date",
        "end_date",
        "capacity",
        "half_days",
        "per_diem_rate",
        "transport_rate",
        "certificate_min_percent",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"session_update() got unexpected fields {sorted(unknown)}")
    session = Session.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    outside = Attendance.objects.filter(enrollment__session=session).exclude(
        day__range=(session.start_date, session.end_date)
    )
    if outside.exists():
        raise WorkshopError(
            _("Des présences sont déjà pointées en dehors de ces dates."),
            code="attendance_outside_dates",
            field="start_date",
        )
    # Marks of the other kind of period would vanish from the roster but still count elsewhere.
    hidden = Attendance.objects.filter(enrollment__session=session).exclude(half__in=session.halves)
    if hidden.exists():
        raise WorkshopError(
            _("Des présences sont pointées : le découpage de la journée ne peut plus changer."),
            code="attendance_other_halves",
            field="half_days",
        )
    session.save()
    if trainers is not None:
        session_trainers_set(session=session, trainers=trainers)
    return session


@transaction.atomic
def session_trainers_set(*, session: Session, trainers: Iterable[User]) -> Session:
    """Make these accounts the session's trainers, and only these: each of them sees the session
    (and no other unless assigned there too), an account taken off it no longer does.

    The session's form calls it, so those who may edit a session assign its trainers: programme
    officers and administrators (``change_programme``), who organise the sessions. A trainer does
    not assign themself. Every link added or removed is in the session's audit trail.

    Raises WorkshopError (not_a_trainer, at ``trainers``) when one of them is not an active
    account with a trainer's role.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    # Locked as user_update locks them: a role changed meanwhile either shows here or waits for
    # this to commit, then ends the assignment (kalan.workshops.receivers).
    wanted = {user.pk for user in trainers}
    accounts = list(User.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    for account in accounts:
        if not account.is_active or account.role not in SCOPED_TO_ASSIGNED_SESSIONS:
            raise WorkshopError(
                _(
                    "« %(name)s » n’est pas un compte actif de formateur : seuls les formateurs "
                    "sont assignés aux sessions."
                )
                % {"name": account.get_full_name() or account.username},
                code="not_a_trainer",
                field="trainers",
            )
    session.trainers.set(accounts)
    return session


@transaction.atomic
def trainer_assignments_end(*, user: User) -> list[Session]:
    """Take this account off every session it was assigned to, when it is no longer an active
    trainer; return those sessions. Each removal is audited on its session.

    The sessions are not locked: deleting a link takes no lock on them, so this cannot deadlock
    with ``session_trainers_set``, which locks the session then the account.
    """
    sessions = list(Session.objects.filter(trainers=user.pk).order_by("pk"))
    for session in sessions:
        session.trainers.remove(user)
    return sessions


@transaction.atomic
def enrollment_create(
    *,
    session: Session,
    person: Person,
    role: str = Enrollment.Role.PARTICIPANT,
    status: str = Enrollment.Status.CONFIRMED,
    allow_over_capacity: bool = False,
    by: User | None = None,
) -> Enrollment:
    """Enrol a person in a session.

    Raises WorkshopError with code ``already_enrolled`` (field person) when the person is already
    in the session, and ``over_capacity`` when the session is full and the user did not confirm
    the override. Only participants count against the capacity.
    """
    # Lock the session so that two trainers enrolling at once cannot both take the last seat.
    session = Session.objects.select_for_update().get(pk=session.pk)
    if Enrollment.objects.filter(session=session, person=person).exists():
        raise WorkshopError(
            _("%(person)s est déjà inscrit(e) à cette session.") % {"person": person},
            code="already_enrolled",
            field="person",
        )
    over = False
    if role == Enrollment.Role.PARTICIPANT:
        taken = (
            session.enrollments.filter(role=Enrollment.Role.PARTICIPANT, superseded_by__isnull=True)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .count()
        )
        over = taken >= session.capacity
        if over and not allow_over_capacity:
            raise WorkshopError(
                _(
                    "La session est complète (%(capacity)s participants). "
                    "Cochez « Inscrire au-delà de la capacité » pour confirmer."
                )
                % {"capacity": session.capacity},
                code="over_capacity",
                field="allow_over_capacity",
            )
    enrollment = Enrollment(
        session=session,
        person=person,
        role=role,
        status=status,
        over_capacity=over,
        enrolled_by=by,
    )
    enrollment.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:  # a concurrent enrollment of the same person won the race
        raise WorkshopError(
            _("%(person)s est déjà inscrit(e) à cette session.") % {"person": person},
            code="already_enrolled",
            field="person",
        ) from None
    return enrollment


@transaction.atomic
def enrollment_create_with_person(
    *,
    session: Session,
    person_fields: dict[str, object],
    role: str = Enrollment.Role.PARTICIPANT,
    allow_over_capacity: bool = False,
    by: User | None = None,
) -> Enrollment:
    """Record a new person and enrol them in one step: both happen, or neither."""
    person = person_create(**person_fields)  # type: ignore[arg-type]
    return enrollment_create(
        session=session,
        person=person,
        role=role,
        allow_over_capacity=allow_over_capacity,
        by=by,
    )


def _check_period(*, session: Session, day: dt.date, half: str) -> None:
    if not session.start_date <= day <= session.end_date:
        raise WorkshopError(
            _("Le %(day)s est en dehors de la session (du %(start)s au %(end)s).")
            % {
                "day": date_format(day, "SHORT_DATE_FORMAT"),
                "start": date_format(session.start_date, "SHORT_DATE_FORMAT"),
                "end": date_format(session.end_date, "SHORT_DATE_FORMAT"),
            },
            code="day_outside_session",
            field="day",
        )
    if half not in session.halves:
        raise WorkshopError(
            _("Cette session ne pointe pas la présence par « %(half)s ».")
            % {"half": Attendance.Half(half).label if half in Attendance.Half else half},
            code="wrong_half",
            field="half",
        )


@transaction.atomic
def attendance_set(
    *,
    enrollment: Enrollment,
    day: dt.date,
    half: str = Attendance.Half.DAY,
    present: bool,
    by: User | None = None,
) -> bool:
    """Mark a person present or not on a day (or half-day) of their session; returns presence.

    Raises WorkshopError ``day_outside_session`` (field day) or ``wrong_half`` (field half).
    Setting the same value twice changes nothing.
    """
    session = enrollment.session
    _check_period(session=session, day=day, half=half)
    if present:
        Attendance.objects.get_or_create(
            enrollment=enrollment, day=day, half=half, defaults={"marked_by": by}
        )
    else:
        Attendance.objects.filter(enrollment=enrollment, day=day, half=half).delete()
    return present


@transaction.atomic
def attendance_toggle(
    *, enrollment: Enrollment, day: dt.date, half: str = Attendance.Half.DAY, by: User | None = None
) -> bool:
    """One click: present becomes absent and absent becomes present. Raises as attendance_set."""
    Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    present = Attendance.objects.filter(enrollment=enrollment, day=day, half=half).exists()
    return attendance_set(enrollment=enrollment, day=day, half=half, present=not present, by=by)
