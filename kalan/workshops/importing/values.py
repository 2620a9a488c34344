"""Each row's values, cleaned field by field, with the errors of its cells.

Nothing here raises: a cell that cannot be read becomes a ``CellError`` naming its row, its
column letter and the reason, so the preview can show every problem of a list at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from kalan.workshops.importing.columns import header_key
from kalan.workshops.importing.types import FIELDS, CellError, Formula, RowValues, Table

Value = str | dt.date | None

_MALE = {"m", "masculin", "masc", "h", "homme", "male", "man"}
_FEMALE = {"f", "feminin", "fem", "femme", "female", "woman"}

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
# A time after the date ("12/03/1985 00:00:00") comes from CSV written by Excel.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4}|\d{2})" + _TIME)
_YEAR_MONTH_DAY = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})" + _TIME)
_WORDED = re.compile(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})")
# What separates two phone numbers in one cell: "70123456 / 66123456", "… ou …", "…; …".
_PHONE_SEPARATORS = re.compile(r"[/;,|]| ou | et | or ")
# The largest serial Excel shows as a date (31 December 9999).
_EXCEL_MAX_SERIAL = 2_958_465


class _Invalid(Exception):
    """A cell's value cannot be taken; the message says why, in the active language."""


def row_values(*, table: Table, mapping: dict[int, str]) -> list[RowValues]:
    """The cleaned values of every row of ``table`` under ``mapping`` (column index → field).

    Never raises: unreadable cells become ``CellError``s in their row's ``errors``.
    """
    columns: dict[str, int] = {}
    for index, field in sorted(mapping.items()):
        columns.setdefault(field, index)  # one column per field, the first, in sheet order
    names_first = _full_name_starts_with_last_name(table, columns.get("full_name"))
    return [
        _row(number=number, cells=cells, columns=columns, last_name_first=names_first)
        for number, cells in table.rows
    ]


def _row(
    *, number: int, cells: list[object], columns: dict[str, int], last_name_first: bool | None
) -> RowValues:
    values: dict[str, Value] = {field: "" for field in FIELDS}
    values["birth_date"] = None
    errors: list[CellError] = []
    for field, index in columns.items():
        if field not in FIELDS:
            continue
        raw = cells[index] if index < len(cells) else None
        try:
            if isinstance(raw, Formula):
                formula = raw.text if len(raw.text) <= 40 else raw.text[:39] + "…"
                raise _Invalid(
                    _("la cellule contient une formule (%(formula)s) : collez les valeurs")
                    % {"formula": formula}
                )
            values[field] = _CLEANERS.get(field, _text)(raw)
        except _Invalid as invalid:
            errors.append(_cell_error(number, index, field, str(invalid)))
        except Exception:  # a value no rule foresaw: reported, never raised
            message = _("valeur illisible « %(value)s »") % {"value": raw}
            errors.append(_cell_error(number, index, field, message))
    if not values["last_name"] and values["full_name"]:
        last, first = _full_name_split(str(values["full_name"]), last_name_first)
        values["last_name"] = last
        values["first_names"] = values["first_names"] or first
    name_unread = any(error.field in ("last_name", "full_name") for error in errors)
    if not values["last_name"] and not name_unread:
        where = columns.get("last_name", columns.get("full_name"))
        column = get_column_letter(where + 1) if where is not None else ""
        errors.append(CellError(number, column, "last_name", _("le nom manque")))
    return RowValues(row=number, values=values, errors=errors)


def _cell_error(row: int, index: int, field: str, message: str) -> CellError:
    return CellError(row=row, column=get_column_letter(index + 1), field=field, message=message)


