"""The rules of ``values`` that a list meets rarely but must not get wrong: the catch-all, the
bounds of a birth date, the century of a two-digit year, short surnames, long names, second
phone numbers and the words each field understands. ``test_values`` covers the common cases."""

from __future__ import annotations

import datetime as dt

import pytest

from kalan.workshops.importing import values
from kalan.workshops.importing.types import CellError, Formula, Table
from kalan.workshops.importing.values import row_values
from tests.workshops.importing.test_values import error, one, value


def split(raw: str, header: str) -> tuple[object, object]:
    """(last name, first names) read from ``raw`` in a full-name column headed ``header``."""
    table = Table("l.xlsx", "Liste", ["Liste"], 1, [header], [(2, [raw])])
    result = row_values(table=table, mapping={0: "full_name"})[0]
    assert result.errors == []
    return result.values["last_name"], result.values["first_names"]


# The catch-all ---------------------------------------------------------------------------------


def test_a_value_no_rule_foresaw_is_reported_as_unreadable_and_the_row_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def breaks(raw: object) -> str:
        raise ZeroDivisionError  # not a _Invalid: a failure no cleaning rule expected

    monkeypatch.setitem(values._CLEANERS, "phone", breaks)
    result = one("phone", "70123456")
    assert result.errors == [CellError(7, "B", "phone", "valeur illisible « 70123456 »")]
    assert result.values["last_name"] == "KEITA"


# Formulas --------------------------------------------------------------------------------------


def test_a_formula_of_forty_characters_is_shown_whole() -> None:
    formula = "=" + "A" * 39
    assert error("phone", Formula(formula)).message == (
        f"la cellule contient une formule ({formula}) : collez les valeurs"
    )


@pytest.mark.parametrize(
    "formula",
    [
        pytest.param("=" + "B" * 40, id="forty-one-characters"),
        pytest.param("=CONCATENATE(" + "A1," * 20 + "B1)", id="long"),
    ],
)
def test_a_formula_past_forty_characters_is_cut_to_forty_with_an_ellipsis(formula: str) -> None:
    shown = formula[:39] + "…"
    assert len(shown) == 40
    assert error("phone", Formula(formula)).message == (
        f"la cellule contient une formule ({shown}) : collez les valeurs"
    )


# Text columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(dt.datetime(2024, 3, 12), "2024-03-12", id="datetime-at-midnight"),
        pytest.param(dt.datetime(2024, 3, 12, 10, 30), "2024-03-12 10:30:00", id="with-a-time"),
        pytest.param(dt.date(2024, 3, 12), "2024-03-12", id="date"),
        pytest.param(12.0, "12", id="whole-float"),
        pytest.param(12.5, "12.5", id="float"),
    ],
)
def test_a_date_or_number_in_a_text_column_reads_as_it_shows(raw: object, expected: str) -> None:
    assert value("unit", raw) == expected


# Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "header", "last", "first"),
    [
        pytest.param("Moussa BA", "Nom et prénoms", "BA", "Moussa", id="BA-after"),
        pytest.param("SY Awa", "Prénoms et nom", "SY", "Awa", id="SY-before"),
        pytest.param("Awa Fatoumata SY", "Nom et prénoms", "SY", "Awa Fatoumata", id="SY-last"),
        # One capital letter is an initial, not a last name.
        pytest.param("TRAORE Moussa A", "Prénoms et nom", "TRAORE", "Moussa A", id="initial"),
    ],
)
def test_a_surname_of_two_capital_letters_is_a_last_name(
    raw: str, header: str, last: str, first: str
) -> None:
    assert split(raw, header) == (last, first)


@pytest.mark.parametrize(
    ("raw", "header", "last", "first"),
    [
        pytest.param(
            "TRAORE MAMADOU LAMINE", "Nom et prénoms", "TRAORE", "Mamadou Lamine", id="caps-nom"
        ),
        pytest.param(
            "MAMADOU LAMINE TRAORE", "Prénoms et nom", "TRAORE", "Mamadou Lamine", id="caps-prenom"
        ),
        pytest.param(
            "TRAORE MAMADOU LAMINE", "Nom complet", "TRAORE", "Mamadou Lamine", id="caps-unknown"
        ),
        pytest.param(
            "Traoré Mamadou Lamine", "Nom et prénoms", "Traoré", "Mamadou Lamine", id="none-nom"
        ),
        pytest.param(
            "Mamadou Lamine Traoré", "Prénoms et nom", "Traoré", "Mamadou Lamine", id="none-prenom"
        ),
        pytest.param(
            "Awa Fatoumata Binta Sidibé", "Full name", "Sidibé", "Awa Fatoumata Binta", id="four"
        ),
        pytest.param(
            "Mamadou Lamine DIALLO KEITA", "Nom complet", "DIALLO KEITA", "Mamadou Lamine",
            id="two-word-last-name",
        ),
        pytest.param(
            "DIALLO Mamadou KEITA Lamine", "Nom complet", "DIALLO KEITA", "Mamadou Lamine",
            id="capitals-scattered",
        ),
    ],
)  # fmt: skip
def test_a_name_of_three_or_more_words_gives_one_last_name_and_the_rest_as_first_names(
    raw: str, header: str, last: str, first: str
) -> None:
    assert split(raw, header) == (last, first)


