"""Rules the database itself holds for workshops, sessions, enrollments and attendance.

These bypass the services on purpose (QuerySet.update, bulk_create, objects.create): a rule the
database holds must hold even when code forgets to validate.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    place,
)

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_end_date_before_the_start_date_on_update(
    sevare_session: Session,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=sevare_session.pk).update(end_date=dt.date(2022, 11, 7))

    sevare_session.refresh_from_db()
    assert sevare_session.end_date == dt.date(2022, 11, 10)


def test_the_database_refuses_an_end_date_before_the_start_date_on_bulk_create(
    workshop: Workshop,
) -> None:
    backwards = Session(
        workshop=workshop,
        number=1,
        place=place("Sévaré"),
        venue="Hôtel La Palmeraie",
        start_date=dt.date(2022, 11, 10),
        end_date=dt.date(2022, 11, 8),
        capacity=40,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.bulk_create([backwards])

    assert not Session.objects.exists()


def test_the_database_refuses_a_session_without_seats(sevare_session: Session) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=sevare_session.pk).update(capacity=0)


def test_the_database_refuses_two_sessions_with_the_same_number_in_a_workshop(
    sevare_session: Session,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(workshop=sevare_session.workshop, number=sevare_session.number)


def test_the_database_refuses_a_second_enrollment_of_the_same_person(
    sevare_session: Session,
) -> None:
    person = PersonFactory()
    Enrollment.objects.create(session=sevare_session, person=person)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.bulk_create(
            [Enrollment(session=sevare_session, person=person, role=Enrollment.Role.OBSERVER)]
        )

    assert sevare_session.enrollments.count() == 1


@pytest.mark.parametrize("field", ["role", "status"])
def test_the_database_refuses_an_unknown_role_or_status(
    sevare_session: Session, field: str
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(**{field: "unknown"})


def test_the_database_records_one_mark_per_person_and_period(sevare_session: Session) -> None:
    attendance = AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session))

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            enrollment=attendance.enrollment, day=attendance.day, half=attendance.half
        )


def test_the_database_refuses_an_unknown_half(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(enrollment=enrollment, day=sevare_session.start_date, half="eve")


def test_the_database_refuses_two_objectives_with_the_same_order(workshop: Workshop) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(workshop=workshop, order=1, text="Encore un premier objectif")


def test_the_database_numbers_objectives_from_one(workshop: Workshop) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(workshop=workshop, order=0, text="Objectif zéro")


def test_the_database_holds_one_funding_line_per_partner(workshop: Workshop) -> None:
    partner = PartnerFactory()
    Funding.objects.create(workshop=workshop, partner=partner, amount=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Funding.objects.create(workshop=workshop, partner=partner, amount=2)


def test_the_database_refuses_a_workshop_without_title(workshop: Workshop) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(title="")


def test_a_session_lists_its_days_from_start_to_end(sevare_session: Session) -> None:
    assert sevare_session.days == [
        dt.date(2022, 11, 8),
        dt.date(2022, 11, 9),
        dt.date(2022, 11, 10),
    ]


def test_a_session_takes_attendance_by_day_or_by_half_day(sevare_session: Session) -> None:
    assert sevare_session.halves == [Attendance.Half.DAY]
    sevare_session.half_days = True
    assert sevare_session.halves == [Attendance.Half.MORNING, Attendance.Half.AFTERNOON]
