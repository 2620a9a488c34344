"""The Excel model of the list of officers a command sends back, attached to each letter.

It is made for Kalan's own participant-list import (``kalan.workshops.importing``) to read it
with no decision to take:

- its column headers are those the import recognises (``HEADERS``, checked against
  ``kalan.workshops.importing.columns.header_field`` by the tests), under a few title rows the
  import skips (it looks for the header in the first rows);
- the corps, ranks and units are chosen from drop-down lists written as the registry writes them
  (a hidden sheet « Listes »), so each cell names a known entry and asks no question: the corps is
  the command's own, its ranks, and its units in the command's region (all of its units when the
  command has no region);
- nothing in it is a formula, and the registry's names are written as text (``spreadsheet_safe``).
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from kalan.core import formats
from kalan.core.models import Organisation, Place
from kalan.core.render.spreadsheets import spreadsheet_safe
from kalan.documents.models import Addressee
from kalan.people.models import Corps, Rank, Unit
from kalan.workshops.models import Session

# Header → width. The headers are French on purpose whatever the interface's language: they are
# what the import reads, and the commands write French.
HEADERS: tuple[tuple[str, int], ...] = (
    ("N°", 6),
    ("Nom", 22),
    ("Prénoms", 26),
    ("Sexe (M/F)", 11),
    ("Corps", 24),
    ("Grade", 24),
    ("Matricule", 14),
    ("Unité", 38),
    ("Téléphone", 18),
    ("Courriel", 28),
)
HEADER_ROW = 6
LISTS_SHEET = "Listes"
# Rows bordered for the officers beyond those requested: a command may name substitutes.
SPARE_ROWS = 2
MAX_UNITS = 1000

_THIN = Side(style="thin", color="8A94A3")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _column(header: str) -> str:
    return get_column_letter([h for h, _w in HEADERS].index(header) + 1)


def _places_within(place: Place) -> set[int]:
    """The place and every place under it (region → cercles → communes → towns)."""
    found, level = {place.pk}, {place.pk}
    while level:
        level = set(Place.objects.filter(parent__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


def template_choices(addressee: Addressee) -> dict[str, list[str]]:
    """The drop-down lists: corps, ranks and units the command's officers are chosen from."""
    corps = [addressee.corps] if addressee.corps else list(Corps.objects.order_by("order", "name"))
    ids = [c.pk for c in corps]
    ranks = Rank.objects.filter(corps__in=ids).order_by("corps__order", "order")
    units = Unit.objects.filter(corps__in=ids)
    if addressee.place is not None:
        units = units.filter(place__in=_places_within(addressee.place))
    names = sorted({u.name for u in units.only("name")[:MAX_UNITS]}, key=str.casefold)
    return {
        "Corps": [c.name for c in corps],
        "Grade": list(dict.fromkeys(r.name for r in ranks)),
        "Unité": names,
        "Sexe (M/F)": ["M", "F"],
    }


def _titles(sheet: object, *, session: Session, addressee: Addressee, org: str) -> None:
    lines = [
        org,
        _("Liste des agents désignés — %(command)s") % {"command": addressee.name},
        _("%(workshop)s — %(town)s, %(dates)s")
        % {
            "workshop": session.workshop.title,
            "town": session.place.name,
            "dates": formats.date_range(session.start_date, session.end_date),
        },
        _(
            "Remplir une ligne par agent ; choisir le corps, le grade et l’unité dans les listes. "
            "Ne pas modifier les titres des colonnes."
        ),
    ]
    for n, text in enumerate(lines, start=1):
        cell = sheet.cell(row=n, column=1, value=spreadsheet_safe(text))  # type: ignore[attr-defined]
        cell.font = Font(bold=n <= 2, italic=n == 4, size=12 if n == 1 else 10)


def _lists(book: Workbook, choices: dict[str, list[str]]) -> dict[str, str]:
    """Write the lists on a hidden sheet; the range each drop-down reads."""
    sheet = book.create_sheet(LISTS_SHEET)
    ranges = {}
    for n, (header, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(n)
        sheet.cell(row=1, column=n, value=header)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=n, value=spreadsheet_safe(value)).data_type = "s"
        last = max(len(values) + 1, 2)
        ranges[header] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    sheet.sheet_state = "hidden"
    return ranges


def _validations(sheet: object, ranges: dict[str, str], last_row: int) -> None:
    for header, source in ranges.items():
        strict = header != "Unité"
        check = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=_("Valeur hors liste"),
            error=_("Choisissez une valeur de la liste."),
        )
        column = _column(header)
        check.add(f"{column}{HEADER_ROW + 1}:{column}{last_row}")
        sheet.add_data_validation(check)  # type: ignore[attr-defined]


def list_template_xlsx(
    *, session: Session, addressee: Addressee, officers: int, organisation: Organisation | None
) -> bytes:
    """The model of the list, with ``officers`` (and a few spare) bordered rows to fill."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Liste")
    _titles(
        sheet, session=session, addressee=addressee, org=organisation.name if organisation else ""
    )
    band = PatternFill("solid", fgColor="E6E9EE")
    for n, (header, width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=n, value=header)
        cell.font, cell.fill, cell.border = Font(bold=True), band, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(n)].width = width
    last_row = HEADER_ROW + officers + SPARE_ROWS
    for row in range(HEADER_ROW + 1, last_row + 1):
        for column in range(1, len(HEADERS) + 1):
            sheet.cell(row=row, column=column).border = _BOX
            # Text cells: a matricule or phone number keeps its leading zero and its « + ».
            sheet.cell(row=row, column=column).number_format = "@"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _validations(sheet, _lists(book, template_choices(addressee)), last_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
