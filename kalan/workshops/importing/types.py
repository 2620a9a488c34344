"""The data that passes between the steps of an import. See the package docstring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.core.errors import KalanError

# The person fields a column can feed, in the order the preview shows them.
FIELDS = {
    "last_name": gettext_lazy("Nom"),
    "first_names": gettext_lazy("Prénoms"),
    "full_name": gettext_lazy("Nom et prénoms"),
    "sex": gettext_lazy("Sexe"),
    "corps": gettext_lazy("Corps"),
    "rank": gettext_lazy("Grade"),
    "service_number": gettext_lazy("Matricule"),
    "unit": gettext_lazy("Unité"),
    "phone": gettext_lazy("Téléphone"),
    "email": gettext_lazy("Courriel"),
    "birth_date": gettext_lazy("Date de naissance"),
}


class ImportFileError(KalanError):
    """The file as a whole cannot be read: empty, not a spreadsheet, too large, no header…"""


@dataclass(frozen=True)
class CellError:
    row: int  # the row number the spreadsheet shows (1-based); for CSV the line number
    column: str  # the column letter the spreadsheet shows ("C"), "" when the whole row is at fault
    field: str  # a key of FIELDS, or ""
    message: str  # why, in the active language (French first)

    def __str__(self) -> str:
        """Where and why, as the preview and the command print it."""
        values = {
            "row": self.row,
            "column": self.column,
            "field": FIELDS.get(self.field, self.field),
            "message": self.message,
        }
        if self.row and self.column and self.field:
            return _("Ligne %(row)s, colonne %(column)s (%(field)s) : %(message)s") % values
        if self.row and self.column:
            return _("Ligne %(row)s, colonne %(column)s : %(message)s") % values
        if self.row:
            return _("Ligne %(row)s : %(message)s") % values
        return self.message


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