@pytest.mark.parametrize(
    ("headers", "mapping", "column"),
    [
        pytest.param(
            ["N°", "Nom et prénoms", "Grade"], {1: "full_name", 2: "rank"}, "B", id="full"
        ),
        pytest.param(
            ["N°", "Nom et prénoms", "Nom"], {1: "full_name", 2: "last_name"}, "C", id="both"
        ),
        pytest.param(["N°", "Nom et prénoms", "Grade"], {2: "rank"}, "", id="no-name-column"),
    ],
)
def test_a_missing_name_names_the_last_name_column_else_the_full_name_one(
    headers: list[str], mapping: dict[int, str], column: str
) -> None:
    table = Table("l.xlsx", "Liste", ["Liste"], 1, headers, [(9, [3, None, None])])
    result = row_values(table=table, mapping=mapping)[0]
    assert result.errors == [CellError(9, column, "last_name", "le nom manque")]


def test_an_unreadable_full_name_is_reported_once_not_also_as_missing() -> None:
    table = Table(
        "l.xlsx", "Liste", ["Liste"], 1, ["N°", "Nom et prénoms"], [(9, [3, Formula("=A1")])]
    )
    result = row_values(table=table, mapping={1: "full_name"})[0]
    assert [(e.column, e.field) for e in result.errors] == [("B", "full_name")]


# Sex -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fem", "F"), ("Fém.", "F"), ("FEMININ", "F"), ("woman", "F"), ("f", "F"),
        ("masc", "M"), ("Masc.", "M"), ("man", "M"), ("homme", "M"), ("h", "M"),
    ],
)  # fmt: skip
def test_every_abbreviation_of_sex_is_read(raw: str, expected: str) -> None:
    assert value("sex", raw) == expected


# Phones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("70.12.34.56 / 66.12.34.56", id="dots-slash"),
        pytest.param("70-12-34-56; 66-12-34-56", id="hyphens-semicolon"),
        pytest.param("70123456;66123456", id="semicolon-without-space"),
        pytest.param("70 12 34 56,66 12 34 56", id="comma-without-space"),
        pytest.param("70123456|66123456", id="bar"),
        pytest.param("70 12 34 56 et 66 12 34 56", id="et"),
        pytest.param("70 12 34 56 or 66 12 34 56", id="or"),
        pytest.param("+223 70 12 34 56 / +223 66 12 34 56", id="both-with-prefix"),
        pytest.param("(+223) 70.12.34.56 ou (+223) 66.12.34.56", id="brackets-ou"),
        # A second number too short to stand alone: only the separator tells the two apart.
        pytest.param("70 12 34 56 / 12", id="second-number-bad-slash"),
        pytest.param("70 12 34 56 ou 66 12", id="second-number-bad-ou"),
        pytest.param("70 12 34 56 et 66 12", id="second-number-bad-et"),
        pytest.param("70 12 34 56 or 66 12", id="second-number-bad-or"),
        pytest.param("70 12 34 56;66", id="second-number-bad-semicolon"),
    ],
)
def test_the_first_of_two_phone_numbers_is_kept_whatever_separates_them(raw: str) -> None:
    assert value("phone", raw) == "+223 70 12 34 56"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("70.12.34.56 66.12.34.56", id="dots"),
        pytest.param("70-12-34-56 66-12-34-56", id="hyphens"),
        pytest.param("(70)123456 (66)123456", id="brackets"),
    ],
)
def test_two_punctuated_numbers_side_by_side_are_two_numbers(raw: str) -> None:
    """Only a space between them: the second is a whole number once its punctuation is gone."""
    assert value("phone", raw) == "+223 70 12 34 56"


def test_an_ignored_column_before_the_name_leaves_the_rest_of_the_row_read() -> None:
    """The order number (n° d’ordre), mapped to no field, in column A: the columns after it are
    read all the same."""
    table = Table(
        "l.xlsx", "Liste", ["Liste"], 1, ["N°", "Nom", "Sexe"], [(2, ["1", "KEITA", "F"])]
    )
    result = row_values(table=table, mapping={0: "", 1: "last_name", 2: "sex"})[0]
    assert result.errors == []
    assert (result.values["last_name"], result.values["sex"]) == ("KEITA", "F")


def test_a_last_name_column_wins_over_the_full_name_column() -> None:
    table = Table(
        "l.xlsx", "Liste", ["Liste"], 1, ["Nom", "Nom complet"], [(2, ["KEITA", "Moussa TRAORE"])]
    )
    result = row_values(table=table, mapping={0: "last_name", 1: "full_name"})[0]
    assert result.errors == []
    assert (result.values["last_name"], result.values["first_names"]) == ("KEITA", "")


