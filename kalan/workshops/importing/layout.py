"""Where the list sits in a sheet: the header under the titles, the rows under it, and the
total and signature rows at the bottom that are not participants.

The readers of each format (see ``reader``) give rows as (1-based row number, raw values);
``table_build`` turns them into a ``Table``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kalan.workshops.importing.columns import header_key, header_score
from kalan.workshops.importing.types import Formula, ImportFileError, Table

Row = tuple[int, list[object]]

# The header is looked for in this many rows from the top: titles never run longer.
HEADER_SEARCH_ROWS = 30
# Rows read past the limit before refusing, so that a list of exactly the limit plus its
# total row and signatures is still taken.
FOOTER_SLACK = 10
# Words that open a total row at the bottom of a list ("TOTAL", "Effectif : 40"…).
TOTAL_WORDS = ("total", "sous total", "effectif", "nombre", "nbre", "nb", "soit", "arrete")


def table_build(
    *,
    filename: str,
    sheet: str,
    sheet_names: list[str],
    rows: Iterator[Row],
    max_rows: int,
    declared_rows: int | None = None,
    count_rest: bool = False,
) -> Table:
    """The table under the header found in ``rows``, without blank rows, repeated headers and
    the total or signature rows at the bottom.

    ``declared_rows`` is the sheet's own row count, used to state how many rows a refused file
    has when counting them would mean reading it all (xlsx); ``count_rest`` counts them instead.
    """
    (header_row, header_cells), rest = _header_find(rows, filename=filename, sheet=sheet)
    width = max((i + 1 for i, cell in enumerate(header_cells) if not _blank_cell(cell)), default=0)
    headers = [_header_text(cell) for cell in header_cells[:width]]
    data: list[Row] = []
    for number, cells in rest:
        cells = (cells + [None] * width)[:width] if len(cells) != width else cells
        if _blank(cells):
            continue
        # A list printed over several pages repeats its header on each page.
        if all(_header_text(cell) == header for cell, header in zip(cells, headers, strict=True)):
            continue
        data.append((number, cells))
        if len(data) > max_rows + FOOTER_SLACK:
            count: int | None = None
            if count_rest:
                count = len(data) + sum(1 for _number, more in rest if not _blank(more[:width]))
            elif declared_rows is not None:
                count = declared_rows - header_row
            raise _too_many_rows(filename, max_rows, count)
    _footer_drop(data)
    if len(data) > max_rows:
        raise _too_many_rows(filename, max_rows, len(data))
    if not data:
        raise ImportFileError(
            _(
                "Le fichier « %(file)s » ne contient aucune ligne de données sous l’en-tête "
                "(ligne %(row)s)."
            )
            % {"file": filename, "row": header_row},
            code="empty_file",
        )
    return Table(
        filename=filename,
        sheet=sheet,
        sheet_names=sheet_names,
        header_row=header_row,
        headers=headers,
        rows=data,
    )


def _header_find(rows: Iterator[Row], *, filename: str, sheet: str) -> tuple[Row, Iterator[Row]]:
    """The header row and the rows after it.

    The header is the first row of the top ``HEADER_SEARCH_ROWS`` with two known column names,
    else the first with three cells of text. Raises ``ImportFileError`` (``empty_file``,
    ``no_header``).
    """
    seen: list[Row] = []
    rest: Iterator[Row] = iter(())
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            rest = chain([(number, cells)], rows)
            break
        if _blank(cells):
            continue
        if header_score(cells) >= 2:
            return (number, cells), rows
        seen.append((number, cells))
    for index, (number, cells) in enumerate(seen):
        if sum(1 for cell in cells if isinstance(cell, str) and cell.strip()) >= 3:
            return (number, cells), chain(seen[index + 1 :], rest)
    if not seen and all(_blank(cells) for _number, cells in rest):
        raise ImportFileError(
            _("Le fichier « %(file)s » est vide.") % {"file": filename}, code="empty_file"
        )
    where = _(" (feuille « %(sheet)s »)") % {"sheet": sheet} if sheet else ""
    raise ImportFileError(
        _(
            "Aucune ligne d’en-tête trouvée dans « %(file)s »%(where)s : la liste doit avoir "
            "une ligne de titres de colonnes (Nom, Prénoms, Matricule…) dans ses %(rows)s "
            "premières lignes."
        )
        % {"file": filename, "where": where, "rows": HEADER_SEARCH_ROWS},
        code="no_header",
    )


def _too_many_rows(filename: str, max_rows: int, count: int | None) -> ImportFileError:
    values = {"file": filename, "limit": number_format(max_rows, force_grouping=True)}
    if count is not None and count > max_rows:
        message = _(
            "Le fichier « %(file)s » contient %(count)s lignes de données : la limite est de "
            "%(limit)s lignes. Découpez la liste en plusieurs fichiers."
        ) % {**values, "count": number_format(count, force_grouping=True)}
    else:
        message = (
            _(
                "Le fichier « %(file)s » contient plus de %(limit)s lignes de données, la limite. "
                "Découpez la liste en plusieurs fichiers."
            )
            % values
        )
    return ImportFileError(message, code="too_many_rows")


def _footer_drop(data: list[Row]) -> None:
    """Remove, in place, the total rows and the signature block at the bottom of the list."""
    changed = True
    while changed and data:
        changed = False
        while data and _is_total(data[-1][1]):
            data.pop()
            changed = True
        # "Fait à Sévaré, le…", "Le Commandant de brigade": a few sparse rows after a blank one,
        # under rows that are full. A short last participant row stays: it has no blank above.
        gap = next(
            (
                i
                for i in range(len(data) - 1, max(len(data) - 7, 0), -1)
                if data[i][0] - data[i - 1][0] > 1
            ),
            None,
        )
        if gap is not None and all(_filled(cells) <= 2 for _number, cells in data[gap:]):
            body = sorted(_filled(cells) for _number, cells in data[max(gap - 50, 0) : gap])
            if body[len(body) // 2] >= 3:
                del data[gap:]
                changed = True


def _is_total(cells: list[object]) -> bool:
    filled = [cell for cell in cells if not _blank_cell(cell)]
    if not filled:
        return False
    if all(_is_number(cell) for cell in filled):
        return True  # a count or a =SUM() under the list, without a label
    for cell in filled:
        key = header_key(cell)
        if any(key == word or key.startswith(word + " ") for word in TOTAL_WORDS):
            return True
    return False


def _is_number(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float | Formula):
        return True
    return isinstance(cell, str) and cell.strip().replace(",", ".").replace(".", "", 1).isdigit()


def _blank_cell(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _blank(cells: list[object]) -> bool:
    return all(_blank_cell(cell) for cell in cells)


def _filled(cells: list[object]) -> int:
    return sum(1 for cell in cells if not _blank_cell(cell))


def _header_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Formula):
        return cell.text
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return " ".join(str(cell).split())
