"""Reading real xlsx, xls and csv lists: the layout commands use, and every way a file is bad."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import pytest
from pytest_django import Settings

from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.types import Formula, ImportFileError
from tests.workshops.importing.files import (
    HEADER,
    PEOPLE,
    TITLES,
    csv_write,
    messy_list,
    xls_write,
    xlsx_write,
)


def read_error(
    path: Path, filename: str | None = None, sheet: str | None = None
) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        table_read(path=path, filename=filename or path.name, sheet=sheet)
    return caught.value


def test_it_finds_the_header_under_titles_and_a_merged_title(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "liste.xlsx", messy_list(), merges=("A1:H1", "C2:F2"))
    table = table_read(path=path, filename="liste.xlsx")
    assert (table.filename, table.sheet, table.sheet_names) == ("liste.xlsx", "Liste", ["Liste"])
    assert table.header_row == 4
    assert table.headers == HEADER


def test_it_numbers_rows_as_the_spreadsheet_shows_them_without_blank_and_total_rows(
    tmp_path: Path,
) -> None:
    path = xlsx_write(tmp_path / "liste.xlsx", messy_list(), merges=("A1:H1",))
    table = table_read(path=path, filename="liste.xlsx")
    assert [number for number, _cells in table.rows] == [5, 6, 8]
    assert table.rows[0][1][:3] == [1, "TRAORE", "MOUSSA"]
    assert table.rows[1][1][4] == 23456  # openpyxl gives a whole float back as an int


def test_every_row_has_one_value_per_header(tmp_path: Path) -> None:
    rows = [HEADER, ["1", "SIDIBE"], [*PEOPLE[0], "hors tableau", "encore"]]
    table = table_read(path=xlsx_write(tmp_path / "l.xlsx", rows), filename="l.xlsx")
    assert [len(cells) for _number, cells in table.rows] == [len(HEADER), len(HEADER)]
    assert table.rows[0][1][2:] == [None] * 6


def test_rows_past_a_wrong_declared_dimension_are_still_read(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "d.xlsx", [HEADER, PEOPLE[0], PEOPLE[1]])
    # Some generators write <dimension ref="A1"> whatever the sheet holds.
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:H3"' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:H3"', b'ref="A1"')
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    table = table_read(path=path, filename="d.xlsx")
    assert (table.headers, len(table.rows)) == (HEADER, 2)


def test_formulas_are_kept_as_formulas_not_taken_as_values(tmp_path: Path) -> None:
    rows = [HEADER, [*PEOPLE[0][:6], '=CONCAT("70", "123456")', "M"], PEOPLE[1]]
    table = table_read(path=xlsx_write(tmp_path / "f.xlsx", rows), filename="f.xlsx")
    assert table.rows[0][1][6] == Formula('=CONCAT("70", "123456")')


def test_a_total_row_of_a_lone_count_formula_is_dropped(tmp_path: Path) -> None:
    rows = [HEADER, PEOPLE[0], PEOPLE[1], [None, None, None, "=COUNTA(B2:B3)"]]
    table = table_read(path=xlsx_write(tmp_path / "t.xlsx", rows), filename="t.xlsx")
    assert [number for number, _cells in table.rows] == [2, 3]


@pytest.mark.parametrize("label", ["Total général", "Effectif : 40", "TOTAL", "Nombre : 3"])
def test_a_labelled_total_row_right_under_the_list_is_dropped(tmp_path: Path, label: str) -> None:
    rows = [HEADER, PEOPLE[0], PEOPLE[1], [label, None, None, None, None, None, None, 2]]
    table = table_read(path=xlsx_write(tmp_path / "t.xlsx", rows), filename="t.xlsx")
    assert [number for number, _cells in table.rows] == [2, 3]


def test_a_signature_block_under_a_blank_row_is_dropped_but_a_short_last_row_stays(
    tmp_path: Path,
) -> None:
    rows = [
        HEADER,
        PEOPLE[0],
        PEOPLE[1],
        [4, "SIDIBE"],  # a participant whose other cells are missing: the values step says so
        [],
        [None, None, None, None, None, "Fait à Sévaré, le 2 novembre 2022"],
        [None, None, None, None, None, "Le Commandant de Légion"],
    ]
    table = table_read(path=xlsx_write(tmp_path / "s.xlsx", rows), filename="s.xlsx")
    assert [number for number, _cells in table.rows] == [2, 3, 4]


def test_a_header_repeated_on_each_printed_page_is_skipped(tmp_path: Path) -> None:
    rows = [HEADER, PEOPLE[0], HEADER, PEOPLE[1]]
    table = table_read(path=xlsx_write(tmp_path / "p.xlsx", rows), filename="p.xlsx")
    assert [number for number, _cells in table.rows] == [2, 4]


def test_labelled_titles_are_not_taken_for_the_header(tmp_path: Path) -> None:
    rows = [
        ["Unité : Brigade de Sévaré", "Contact : 70 12 34 56", "Grade : tous"],
        HEADER,
        PEOPLE[0],
    ]
    assert table_read(path=xlsx_write(tmp_path / "t.xlsx", rows), filename="t.xlsx").header_row == 2


def test_english_headers_are_found_too(tmp_path: Path) -> None:
    rows = [
        ["Staff list"],
        ["Last name", "First names", "Rank", "Phone"],
        ["KEITA", "Ali", "Cpl", 1],
    ]
    table = table_read(path=xlsx_write(tmp_path / "e.xlsx", rows), filename="e.xlsx")
    assert table.header_row == 2


def test_without_known_headers_the_first_row_of_three_texts_is_the_header(tmp_path: Path) -> None:
    rows = [["LISTE"], ["Identité", "Qualité", "Lieu"], ["KEITA Ali", "OPJ", "Mopti"]]
    table = table_read(path=xlsx_write(tmp_path / "h.xlsx", rows), filename="h.xlsx")
    assert (table.header_row, table.headers) == (2, ["Identité", "Qualité", "Lieu"])


def test_a_sheet_without_any_header_row_is_refused(tmp_path: Path) -> None:
    rows = [["LISTE DES OPJ"], [1, 2, 3], ["KEITA"]]
    error = read_error(xlsx_write(tmp_path / "n.xlsx", rows))
    assert error.code == "no_header"
    assert "« n.xlsx »" in str(error) and "30 premières lignes" in str(error)


def test_the_sheet_can_be_chosen_and_an_unknown_one_lists_the_sheets(tmp_path: Path) -> None:
    path = xlsx_write(
        tmp_path / "c.xlsx", [["vide"]], sheet="Garde", more_sheets={"Police": [HEADER, PEOPLE[1]]}
    )
    table = table_read(path=path, filename="c.xlsx", sheet="Police")
    assert (table.sheet, table.sheet_names, len(table.rows)) == ("Police", ["Garde", "Police"], 1)
    error = read_error(path, sheet="Gendarmerie")
    assert error.code == "unknown_sheet"
    assert "« Gendarmerie »" in str(error) and "« Garde », « Police »" in str(error)


def test_without_a_sheet_named_the_first_one_holding_a_list_is_read(tmp_path: Path) -> None:
    path = xlsx_write(
        tmp_path / "d.xlsx", [], sheet="Feuil1", more_sheets={"OPJ": [HEADER, PEOPLE[0]]}
    )
    assert table_read(path=path, filename="d.xlsx").sheet == "OPJ"


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vide.xlsx").write_bytes(b"")
    error = read_error(tmp_path / "vide.xlsx")
    assert (error.code, str(error)) == ("empty_file", "Le fichier « vide.xlsx » est vide.")


def test_a_workbook_with_an_empty_sheet_is_empty(tmp_path: Path) -> None:
    assert read_error(xlsx_write(tmp_path / "e.xlsx", [])).code == "empty_file"


def test_a_header_without_rows_under_it_is_empty(tmp_path: Path) -> None:
    error = read_error(
        xlsx_write(tmp_path / "e.xlsx", [TITLES[:1], HEADER, [], [None, "TOTAL", 0]])
    )
    assert error.code == "empty_file"
    assert "sous l’en-tête (ligne 2)" in str(error)


def test_too_many_rows_are_refused_with_the_limit_and_the_count(
    tmp_path: Path, settings: Settings
) -> None:
    settings.KALAN_IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [[n, f"NOM{n}", "Awa"] for n in range(1, 52)]
    error = read_error(xlsx_write(tmp_path / "grand.xlsx", rows))
    assert error.code == "too_many_rows"
    assert "contient 51 lignes" in str(error) and "la limite est de 50 lignes" in str(error)


def test_a_list_of_100000_rows_is_refused_with_the_default_limit_stated(tmp_path: Path) -> None:
    # The real size of the case, at the shipped limit (20,000 rows), in a CSV.
    rows = [HEADER] + [[n, f"NOM{n}", "Awa"] for n in range(1, 100_001)]
    error = read_error(csv_write(tmp_path / "cent-mille.csv", rows))
    message = str(error).replace("\u202f", " ").replace("\xa0", " ")
    assert error.code == "too_many_rows"
    assert "la limite est de 20 000 lignes" in message


def test_a_huge_xlsx_is_refused_without_reading_it_all(tmp_path: Path, settings: Settings) -> None:
    settings.KALAN_IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [[n, f"NOM{n}", "Awa"] for n in range(1, 2001)]
    error = read_error(xlsx_write(tmp_path / "grand.xlsx", rows))
    # Counted from the sheet's declared size: reading 2,000 rows to count them is not needed.
    assert error.code == "too_many_rows"
    assert "2 000 lignes" in str(error).replace("\u202f", " ").replace("\xa0", " ")


def test_the_limit_counts_participants_not_the_total_row(
    tmp_path: Path, settings: Settings
) -> None:
    settings.KALAN_IMPORT_MAX_ROWS = 50
    rows = [HEADER] + [[n, f"NOM{n}", "Awa"] for n in range(1, 51)] + [["TOTAL", None, 50]]
    assert len(table_read(path=xlsx_write(tmp_path / "l.xlsx", rows), filename="l.xlsx").rows) == 50


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, settings: Settings) -> None:
    settings.KALAN_IMPORT_MAX_BYTES = 2048
    path = csv_write(tmp_path / "l.csv", [HEADER] + [PEOPLE[0]] * 50)
    error = read_error(path)
    assert error.code == "too_large"


def test_an_xlsx_inflating_past_the_limit_is_refused(tmp_path: Path, settings: Settings) -> None:
    settings.KALAN_IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    path = xlsx_write(tmp_path / "b.xlsx", [HEADER, PEOPLE[0]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(2 * 1024 * 1024))
    error = read_error(path)
    assert error.code == "zip_bomb"
    assert "2,0 Mo" in str(error) and "1,0 Mo" in str(error)


def test_a_member_compressed_a_thousand_times_is_refused(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "b.xlsx", [HEADER, PEOPLE[0]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(8 * 1024 * 1024))
    error = read_error(path)
    assert error.code == "zip_bomb"
    assert "plus de 100 fois" in str(error)


def test_an_xlsx_declaring_gigabytes_is_refused_without_inflating_anything(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "b.xlsx", [HEADER, PEOPLE[0]])
    data = bytearray(path.read_bytes())
    # Rewrite the uncompressed size of every member in the central directory to 4 GB.
    start = data.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into("<I", data, start + 24, 0xFFFFFFF0)
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))
    assert read_error(path).code == "zip_bomb"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "une image PNG"),
        ("liste.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "un document PDF"),
        ("liste.xls", b"<html><body><table><tr><td>NOM</td></tr></table>", "une page web"),
        ("liste.csv", bytes(range(1, 32)) * 100, ""),
    ],
)
def test_a_renamed_binary_or_page_is_not_a_spreadsheet(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    (tmp_path / name).write_bytes(content)
    error = read_error(tmp_path / name)
    assert error.code == "not_a_spreadsheet"
    assert f"« {name} »" in str(error) and kind in str(error)


def test_a_zip_that_is_no_workbook_is_not_a_spreadsheet(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "rapport.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    error = read_error(tmp_path / "rapport.xlsx")
    assert error.code == "not_a_spreadsheet" and "un document Word" in str(error)


def test_a_text_file_renamed_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    (tmp_path / "liste.xlsx").write_text("Bonjour,\nvoici la liste demandée.\n", encoding="utf-8")
    error = read_error(tmp_path / "liste.xlsx")
    assert error.code == "not_a_spreadsheet"
    assert "l’extension .xlsx mais contient du texte" in str(error)


def test_a_csv_renamed_xlsx_is_read_as_the_csv_it_is(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "liste.xlsx", [HEADER, PEOPLE[0]])
    assert table_read(path=path, filename="liste.xlsx").rows[0][1][1] == "TRAORE"


def test_a_truncated_xlsx_is_corrupt(tmp_path: Path) -> None:
    path = xlsx_write(tmp_path / "c.xlsx", [HEADER, PEOPLE[0]])
    path.write_bytes(path.read_bytes()[:1500])
    error = read_error(path)
    assert error.code == "corrupt_file" and "« c.xlsx » est illisible" in str(error)


def test_an_ole_file_that_is_no_workbook_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert read_error(tmp_path / "c.xls").code == "corrupt_file"


def test_a_utf8_csv_with_commas_and_a_title_is_read(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "l.csv", [[TITLES[1]], [], HEADER, PEOPLE[0], PEOPLE[2]])
    table = table_read(path=path, filename="l.csv")
    assert (table.sheet, table.sheet_names, table.header_row) == ("", [], 3)
    assert table.headers == HEADER
    assert [number for number, _cells in table.rows] == [4, 5]
    assert table.rows[1][1][5] == "Brigade de Bandiagara"


def test_a_windows_1252_csv_with_semicolons_keeps_its_accents(tmp_path: Path) -> None:
    rows = [HEADER, [1, "TRAORÉ", "Aïssata", "Sergent-chef", "", "Sévaré", "", "F"]]
    path = csv_write(tmp_path / "l.csv", rows, encoding="cp1252", delimiter=";")
    assert b"\xc9" in path.read_bytes()  # really Windows-1252, not UTF-8
    table = table_read(path=path, filename="l.csv")
    assert table.headers[2] == "Prénom(s)"
    assert table.rows[0][1][1:6] == ["TRAORÉ", "Aïssata", "Sergent-chef", None, "Sévaré"]


def test_a_utf8_csv_with_a_bom_has_a_clean_first_header(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "l.csv", [HEADER, PEOPLE[1]], encoding="utf-8-sig", delimiter=";")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert table_read(path=path, filename="l.csv").headers[0] == "N°"


def test_a_utf16_text_export_is_read(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "l.txt", [HEADER, PEOPLE[1]], encoding="utf-16", delimiter="\t")
    assert table_read(path=path, filename="l.txt").rows[0][1][2] == "Aïssata"


def test_a_tab_separated_file_is_read(tmp_path: Path) -> None:
    path = csv_write(tmp_path / "l.txt", [HEADER, PEOPLE[0]], delimiter="\t")
    assert table_read(path=path, filename="l.txt").rows[0][1][2] == "MOUSSA"


def test_commas_inside_names_do_not_fool_the_semicolon_detection(tmp_path: Path) -> None:
    rows = [
        HEADER,
        [1, "TRAORE, dit Papa", "Moussa", "Adjudant"],
        [2, "KEITA", "Ali, Moussa", "Cpl"],
    ]
    table = table_read(path=csv_write(tmp_path / "l.csv", rows, delimiter=";"), filename="l.csv")
    assert table.rows[0][1][1] == "TRAORE, dit Papa"


def test_csv_rows_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    rows = [HEADER, [1, "TRAORE", "Moussa", "Adjudant\nchef"], [2, "KEITA", "Ali"]]
    table = table_read(path=csv_write(tmp_path / "l.csv", rows), filename="l.csv")
    assert [number for number, _cells in table.rows] == [2, 4]


def test_a_csv_cell_starting_with_equals_is_a_formula(tmp_path: Path) -> None:
    rows = [HEADER, [1, "TRAORE", '=HYPERLINK("http://x")']]
    table = table_read(path=csv_write(tmp_path / "l.csv", rows), filename="l.csv")
    assert table.rows[0][1][2] == Formula('=HYPERLINK("http://x")')


def test_a_long_csv_is_refused_with_its_exact_count(tmp_path: Path, settings: Settings) -> None:
    settings.KALAN_IMPORT_MAX_ROWS = 50
    path = csv_write(tmp_path / "l.csv", [HEADER] + [[n, f"NOM{n}"] for n in range(1, 301)])
    error = read_error(path)
    assert error.code == "too_many_rows" and "contient 300 lignes" in str(error)


def test_an_xls_file_is_read_with_its_dates_and_numbers(tmp_path: Path) -> None:
    rows = [[TITLES[0]], [], [*HEADER, "Né(e) le"], [*PEOPLE[1], dt.date(1985, 3, 12)]]
    path = xls_write(tmp_path / "ancien.xls", rows)
    table = table_read(path=path, filename="ancien.xls")
    assert (table.sheet, table.header_row, table.headers[-1]) == ("Liste", 3, "Né(e) le")
    number, cells = table.rows[0]
    assert number == 4
    assert cells[0] == 2 and cells[4] == 23456  # xls numbers are floats: whole ones read as ints
    assert cells[-1] == dt.datetime(1985, 3, 12)


def test_an_xls_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = xls_write(tmp_path / "ancien.xls", [HEADER, PEOPLE[0]], sheet="OPJ")
    error = read_error(path, sheet="Feuil1")
    assert error.code == "unknown_sheet" and "« OPJ »" in str(error)


def test_an_xls_renamed_csv_is_read_as_xls(tmp_path: Path) -> None:
    path = xls_write(tmp_path / "liste.csv", [HEADER, PEOPLE[0]])
    assert table_read(path=path, filename="liste.csv").sheet == "Liste"


def test_a_workbook_is_read_by_its_content_whatever_its_stored_name(tmp_path: Path) -> None:
    # Uploads are kept as <random>.upload: the name must not decide how the file is read.
    path = xlsx_write(tmp_path / "liste.xlsx", messy_list())
    stored = path.rename(tmp_path / "0f3a.upload")
    table = table_read(path=stored, filename="liste.xlsx")
    assert table.headers[1] == "NOM" and len(table.rows) == 3
