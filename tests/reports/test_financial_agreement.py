"""One source of money: every number the financial report's three files print is the one
``kalan.reports.figures_finance`` computed, in the sibling style of ``test_agreement``.

Read back from each: the workbook (every sheet, cell by cell), the Word narrative (its tables,
number by number) and the PDF (each amount found in its text). On two programmes: the demo
(``kalan demo``, the Sévaré workshop funded by EUCAP Sahel Mali, when it carries a budget) and
``financial_data`` (two workshops, two funders, a statement split between them).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import docx
import pytest
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from kalan.core.formats import number
from kalan.core.models import Partner, User
from kalan.finance.models import BudgetLine
from kalan.finance.statements import statement_issue
from kalan.plans.models import Axis
from kalan.reports.figures_finance import FinanceFigures, FinanceScope, finance_figures
from kalan.reports.financial import financial_document
from kalan.workshops.models import Session
from tests.reports.financial_data import build_money

pytestmark = pytest.mark.django_db

YEARS = {"start": dt.date(2022, 1, 1), "end": dt.date(2023, 12, 31)}


@pytest.fixture(scope="module")
def demo_partner(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[Partner | None]:
    """The demo's funder, once for this module, in a transaction rolled back at its end; None
    when the demo has no budget yet.

    Its two sessions' statements are issued (per diems and transport spent), and the lines
    still beyond the threshold explained, so that the report may be issued."""
    from kalan.demo.programme import demo_load

    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            demo_load()
        finance = User.objects.get(username="finances")
        for session in Session.objects.order_by("start_date"):
            statement_issue(session=session, by=finance)
        BudgetLine.objects.filter(variance_note="").update(variance_note="Session à venir.")
        partner = Partner.objects.filter(budget_lines__isnull=False).first()
        yield partner if BudgetLine.objects.exists() else None
        transaction.set_rollback(True)


def _signed(value: int) -> str:
    if value > 0:
        return "+" + number(value)
    if value < 0:
        return "−" + number(-value)
    return number(value)


def _said_by_workbook(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in book}


def _expected_workbook(found: FinanceFigures) -> dict[str, list[tuple[object, ...]]]:
    t = found.totals
    total = ("Total", t.planned, t.committed, t.spent, t.variance)
    names = {f.partner_id: f.name for f in found.funders}
    return {
        "Par ligne": [
            (c.label, c.totals.planned, c.totals.committed, c.totals.spent, c.totals.variance)
            for c in found.by_category
        ]
        + [total],
        "Par atelier": [
            (w.title, w.totals.planned, w.totals.committed, w.totals.spent, w.totals.variance)
            for w in found.workshops
        ]
        + [total],
        "Lignes des ateliers": [
            (
                w.title,
                line.category_label,
                names.get(line.partner_id, ""),
                line.planned,
                line.committed,
                line.spent,
                line.variance,
                line.variance_note or None,
            )
            for w in found.workshops
            for line in w.lines
        ],
        "Fonds et solde": [
            (f.name, f.totals.planned, f.totals.committed, f.totals.spent, f.received, f.balance)
            for f in found.funders
        ]
        + [("Total", t.planned, t.committed, t.spent, found.received, found.balance)],
    }


def _docx_tables(data: bytes) -> dict[str, list[list[str]]]:
    """The tables with a header, by the header's first cell; the first of two alike (« Atelier »:
    the table by workshop comes before that of the variances)."""
    tables: dict[str, list[list[str]]] = {}
    for table in docx.Document(io.BytesIO(data)).tables:
        if len(table.columns) > 2:
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            tables.setdefault(rows[0][0], rows[1:])
    return tables


def _agree(found: FinanceFigures, partner: Partner | None) -> None:
    def document(fmt: str) -> bytes:
        return financial_document(partner=partner, language="fr", fmt=fmt, **YEARS)  # type: ignore[arg-type]

    said = _said_by_workbook(document("xlsx"))
    for sheet, rows in _expected_workbook(found).items():
        assert said[sheet] == rows, sheet
    assert [row[5] for row in said["Pièces justificatives"]] == [e.amount for e in found.expenses]
    assert [row[3:] for row in said["États de paiement"]] == [
        (s.per_diem, s.transport, s.total) for s in found.statements
    ]

    tables = _docx_tables(document("docx"))
    t = found.totals
    cells = [number(t.planned), number(t.committed), number(t.spent), _signed(t.variance)]
    assert tables["Ligne"] == [
        [c.label, number(c.totals.planned), number(c.totals.committed), number(c.totals.spent),
         _signed(c.totals.variance)]
        for c in found.by_category
    ] + [["Total", *cells]]  # fmt: skip
    assert tables["Atelier"] == [
        [w.title, number(w.totals.planned), number(w.totals.committed), number(w.totals.spent),
         _signed(w.totals.variance)]
        for w in found.workshops
    ] + [["Total", *cells]]  # fmt: skip
    assert tables["Bailleur"][-1] == [
        "Total",
        number(found.received),
        number(t.spent),
        _signed(found.balance),
    ]
    assert [row[5] for row in tables["Date"]] == [number(e.amount) for e in found.expenses]

    pdf = "\n".join(
        page.extract_text() or "" for page in PdfReader(io.BytesIO(document("pdf"))).pages
    )
    for amount in (t.planned, t.committed, t.spent, found.received, found.balance):
        assert number(abs(amount)) in pdf, amount
    for workshop in found.workshops:
        assert number(workshop.totals.spent) in pdf, workshop.title


def test_the_files_say_what_figures_finance_says(axis: Axis) -> None:
    money = build_money(axis=axis)
    for partner in (None, money.eucap, money.ddc):
        scope = FinanceScope(partner_id=partner.pk if partner else None, **YEARS)
        found = finance_figures(scope=scope, documents=True)
        assert found.totals.spent > 0
        _agree(found, partner)


def test_the_demo_s_files_say_what_figures_finance_says(demo_partner: Partner | None) -> None:
    if demo_partner is None:
        pytest.skip("the demo has no budget yet")
    for partner in (None, demo_partner):
        scope = FinanceScope(partner_id=partner.pk if partner else None, **YEARS)
        found = finance_figures(scope=scope, documents=True)
        assert found.workshops and found.totals.planned > 0
        _agree(found, partner)
