"""The evidence of change (``figures_custody``) in words: the cells and rows the page
(``/rapports/garde-a-vue/``) shows and the blocks the activity and donor reports print, written
once so that they say the same. No unit, place or person is ever named here.

In a report to partners or about a workshop (``aggregate_only``), a cell that a single place
makes (``Cell.one_place``) is not printed either: it would be that unit's findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kalan.core.formats import date_short, number, percent
from kalan.reports.compose import Heading, Para, Table
from kalan.reports.figures_custody import (
    TOO_FEW,
    Cell,
    Comparison,
    DiffInDiff,
    Evidence,
    evidence_limits,
)


def _hidden(cells: tuple[Cell, ...], aggregate_only: bool) -> str | None:
    """Why these cells give no figure, or None when they do."""
    if not all(cell.enough for cell in cells):
        return str(TOO_FEW)
    if aggregate_only and any(cell.one_place for cell in cells):
        return _("un seul lieu : non publié")
    return None


def interval_text(cell: Cell) -> str:
    """« 49,0–94,3 % »: the Wilson 95 % interval."""
    found = cell.interval
    if found is None:
        return "—"
    return f"{number(100 * found[0], 1)}–{percent(found[1])}"


def cell_parts(cell: Cell, *, aggregate_only: bool = False) -> tuple[str, list[str]]:
    """« 80,0 % » over [« 8 / 10 », « IC 95 % : 49,0–94,3 % »]: what the page shows in a cell;
    or why it cannot be said (over the counts, on the page)."""
    hidden = _hidden((cell,), aggregate_only)
    counts = _("%(compliant)s / %(answers)s") % {
        "compliant": number(cell.compliant),
        "answers": number(cell.answers),
    }
    if hidden:
        return hidden, [counts] if cell.answers and not aggregate_only else []
    interval = _("IC 95 %% : %(interval)s") % {"interval": interval_text(cell)}
    return percent(cell.share), [counts, interval]


def cell_text(cell: Cell, *, aggregate_only: bool = False) -> str:
    """« 8 / 10 : 80,0 % (IC 95 % : 49,0–94,3 %) », or why it cannot be said: the reports'."""
    main, lines = cell_parts(cell, aggregate_only=aggregate_only)
    if len(lines) == 2:
        return f"{lines[0]} : {main} ({lines[1]})"
    return f"{lines[0]} : {main}" if lines else main


def gap_text(value: float | None, *cells: Cell, aggregate_only: bool = False) -> str:
    """A difference in points, signed (« +12,5 pts »), or why it cannot be said."""
    hidden = _hidden(cells, aggregate_only)
    if hidden or value is None:
        return hidden or str(TOO_FEW)
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return _("%(sign)s%(value)s pts") % {"sign": sign, "value": number(abs(value), 1)}


@dataclass(frozen=True)
class Row:
    """A row of a table: its label, whether it is a theme's, and its cells, each as a figure
    over its detail lines (``cell_parts``)."""

    label: str
    theme: bool
    parts: list[tuple[str, list[str]]]

    @property
    def cells(self) -> list[str]:
        """Each cell in one piece, as the reports print it (``cell_text``)."""
        found = []
        for main, lines in self.parts:
            if len(lines) == 2:
                found.append(f"{lines[0]} : {main} ({lines[1]})")
            else:
                found.append(f"{lines[0]} : {main}" if lines else main)
        return found


def _gap(value: float | None, *cells: Cell, aggregate_only: bool) -> tuple[str, list[str]]:
    return gap_text(value, *cells, aggregate_only=aggregate_only), []


def comparison_row(row: Comparison, *, theme: bool, aggregate_only: bool = False) -> Row:
    return Row(
        label=row.line.label,
        theme=theme,
        parts=[
            cell_parts(row.trained, aggregate_only=aggregate_only),
            cell_parts(row.others, aggregate_only=aggregate_only),
            _gap(row.difference, row.trained, row.others, aggregate_only=aggregate_only),
        ],
    )


def did_row(row: DiffInDiff, *, theme: bool, aggregate_only: bool = False) -> Row:
    trained = (row.trained_after, row.trained_before)
    others = (row.others_after, row.others_before)
    return Row(
        label=row.line.label,
        theme=theme,
        parts=[
            cell_parts(row.trained_before, aggregate_only=aggregate_only),
            cell_parts(row.trained_after, aggregate_only=aggregate_only),
            _gap(row.trained_change, *trained, aggregate_only=aggregate_only),
            cell_parts(row.others_before, aggregate_only=aggregate_only),
            cell_parts(row.others_after, aggregate_only=aggregate_only),
            _gap(row.others_change, *others, aggregate_only=aggregate_only),
            _gap(row.did, *trained, *others, aggregate_only=aggregate_only),
        ],
    )


