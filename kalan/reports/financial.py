"""The financial report to a donor over a period: XLSX of the figures, DOCX and PDF of the
narrative.

It says, for the workshops the period covers (``figures_finance.FinanceScope``), what was
planned, committed and spent, by budget line and by workshop, the funds received and the
balance, explains each line beyond the variance threshold, and lists the supporting documents:
the expenses (date, workshop, line, object, supplier, amount, the receipt's file name) and the
payment statements (their numbers and totals). Every number comes from
``kalan.reports.figures_finance``, so the workbook and the narrative print the same ones.

No person's name is ever read: neither who entered or checked an expense, nor the lines of a
statement. A report with a line beyond the threshold and no explanation is refused
(``FinancialReportError``): a donor never receives an unexplained variance.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kalan.core.errors import KalanError
from kalan.core.formats import date_short, money, number
from kalan.core.models import Organisation, Partner
from kalan.core.render.spreadsheets import headed_sheet, spreadsheet_safe
from kalan.core.selectors import organisation_current
from kalan.finance.budget import Totals
from kalan.reports.compose import (
    Facts,
    Heading,
    Para,
    Report,
    Table,
    Title,
    docx_render,
    pdf_render,
)
from kalan.reports.donor import period_text
from kalan.reports.figures_finance import (
    FinanceFigures,
    FinanceScope,
    category_label,
    finance_figures,
    partner_label,
)

Format = Literal["xlsx", "docx", "pdf"]
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"


class FinancialReportError(KalanError):
    pass


def financial_facts(
    *, partner: Partner | None, start: dt.date, end: dt.date, language: str
) -> FinanceFigures:
    """The figures of the report, supporting documents included (``finance_figures``)."""
    scope = FinanceScope(start=start, end=end, partner_id=partner.pk if partner else None)
    return finance_figures(scope=scope, documents=True, language=language)


def financial_check(found: FinanceFigures) -> None:
    """Refuse a report with a line beyond the threshold and no explanation.

    Raises ``FinancialReportError`` (code ``variance_unexplained``) naming each such line.
    """
    missing = found.missing_notes()
    if not missing:
        return
    lines = " ; ".join(
        _("%(workshop)s, ligne « %(line)s » (%(funder)s) : écart de %(variance)s sur %(planned)s")
        % {
            "workshop": item.workshop,
            "line": category_label(item.line.category),
            "funder": item.funder,
            "variance": signed_money(item.line.variance, found.currency),
            "planned": money(item.line.planned, found.currency),
        }
        for item in missing
    )
    raise FinancialReportError(
        _(
            "Le rapport financier ne peut pas être émis : ces lignes s’écartent du prévu de plus "
            "de %(threshold)s %% sans explication. %(lines)s. Saisissez l’explication de chaque "
            "ligne dans le budget de l’atelier."
        )
        % {"threshold": found.threshold, "lines": lines},
        code="variance_unexplained",
    )


def financial_document(
    *, partner: Partner | None, start: dt.date, end: dt.date, language: str, fmt: Format
) -> bytes:
    """The report as XLSX, DOCX or PDF, written in ``language``. Raises
    ``FinancialReportError`` when a line's variance is unexplained (its message in the
    language active when called: the user's)."""
    with translation.override(language):
        found = financial_facts(partner=partner, start=start, end=end, language=language)
    financial_check(found)  # in the user's language
    with translation.override(language):
        if fmt == "xlsx":
            return financial_xlsx(found, language=language)
        organisation = organisation_current()
        report = financial_report(found, language=language, organisation=organisation)
        if fmt == "docx":
            return docx_render(report, organisation=organisation)
        return pdf_render(report, organisation=organisation)


def financial_filename(
    *, partner: Partner | None, start: dt.date, end: dt.date, language: str, fmt: Format
) -> str:
    who = f"partenaire-{partner.pk}" if partner else "tous"
    return f"kalan-rapport-financier-{who}-{start:%Y%m%d}-{end:%Y%m%d}-{language}.{fmt}"


def signed_money(value: int, currency: str) -> str:
    """« +120 000 FCFA », « −5 000 FCFA », « 0 FCFA »."""
    shown = money(abs(value), currency)
    if value > 0:
        return "+" + shown
    if value < 0:
        return "−" + shown
    return shown


