"""Export of a session's roster: the persons, their role and status, and daily attendance."""

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
from kalan.workshops.selectors import session_roster
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
)
from tests.spreadsheets import PERSON_HEADERS, body, csv_rows, user_with, xlsx_cells, xlsx_values


def export_url(session: Session, fmt: str) -> str:
    return reverse("session_export", kwargs={"uid": session.uid, "fmt": fmt})


@pytest.fixture
def exporter(db: None) -> User:
    """Sees every session and exports, without the contacts (no real role is so made)."""
    return user_with("view_programme", "export_persons")


@pytest.fixture
def roster(sevare_session: Session) -> list[Enrollment]:
    """Sangaré present on days 1 and 2, Diarra never, Touré a facilitator present on day 3."""
    unit = UnitFactory(name="Brigade de Sévaré")
    sangare = EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(last_name="Sangaré", first_names="Awa", unit=unit),
    )
    diarra = EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(last_name="Diarra", first_names="Seydou"),
        status=Enrollment.Status.NO_SHOW,
    )
    toure = EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(last_name="Touré", first_names="Oumar", phone="+223 76 00 00 01"),
        role=Enrollment.Role.FACILITATOR,
    )
    for day in (8, 9):
        AttendanceFactory(enrollment=sangare, day=dt.date(2022, 11, day))
    AttendanceFactory(enrollment=toure, day=dt.date(2022, 11, 10))
    return [sangare, diarra, toure]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_has_one_attendance_column_per_day_and_the_days_present(
    fmt: str,
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    data = body(client_for(exporter).get(export_url(sevare_session, fmt)))
    rows: list[list[object]] = list(xlsx_values(data) if fmt == "xlsx" else csv_rows(data))
    assert rows[0] == [
        *PERSON_HEADERS,
        "Rôle",
        "Statut",
        "08/11/2022",
        "09/11/2022",
        "10/11/2022",
        "Jours de présence",
    ]
    # The roster's order, as on the page and the sheet: participants by name, facilitators last.
    assert [row[1] for row in rows[1:]] == ["Diarra", "Sangaré", "Touré"]
    tail = [row[10:] for row in rows[1:]]
    if fmt == "csv":
        expected: list[list[object]] = [
            ["participant", "absent", "0", "0", "0", "0"],
            ["participant", "confirmé", "1", "1", "0", "2"],
            ["facilitateur", "confirmé", "0", "0", "1", "1"],
        ]
    else:
        expected = [
            ["participant", "absent", 0, 0, 0, 0],
            ["participant", "confirmé", 1, 1, 0, 2],
            ["facilitateur", "confirmé", 0, 0, 1, 1],
        ]
    assert tail == expected
    assert rows[2][7:10] == ["Brigade de Sévaré", "Sévaré", "Mopti"]
    assert [row[0] for row in rows[1:]] == ([1, 2, 3] if fmt == "xlsx" else ["1", "2", "3"])


def test_the_attendance_columns_match_the_roster_of_the_session_page(
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    page = session_roster(session=sevare_session)
    rows = xlsx_values(body(client_for(exporter).get(export_url(sevare_session, "xlsx"))))
    width = len(page.columns)
    assert len(rows[0]) == len(PERSON_HEADERS) + 2 + width + 1
    for line, row in zip(page.rows, rows[1:], strict=True):
        assert row[1] == line.enrollment.person.last_name
        assert row[12 : 12 + width] == [int(mark) for mark in line.marks]
        assert row[-1] == line.present_count


def test_half_day_attendance_gets_two_columns_a_day_and_counts_half_days(
    exporter: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    session = SessionFactory(workshop=workshop, half_days=True)
    enrollment = EnrollmentFactory(session=session)
    for day, half in ((8, "am"), (8, "pm"), (9, "am")):
        AttendanceFactory(enrollment=enrollment, day=dt.date(2022, 11, day), half=half)
    rows = xlsx_values(body(client_for(exporter).get(export_url(session, "xlsx"))))
    assert rows[0][12:] == [
        "08/11/2022 matin",
        "08/11/2022 après-midi",
        "09/11/2022 matin",
        "09/11/2022 après-midi",
        "10/11/2022 matin",
        "10/11/2022 après-midi",
        "Jours de présence",
    ]
    assert rows[1][12:] == [1, 1, 1, 0, 0, 0, 1.5]


def test_contacts_appear_in_the_roster_export_only_with_the_permission(
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    url = export_url(sevare_session, "csv")
    assert b"76 00 00 01" not in body(client_for(exporter).get(url))
    allowed = user_with("view_programme", "export_persons", "view_contacts", username="allowed")
    rows = csv_rows(body(client_for(allowed).get(url)))
    assert rows[0][10:12] == ["Téléphone", "Courriel"]
    assert rows[3][1] == "Touré" and rows[3][10] == "'+223 76 00 00 01"


def test_a_roster_name_that_would_run_as_a_formula_is_exported_as_text(
    exporter: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(last_name='=HYPERLINK("http://evil.example";"x")', first_names="@A"),
    )
    cells = xlsx_cells(body(client_for(exporter).get(export_url(sevare_session, "xlsx"))))[1]
    assert [(c.value, c.data_type) for c in cells[1:3]] == [
        ('\'=HYPERLINK("http://evil.example";"x")', "s"),
        ("'@A", "s"),
    ]
    row = csv_rows(body(client_for(exporter).get(export_url(sevare_session, "csv"))))[1]
    assert row[1:3] == ['\'=HYPERLINK("http://evil.example";"x")', "'@A"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_roster_export_is_a_streamed_attachment_named_after_the_session_only(
    fmt: str,
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    response = client_for(exporter).get(export_url(sevare_session, fmt))
    assert response.streaming is True
    filename = f"kalan-session-{str(sevare_session.uid)[:8]}-presences.{fmt}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    body(response)


def test_it_refuses_users_without_the_export_permission(
    trainer: User,
    finance_officer: User,
    communication_officer: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    # The session's own trainer sees its roster on the page, but may not take it away.
    sevare_session.trainers.add(trainer)
    for user in (trainer, finance_officer, communication_officer):
        response = client_for(user).get(export_url(sevare_session, "xlsx"))
        assert response.status_code == 403, user.role


def test_an_unknown_session_is_404(exporter: User, client_for: Callable[[User], Client]) -> None:
    url = reverse(
        "session_export", kwargs={"uid": "00000000-0000-0000-0000-000000000000", "fmt": "csv"}
    )
    assert client_for(exporter).get(url).status_code == 404


def test_it_answers_get_only(
    exporter: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    assert client_for(exporter).post(export_url(sevare_session, "csv")).status_code == 405


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_queries_of_a_roster_export_do_not_grow_with_its_rows(
    fmt: str,
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def fill(count: int) -> None:
        unit = UnitFactory()
        for _ in range(count - sevare_session.enrollments.count()):
            enrollment = EnrollmentFactory(session=sevare_session, person__unit=unit)
            AttendanceFactory(enrollment=enrollment, day=sevare_session.start_date)

    client = client_for(exporter)
    fill(5)
    with CaptureQueriesContext(connection) as small:
        body(client.get(export_url(sevare_session, fmt)))
    fill(50)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = body(client.get(export_url(sevare_session, fmt)))
    rows = xlsx_values(data) if fmt == "xlsx" else csv_rows(data)
    assert len(rows) == 51


def test_the_session_page_links_to_the_export_for_users_allowed_to_export(
    exporter: User,
    trainer: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    page = reverse("session_detail", kwargs={"uid": sevare_session.uid})
    content = client_for(exporter).get(page).content.decode()
    assert f'href="{export_url(sevare_session, "xlsx")}"' in content
    assert f'href="{export_url(sevare_session, "csv")}"' in content
    sevare_session.trainers.add(trainer)
    response = client_for(trainer).get(page)
    assert response.status_code == 200
    assert export_url(sevare_session, "csv") not in response.content.decode()


def test_persons_and_attendance_are_unchanged_by_an_export(
    exporter: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    roster: list[Enrollment],
) -> None:
    before = (Person.all_objects.count(), Attendance.objects.count())
    body(client_for(exporter).get(export_url(sevare_session, "csv")))
    assert (Person.all_objects.count(), Attendance.objects.count()) == before
