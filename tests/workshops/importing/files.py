"""Real participant lists, written the way commands send them, for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import xlwt

Cell = str | int | float | dt.date | dt.datetime | None

HEADER = ["N°", "NOM", "Prénom(s)", "Grade", "N° Mle", "Unité d'affectation", "Contact", "Sexe"]
PEOPLE = [
    [1, "TRAORE", "MOUSSA", "Adjudant", "12345", "Brigade de Sévaré", "70 12 34 56", "M"],
    [2, "Coulibaly", "Aïssata", "Sergent", 23456.0, "Commissariat de Mopti", "66123456", "F"],
    [
        3,
        "DIARRA",
        "Bakary",
        "Lieutenant",
        "G 345 67",
        "Brigade de Bandiagara",
        "+223 76 54 32 10",
        "M",
    ],
]
TITLES = ["RÉPUBLIQUE DU MALI", "LISTE DES OPJ CONVOQUÉS À L’ATELIER DE SÉVARÉ"]


def xlsx_write(
    path: Path,
    rows: list[list[Cell]],
    *,
    sheet: str = "Liste",
    merges: tuple[str, ...] = (),
    more_sheets: dict[str, list[list[Cell]]] | None = None,
) -> Path:
    """An xlsx whose first sheet holds ``rows`` from A1 (None leaves a cell or a row empty)."""
    book = openpyxl.Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cells in merges:
        worksheet.merge_cells(cells)
    for name, other_rows in (more_sheets or {}).items():
        other = book.create_sheet(name)
        for row in other_rows:
            other.append(row)
    book.save(path)
    return path


def messy_list() -> list[list[Cell]]:
    """Two titles (the first merged across), a blank row, the header, people with a blank row
    among them, then a total row counted by formula: rows 1-2 titles, 4 header, 5-6 and 8 data,
    10 total."""
    return [
        [TITLES[0]],
        [None, None, TITLES[1]],
        [],
        HEADER,
        PEOPLE[0],
        PEOPLE[1],
        [],
        PEOPLE[2],
        [],
        [None, "TOTAL", "=COUNTA(B5:B8)"],
    ]


def csv_write(
    path: Path, rows: list[list[Cell]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])
    return path


def xls_write(path: Path, rows: list[list[Cell]], *, sheet: str = "Liste") -> Path:
    """An Excel 97-2003 file; dates are written as dates (a serial with a date format)."""
    book = xlwt.Workbook()
    worksheet = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            if isinstance(cell, dt.date):
                worksheet.write(row_index, column, cell, date_style)
            elif cell is not None:
                worksheet.write(row_index, column, cell)
    book.save(str(path))
    return path
