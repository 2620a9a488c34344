"""Person lists out to XLSX and CSV: a filtered registry or a session roster with its attendance.

Three rules hold for every export, whatever the list:

- **Only what the user may see.** ``person_export_columns(user)`` is the one place that decides
  the columns; contacts (phone, e-mail) come only with ``kalan.view_contacts``, and are not even
  read from the database otherwise. Roles, when they come, map onto these permissions.
- **No cell runs as a formula.** A text that a spreadsheet would take for a formula (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, possibly after spaces) gets a
  leading apostrophe, in CSV as in XLSX: OWASP's advice against CSV injection. The price is
  visible: a phone number ``+223 70 12 34 56`` comes out as ``'+223 70 12 34 56``; a lost
  ``+`` is better than a cell that calls ``HYPERLINK`` or ``cmd`` on the reader's machine.
  In XLSX the cells are also typed as strings, so openpyxl never writes a ``<f>`` element.
- **Memory stays bounded.** Rows come from the database in chunks (``iterator(chunk_size=…)``
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
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kalan.core.models import User
from kalan.people.models import Person, Place
from kalan.people.selectors import person_filter
from kalan.workshops.models import Attendance, Enrollment, Session
from kalan.workshops.selectors import session_roster

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")
CellValue = str | int | float | None
Row = Mapping[str, Any]

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

Viewer = User | AnonymousUser


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


@dataclass(frozen=True, kw_only=True)
class ExportColumn:
    """One column of a person export: its header, the ``values()`` fields it reads, its cell."""

    key: str  # stable name for code and tests: "last_name", "phone"
    header: str  # translated when the columns are built
    fields: tuple[str, ...]
    value: Callable[[Row], CellValue]


@dataclass(kw_only=True)
class ExportTable:
    """What a writer needs: translated headers and rows of plain, already neutralised values."""

    title: str  # the sheet's name
    headers: list[str]
    rows: Iterable[Sequence[CellValue]]
    widths: Sequence[int] = ()  # XLSX column widths, in characters, in header order


def _blank(key: str) -> Callable[[Row], CellValue]:
    """The row's value under ``key``; a missing relation (NULL) prints as an empty cell."""
    get = itemgetter(key)
    return lambda row: get(row) or ""


def _field_column(*, key: str, header: str, field: str) -> ExportColumn:
    """A column that prints one ``values()`` field as it is."""
    return ExportColumn(key=key, header=header, fields=(field,), value=_blank(field))


def person_export_columns(user: Viewer) -> list[ExportColumn]:
    """The columns of a person export for this user: the one place that decides what leaves.

    Contacts (phone, e-mail) only with ``kalan.view_contacts``. Labels are resolved here, in
    the request's language, because a CSV is written after the request's language is gone.
    """
    sexes = {value: str(label) for value, label in Person.Sex.choices}

    def sex(row: Row) -> CellValue:
        return sexes.get(row["sex"], row["sex"])

    def corps(row: Row) -> CellValue:
        return row["corps__short_name"] or row["corps__name"] or ""

    columns = [
        ExportColumn(key="number", header=_("N°"), fields=(), value=itemgetter("number")),
        _field_column(key="last_name", header=_("Nom"), field="last_name"),
        _field_column(key="first_names", header=_("Prénoms"), field="first_names"),
        ExportColumn(key="sex", header=_("Sexe"), fields=("sex",), value=sex),
        ExportColumn(
            key="corps", header=_("Corps"), fields=("corps__short_name", "corps__name"), value=corps
        ),
        _field_column(key="rank", header=_("Grade"), field="rank__name"),
        _field_column(key="service_number", header=_("Matricule"), field="service_number"),
        _field_column(key="unit", header=_("Unité"), field="unit__name"),
        _field_column(key="place", header=_("Localité"), field="unit__place__name"),
        # The region is found from the unit's place (see RegionIndex), not read as a field.
        ExportColumn(
            key="region", header=_("Région"), fields=("unit__place_id",), value=_blank("region")
        ),
    ]
    if user.has_perm("kalan.view_contacts"):
        columns += [
            _field_column(key="phone", header=_("Téléphone"), field="phone"),
            _field_column(key="email", header=_("Courriel"), field="email"),
        ]
    return columns


# Widths in characters for the XLSX columns, by column key; attendance columns are narrow.
WIDTHS = {
    "number": 6,
    "last_name": 18,
    "first_names": 22,
    "sex": 8,
    "corps": 14,
    "rank": 22,
    "service_number": 14,
    "unit": 30,
    "place": 16,
    "region": 14,
    "phone": 18,
    "email": 28,
}


