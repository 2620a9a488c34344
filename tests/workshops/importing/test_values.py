"""Cleaning each row's values, and naming the row, column and reason of each bad cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.types import CellError, Formula, RowValues, Table
from kalan.workshops.importing.values import row_values
from tests.workshops.importing.files import messy_list, xlsx_write


def one(field: str, raw: object, header: str = "") -> RowValues:
    """The values of a one-row table holding ``raw`` in column B under the field's column."""
    table = Table(
        filename="l.xlsx",
        sheet="Liste",
        sheet_names=["Liste"],
        header_row=1,
        headers=["Nom", header or field],
        rows=[(7, ["KEITA", raw])],
    )
    mapping = {0: "last_name", 1: field} if field != "last_name" else {1: field}
    return row_values(table=table, mapping=mapping)[0]


def value(field: str, raw: object) -> object:
    result = one(field, raw)
    assert result.errors == []
    return result.values[field]


def error(field: str, raw: object) -> CellError:
    errors = one(field, raw).errors
    assert len(errors) == 1
    return errors[0]


def test_a_messy_sheet_reads_into_clean_values(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "liste.xlsx", messy_list(), merges=("A1:H1",))
    table = table_read(path=path, filename="liste.xlsx")
    rows = row_values(table=table, mapping=mapping_guess(table.headers))
    assert [row.row for row in rows] == [5, 6, 8]
    assert all(row.errors == [] for row in rows)
    assert rows[0].values == {
        "last_name": "TRAORE",
        "first_names": "Moussa",
        "full_name": "",
        "sex": "M",
        "corps": "",
        "rank": "Adjudant",
        "service_number": "12345",
        "unit": "Brigade de Sévaré",
        "phone": "+223 70 12 34 56",
        "email": "",
        "birth_date": None,
    }
    assert (rows[1].values["service_number"], rows[1].values["first_names"]) == ("23456", "Aïssata")
    assert rows[2].values["service_number"] == "G34567"


def test_an_error_names_the_row_the_column_letter_and_the_reason(tmp_path: Path) -> None:
    rows = [["LISTE"], ["N°", "NOM", "Prénoms", "Contact"], [1, "KEITA", "Ali", "7012"]]
    table = table_read(path=xlsx_write(tmp_path / "l.xlsx", rows), filename="l.xlsx")
    result = row_values(table=table, mapping=mapping_guess(table.headers))
    assert result[0].errors == [
        CellError(
            row=3,
            column="D",
            field="phone",
            message="numéro de téléphone malien invalide (8 chiffres attendus) : « 7012 »",
        )
    ]


def test_names_keep_their_accents_and_spaces_are_collapsed() -> None:
    assert value("last_name", "  Traoré   ") == "Traoré"
    assert value("first_names", " Mamadou\u00a0 Lamine ") == "Mamadou Lamine"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MOUSSA", "Moussa"),
        ("AÏSSATA", "Aïssata"),
        ("ABDOUL-KARIM", "Abdoul-Karim"),
        ("Awa", "Awa"),
    ],
)
def test_first_names_in_capitals_are_capitalised(raw: str, expected: str) -> None:
    assert value("first_names", raw) == expected


def test_a_last_name_is_stored_as_written() -> None:
    assert one("last_name", "DIARRA").values["last_name"] == "DIARRA"


@pytest.mark.parametrize(
    ("raw", "header", "last", "first"),
    [
        ("TRAORE Moussa", "Nom et prénoms", "TRAORE", "Moussa"),
        ("Moussa TRAORE", "Nom et prénoms", "TRAORE", "Moussa"),
        ("TRAORE MOUSSA", "Nom et prénoms", "TRAORE", "Moussa"),
        ("MOUSSA TRAORE", "Prénoms et nom", "TRAORE", "Moussa"),
        ("Moussa Traoré", "Nom complet", "Traoré", "Moussa"),
        ("Mamadou Lamine Traoré", "Full name", "Traoré", "Mamadou Lamine"),
        ("Traoré Moussa", "Nom et prénoms", "Traoré", "Moussa"),
        ("DIAKITE Fatoumata Binta", "Nom et prénom(s)", "DIAKITE", "Fatoumata Binta"),
        ("SANOGO", "Nom complet", "SANOGO", ""),
    ],
)
def test_a_full_name_is_split_without_losing_a_word(
    raw: str, header: str, last: str, first: str
) -> None:
    table = Table("l.xlsx", "Liste", ["Liste"], 1, [header], [(2, [raw])])
    result = row_values(table=table, mapping={0: "full_name"})[0]
    assert result.errors == []
    assert (result.values["last_name"], result.values["first_names"]) == (last, first)
    assert result.values["full_name"] == raw


def test_a_row_without_a_name_is_an_error_of_its_row() -> None:
    table = Table("l.xlsx", "Liste", ["Liste"], 1, ["N°", "NOM", "Grade"], [(9, [3, None, "Cpl"])])
    result = row_values(table=table, mapping={1: "last_name", 2: "rank"})[0]
    assert result.errors == [CellError(9, "B", "last_name", "le nom manque")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M", "M"), ("m", "M"), ("Masculin", "M"), ("H", "M"), ("Homme", "M"), ("Male", "M"),
        ("F", "F"), ("Féminin", "F"), ("FEMININ", "F"), ("Femme", "F"), ("female", "F"),
        (None, ""),
    ],
)  # fmt: skip
def test_sex_is_read_in_french_and_english(raw: str | None, expected: str) -> None:
    assert value("sex", raw) == expected