def funder_text(found: FinanceFigures, language: str) -> str:
    if found.partner is None:
        return _("Tous les bailleurs")
    return partner_label(found.partner, language=language)


def definitions() -> str:
    return _(
        "Prévu : le budget des ateliers. Engagé : les dépenses enregistrées, pas encore "
        "vérifiées. Dépensé : les dépenses vérifiées, et les per diem et transports des états "
        "de paiement émis (le dernier de chaque session), portés sur la ligne du bailleur qui "
        "les a budgétés (au prorata du prévu quand ils sont plusieurs). Écart : dépensé + engagé "
        "− prévu. Solde : fonds reçus − dépensé. Les ateliers couverts sont ceux dont une "
        "session commence dans la période ; les fonds reçus, ceux reçus dans la période."
    )


# --- the workbook ------------------------------------------------------------------------------


def _append(sheet: Any, values: list[Any], *, money_from: int, bold: bool = False) -> None:
    """A row: texts neutralised, numbers as numbers (money from column ``money_from``)."""
    sheet.append([spreadsheet_safe(value) for value in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if column >= money_from and isinstance(value, int):
            cell.number_format = MONEY_FORMAT
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        if bold:
            cell.font = Font(bold=True)


def _amounts(totals: Totals) -> list[int]:
    return [totals.planned, totals.committed, totals.spent, totals.variance]


def financial_xlsx(found: FinanceFigures, *, language: str) -> bytes:
    """The figures as a workbook: one sheet per table of the narrative, numbers as numbers."""
    book = Workbook()
    _about_sheet(book, found, language)
    amounts = [_("Prévu"), _("Engagé"), _("Dépensé"), _("Écart")]
    sheet = headed_sheet(book, _("Par ligne"), [_("Ligne"), *amounts], [34, 16, 16, 16, 16])
    for category in found.by_category:
        _append(sheet, [category.label, *_amounts(category.totals)], money_from=2)
    _append(sheet, [_("Total"), *_amounts(found.totals)], money_from=2, bold=True)
    sheet = headed_sheet(book, _("Par atelier"), [_("Atelier"), *amounts], [50, 16, 16, 16, 16])
    for workshop in found.workshops:
        _append(sheet, [workshop.title, *_amounts(workshop.totals)], money_from=2)
    _append(sheet, [_("Total"), *_amounts(found.totals)], money_from=2, bold=True)
    _lines_sheet(book, found, amounts)
    _funders_sheet(book, found)
    _documents_sheets(book, found)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about_sheet(book: Workbook, found: FinanceFigures, language: str) -> None:
    about = book.active
    assert about is not None
    about.title = _("Rapport financier")[:31]
    rows: list[tuple[str, Any]] = [
        (_("Bailleur"), funder_text(found, language)),
        (_("Période du"), found.scope.start),
        (_("au"), found.scope.end),
        (_("Ateliers"), len(found.workshops)),
        (_("Monnaie"), found.currency),
        (_("Seuil d’écart (%)"), found.threshold),
        (_("Établi le"), timezone.localdate()),
        (_("Définitions"), definitions()),
    ]
    for label, value in rows:
        about.append([spreadsheet_safe(label), spreadsheet_safe(value)])
        if isinstance(value, dt.date):
            about.cell(row=about.max_row, column=2).number_format = DATE_FORMAT
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90
    about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    for cell in about["A"]:
        cell.font = Font(bold=True)


def _lines_sheet(book: Workbook, found: FinanceFigures, amounts: list[str]) -> None:
    """Every line of every workshop, with its funder and its explanation."""
    names = {funder.partner_id: funder.name for funder in found.funders}
    sheet = headed_sheet(
        book,
        _("Lignes des ateliers"),
        [_("Atelier"), _("Ligne"), _("Bailleur"), *amounts, _("Explication de l’écart")],
        [44, 28, 18, 14, 14, 14, 14, 60],
    )
    for workshop in found.workshops:
        for line in workshop.lines:
            _append(
                sheet,
                [
                    workshop.title,
                    category_label(line.category),
                    names.get(line.partner_id, ""),
                    line.planned,
                    line.committed,
                    line.spent,
                    line.variance,
                    line.variance_note,
                ],
                money_from=4,
            )


def _funders_sheet(book: Workbook, found: FinanceFigures) -> None:
    sheet = headed_sheet(
        book,
        _("Fonds et solde"),
        [_("Bailleur"), _("Prévu"), _("Engagé"), _("Dépensé"), _("Fonds reçus"), _("Solde")],
        [30, 16, 16, 16, 16, 16],
    )
    for funder in found.funders:
        t = funder.totals
        row = [funder.name, t.planned, t.committed, t.spent, funder.received, funder.balance]
        _append(sheet, row, money_from=2)
    t = found.totals
    total = [_("Total"), t.planned, t.committed, t.spent, found.received, found.balance]
    _append(sheet, total, money_from=2, bold=True)


def _documents_sheets(book: Workbook, found: FinanceFigures) -> None:
    sheet = headed_sheet(
        book,
        _("Pièces justificatives"),
        [
            _("Date"),
            _("Atelier"),
            _("Ligne"),
            _("Objet"),
            _("Fournisseur"),
            _("Montant"),
            _("Pièce"),
            _("Vérifiée"),
        ],
        [12, 40, 26, 40, 26, 14, 30, 10],
    )
    yes, no = _("oui"), _("non")
    for expense in found.expenses:
        row = [
            expense.spent_on,
            expense.workshop,
            expense.label,
            expense.description,
            expense.supplier,
            expense.amount,
            expense.receipt_name,
            yes if expense.checked else no,
        ]
        _append(sheet, row, money_from=6)
    sheet = headed_sheet(
        book,
        _("États de paiement"),
        [_("Numéro"), _("Atelier"), _("Émis le"), _("Per diem"), _("Transport"), _("Total")],
        [22, 44, 12, 16, 16, 16],
    )
    for statement in found.statements:
        row = [
            statement.number,
            statement.workshop,
            statement.issued_on,
            statement.per_diem,
            statement.transport,
            statement.total,
        ]
        _append(sheet, row, money_from=4)


# --- the narrative -----------------------------------------------------------------------------


def financial_report(
    found: FinanceFigures, *, language: str, organisation: Organisation | None
) -> Report:
    """The blocks of the narrative, in the active language. No person is ever named."""
    period = period_text(found.scope.start, found.scope.end, language)
    funder = funder_text(found, language)
    report = Report(
        title=_("Rapport financier, %(funder)s, %(period)s") % {"funder": funder, "period": period}
    )
    report.add(
        Title(
            _("Rapport financier"),
            [funder, _("Période : %(period)s") % {"period": period}],
        )
    )
    _add_synthesis(report, found, organisation, period)
    _add_tables(report, found)
    _add_variances(report, found)
    _add_documents(report, found)
    report.add(Heading(_("Définitions"), level=2), Para(definitions(), small=True))
    return report


def _add_synthesis(
    report: Report, found: FinanceFigures, organisation: Organisation | None, period: str
) -> None:
    t, currency = found.totals, found.currency
    name = organisation.name if organisation else ""
    report.add(
        Heading(_("1. Synthèse")),
        Para(
            _(
                "%(organisation)s rend compte de l’emploi des fonds des %(count)s ateliers dont "
                "une session a commencé %(period)s."
            )
            % {"organisation": name, "count": len(found.workshops), "period": period}
        ),
        Facts(
            [
                (_("Prévu"), money(t.planned, currency)),
                (_("Engagé"), money(t.committed, currency)),
                (_("Dépensé"), money(t.spent, currency)),
                (_("Écart"), signed_money(t.variance, currency)),
                (_("Fonds reçus"), money(found.received, currency)),
                (_("Solde"), signed_money(found.balance, currency)),
            ]
        ),
    )


def _amount_cells(totals: Totals) -> list[str]:
    return [
        number(totals.planned),
        number(totals.committed),
        number(totals.spent),
        _signed_number(totals.variance),
    ]


def _signed_number(value: int) -> str:
    if value > 0:
        return "+" + number(value)
    if value < 0:
        return "−" + number(-value)
    return number(value)


def _add_tables(report: Report, found: FinanceFigures) -> None:
    head = [_("Prévu"), _("Engagé"), _("Dépensé"), _("Écart")]
    money_columns = frozenset({1, 2, 3, 4})
    currency = _("FCFA") if found.currency == "XOF" else found.currency
    unit = _("Montants en %(currency)s.") % {"currency": currency}
    total = [_("Total"), *_amount_cells(found.totals)]
    report.add(
        Heading(_("2. Par ligne budgétaire")),
        Para(unit, small=True),
        Table(
            head=[_("Ligne"), *head],
            rows=[
                [category.label, *_amount_cells(category.totals)] for category in found.by_category
            ]
            + [total],
            widths=[0.32, 0.17, 0.17, 0.17, 0.17],
            numeric=money_columns,
            total=True,
        ),
        Heading(_("3. Par atelier")),
        Table(
            head=[_("Atelier"), *head],
            rows=[[w.title, *_amount_cells(w.totals)] for w in found.workshops] + [total],
            widths=[0.36, 0.16, 0.16, 0.16, 0.16],
            numeric=money_columns,
            total=True,
        ),
        Heading(_("4. Fonds reçus et solde")),
        Table(
            head=[_("Bailleur"), _("Fonds reçus"), _("Dépensé"), _("Solde")],
            rows=[
                [
                    funder.name,
                    number(funder.received),
                    number(funder.totals.spent),
                    _signed_number(funder.balance),
                ]
                for funder in found.funders
            ]
            + [
                [
                    _("Total"),
                    number(found.received),
                    number(found.totals.spent),
                    _signed_number(found.balance),
                ]
            ],
            widths=[0.34, 0.22, 0.22, 0.22],
            numeric=frozenset({1, 2, 3}),
            total=True,
        ),
    )


def _add_variances(report: Report, found: FinanceFigures) -> None:
    report.add(Heading(_("5. Écarts et explications")))
    variances = found.variances()
    if not variances:
        report.add(
            Para(
                _("Aucune ligne ne s’écarte du prévu de plus de %(threshold)s %%.")
                % {"threshold": found.threshold}
            )
        )
        return
    report.add(
        Para(
            _("Les lignes qui s’écartent du prévu de plus de %(threshold)s %%, et pourquoi.")
            % {"threshold": found.threshold}
        ),
        Table(
            head=[_("Atelier"), _("Ligne"), _("Bailleur"), _("Écart"), _("Explication")],
            rows=[
                [
                    item.workshop,
                    item.label,
                    item.funder,
                    _signed_number(item.line.variance),
                    item.line.variance_note.strip(),
                ]
                for item in variances
            ],
            widths=[0.22, 0.16, 0.12, 0.14, 0.36],
            numeric=frozenset({3}),
        ),
    )


def _add_documents(report: Report, found: FinanceFigures) -> None:
    report.add(Heading(_("6. Pièces justificatives")))
    if found.expenses:
        report.add(
            Table(
                head=[
                    _("Date"),
                    _("Atelier"),
                    _("Ligne"),
                    _("Objet"),
                    _("Fournisseur"),
                    _("Montant"),
                    _("Pièce"),
                ],
                rows=[
                    [
                        date_short(expense.spent_on),
                        expense.workshop,
                        expense.label,
                        expense.description,
                        expense.supplier,
                        number(expense.amount),
                        expense.receipt_name,
                    ]
                    for expense in found.expenses
                ],
                widths=[0.1, 0.17, 0.13, 0.2, 0.14, 0.11, 0.15],
                numeric=frozenset({5}),
            )
        )
    else:
        report.add(Para(_("Aucune dépense enregistrée pour ces ateliers.")))
    report.add(Heading(_("États de paiement des per diem et transports"), level=2))
    if not found.statements:
        report.add(Para(_("Aucun état de paiement émis pour ces ateliers.")))
        return
    report.add(
        Table(
            head=[
                _("Numéro"),
                _("Atelier"),
                _("Émis le"),
                _("Per diem"),
                _("Transport"),
                _("Total"),
            ],
            rows=[
                [
                    statement.number,
                    statement.workshop,
                    date_short(statement.issued_on),
                    number(statement.per_diem),
                    number(statement.transport),
                    number(statement.total),
                ]
                for statement in found.statements
            ],
            widths=[0.18, 0.3, 0.13, 0.13, 0.13, 0.13],
            numeric=frozenset({3, 4, 5}),
        )
    )
