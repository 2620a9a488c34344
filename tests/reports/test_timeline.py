"""figures.timeline: the programme period by period, with the definitions of participation."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from kalan.reports.figures import Period, Scope, participation, period_start, timeline
from kalan.workshops.models import Attendance, Enrollment
from tests.factories import AttendanceFactory, EnrollmentFactory, SessionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 1, 1)


def session_with_attendance(start: dt.date, present: int, *, half_days: bool = False) -> None:
    session = SessionFactory(start_date=start, half_days=half_days)
    for _ in range(present):
        enrollment = EnrollmentFactory(session=session)
        AttendanceFactory(enrollment=enrollment, day=start)
        AttendanceFactory(enrollment=enrollment, day=start + dt.timedelta(days=1))
    EnrollmentFactory(session=session)  # never came
    AttendanceFactory(
        enrollment=EnrollmentFactory(session=session, role=Enrollment.Role.FACILITATOR)
    )


def test_the_periods_add_up_to_the_totals_of_participation() -> None:
    session_with_attendance(dt.date(2022, 11, 8), 3)
    session_with_attendance(dt.date(2022, 11, 28), 2, half_days=True)
    session_with_attendance(dt.date(2023, 2, 6), 4)
    SessionFactory(start_date=dt.date(2024, 3, 4))  # planned

    periods = timeline(scope=Scope(), today=TODAY)
    totals = participation(scope=Scope(), today=TODAY)

    assert sum(p.persons_trained for p in periods) == totals.persons_trained == 9
    assert sum(p.person_days for p in periods) == totals.person_days == 3 * 2 + 2 * 1 + 4 * 2
    assert sum(p.sessions_held for p in periods) == totals.sessions_held == 3
    assert sum(p.sessions_planned for p in periods) == totals.sessions_planned == 1


def test_a_session_falls_in_the_month_of_its_first_day_and_gaps_are_zeros() -> None:
    session_with_attendance(dt.date(2022, 11, 29), 1)  # ends on 1 December
    session_with_attendance(dt.date(2023, 1, 9), 2)

    periods = timeline(scope=Scope(), today=TODAY)

    assert periods == [
        Period(start=dt.date(2022, 11, 1), sessions_held=1, persons_trained=1, person_days=2),
        Period(start=dt.date(2022, 12, 1)),
        Period(start=dt.date(2023, 1, 1), sessions_held=1, persons_trained=2, person_days=4),
    ]


def test_quarters_and_years_are_sums_of_months() -> None:
    session_with_attendance(dt.date(2022, 11, 8), 1)
    session_with_attendance(dt.date(2022, 12, 5), 2)
    session_with_attendance(dt.date(2023, 7, 3), 3)

    quarters = timeline(scope=Scope(), step="quarter", today=TODAY)
    years = timeline(scope=Scope(), step="year", today=TODAY)

    assert [(p.start, p.persons_trained) for p in quarters] == [
        (dt.date(2022, 10, 1), 3),
        (dt.date(2023, 1, 1), 0),
        (dt.date(2023, 4, 1), 0),
        (dt.date(2023, 7, 1), 3),
    ]
    assert [(p.start, p.sessions_held) for p in years] == [
        (dt.date(2022, 1, 1), 2),
        (dt.date(2023, 1, 1), 1),
    ]


def test_a_scope_with_no_session_has_no_period() -> None:
    assert timeline(scope=Scope(start=dt.date(2030, 1, 1))) == []


@pytest.mark.parametrize(
    ("day", "step", "start"),
    [
        (dt.date(2022, 11, 8), "month", dt.date(2022, 11, 1)),
        (dt.date(2022, 11, 8), "quarter", dt.date(2022, 10, 1)),
        (dt.date(2022, 3, 31), "quarter", dt.date(2022, 1, 1)),
        (dt.date(2022, 11, 8), "year", dt.date(2022, 1, 1)),
    ],
)
def test_period_start(day: dt.date, step: str, start: dt.date) -> None:
    assert period_start(day, step) == start  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [2, 8])
def test_it_is_one_query_whatever_the_number_of_sessions(
    django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for n in range(count):
        session_with_attendance(dt.date(2023, 1 + n, 9), 2)

    with django_assert_num_queries(1):
        periods = timeline(scope=Scope(), today=TODAY)

    assert len(periods) == count


def test_a_half_day_counts_for_half_a_day() -> None:
    session = SessionFactory(start_date=dt.date(2023, 6, 12), half_days=True)
    enrollment = EnrollmentFactory(session=session)
    AttendanceFactory(enrollment=enrollment, day=session.start_date, half=Attendance.Half.MORNING)

    assert timeline(scope=Scope(), today=TODAY)[0].person_days == 0.5