def test_an_unknown_sex_is_an_error() -> None:
    assert error("sex", "X").message == "sexe non reconnu « X » : M ou F attendu"


@pytest.mark.parametrize(
    "raw",
    [
        "70 12 34 56",
        "70123456",
        "+223 70 12 34 56",
        "00223 70-12-34-56",
        "223.70.12.34.56",
        "(+223) 70.12.34.56",
        70123456,
        70123456.0,
        22370123456,
        "70123456 / 66123456",
        "70 12 34 56 ou 66 12 34 56",
        "70 12 34 56 66 12 34 56",
    ],
)
def test_a_malian_phone_in_any_writing_is_normalised(raw: object) -> None:
    assert value("phone", raw) == "+223 70 12 34 56"


@pytest.mark.parametrize("raw", ["7012345", "70 12 34 56 78", "+33 6 12 34 56 78", "néant"])
def test_a_phone_without_eight_digits_is_an_error(raw: str) -> None:
    found = error("phone", raw)
    assert (found.row, found.column, found.field) == (7, "B", "phone")
    assert found.message.startswith("numéro de téléphone malien invalide (8 chiffres attendus)")


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(1985, 3, 12),
        dt.date(1985, 3, 12),
        31118,  # an Excel serial, the cell not formatted as a date
        31118.0,
        "12/03/1985",
        "12-03-1985",
        "12.03.1985",
        "12/03/85",
        "1985-03-12",
        "12/03/1985 00:00:00",
        "12 mars 1985",
        "12 MARS 1985",
        "12 Mar. 1985",
    ],
)
def test_a_birth_date_as_a_date_a_serial_or_text_is_read(raw: object) -> None:
    assert value("birth_date", raw) == dt.date(1985, 3, 12)


def test_french_month_names_with_accents_and_first_of_the_month() -> None:
    assert value("birth_date", "1er février 1979") == dt.date(1979, 2, 1)
    assert value("birth_date", "15 août 1990") == dt.date(1990, 8, 15)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/1985", "date impossible « 31/02/1985 »"),
        (
            "vers 1985",
            "date non reconnue « vers 1985 » : jour, mois et année attendus (12/03/1985)",
        ),
        ("12 brumaire 1985", "date non reconnue « 12 brumaire 1985 » : jour, mois et année"),
        (0, "date invalide « 0 »"),
        (70123456, "date invalide « 70123456 »"),
        ("01/01/2090", "date de naissance impossible : 01/01/2090"),
    ],
)
def test_an_impossible_or_unreadable_date_is_an_error(raw: object, message: str) -> None:
    assert error("birth_date", raw).message.startswith(message)


@pytest.mark.parametrize(
    ("raw", "expected"), [(" g 345 67 ", "G34567"), (12345.0, "12345"), (12345, "12345")]
)
def test_a_service_number_is_uppercased_without_spaces(raw: object, expected: str) -> None:
    assert value("service_number", raw) == expected


def test_an_email_is_validated() -> None:
    assert value("email", " Ali.Keita@Police.ml ") == "ali.keita@police.ml"
    assert error("email", "ali.keita@").message == "adresse de courriel invalide « ali.keita@ »"


def test_a_formula_in_a_mapped_cell_is_an_error_asking_for_values() -> None:
    found = error("phone", Formula('=CONCAT("70", "123456")'))
    assert found.message == (
        'la cellule contient une formule (=CONCAT("70", "123456")) : collez les valeurs'
    )


def test_a_formula_in_an_unmapped_cell_is_no_concern() -> None:
    table = Table("l.xlsx", "Liste", ["Liste"], 1, ["NOM", "X"], [(2, ["KEITA", Formula("=1+1")])])
    assert row_values(table=table, mapping={0: "last_name"})[0].errors == []


def test_every_bad_cell_of_a_row_is_reported_and_nothing_raises() -> None:
    table = Table(
        "l.xlsx",
        "Liste",
        ["Liste"],
        1,
        ["Nom", "Sexe", "Contact", "Né le", "Courriel"],
        [(4, [Formula("=A1"), "?", "12", "hier", "@"]), (5, ["SANGARE", "F", None, None, None])],
    )
    mapping = {0: "last_name", 1: "sex", 2: "phone", 3: "birth_date", 4: "email"}
    bad, good = row_values(table=table, mapping=mapping)
    assert [(e.column, e.field) for e in bad.errors] == [
        ("A", "last_name"),
        ("B", "sex"),
        ("C", "phone"),
        ("D", "birth_date"),
        ("E", "email"),
    ]
    assert good.errors == [] and good.values["sex"] == "F"


def test_a_short_row_reads_missing_cells_as_empty() -> None:
    table = Table("l.xlsx", "Liste", ["Liste"], 1, ["NOM", "Contact"], [(2, ["KEITA"])])
    result = row_values(table=table, mapping={0: "last_name", 1: "phone"})[0]
    assert result.errors == [] and result.values["phone"] == ""
