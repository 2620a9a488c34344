"""Reads of workshops and sessions: the roster, a person's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.workshops import selectors
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

NOV_8, NOV_9, NOV_10 = (dt.date(2022, 11, day) for day in (8, 9, 10))
AM, PM, DAY = Attendance.Half.MORNING, Attendance.Half.AFTERNOON, Attendance.Half.DAY
PARTICIPANT, FACILITATOR = Enrollment.Role.PARTICIPANT, Enrollment.Role.FACILITATOR


def present(enrollment: Enrollment, *days: dt.date, half: str = DAY) -> None:
    for day in days:
        AttendanceFactory(enrollment=enrollment, day=day, half=half)


# session_roster -----------------------------------------------------------------------------------


def test_roster_has_one_column_per_day_of_the_session(sevare_session: Session) -> None:
    roster = selectors.session_roster(session=sevare_session)

    assert roster.columns == [(NOV_8, DAY), (NOV_9, DAY), (NOV_10, DAY)]
    assert roster.rows == []
    assert roster.column_totals == [0, 0, 0]


def test_roster_has_a_morning_and_an_afternoon_column_per_day_for_half_days() -> None:
    session = SessionFactory(half_days=True, end_date=NOV_9)

    roster = selectors.session_roster(session=session)

    assert roster.columns == [(NOV_8, AM), (NOV_8, PM), (NOV_9, AM), (NOV_9, PM)]


def test_roster_marks_each_person_on_the_days_they_were_present(sevare_session: Session) -> None:
    diarra = EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name="Diarra"))
    traore = EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name="Traoré"))
    present(diarra, NOV_8, NOV_9)
    present(traore, NOV_10)

    roster = selectors.session_roster(session=sevare_session)

    marks = {row.enrollment: (row.marks, row.present_count) for row in roster.rows}
    assert marks == {
        diarra: ([True, True, False], 2),
        traore: ([False, False, True], 1),
    }


def test_roster_totals_count_participants_only(sevare_session: Session) -> None:
    first, second = EnrollmentFactory.create_batch(2, session=sevare_session)
    facilitator = EnrollmentFactory(session=sevare_session, role=FACILITATOR)
    present(first, NOV_8, NOV_9)
    present(second, NOV_8)
    present(facilitator, NOV_8, NOV_9, NOV_10)

    roster = selectors.session_roster(session=sevare_session)

    assert roster.column_totals == [2, 1, 0]
    assert roster.participant_count == 2
    assert roster.person_days == 3.0
    assert [total for _day, _half, total in roster.header] == [2, 1, 0]


def test_roster_row_of_a_facilitator_still_shows_their_marks(sevare_session: Session) -> None:
    facilitator = EnrollmentFactory(session=sevare_session, role=FACILITATOR)
    present(facilitator, NOV_10)

    roster = selectors.session_roster(session=sevare_session)
    (row,) = roster.rows

    assert row.marks == [False, False, True]
    assert [column.day for column in roster.column_details] == [NOV_8, NOV_9, NOV_10]


def test_roster_counts_a_half_day_as_half_a_person_day() -> None:
    session = SessionFactory(half_days=True, end_date=NOV_9)
    enrollment = EnrollmentFactory(session=session)
    present(enrollment, NOV_8, half=AM)
    present(enrollment, NOV_8, half=PM)
    present(enrollment, NOV_9, half=AM)

    roster = selectors.session_roster(session=session)

    assert roster.rows[0].marks == [True, True, True, False]
    assert roster.column_totals == [1, 1, 1, 0]
    assert roster.person_days == 1.5


def test_roster_ignores_marks_outside_its_columns(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    present(enrollment, NOV_8)
    present(enrollment, dt.date(2022, 11, 11))  # written before the dates were changed
    present(enrollment, NOV_9, half=AM)  # written before switching to whole days

    roster = selectors.session_roster(session=sevare_session)

    assert roster.rows[0].marks == [True, False, False]
    assert roster.rows[0].present_count == 1
    assert roster.column_totals == [1, 0, 0]


def test_roster_lists_participants_by_name_then_facilitators_as_the_sign_in_sheet_does(
    sevare_session: Session,
) -> None:
    # Participants are numbered 1, 2… on screen as on the printed sheet, where facilitators
    # sign in a table of their own below them.
    for last_name, role in [
        ("Touré", PARTICIPANT),
        ("Cissé", PARTICIPANT),
        ("Sangaré", FACILITATOR),
    ]:
        EnrollmentFactory(
            session=sevare_session, role=role, person=PersonFactory(last_name=last_name)
        )

    roster = selectors.session_roster(session=sevare_session)

    assert [row.enrollment.person.last_name for row in roster.rows] == [
        "Cissé",
        "Touré",
        "Sangaré",
    ]


def test_roster_leaves_out_other_sessions(sevare_session: Session) -> None:
    present(EnrollmentFactory(), NOV_8)

    roster = selectors.session_roster(session=sevare_session)

    assert roster.rows == []
    assert roster.column_totals == [0, 0, 0]


def _session_with(participants: int) -> Session:
    session = SessionFactory(capacity=participants)
    units = UnitFactory.create_batch(3)
    for n in range(participants):
        enrollment = EnrollmentFactory(session=session, person=PersonFactory(unit=units[n % 3]))
        present(enrollment, NOV_8, NOV_10)
    EnrollmentFactory(session=session, role=FACILITATOR, person=PersonFactory(corps=None))
    return session


def _read_roster(session: Session) -> list[tuple[object, ...]]:
    """What the roster page shows: every person's name, rank, corps, unit and place, every mark."""
    session = Session.objects.get(pk=session.pk)  # nothing cached from the set-up
    roster = selectors.session_roster(session=session)
    return [
        (
            row.enrollment.person.full_name,
            row.enrollment.person.display_rank,
            row.enrollment.person.corps,
            row.enrollment.person.unit and row.enrollment.person.unit.place.name,
            row.enrollment.session.venue,
            row.enrollment.role,
            *row.marks,
            row.present_count,
        )
        for row in roster.rows
    ] + [tuple(roster.column_totals)]