def comparison_head() -> list[str]:
    return [
        _("Point de la grille"),
        _("Unités avec un officier formé au moment de la visite"),
        _("Autres visites"),
        _("Écart"),
    ]


def evidence_blocks(found: Evidence) -> list:
    """The evidence by theme, for the activity and donor reports: aggregates only (never a
    unit's name, never a cell that one place makes), the limits in one paragraph."""
    blocks: list = []
    if not found.visits:
        return [Para(_("Aucune visite de lieu de garde à vue n’est encore enregistrée."))]
    blocks.append(
        Para(
            _(
                "%(visits)s visites de lieux de garde à vue comptées, dont %(trained)s dans une "
                "unité où servait alors au moins un officier formé par ces sessions. Chaque case "
                "donne les réponses conformes (« oui ») sur les réponses, la proportion et son "
                "intervalle de confiance à 95 %%."
            )
            % {"visits": number(found.visits), "trained": number(found.visits_trained)}
        )
    )
    blocks.append(
        Table(
            head=[_("Thème"), *comparison_head()[1:]],
            rows=[
                [row.line.label, *comparison_row(row, theme=True, aggregate_only=True).cells]
                for row in found.themes
            ],
            widths=[0.22, 0.32, 0.32, 0.14],
        )
    )
    if found.cutoff is not None and found.did_themes:
        blocks += [
            Heading(_("Avant et après la formation (différence de différences)"), level=2),
            Para(_("Date de référence : %(cutoff)s.") % {"cutoff": date_short(found.cutoff)}),
            Table(
                head=[
                    _("Thème"),
                    _("Avec officier formé : avant"),
                    _("après"),
                    _("Autres unités : avant"),
                    _("après"),
                    _("Différence de différences"),
                ],
                rows=[_did_report_cells(row) for row in found.did_themes],
                widths=[0.16, 0.18, 0.18, 0.18, 0.18, 0.12],
            ),
        ]
    blocks.append(Para(evidence_limits(), small=True))
    return blocks


def _did_report_cells(row: DiffInDiff) -> list[str]:
    cells = did_row(row, theme=True, aggregate_only=True).cells
    return [row.line.label, cells[0], cells[1], cells[3], cells[4], cells[6]]


SheetValue = str | int | float | None


def _sheet_line(table: str, label: str, group: str, cell: Cell) -> list[SheetValue]:
    """A cell as numbers (percentages, 0 to 100); hidden cells keep their reason only."""
    hidden = _hidden((cell,), aggregate_only=True)
    if hidden:
        return [table, label, group, None, None, None, None, None, hidden]
    low, high = cell.interval or (None, None)
    return [
        table,
        label,
        group,
        cell.answers,
        cell.compliant,
        100 * (cell.share or 0.0),
        None if low is None else 100 * low,
        None if high is None else 100 * high,
        "",
    ]


def evidence_sheet_rows(found: Evidence) -> tuple[list[str], list[list[SheetValue]]]:
    """The evidence by theme as a sheet's head and rows (a partner's workbook): each group of
    each table on its line, then the differences in points. Aggregates only, as the narrative."""
    head = [
        _("Tableau"),
        _("Thème"),
        _("Groupe"),
        _("Réponses"),
        _("Conformes"),
        _("Proportion ou écart"),
        _("IC 95 % bas"),
        _("IC 95 % haut"),
        _("Remarque"),
    ]
    first, second = _("Avec ou sans officier formé"), _("Différence de différences")
    rows: list[list[SheetValue]] = []
    for row in found.themes:
        label = row.line.label
        rows.append(_sheet_line(first, label, _("avec un officier formé"), row.trained))
        rows.append(_sheet_line(first, label, _("autres visites"), row.others))
        rows.append(_gap_line(first, label, row.difference, row.trained, row.others))
    for did in found.did_themes:
        label = did.line.label
        cells = (
            (_("avec officier formé, avant"), did.trained_before),
            (_("avec officier formé, après"), did.trained_after),
            (_("autres unités, avant"), did.others_before),
            (_("autres unités, après"), did.others_after),
        )
        rows += [_sheet_line(second, label, group, cell) for group, cell in cells]
        rows.append(_gap_line(second, label, did.did, *(cell for _g, cell in cells)))
    return head, rows


def _gap_line(table: str, label: str, value: float | None, *cells: Cell) -> list[SheetValue]:
    hidden = _hidden(cells, aggregate_only=True)
    shown = None if hidden or value is None else value
    return [table, label, _("écart (points)"), None, None, shown, None, None, hidden or ""]
