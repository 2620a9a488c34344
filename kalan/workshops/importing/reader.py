"""Reading a participant list (xlsx, xls, csv) into a ``Table``, within safety limits.

The format is told by the content, never by the extension: lists travel by e-mail and USB keys
and are often renamed. Every failure of a parser becomes an ``ImportFileError`` naming the file,
so a programme officer reads why, and nothing escapes to a 500 page or a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import openpyxl
import xlrd
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kalan.core.memory import gc_paused
from kalan.workshops.importing.layout import Row, table_build
from kalan.workshops.importing.types import Formula, ImportFileError, Table

# Defaults of the limits; each can be changed in settings (KALAN_IMPORT_MAX_BYTES…).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100
DEFAULT_MAX_ROWS = 20_000

# Columns past this are ignored: a list has a dozen, and a row of 16,384 cells costs memory.
MAX_COLUMNS = 200
# An xlsx holds a few dozen parts; thousands mean a crafted archive.
MAX_ZIP_MEMBERS = 10_000
# A tiny part can compress far better than 100:1 without harm; only big ones are judged.
RATIO_MIN_BYTES = 1024 * 1024
T = TypeVar("T")

_MAGIC_KINDS = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
)


def limit(name: str, default: int) -> int:
    """A limit from settings (``KALAN_IMPORT_<NAME>``), else its default."""
    return int(getattr(settings, f"KALAN_IMPORT_{name}", default))


@gc_paused()
def table_read(*, path: Path, filename: str, sheet: str | None = None) -> Table:
    """Read the list in ``path`` (shown to the user as ``filename``).

    ``sheet`` names the sheet to read; without it, the first visible sheet that holds a list.

    Raises ``ImportFileError`` with code ``empty_file``, ``not_a_spreadsheet``, ``too_large``,
    ``zip_bomb``, ``too_many_rows``, ``no_header``, ``unknown_sheet`` or ``corrupt_file``.
    """
    try:
        size = path.stat().st_size
    except OSError:
        raise _error("corrupt_file", filename) from None
    if size == 0:
        raise _error("empty_file", filename)
    max_bytes = limit("MAX_BYTES", DEFAULT_MAX_BYTES)
    if size > max_bytes:
        raise ImportFileError(
            _(
                "Le fichier « %(file)s » pèse %(size)s Mo : la limite est de %(limit)s Mo. "
                "Découpez la liste en plusieurs fichiers."
            )
            % {"file": filename, "size": _megabytes(size), "limit": _megabytes(max_bytes)},
            code="too_large",
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(b"PK\x03\x04"):
            _zip_check(path=path, filename=filename)
            return _xlsx_read(path=path, filename=filename, sheet=sheet)
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return _xls_read(path=path, filename=filename, sheet=sheet)
        return _csv_read(path=path, filename=filename)
    except ImportFileError:
        raise
    except Exception:  # a parser's own error, of any type: the file is damaged or not a list
        raise _error("corrupt_file", filename) from None


def _error(code: str, filename: str, kind: str = "") -> ImportFileError:
    messages = {
        "empty_file": _("Le fichier « %(file)s » est vide."),
        "corrupt_file": _(
            "Le fichier « %(file)s » est illisible : il est endommagé, protégé par un mot de "
            "passe ou d’un autre format. Ouvrez-le dans un tableur et enregistrez-le au format "
            ".xlsx."
        ),
        "not_a_spreadsheet": _(
            "Le fichier « %(file)s » n’est pas une liste lisible : importez un classeur Excel "
            "(.xlsx ou .xls) ou un fichier CSV."
        ),
    }
    message = messages[code] % {"file": filename}
    if kind:
        message = _(
            "Le fichier « %(file)s » est %(kind)s, pas une liste : importez un classeur Excel "
            "(.xlsx ou .xls) ou un fichier CSV."
        ) % {"file": filename, "kind": kind}
    return ImportFileError(message, code=code)


def _megabytes(size: int) -> str:
    return number_format(size / (1024 * 1024), decimal_pos=1)


def _zip_check(*, path: Path, filename: str) -> None:
    """Refuse an archive that is no xlsx, or one that would inflate past the limits.

    Only the sizes the archive declares are read, so nothing is decompressed here. Python's
    zipfile stops at a member's declared size and checks its CRC, so a lying archive fails
    later as a corrupt file instead of inflating.
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        max_total = limit("MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
        max_ratio = limit("MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO)
        if total > max_total:
            raise ImportFileError(
                _(
                    "Le fichier « %(file)s » est refusé par sécurité : il se décompresserait en "
                    "%(size)s Mo, la limite est de %(limit)s Mo."
                )
                % {"file": filename, "size": _megabytes(total), "limit": _megabytes(max_total)},
                code="zip_bomb",
            )
        if len(members) > MAX_ZIP_MEMBERS or any(
            member.file_size > RATIO_MIN_BYTES
            and member.file_size > max_ratio * max(member.compress_size, 1)
            for member in members
        ):
            raise ImportFileError(
                _(
                    "Le fichier « %(file)s » est refusé par sécurité : il est compressé plus de "
                    "%(ratio)s fois, ce qu’aucun classeur ordinaire ne fait."
                )
                % {"file": filename, "ratio": max_ratio},
                code="zip_bomb",
            )
        names = {member.filename for member in members}
        if "mimetype" in names:
            with archive.open("mimetype") as part:
                if part.read(64).startswith(b"application/vnd.oasis"):
                    kind = _("un document OpenDocument (.ods, .odt)")
                    raise _error("not_a_spreadsheet", filename, kind)
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            kind = _("un classeur Excel binaire (.xlsb)") if "xl/workbook.bin" in names else ""
            kind = kind or (_("un document Word") if "word/document.xml" in names else "")
            raise _error("not_a_spreadsheet", filename, kind or _("une archive ZIP"))


def _unknown_sheet(filename: str, sheet: str, names: list[str]) -> ImportFileError:
    return ImportFileError(
        _("Le fichier « %(file)s » n’a pas de feuille « %(sheet)s ». Ses feuilles : %(names)s.")
        % {"file": filename, "sheet": sheet, "names": ", ".join(f"« {n} »" for n in names)},
        code="unknown_sheet",
    )


def _xlsx_read(*, path: Path, filename: str, sheet: str | None) -> Table:
    # openpyxl warns about parts it does not support (data validation, slicers): not our concern.
    # A file object, not the path: openpyxl refuses a path that does not end in .xlsx, and an
    # upload is kept under a name of Kalan's, whatever the sender called it.
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(handle, read_only=True, data_only=False, keep_links=False)
        try:
            sheets = list(book.worksheets)  # chart sheets are not worksheets
            names = [ws.title for ws in sheets]
            if sheet is not None and sheet not in names:
                raise _unknown_sheet(filename, sheet, names)
            visible = [ws for ws in sheets if ws.sheet_state == "visible"]
            candidates = [ws for ws in sheets if ws.title == sheet] if sheet else visible or sheets

            def build(ws: Any) -> Table:
                declared = ws.max_row
                # A wrong <dimension> would cut rows off: read what is there, not what it says.
                ws.reset_dimensions()
                sheet_rows = ws.iter_rows()
                rows = (
                    (number, [_xlsx_value(cell) for cell in cells[:MAX_COLUMNS]])
                    for number, cells in enumerate(sheet_rows, start=1)
                )
                try:
                    return table_build(
                        filename=filename,
                        sheet=ws.title,
                        sheet_names=names,
                        rows=rows,
                        max_rows=limit("MAX_ROWS", DEFAULT_MAX_ROWS),
                        declared_rows=declared,
                    )
                finally:
                    # Stopped early (too many rows, no header), the generator still holds the
                    # sheet's part open: close it before the workbook.
                    sheet_rows.close()

            return _first_table(candidates, build, filename)
        finally:
            book.close()


def _xlsx_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        # Array and data-table formulas come as objects holding their text.
        return Formula(value if isinstance(value, str) else str(getattr(value, "text", "")))
    return value


def _xls_read(*, path: Path, filename: str, sheet: str | None) -> Table:
    # xlrd prints its warnings to a log file (stdout by default): keep them out of the CLI output.
    book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    try:
        names = book.sheet_names()
        if sheet is not None and sheet not in names:
            raise _unknown_sheet(filename, sheet, names)
        candidates = [sheet] if sheet is not None else names

        def build(name: str) -> Table:
            ws = book.sheet_by_name(name)
            rows = (
                (
                    index + 1,
                    [_xls_value(cell, book.datemode) for cell in ws.row(index)[:MAX_COLUMNS]],
                )
                for index in range(ws.nrows)
            )
            return table_build(
                filename=filename,
                sheet=name,
                sheet_names=names,
                rows=rows,
                max_rows=limit("MAX_ROWS", DEFAULT_MAX_ROWS),
                count_rest=True,
            )

        return _first_table(candidates, build, filename)
    finally:
        book.release_resources()


def _xls_value(cell: object, datemode: int) -> object:
    kind, value = getattr(cell, "ctype", xlrd.XL_CELL_EMPTY), getattr(cell, "value", None)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_NUMBER and isinstance(value, float) and value.is_integer():
        return int(value)  # every xls number is a float: 70123456.0 reads as it shows
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cast(int, value), "#ERREUR")
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return value


def _first_table(candidates: Sequence[T], build: Callable[[T], Table], filename: str) -> Table:
    """The first sheet that holds a list: an empty first "Feuil1" must not hide the next one."""
    first_error: ImportFileError | None = None
    for candidate in candidates:
        try:
            return build(candidate)
        except ImportFileError as error:
            if error.code not in ("empty_file", "no_header"):
                raise
            first_error = first_error or error
    raise first_error or _error("empty_file", filename)


def _csv_read(*, path: Path, filename: str) -> Table:
    data = path.read_bytes()  # the size limit was checked before: a few MB at most
    for magic, kind in _MAGIC_KINDS:
        if data.startswith(magic):
            label = (
                _("un document PDF") if kind == "PDF" else _("une image %(kind)s") % {"kind": kind}
            )
            raise _error("not_a_spreadsheet", filename, label)
    text = _decode(data)
    if text is None:
        raise _error("not_a_spreadsheet", filename)
    if not text.strip():
        raise _error("empty_file", filename)
    if text.lstrip().startswith("<"):
        # Web applications "export to Excel" as an HTML page named .xls.
        raise _error("not_a_spreadsheet", filename, _("une page web ou un fichier XML"))
    rows = _csv_rows(text, _delimiter(text[:65536]))
    try:
        return table_build(
            filename=filename,
            sheet="",
            sheet_names=[],
            rows=rows,
            max_rows=limit("MAX_ROWS", DEFAULT_MAX_ROWS),
            count_rest=True,
        )
    except ImportFileError as error:
        extension = Path(filename).suffix.lower()
        if error.code == "no_header" and extension in (".xlsx", ".xlsm", ".xls"):
            raise ImportFileError(
                _(
                    "Le fichier « %(file)s » porte l’extension %(extension)s mais contient du "
                    "texte, pas un classeur Excel, et aucune liste n’y a été trouvée."
                )
                % {"file": filename, "extension": extension},
                code="not_a_spreadsheet",
            ) from None
        raise


def _decode(data: bytes) -> str | None:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    None when the bytes are no text: a NUL byte, undecodable bytes or control characters.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        controls = sum(
            1 for char in sample if char not in "\t\r\n" and unicodedata.category(char) == "Cc"
        )
        # Windows-1252 decodes almost any byte: binary shows as control characters.
        return text if controls <= len(sample) // 100 else None
    return None


def _delimiter(sample: str) -> str:
    """The delimiter most lines agree on: ";" (French Excel), "," or tab.

    csv.Sniffer guesses from character frequencies and is fooled by commas inside names or
    by title lines; counting how many lines split into the same number of cells is steadier.
    """
    lines = sample.splitlines()
    if len(sample) == 65536:
        lines = lines[:-1]  # cut in the middle
    best, best_score = ",", (0, 0)
    for delimiter in (";", ",", "\t"):
        widths = Counter(
            len(cells)
            for cells in csv.reader(lines[:200], delimiter=delimiter)
            if len(cells) > 1 and any(cell.strip() for cell in cells)
        )
        if widths:
            width, agreeing = widths.most_common(1)[0]
            if (agreeing, width) > best_score:
                best, best_score = delimiter, (agreeing, width)
    return best


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        yield line, [_csv_value(cell) for cell in cells[:MAX_COLUMNS]]
        line = reader.line_num + 1  # a quoted cell can span lines: report where the row starts


def _csv_value(cell: str) -> object:
    text = cell.strip()
    if not text:
        return None
    # Excel runs a CSV cell that starts with "=" as a formula: never take it as data.
    if text.startswith("="):
        return Formula(text)
    return cell