def test_roster_runs_the_same_queries_for_5_and_for_50_participants() -> None:
    small, large = _session_with(5), _session_with(50)

    with CaptureQueriesContext(connection) as five:
        small_rows = _read_roster(small)
    with CaptureQueriesContext(connection) as fifty:
        large_rows = _read_roster(large)

    assert len(small_rows) == 5 + 1 + 1 and len(large_rows) == 50 + 1 + 1
    assert len(five) == len(fifty)
    assert len(fifty) <= 5


def test_roster_reads_in_five_queries_at_most(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    session = _session_with(12)

    # The session, the enrollments, their marks, the objectives and the earlier trainings.
    with django_assert_max_num_queries(5):
        rows = _read_roster(session)

    assert rows[-1] == (12, 0, 12)


# person_history -----------------------------------------------------------------------------------


def test_person_history_lists_sessions_newest_first_with_days_present() -> None:
    person = PersonFactory()
    older = EnrollmentFactory(person=person, session=SessionFactory())
    newer = EnrollmentFactory(
        person=person,
        role=FACILITATOR,
        session=SessionFactory(half_days=True, start_date=dt.date(2023, 5, 2)),
    )
    present(older, NOV_8, NOV_9, NOV_10)
    present(newer, dt.date(2023, 5, 2), half=AM)
    present(newer, dt.date(2023, 5, 2), half=PM)
    present(EnrollmentFactory(session=older.session), NOV_8)  # someone else

    history = list(selectors.person_history(person=person))

    assert [(e.pk, e.days_present) for e in history] == [(newer.pk, 1), (older.pk, 3)]


def test_person_history_shows_enrollments_without_attendance(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    (entry,) = selectors.person_history(person=enrollment.person)

    assert entry.days_present == 0


def test_person_history_reads_sessions_without_a_query_per_row(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    person = PersonFactory()
    for start in (dt.date(2022, 1, 3), dt.date(2022, 6, 6), dt.date(2023, 1, 9)):
        EnrollmentFactory(person=person, session=SessionFactory(start_date=start))

    with django_assert_num_queries(1):
        names = [
            (e.session.workshop.title, e.session.place.name, e.session.place.parent.name)
            for e in selectors.person_history(person=person)
        ]

    assert names == [(names[0][0], "Sévaré", "Mopti")] * 3


# sessions on the home page, and the counts after one click ---------------------------------------


def test_current_and_coming_sessions_leave_out_finished_ones(
    sevare_session: Session, programme_officer: User
) -> None:
    coming = SessionFactory(start_date=dt.date(2022, 12, 5))
    EnrollmentFactory.create_batch(2, session=coming)
    EnrollmentFactory(session=coming, role=FACILITATOR)

    sessions = list(
        selectors.sessions_current_and_coming(user=programme_officer, today=dt.date(2022, 11, 11))
    )

    assert sessions == [coming]
    assert sessions[0].participant_count == 2


def test_a_session_is_current_until_its_last_day(
    sevare_session: Session, programme_officer: User
) -> None:
    user = programme_officer
    assert list(selectors.sessions_current_and_coming(user=user, today=NOV_10)) == [sevare_session]
    assert list(selectors.sessions_recent(user=user, today=NOV_10)) == []
    recent = selectors.sessions_recent(user=user, today=dt.date(2022, 11, 11))
    assert list(recent) == [sevare_session]


def test_a_trainer_lists_only_the_sessions_assigned_to_them(
    sevare_session: Session, trainer: User, donor_viewer: User, outsider: User
) -> None:
    coming = SessionFactory(workshop=sevare_session.workshop, start_date=dt.date(2022, 12, 5))
    other_workshop_session = SessionFactory(start_date=dt.date(2022, 12, 12))
    assert list(selectors.sessions_current_and_coming(user=trainer, today=NOV_10)) == []
    coming.trainers.add(trainer)

    assert list(selectors.sessions_current_and_coming(user=trainer, today=NOV_10)) == [coming]
    assert list(selectors.sessions_visible(trainer)) == [coming]
    assert list(selectors.workshops_visible(trainer)) == [sevare_session.workshop]
    (workshop,) = selectors.workshop_list(user=trainer)
    assert workshop.session_count == 1
    assert other_workshop_session not in selectors.sessions_visible(trainer)
    for user in (donor_viewer, outsider):
        assert not selectors.sessions_visible(user).exists()
        assert not selectors.workshops_visible(user).exists()


def test_attendance_totals_agree_with_the_roster_s(sevare_session: Session) -> None:
    enrollment, other = EnrollmentFactory.create_batch(2, session=sevare_session)
    facilitator = EnrollmentFactory(session=sevare_session, role=FACILITATOR)
    present(enrollment, NOV_8, NOV_9)
    present(other, NOV_8)
    present(facilitator, NOV_8)

    mine = selectors.attendance_totals(enrollment=enrollment, day=NOV_8, half=DAY)
    theirs = selectors.attendance_totals(enrollment=other, day=NOV_9, half=DAY)

    assert (mine.column, mine.row, mine.person_days) == (2, 2, 3)  # the facilitator is not counted
    assert (theirs.column, theirs.row, theirs.person_days) == (1, 1, 3)
    roster = selectors.session_roster(session=sevare_session)
    assert roster.column_totals[:2] == [2, 1]
    assert roster.person_days == 3


def test_roster_shows_who_was_already_trained_on_the_same_objectives(
    sevare_session: Session,
) -> None:
    earlier_workshop = WorkshopFactory(
        axis=sevare_session.workshop.axis,
        objectives=["Prévenir la torture.", "Appliquer les garanties de la procédure pénale."],
    )
    unrelated = WorkshopFactory(axis=sevare_session.workshop.axis, objectives=["Gérer un budget."])
    earlier = SessionFactory(
        workshop=earlier_workshop, start_date=dt.date(2021, 5, 3), end_date=dt.date(2021, 5, 5)
    )
    other = SessionFactory(
        workshop=unrelated, start_date=dt.date(2021, 6, 1), end_date=dt.date(2021, 6, 2)
    )
    trained, absent, elsewhere = PersonFactory(), PersonFactory(), PersonFactory()
    AttendanceFactory(enrollment=EnrollmentFactory(session=earlier, person=trained))
    EnrollmentFactory(session=earlier, person=absent)  # enrolled, never present: not trained
    AttendanceFactory(enrollment=EnrollmentFactory(session=other, person=elsewhere))
    for person in (trained, absent, elsewhere):
        EnrollmentFactory(session=sevare_session, person=person)

    roster = selectors.session_roster(session=sevare_session)

    prior = {row.enrollment.person: row.prior for row in roster.rows}
    assert [(p.session, p.shared_objectives) for p in prior[trained]] == [(earlier, 1)]
    assert prior[absent] == [] and prior[elsewhere] == []