def _text(raw: object) -> str:
    """The cell as text, spaces stripped and collapsed; 12345.0 reads "12345" as it shows."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    return " ".join(str(raw).split())


def _first_names(raw: object) -> str:
    return _capitalised(_text(raw))


def _capitalised(text: str) -> str:
    """ "MOUSSA" → "Moussa", "AÏSSATA" → "Aïssata"; a name written in mixed case stays as is."""
    if text.isupper():
        return text.title()
    return text


def _full_name_starts_with_last_name(table: Table, index: int | None) -> bool | None:
    """What the header of the full-name column says of the order: "Nom et prénoms" → True,
    "Prénoms et nom" → False, "Nom complet" or "Full name" → None (unknown)."""
    if index is None or index >= len(table.headers):
        return None
    key = header_key(table.headers[index])
    if key.startswith("prenom"):
        return False
    if key.startswith("nom complet"):
        return None
    if key.startswith("nom"):
        return True
    return None


def _full_name_split(text: str, last_name_first: bool | None) -> tuple[str, str]:
    """(last name, first names) from one cell; every word lands in one of the two.

    Words in capitals are the last name ("TRAORE Moussa", "Moussa TRAORE"). When all words or
    none are in capitals, the header's order decides, else the last word is the last name.
    """
    words = text.split()
    if len(words) < 2:
        return text, ""
    capitals = [_is_capitalised(word) for word in words]
    if any(capitals) and not all(capitals):
        last = " ".join(word for word, caps in zip(words, capitals, strict=True) if caps)
        first = " ".join(word for word, caps in zip(words, capitals, strict=True) if not caps)
        return last, first
    if last_name_first or (last_name_first is None and all(capitals)):
        return words[0], _capitalised(" ".join(words[1:]))
    return words[-1], _capitalised(" ".join(words[:-1]))


def _is_capitalised(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def _sex(raw: object) -> str:
    text = _text(raw)
    if not text:
        return ""
    key = header_key(text)
    if key in _MALE:
        return "M"
    if key in _FEMALE:
        return "F"
    raise _Invalid(_("sexe non reconnu « %(value)s » : M ou F attendu") % {"value": text})


def _phone(raw: object) -> str:
    """ "+223 XX XX XX XX" from any Malian writing; the first number when a cell holds several."""
    text = _text(raw)
    if not text:
        return ""
    groups = _PHONE_SEPARATORS.split(text, maxsplit=1)[0].split()
    digits = ""
    # "70 12 34 56 66 12 34 56" holds two numbers: take groups until they make a whole one, as
    # long as the groups left make another ("70 12 34 56 78" is a mistyped number, not two).
    for index, group in enumerate(groups):
        digits += re.sub(r"\D", "", group)
        national = _national(digits)
        rest = re.sub(r"\D", "", "".join(groups[index + 1 :]))
        if national and (not rest or _national(rest)):
            return f"+223 {national[0:2]} {national[2:4]} {national[4:6]} {national[6:8]}"
    raise _Invalid(
        _("numéro de téléphone malien invalide (8 chiffres attendus) : « %(value)s »")
        % {"value": text}
    )


def _national(digits: str) -> str:
    """The 8 national digits, once ``digits`` is a whole number with or without 223 / 00223."""
    for prefix in ("00223", "223", ""):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8:
            return digits[len(prefix) :]
    return ""


def _service_number(raw: object) -> str:
    return "".join(_text(raw).split()).upper()


def _email(raw: object) -> str:
    text = _text(raw).lower()
    if text:
        try:
            EmailValidator()(text)
        except ValidationError:
            raise _Invalid(
                _("adresse de courriel invalide « %(value)s »") % {"value": text}
            ) from None
    return text


def _birth_date(raw: object) -> dt.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        # An Excel serial: the cell was not formatted as a date (1900 date system).
        if not 1 <= raw <= _EXCEL_MAX_SERIAL:
            raise _Invalid(_("date invalide « %(value)s »") % {"value": _text(raw)})
        day = from_excel(raw).date()
    else:
        day = _date_from_text(_text(raw))
    if not dt.date(1900, 1, 1) <= day <= dt.date.today():
        raise _Invalid(
            _("date de naissance impossible : %(date)s") % {"date": day.strftime("%d/%m/%Y")}
        )
    return day


def _date_from_text(text: str) -> dt.date:
    """ "12/03/1985", "12-03-85", "1985-03-12", "12 mars 1985", "1er janv. 1985" → a date."""
    key = header_key(text)
    numbers: tuple[int, int, int] | None = None
    if match := _YEAR_MONTH_DAY.fullmatch(text):
        numbers = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        year = int(match[3])
        if len(match[3]) == 2:  # "85": the century that does not put the birth in the future
            year += 2000 if 2000 + year <= dt.date.today().year else 1900
        numbers = year, int(match[2]), int(match[1])
    elif (match := _WORDED.fullmatch(key)) and match[2] in _MONTHS:
        numbers = int(match[3]), _MONTHS[match[2]], int(match[1])
    if numbers is None:
        raise _Invalid(
            _("date non reconnue « %(value)s » : jour, mois et année attendus (12/03/1985)")
            % {"value": text}
        )
    try:
        return dt.date(*numbers)
    except ValueError:
        raise _Invalid(_("date impossible « %(value)s »") % {"value": text}) from None


_CLEANERS: dict[str, Callable[[object], Value]] = {
    "first_names": _first_names,
    "sex": _sex,
    "phone": _phone,
    "service_number": _service_number,
    "email": _email,
    "birth_date": _birth_date,
}