class RegionIndex:
    """The region (or district) of every place, from one query of the whole map of places.

    The map is small (hundreds of rows) and a region is its places' ancestor at any depth, so
    one read and a walk in memory beat a join per level or a query per row.
    """

    def __init__(self) -> None:
        self._places = {
            pk: (name, kind, parent_id)
            for pk, name, kind, parent_id in Place.objects.values_list(
                "pk", "name", "kind", "parent_id"
            )
        }
        self._regions: dict[int, str] = {}

    def region(self, place_id: int | None) -> str:
        if place_id is None:
            return ""
        if place_id not in self._regions:
            name, current = "", self._places.get(place_id)
            while current is not None:
                if current[1] in (Place.Kind.REGION, Place.Kind.DISTRICT):
                    name = current[0]
                    break
                current = self._places.get(current[2]) if current[2] is not None else None
            self._regions[place_id] = name
        return self._regions[place_id]


def _person_cells(
    columns: Sequence[ExportColumn], row: dict[str, Any], regions: RegionIndex
) -> list[CellValue]:
    if "unit__place_id" in row:
        row["region"] = regions.region(row["unit__place_id"])
    return [spreadsheet_safe(column.value(row)) for column in columns]


def _fields(columns: Sequence[ExportColumn]) -> list[str]:
    """The ``values()`` fields the columns read, each once, in column order."""
    return list(dict.fromkeys(field for column in columns for field in column.fields))


def person_export_table(*, user: Viewer, query: str = "") -> ExportTable:
    """The registry filtered as on the person list (``q``), as an export table.

    Two queries whatever the number of rows (the places, then the persons in chunks); the rows
    are produced lazily, so a CSV starts before the last person is read.
    """
    columns = person_export_columns(user)
    persons = person_filter(query=query).values(*_fields(columns))

    def rows() -> Iterator[list[CellValue]]:
        regions = RegionIndex()
        for number, row in enumerate(persons.iterator(chunk_size=CHUNK_SIZE), start=1):
            row["number"] = number
            yield _person_cells(columns, row, regions)

    return ExportTable(
        title=_("Personnes"),
        headers=[column.header for column in columns],
        rows=rows(),
        widths=[WIDTHS.get(column.key, 12) for column in columns],
    )


def _person_row(person: Person) -> dict[str, Any]:
    """A person loaded with its relations, as the ``values()`` row the columns read."""
    corps, rank, unit = person.corps, person.rank, person.unit
    return {
        "last_name": person.last_name,
        "first_names": person.first_names,
        "sex": person.sex,
        "corps__short_name": corps.short_name if corps else None,
        "corps__name": corps.name if corps else None,
        "rank__name": rank.name if rank else None,
        "service_number": person.service_number,
        "unit__name": unit.name if unit else None,
        "unit__place__name": unit.place.name if unit else None,
        "unit__place_id": unit.place_id if unit else None,
        "phone": person.phone,
        "email": person.email,
    }


def attendance_header(*, day: dt.date, half: str) -> str:
    """« 08/11/2022 », or « 08/11/2022 matin » when attendance is taken by half-day."""
    label = date_format(day, "SHORT_DATE_FORMAT")
    if half != Attendance.Half.DAY:
        label = f"{label} {Attendance.Half(half).label}"
    return label


def session_export_table(*, user: Viewer, session: Session) -> ExportTable:
    """A session's roster as on its page: persons, role, status, one 1/0 per day, days present.

    The roster is read by ``session_roster`` (the page's own selector, three queries) so that
    the export and the page cannot disagree; a session holds at most a few hundred people.
    A half-day counts for half a day in the total, as on the page.
    """
    columns = person_export_columns(user)
    roster = session_roster(session=session)
    roles = {value: str(label) for value, label in Enrollment.Role.choices}
    statuses = {value: str(label) for value, label in Enrollment.Status.choices}
    weight = 0.5 if session.half_days else 1
    regions = RegionIndex()

    def rows() -> Iterator[list[CellValue]]:
        for number, line in enumerate(roster.rows, start=1):
            enrollment = line.enrollment
            person = _person_row(enrollment.person)
            person["number"] = number
            days = line.present_count * weight
            yield [
                *_person_cells(columns, person, regions),
                spreadsheet_safe(roles.get(enrollment.role, enrollment.role)),
                spreadsheet_safe(statuses.get(enrollment.status, enrollment.status)),
                *(int(mark) for mark in line.marks),
                int(days) if float(days).is_integer() else days,
            ]

    days = [attendance_header(day=day, half=half) for day, half in roster.columns]
    return ExportTable(
        title=_("Présences"),
        headers=[
            *(column.header for column in columns),
            _("Rôle"),
            _("Statut"),
            *days,
            _("Jours de présence"),
        ],
        rows=list(rows()),
        widths=[
            *(WIDTHS.get(column.key, 12) for column in columns),
            14,
            12,
            *(len(day) + 2 for day in days),
            10,
        ],
    )


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
        response = StreamingHttpResponse(csv_pieces(table), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
        return response
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
    return FileResponse(
        file, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"]
    )