def test_a_full_name_column_without_a_heading_is_read_in_the_order_of_its_capitals() -> None:
    """A column past the last heading (a row longer than its header row): the order is unknown,
    the capitals tell the last name."""
    table = Table("l.xlsx", "Liste", ["Liste"], 1, ["N°"], [(2, ["1", "Moussa TRAORE"])])
    result = row_values(table=table, mapping={1: "full_name"})[0]
    assert result.errors == []
    assert (result.values["last_name"], result.values["first_names"]) == ("TRAORE", "Moussa")


# Mutants of ``values`` that `make mutation` (bench/mutation.py) lets live, as equivalent:
# - ``_full_name_split``: ``strict=True`` of the two ``zip`` calls dropped, False or None: the
#   words and their capitals are one list read twice, always of one length.
# - ``_phone``: ``maxsplit=1`` dropped or 2: only the text before the first separator is read.
# - ``_phone``: the groups left joined by "XXXX" rather than "": the non-digits are removed next.
# - ``_phone``: ``national[6:9]`` for ``national[6:8]``: the national number has 8 digits.


# Birth dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("12/03/03", dt.date(2003, 3, 12), id="03-is-2003"),
        pytest.param("12/03/00", dt.date(2000, 3, 12), id="00-is-2000"),
        pytest.param("12-03-10", dt.date(2010, 3, 12), id="10-is-2010"),
        pytest.param("12/03/99", dt.date(1999, 3, 12), id="99-is-1999"),
        pytest.param("12/03/85", dt.date(1985, 3, 12), id="85-is-1985"),
    ],
)
def test_a_two_digit_year_takes_the_century_that_keeps_the_birth_in_the_past(
    raw: str, expected: dt.date
) -> None:
    assert value("birth_date", raw) == expected


def test_the_two_digit_year_of_this_year_is_this_century_and_the_next_one_the_last() -> None:
    this_year = dt.date.today().year
    two_digits = this_year % 100
    assert value("birth_date", f"01/01/{two_digits:02d}") == dt.date(this_year, 1, 1)
    assert value("birth_date", f"01/01/{two_digits + 1:02d}") == dt.date(this_year - 99, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(dt.date(1900, 1, 1), id="date"),
        pytest.param("01/01/1900", id="text"),
        pytest.param(1, id="excel-serial-1"),
    ],
)
def test_the_first_of_january_1900_is_the_earliest_birth_date(raw: object) -> None:
    assert value("birth_date", raw) == dt.date(1900, 1, 1)


@pytest.mark.parametrize(
    "raw", [pytest.param(dt.date(1899, 12, 31), id="date"), pytest.param("31/12/1899", id="text")]
)
def test_a_birth_date_before_1900_is_an_error(raw: object) -> None:
    assert error("birth_date", raw).message == "date de naissance impossible : 31/12/1899"


def test_a_birth_date_of_today_is_taken_and_of_tomorrow_refused() -> None:
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    assert value("birth_date", today) == today
    assert value("birth_date", dt.datetime.combine(today, dt.time(23, 59))) == today
    assert error("birth_date", tomorrow).message == (
        f"date de naissance impossible : {tomorrow:%d/%m/%Y}"
    )


def test_the_largest_excel_serial_is_a_date_and_the_next_one_is_not() -> None:
    assert error("birth_date", 2_958_465).message == "date de naissance impossible : 31/12/9999"
    assert error("birth_date", 2_958_466).message == "date invalide « 2958466 »"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("1985/03/12", id="slashes"),
        pytest.param("1985.03.12", id="dots"),
        pytest.param("1985-3-12", id="one-digit-month"),
        pytest.param("1985-03-12T08:30:00", id="iso-with-time"),
        pytest.param("12 03 1985", id="day-month-year-spaces"),
    ],
)
def test_a_birth_date_year_first_or_with_any_separator_is_read(raw: str) -> None:
    assert value("birth_date", raw) == dt.date(1985, 3, 12)


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("janvier", 1), ("janv.", 1), ("Jan", 1), ("January", 1),
        ("février", 2), ("févr.", 2), ("fev", 2), ("February", 2), ("Feb", 2),
        ("mars", 3), ("March", 3), ("mar", 3),
        ("avril", 4), ("avr.", 4), ("April", 4), ("apr", 4),
        ("mai", 5), ("May", 5),
        ("juin", 6), ("June", 6), ("jun", 6),
        ("juillet", 7), ("juil.", 7), ("July", 7), ("jul", 7),
        ("août", 8), ("August", 8), ("aug", 8),
        ("septembre", 9), ("sept.", 9), ("sep", 9), ("September", 9),
        ("octobre", 10), ("oct.", 10), ("October", 10),
        ("novembre", 11), ("nov.", 11), ("November", 11),
        ("décembre", 12), ("DÉCEMBRE", 12), ("déc.", 12), ("December", 12),
    ],
)  # fmt: skip
def test_every_month_name_and_abbreviation_is_read(raw: str, month: int) -> None:
    assert value("birth_date", f"1er {raw} 1985") == dt.date(1985, month, 1)
