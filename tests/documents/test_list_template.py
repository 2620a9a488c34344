"""The list model attached to each letter: the participant-list import reads it as it is, with
no decision to take (no column to map, no corps, rank or unit to ask about)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kalan.core.models import Organisation
from kalan.documents.list_template import HEADER_ROW, HEADERS, LISTS_SHEET, list_template_xlsx
from kalan.documents.models import Addressee
from kalan.people.models import Person, Unit
from kalan.workshops.importing.columns import header_field, mapping_guess
from kalan.workshops.importing.plan import DUPLICATE
from kalan.workshops.importing.service import batch_plan, import_batch_create, import_commit
from kalan.workshops.models import Enrollment, Session
from tests.documents.correspondence import media, police_mopti  # noqa: F401
from tests.factories import UnitFactory, corps, place

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def units(police_mopti: Addressee) -> list[Unit]:  # noqa: F811
    police = corps("Police")
    return [
        UnitFactory(corps=police, name="Commissariat de police de Sévaré", place=place("Sévaré")),
        UnitFactory(corps=police, name="Commissariat de police de Mopti", place=place("Mopti")),
        UnitFactory(corps=police, name="Commissariat de police de Ségou", place=place("Ségou")),
    ]


def _template(session: Session, addressee: Addressee, organisation: Organisation) -> bytes:
    return list_template_xlsx(
        session=session, addressee=addressee, officers=3, organisation=organisation
    )


def _lists(data: bytes) -> dict[str, list[str]]:
    book = load_workbook(io.BytesIO(data))
    sheet = book[LISTS_SHEET]
    assert sheet.sheet_state == "hidden"
    columns = {}
    for column in sheet.iter_cols():
        values = [str(c.value) for c in column if c.value is not None]
        columns[values[0]] = values[1:]
    return columns


def test_every_column_of_the_model_is_one_the_import_recognises() -> None:
    headers = [header for header, _width in HEADERS]
    assert header_field("N°") == ""  # a row number: known, feeds nothing
    fields = mapping_guess(headers)
    assert set(fields) == set(range(1, len(headers)))  # every column but N°
    assert set(fields.values()) == {
        "last_name",
        "first_names",
        "sex",
        "corps",
        "rank",
        "service_number",
        "unit",
        "phone",
        "email",
    }


def test_the_drop_down_lists_hold_the_command_s_corps_its_ranks_and_its_region_s_units(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    units: list[Unit],
    organisation: Organisation,
) -> None:
    lists = _lists(_template(sevare_session, police_mopti, organisation))
    assert lists["Corps"] == ["Police nationale"]
    assert "Commissaire de police" in lists["Grade"] and "Capitaine" not in lists["Grade"]
    assert lists["Unité"] == ["Commissariat de police de Mopti", "Commissariat de police de Sévaré"]
    assert lists["Sexe (M/F)"] == ["M", "F"]


def test_the_model_filled_by_a_command_imports_with_no_decision(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    units: list[Unit],
    organisation: Organisation,
    programme_officer: object,
) -> None:
    data = _template(sevare_session, police_mopti, organisation)
    lists = _lists(data)
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[HEADER_ROW]] == [h for h, _w in HEADERS]
    officers = [
        ("1", "DIARRA", "Oumar", "M", "Inspecteur de police", "P-20417", lists["Unité"][0]),
        ("2", "KONÉ", "Assétou", "F", "Commissaire de police", "P-18820", lists["Unité"][1]),
        ("3", "TRAORÉ", "Sidiki", "M", "Adjudant-chef de police", "P-30112", lists["Unité"][1]),
    ]
    for n, (number, last, first, sex, rank, matricule, unit) in enumerate(officers):
        row = HEADER_ROW + 1 + n
        for column, value in enumerate(
            [
                number,
                last,
                first,
                sex,
                lists["Corps"][0],
                rank,
                matricule,
                unit,
                f"+223 70 00 10 0{n}",
                "",
            ],
            start=1,
        ):
            sheet.cell(row=row, column=column, value=value or None)
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    batch = import_batch_create(
        session=sevare_session,
        filename="liste-police-mopti.xlsx",
        content=filled,
        by=programme_officer,  # type: ignore[arg-type]
    )
    plan = batch_plan(batch=batch)
    # No decision: every column mapped, nothing asked, no error, no possible duplicate.
    assert set(plan.mapping.values()) >= {"last_name", "first_names", "corps", "rank", "unit"}
    assert plan.questions == []
    assert plan.refusals == []
    assert not [r for r in plan.rows if r.outcome == DUPLICATE]
    result = import_commit(plan=plan, by=programme_officer, batch=batch)  # type: ignore[arg-type]
    assert result.enrolled == 3 and result.units_created == 0
    enrolled = Person.objects.filter(enrollments__session=sevare_session).order_by("last_name")
    assert [(p.last_name, p.corps.short_name, p.rank.name, p.unit.name) for p in enrolled] == [
        ("DIARRA", "Police", "Inspecteur de police", "Commissariat de police de Mopti"),
        ("KONÉ", "Police", "Commissaire de police", "Commissariat de police de Sévaré"),
        ("TRAORÉ", "Police", "Adjudant-chef de police", "Commissariat de police de Sévaré"),
    ]
    assert Enrollment.objects.filter(session=sevare_session).count() == 3


def test_a_registry_name_that_looks_like_a_formula_is_written_as_text(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    organisation: Organisation,
) -> None:
    UnitFactory(corps=corps("Police"), name="=2+2", place=place("Sévaré"))
    data = _template(sevare_session, police_mopti, organisation)
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'=2+2" in _lists(data)["Unité"]


def test_a_command_with_no_region_offers_every_unit_of_its_corps(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    units: list[Unit],
    organisation: Organisation,
) -> None:
    police_mopti.place = None
    lists = _lists(_template(sevare_session, police_mopti, organisation))
    assert "Commissariat de police de Ségou" in lists["Unité"]
