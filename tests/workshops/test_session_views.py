"""The session page: create and edit a session, the roster, enrolment, one-click attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    corps,
    place,
    rank,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer_client(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


def _session_url(session: Session, name: str = "session_detail") -> str:
    return reverse(name, kwargs={"uid": session.uid})


def _toggle_url(enrollment: Enrollment) -> str:
    return reverse(
        "attendance_toggle",
        kwargs={"uid": enrollment.session.uid, "enrollment_uid": enrollment.uid},
    )


def _session_form(**overrides: str) -> dict[str, str]:
    data = {
        "place": str(place("Ségou").pk),
        "venue": "Hôtel Djoliba",
        "start_date": "2022-11-14",
        "end_date": "2022-11-16",
        "capacity": "40",
        "per_diem_rate": "25000",
        "transport_rate": "10000",
        "certificate_min_percent": "100",
    }
    data.update(overrides)
    return data


def test_it_creates_a_numbered_session(officer_client: Client, workshop: Workshop) -> None:
    response = officer_client.post(
        reverse("session_create", kwargs={"pk": workshop.pk}), _session_form()
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _session_url(session)
    assert (session.number, session.venue, session.start_date) == (
        1,
        "Hôtel Djoliba",
        dt.date(2022, 11, 14),
    )


def test_it_refuses_an_end_date_before_the_start_at_the_field(
    officer_client: Client, workshop: Workshop
) -> None:
    response = officer_client.post(
        reverse("session_create", kwargs={"pk": workshop.pk}),
        _session_form(end_date="2022-11-13"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "La date de fin précède la date de début."
    ]
    assert not Session.objects.exists()


def test_it_refuses_new_dates_that_leave_attendance_outside(
    officer_client: Client, sevare_session: Session
) -> None:
    AttendanceFactory(
        enrollment=EnrollmentFactory(session=sevare_session), day=dt.date(2022, 11, 10)
    )
    response = officer_client.post(
        _session_url(sevare_session, "session_edit"),
        _session_form(
            place=str(sevare_session.place.pk), start_date="2022-11-08", end_date="2022-11-09"
        ),
    )
    assert response.status_code == 200
    assert "en dehors de ces dates" in response.content.decode()
    sevare_session.refresh_from_db()
    assert sevare_session.end_date == dt.date(2022, 11, 10)


def test_the_roster_shows_each_person_with_attendance_and_totals(
    officer_client: Client, sevare_session: Session
) -> None:
    present = EnrollmentFactory(session=sevare_session, person__last_name="Sangaré")
    AttendanceFactory(enrollment=present, day=dt.date(2022, 11, 8))
    AttendanceFactory(enrollment=present, day=dt.date(2022, 11, 9))
    EnrollmentFactory(session=sevare_session, person__last_name="Diarra")
    response = officer_client.get(_session_url(sevare_session))
    body = response.content.decode()
    assert "SANGARÉ" in body and "DIARRA" in body
    roster = response.context["roster"]
    assert roster.column_totals == [1, 1, 0]
    assert [row.present_count for row in roster.rows] == [0, 2]  # Diarra, then Sangaré
    assert 'id="total-20221108-day">1<' in body


def test_the_session_page_runs_the_same_queries_for_4_and_40_people(
    officer_client: Client,
    sevare_session: Session,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    def fill(count: int) -> None:
        for _ in range(count - sevare_session.enrollments.count()):
            enrollment = EnrollmentFactory(session=sevare_session)
            AttendanceFactory(enrollment=enrollment, day=sevare_session.start_date)

    fill(4)
    officer_client.get(_session_url(sevare_session))  # warm up: the session learns 2FA is off
    with CaptureQueriesContext(connection) as small:
        officer_client.get(_session_url(sevare_session))
    fill(40)
    with django_assert_num_queries(len(small.captured_queries)):
        response = officer_client.get(_session_url(sevare_session))
    assert len(response.context["roster"].rows) == 40


def test_it_enrols_an_existing_person_found_by_search(
    officer_client: Client, sevare_session: Session
) -> None:
    person = PersonFactory(last_name="Kanté", first_names="Oumar")
    found = officer_client.get(_session_url(sevare_session), {"q": "kant"})
    assert person in found.context["results"]
    partial = officer_client.get(
        _session_url(sevare_session), {"q": "oumar kant", "partial": "search"}, **HTMX
    )
    assert b"<html" not in partial.content and "KANTÉ" in partial.content.decode()
    response = officer_client.post(
        _session_url(sevare_session, "enroll_existing"),
        {"person": str(person.uid), "role": "participant"},
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(session=sevare_session, person=person).exists()
    again = officer_client.get(_session_url(sevare_session), {"q": "kant"})
    assert person not in again.context["results"]


def test_a_second_enrollment_of_the_same_person_is_refused_with_a_message(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    response = officer_client.post(
        _session_url(sevare_session, "enroll_existing"),
        {"person": str(enrollment.person.uid), "role": "participant"},
    )
    assert response.status_code == 400
    assert response.context["existing_form"].errors["person"] == [
        f"{enrollment.person} est déjà inscrit(e) à cette session."
    ]
    assert sevare_session.enrollments.count() == 1


def test_enrollment_past_capacity_needs_the_override(
    officer_client: Client, workshop: Workshop
) -> None:
    session = SessionFactory(workshop=workshop, capacity=1)
    EnrollmentFactory(session=session)
    newcomer = PersonFactory()
    data = {"person": str(newcomer.uid), "role": "participant"}
    refused = officer_client.post(_session_url(session, "enroll_existing"), data)
    assert refused.status_code == 400
    assert "La session est complète (1 participants)" in refused.content.decode()
    assert "Inscrire au-delà de la capacité" in refused.content.decode()
    assert session.enrollments.count() == 1
    accepted = officer_client.post(
        _session_url(session, "enroll_existing"), {**data, "allow_over_capacity": "on"}
    )
    assert accepted.status_code == 302
    assert session.enrollments.get(person=newcomer).over_capacity is True


def test_it_records_and_enrols_a_new_person_in_one_step(
    officer_client: Client, sevare_session: Session
) -> None:
    gendarmerie = corps("Gendarmerie")
    response = officer_client.post(
        _session_url(sevare_session, "enroll_new"),
        {
            "last_name": "Dembélé",
            "first_names": "Fatoumata",
            "sex": "F",
            "corps": str(gendarmerie.pk),
            "rank": str(rank("Gendarmerie", "Adjudant").pk),
            "service_number": "G-4521",
            "phone": "+223 70 00 00 00",
            "role": "participant",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(service_number="G-4521")
    assert (person.last_name, person.sex, person.corps) == ("Dembélé", "F", gendarmerie)
    assert sevare_session.enrollments.filter(person=person).exists()


def test_a_new_person_with_a_rank_of_another_corps_is_refused_and_nothing_saved(
    officer_client: Client, sevare_session: Session
) -> None:
    response = officer_client.post(
        _session_url(sevare_session, "enroll_new"),
        {
            "last_name": "Dembélé",
            "first_names": "Awa",
            "sex": "F",
            "corps": str(corps("Gendarmerie").pk),
            "rank": str(rank("Police", "Commissaire de police").pk),
            "role": "participant",
        },
    )
    assert response.status_code == 400
    assert response.context["new_form"].errors["rank"] == [
        "Ce grade n’appartient pas au corps choisi."
    ]
    assert not Person.objects.filter(last_name="Dembélé", first_names="Awa").exists()


def test_a_new_person_over_capacity_is_not_saved_either(
    officer_client: Client, workshop: Workshop
) -> None:
    session = SessionFactory(workshop=workshop, capacity=1)
    EnrollmentFactory(session=session)
    response = officer_client.post(
        _session_url(session, "enroll_new"),
        {"last_name": "Touré", "first_names": "Ali", "sex": "M", "role": "participant"},
    )
    assert response.status_code == 400
    assert not Person.objects.filter(last_name="Touré", first_names="Ali").exists()


def test_one_click_marks_a_day_and_a_second_click_unmarks_it(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url = _toggle_url(enrollment)
    first = officer_client.post(url, {"day": "2022-11-08", "half": "day"}, **HTMX)
    body = first.content.decode()
    assert first.status_code == 200
    assert 'aria-pressed="true"' in body
    assert 'id="total-20221108-day">1<' in body  # the column total, swapped out of band
    assert Attendance.objects.filter(enrollment=enrollment, day=dt.date(2022, 11, 8)).exists()
    second = officer_client.post(url, {"day": "2022-11-08", "half": "day"}, **HTMX)
    assert 'aria-pressed="false"' in second.content.decode()
    assert not Attendance.objects.filter(enrollment=enrollment).exists()


def test_without_javascript_a_click_posts_and_comes_back_to_the_page(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url = _toggle_url(enrollment)
    response = officer_client.post(url, {"day": "2022-11-09", "half": "day"})
    assert response.status_code == 302
    assert response["Location"] == _session_url(sevare_session)
    assert enrollment.attendances.get().day == dt.date(2022, 11, 9)


def test_attendance_on_a_day_outside_the_session_is_refused(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url = _toggle_url(enrollment)
    response = officer_client.post(url, {"day": "2022-11-11", "half": "day"}, **HTMX)
    assert response.status_code == 400
    assert "en dehors de la session" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_of_an_enrollment_of_another_session_is_404(
    officer_client: Client, sevare_session: Session, workshop: Workshop
) -> None:
    other = EnrollmentFactory(session=SessionFactory(workshop=workshop))
    url = reverse(
        "attendance_toggle", kwargs={"uid": sevare_session.uid, "enrollment_uid": other.uid}
    )  # the other session's enrollment under this session's address
    assert officer_client.post(url, {"day": "2022-11-08"}, **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_attendance_needs_a_post(officer_client: Client, sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url = _toggle_url(enrollment)
    assert officer_client.get(url, {"day": "2022-11-08"}).status_code == 405


def test_half_day_sessions_have_a_morning_and_an_afternoon_column(
    officer_client: Client, workshop: Workshop
) -> None:
    session = SessionFactory(workshop=workshop, half_days=True)
    enrollment = EnrollmentFactory(session=session)
    url = reverse(
        "attendance_toggle", kwargs={"uid": session.uid, "enrollment_uid": enrollment.uid}
    )
    assert officer_client.post(url, {"day": "2022-11-08", "half": "am"}, **HTMX).status_code == 200
    refused = officer_client.post(url, {"day": "2022-11-08", "half": "day"}, **HTMX)
    assert refused.status_code == 400
    roster = officer_client.get(_session_url(session)).context["roster"]
    assert len(roster.columns) == 6
    assert roster.column_totals[:2] == [1, 0]
    assert roster.person_days == 0.5


def test_an_unknown_session_is_404(officer_client: Client) -> None:
    url = reverse("session_detail", kwargs={"uid": "00000000-0000-0000-0000-000000000000"})
    assert officer_client.get(url).status_code == 404
