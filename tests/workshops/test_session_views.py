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
from tests.workshops.clicks import attendance_click

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer_client(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


def _session_url(session: Session, name: str = "session_detail") -> str:
    return reverse(name, kwargs={"uid": session.uid})


def _rows_and_tokens(client: Client, session: Session) -> tuple[int, int]:
    body = client.get(_session_url(session)).content.decode()
    return body.count("<button name=m "), body.count("csrfmiddlewaretoken")


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
    enrollment = EnrollmentFactory(session=sevare_session, person__sex=Person.Sex.FEMALE)
    other = EnrollmentFactory(session=sevare_session)
    AttendanceFactory(enrollment=other, day=dt.date(2022, 11, 10))
    name = enrollment.person.full_name
    click = attendance_click(enrollment, "2022-11-08")

    first = officer_client.post(*click, **HTMX)

    body = first.content.decode()
    assert first.status_code == 200
    # The button, in the place of the one with its id (htmx gives it the focus back).
    button = f'id=a{enrollment.pk}-0 aria-labelledby="p{enrollment.pk} c0" aria-pressed=true'
    assert button in body
    assert 'hx-swap-oob="true">✓</button>' in body
    # Every total the click changes, swapped out of band: the row's, the column's, the footer's.
    assert f'<span hx-swap-oob="innerHTML:#n{enrollment.pk}">1</span>' in body
    assert '<span hx-swap-oob="innerHTML:#total-20221108-day">1</span>' in body
    assert '<span hx-swap-oob="innerHTML:#person-days">2</span>' in body
    assert f'<span hx-swap-oob="innerHTML:#att-said">{name}, mar 8/11 : présente</span>' in body
    assert Attendance.objects.filter(enrollment=enrollment, day=dt.date(2022, 11, 8)).exists()

    second = officer_client.post(*click, **HTMX).content.decode()

    assert "aria-pressed=false" in second and 'hx-swap-oob="true">·</button>' in second
    assert '<span hx-swap-oob="innerHTML:#person-days">1</span>' in second
    assert f"{name}, mar 8/11 : absente" in second
    assert not Attendance.objects.filter(enrollment=enrollment).exists()


def test_the_page_draws_what_a_click_answers(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    AttendanceFactory(enrollment=enrollment, day=dt.date(2022, 11, 9))

    body = officer_client.get(_session_url(sevare_session)).content.decode()

    pk = enrollment.pk
    assert f'<th scope="row"><a id="p{pk}" href="/personnes/{enrollment.person.uid}/">' in body
    assert '<th class="center" id="c1">mer 9/11</th>' in body
    assert (
        f'<td><button name=m value={pk}-1 id=a{pk}-1 aria-labelledby="p{pk} c1" '
        "aria-pressed=true>✓</button></td>"
    ) in body
    assert f'<td id="n{pk}">1</td>' in body
    assert '<td class="num" id="person-days">1</td>' in body
    assert '<p class="sr-label" id="att-said" aria-live="polite"></p>' in body


def test_the_roster_is_one_form_with_one_csrf_token_whatever_its_size(
    officer_client: Client, sevare_session: Session
) -> None:
    EnrollmentFactory(session=sevare_session)
    one = _rows_and_tokens(officer_client, sevare_session)
    for _ in range(39):
        EnrollmentFactory(session=sevare_session)

    forty = _rows_and_tokens(officer_client, sevare_session)

    assert (one[0], forty[0]) == (3, 120)  # a button per person per day
    assert forty[1] == one[1]  # the page's other forms, and one for the whole roster
    body = officer_client.get(_session_url(sevare_session)).content.decode()
    assert body.count('hx-post="/sessions/') == 1


def test_a_roster_row_weighs_under_700_bytes(
    officer_client: Client, sevare_session: Session
) -> None:
    """What made the page heavy was per-cell markup (a form, a token and the URL twice in each
    cell, 2.6 KB a row): 400 persons must stay under 250 KB (bench/run.py)."""
    EnrollmentFactory(session=sevare_session)
    small = len(officer_client.get(_session_url(sevare_session)).content)
    for _ in range(40):
        EnrollmentFactory(session=sevare_session)

    large = len(officer_client.get(_session_url(sevare_session)).content)

    assert (large - small) / 40 < 700


def test_without_javascript_a_click_posts_and_comes_back_to_the_person_s_row(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    response = officer_client.post(*attendance_click(enrollment, "2022-11-09"))
    assert response.status_code == 302
    assert response["Location"] == f"{_session_url(sevare_session)}#p{enrollment.pk}"
    assert enrollment.attendances.get().day == dt.date(2022, 11, 9)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("{pk}-3", "Case de présence invalide."),  # three columns: 0 to 2
        ("{pk}", "Case de présence invalide."),
        ("{pk}-x", "Case de présence invalide."),
        ("-1", "Case de présence invalide."),
        ("99999999999999999999999-0", "Case de présence invalide."),
        ("987654-0", "Cette personne n’est pas inscrite à la session : rechargez la page."),
        ("{other}-0", "Cette personne n’est pas inscrite à la session : rechargez la page."),
    ],
    ids=["column", "no column", "letters", "no person", "huge", "unknown", "other session"],
)
def test_a_click_on_a_cell_the_page_does_not_have_is_refused_with_a_message(
    officer_client: Client, sevare_session: Session, workshop: Workshop, cell: str, message: str
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    other = EnrollmentFactory(session=SessionFactory(workshop=workshop))
    url, data = attendance_click(enrollment, "2022-11-08")

    response = officer_client.post(
        url, {**data, "m": cell.format(pk=enrollment.pk, other=other.pk)}, **HTMX
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_click_on_a_page_drawn_before_the_dates_changed_is_refused(
    officer_client: Client, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url, data = attendance_click(enrollment, "2022-11-08")  # column 0 is the 8th
    sevare_session.start_date = dt.date(2022, 11, 7)  # column 0 is now the 7th
    sevare_session.save()

    response = officer_client.post(url, data, **HTMX)

    assert response.status_code == 400
    assert "Les dates de la session ont changé" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_needs_a_post(officer_client: Client, sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    url, data = attendance_click(enrollment, "2022-11-08")
    assert officer_client.get(url, data).status_code == 405


def test_half_day_sessions_have_a_morning_and_an_afternoon_column(
    officer_client: Client, workshop: Workshop
) -> None:
    session = SessionFactory(workshop=workshop, half_days=True)
    enrollment = EnrollmentFactory(session=session, person__sex=Person.Sex.MALE)
    answer = officer_client.post(*attendance_click(enrollment, "2022-11-08", "am"), **HTMX)
    assert answer.status_code == 200
    assert "mar 8/11 matin : présent<" in answer.content.decode()
    assert '<span hx-swap-oob="innerHTML:#person-days">0,5</span>' in answer.content.decode()
    page = officer_client.get(_session_url(session))
    # The header the buttons are named after reads « mar 8/11 matin », as the live region does.
    assert '<th class="center" id="c0">mar 8/11 <span class="sub">matin</span></th>' in (
        page.content.decode()
    )
    roster = page.context["roster"]
    assert len(roster.columns) == 6
    assert roster.column_totals[:2] == [1, 0]
    assert roster.person_days == 0.5


def test_an_unknown_session_is_404(officer_client: Client) -> None:
    url = reverse("session_detail", kwargs={"uid": "00000000-0000-0000-0000-000000000000"})
    assert officer_client.get(url).status_code == 404
