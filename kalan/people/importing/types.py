"""The data that passes between the steps of an import. See the package docstring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kalan.core.errors import KalanError

# The person fields a column can feed, in the order the preview shows them.
FIELDS = {
    "last_name": _("Nom"),
    "first_names": _("Prénoms"),
    "full_name": _("Nom et prénoms"),
    "sex": _("Sexe"),
    "corps": _("Corps"),
    "rank": _("Grade"),
    "service_number": _("Matricule"),
    "unit": _("Unité"),
    "phone": _("Téléphone"),
    "email": _("Courriel"),
    "birth_date": _("Date de naissance"),
}


class ImportFileError(KalanError):
    """The file as a whole cannot be read: empty, not a spreadsheet, too large, no header…"""


@dataclass(frozen=True)
class CellError:
    row: int  # the row number the spreadsheet shows (1-based); for CSV the line number
    column: str  # the column letter the spreadsheet shows ("C"), "" when the whole row is at fault
    field: str  # a key of FIELDS, or ""
    message: str  # why, in the active language (French first)


@dataclass
class Table:
    filename: str
    sheet: str  # the sheet read; "" for CSV
    sheet_names: list[str]
    header_row: int  # 1-based row number of the header
    headers: list[str]  # the header texts as written, one per column
    # (1-based row number, raw values) for each data row; blank rows and the total row removed.
    # Raw values are str, int, float, datetime/date, Formula, or None.
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula: never taken as data (the reader keeps its text to report)."""

    text: str


@dataclass
class RowValues:
    row: int
    # Cleaned values by field: str for text fields (never None: "" when empty), sex "F"/"M"/"",
    # phone "+223 XX XX XX XX" or "", birth_date a datetime.date or None.
    values: dict[str, str | dt.date | None]
    errors: list[CellError] = field(default_factory=list)
