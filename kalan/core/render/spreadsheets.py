"""Tables out to XLSX and CSV, for every list Kalan exports (persons, rosters, test results, the
journal, the dashboard's numbers, payment statements).

Two rules hold for every export, whatever the list:

- **No cell runs as a formula.** A text that a spreadsheet would take for a formula (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, possibly after spaces) gets a
  leading apostrophe, in CSV as in XLSX: OWASP's advice against CSV injection. The price is
  visible: a phone number ``+223 70 12 34 56`` comes out as ``'+223 70 12 34 56``; a lost
  ``+`` is better than a cell that calls ``HYPERLINK`` or ``cmd`` on the reader's machine.
  In XLSX the cells are also typed as strings, so openpyxl never writes a ``<f>`` element.
- **Memory stays bounded.** Callers read rows in chunks (``iterator(chunk_size=CHUNK_SIZE)``
  over ``values()``, no model instances); CSV is a generator behind ``StreamingHttpResponse``;
  XLSX is written by openpyxl's write-only workbook into an anonymous temporary file, then
  streamed from disk by ``FileResponse``, which deletes it when it closes.

CSV is UTF-8 with a byte-order mark and ``;`` between fields: French Excel reads the BOM as
"UTF-8" (accents intact, instead of the Windows-1252 it assumes otherwise) and ``;`` as its list
separator, since ``,`` is the decimal comma in French. LibreOffice detects both.

Headers and labels are translated when the table is built, in the request's language: the CSV
generator runs after the locale middleware has switched the language back.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kalan.core.http import attachment

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
CellValue = str | int | float | None

# Rows read from the database per round trip: large enough to keep round trips few, small
# enough that a chunk of plain tuples weighs a megabyte or two.
CHUNK_SIZE = 2000
# CSV rows per piece handed to the server: one piece per row would mean 200,000 tiny writes.
CSV_ROWS_PER_PIECE = 500
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")

CONTENT_TYPES: dict[Format, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def spreadsheet_safe(value: CellValue) -> CellValue:
    """The value as a spreadsheet must receive it: never something it would run as a formula.

    Texts starting with ``= + - @``, a tab or a carriage return, or with one of these after
    leading spaces, get a leading apostrophe. Characters that XML cannot carry (control
    characters other than tab, newline and carriage return) are dropped: openpyxl refuses them
    and no real name holds them. Numbers pass unchanged: they are written as numbers.
    """
    if not isinstance(value, str):
        return value
    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass(kw_only=True)
class ExportTable:
    """What a writer needs: translated headers and rows of plain, already neutralised values."""

    title: str  # the sheet's name
    headers: list[str]
    rows: Iterable[Sequence[CellValue]]
    widths: Sequence[int] = ()  # XLSX column widths, in characters, in header order


def csv_pieces(table: ExportTable) -> Iterator[str]:
    """The table as CSV text, in pieces of a few hundred rows, the byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([spreadsheet_safe(header) for header in table.headers])
    for count, row in enumerate(table.rows, start=1):
        writer.writerow(row)
        if count % CSV_ROWS_PER_PIECE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_write(table: ExportTable, file: IO[bytes]) -> None:
    """Write the table to ``file`` as a one-sheet workbook (see ``xlsx_write_sheets``)."""
    xlsx_write_sheets([table], file)


def xlsx_write_sheets(tables: Sequence[ExportTable], file: IO[bytes]) -> None:
    """Write each table to ``file`` as a sheet of one workbook, row by row (openpyxl write-only).

    openpyxl spools each sheet's XML to a named file in the temp folder and removes it on save;
    if the export fails half-way that file would stay until the process ends, with the persons
    written so far in clear: it is removed here too.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets: list[WriteOnlyWorksheet] = []
    try:
        for table in tables:
            sheet = workbook.create_sheet(title=table.title[:31])
            sheets.append(sheet)
            for index, width in enumerate(table.widths, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = width
            sheet.freeze_panes = "A2"  # the header stays in sight while scrolling
            header = []
            for text in table.headers:
                cell = _string_cell(sheet, spreadsheet_safe(text))
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            for row in table.rows:
                # An empty text is no cell at all: a smaller file, and the same empty cell in
                # Excel.
                sheet.append(
                    [
                        (_string_cell(sheet, v) if v else None) if isinstance(v, str) else v
                        for v in row
                    ]
                )
        workbook.save(file)
    except BaseException:
        for sheet in sheets:
            _discard_spool(sheet)
        raise


def _discard_spool(sheet: WriteOnlyWorksheet) -> None:
    """Remove the temporary XML file openpyxl was writing the sheet into, if it is still there."""
    # Closing the sheet first ends openpyxl's writer, which closes its handle on the file.
    with contextlib.suppress(Exception):
        sheet.close()
    spool = getattr(getattr(sheet, "_writer", None), "out", None)
    if isinstance(spool, str):
        with contextlib.suppress(OSError):
            os.remove(spool)


def _string_cell(sheet: WriteOnlyWorksheet, text: CellValue) -> WriteOnlyCell:
    """A cell typed as text: even a value that slipped past the apostrophe is not a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def headed_sheet(book: Workbook, title: str, head: Sequence[str], widths: Sequence[int]) -> Any:
    """A new sheet of a report's workbook (not write-only): its bold, banded and wrapped head
    row (neutralised against formulas, like every text cell), the columns' widths, the head
    frozen. The donor and financial reports' sheets."""
    sheet = book.create_sheet(title=title[:31])  # Excel's limit for a sheet's name
    sheet.append([spreadsheet_safe(text) for text in head])
    band = PatternFill("solid", fgColor="E6E9EE")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = band
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def export_filename(*, subject: str, fmt: Format, dated: bool = True) -> str:
    """``kalan-personnes-2026-11-29.xlsx``: what the list is and when, never whose data it is."""
    date = f"-{timezone.localdate():%Y-%m-%d}" if dated else ""
    return f"kalan-{subject}{date}.{fmt}"


def export_response(
    *, table: ExportTable, fmt: Format, filename: str
) -> StreamingHttpResponse | FileResponse:
    """The table as a download: CSV streamed as it is written, XLSX streamed from a temp file.

    The XLSX file is anonymous (``TemporaryFile``: on Linux it never has a name in the
    folder), so no copy of the list outlives the response, even if the download is cut.
    """
    if fmt == "csv":
        return attachment(csv_pieces(table), filename=filename, content_type=CONTENT_TYPES["csv"])
    return xlsx_response(tables=[table], filename=filename)


def xlsx_response(*, tables: Sequence[ExportTable], filename: str) -> FileResponse:
    """A workbook of one sheet per table, written to an anonymous temporary file and streamed
    from disk (``TemporaryFile``: on Linux it never has a name in the folder, so no copy of the
    list outlives the response, even if the download is cut)."""
    file = tempfile.TemporaryFile(prefix="kalan-export-", suffix=".xlsx")  # noqa: SIM115
    try:
        xlsx_write_sheets(tables, file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    # FileResponse closes the file once sent, which deletes it.
    return attachment(file, filename=filename, content_type=CONTENT_TYPES["xlsx"])
