"""The financial figures (``kalan.reports.figures_finance``) against the numbers worked out by
hand in ``financial_data``: committed against spent, the statement split between funders, the
balance, a donor's scope, the query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kalan.finance.models import BudgetLine, Expense
from kalan.plans.models import Axis
from kalan.reports.figures_finance import (
    FinanceFigures,
    FinanceScope,
    budget_summary_total,
    finance_figures,
    workshop_budget_summary,
    workshop_budget_total,
)
from kalan.workshops.models import Funding
from tests.factories import PartnerFactory, SessionFactory, WorkshopFactory
from tests.reports.financial_data import (
    NAMES,
    YEAR_2022,
    YEARS,
    Money,
    build_money,
    expense,
    line,
    statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(axis: Axis) -> Money:
    return build_money(axis=axis)


def _figures(money: Money, *, partner_id: int | None = None, **period: dt.date) -> FinanceFigures:
    scope = FinanceScope(partner_id=partner_id, **(period or YEARS))
    return finance_figures(scope=scope, documents=True)


def _lines(found: FinanceFigures, title: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(category, funder) → (planned, committed, spent) of one workshop."""
    names = {funder.partner_id: funder.name for funder in found.funders}
    (workshop,) = [w for w in found.workshops if w.title == title]
    return {
        (line.category, names[line.partner_id]): (line.planned, line.committed, line.spent)
        for line in workshop.lines
    }


def test_unchecked_expenses_are_committed_and_checked_ones_spent(money: Money) -> None:
    lines = _lines(_figures(money), money.workshop.title)
    assert lines[("meals", "EUCAP")] == (600_000, 150_000, 400_000)
    assert lines[("venue", "EUCAP")] == (1_000_000, 0, 1_250_000)


def test_the_latest_statement_is_split_between_funders_in_proportion(money: Money) -> None:
    lines = _lines(_figures(money), money.workshop.title)
    # 125 001 of per diems over 95 000 : 30 000 planned; the remainder to the largest.
    assert lines[("per_diem", "EUCAP")] == (95_000, 0, 95_001)
    assert lines[("per_diem", "DDC")] == (30_000, 0, 30_000)
    assert lines[("transport", "DDC")] == (30_000, 0, 30_000)


def test_totals_by_line_workshop_and_programme(money: Money) -> None:
    found = _figures(money)
    t = found.totals
    assert (t.planned, t.committed, t.spent) == (2_255_000, 150_000, 2_005_001)
    by_category = {c.category: (c.totals.planned, c.totals.spent) for c in found.by_category}
    assert by_category == {
        "venue": (1_500_000, 1_450_000),
        "meals": (600_000, 400_000),
        "per_diem": (125_000, 125_001),
        "transport": (30_000, 30_000),
    }
    by_workshop = {w.title: w.totals.spent for w in found.workshops}
    assert by_workshop == {"Atelier de Kayes": 200_000, "Atelier des OPJ de Mopti": 1_805_001}


def test_balance_is_funds_received_in_the_period_minus_spent(money: Money) -> None:
    found = _figures(money)
    funders = {f.name: (f.received, f.totals.spent, f.balance) for f in found.funders}
    # EUCAP's 500 000 of December 2021 fall before the period.
    assert funders == {
        "EUCAP": (2_000_000, 1_745_001, 254_999),
        "DDC": (1_300_000, 260_000, 1_040_000),
    }
    assert (found.received, found.balance) == (3_300_000, 3_300_000 - 2_005_001)


def test_the_period_covers_workshops_by_the_first_day_of_their_sessions(money: Money) -> None:
    found = _figures(money, **YEAR_2022)
    assert [w.title for w in found.workshops] == ["Atelier des OPJ de Mopti"]
    # DDC's 300 000 for the Kayes workshop (not covered) do not count; its programme funds do.
    assert {f.name: f.received for f in found.funders} == {"EUCAP": 2_000_000, "DDC": 1_000_000}


def test_a_donor_sees_its_own_lines_and_workshops_only(money: Money) -> None:
    found = _figures(money, partner_id=money.eucap.pk)
    assert [w.title for w in found.workshops] == ["Atelier des OPJ de Mopti"]
    assert set(_lines(found, money.workshop.title)) == {
        ("venue", "EUCAP"),
        ("meals", "EUCAP"),
        ("per_diem", "EUCAP"),
    }
    assert [(f.name, f.received, f.balance) for f in found.funders] == [
        ("EUCAP", 2_000_000, 254_999)
    ]
    assert {e.partner_id for e in found.expenses} == {money.eucap.pk}
    # Its share of the statement is the same as in the programme's report.
    assert _lines(found, money.workshop.title)[("per_diem", "EUCAP")][2] == 95_001


def test_variances_beyond_the_threshold_need_an_explanation(money: Money) -> None:
    found = _figures(money)
    beyond = {(v.workshop, v.line.category) for v in found.variances()}
    assert beyond == {("Atelier des OPJ de Mopti", "venue"), ("Atelier de Kayes", "venue")}
    assert found.missing_notes() == []
    # Both explanations taken away: only the line over its plan (+25 %) must have one; Kayes's
    # venue, 60 % under its plan, is still shown among the variances, unexplained.
    BudgetLine.objects.filter(category="venue").update(variance_note="  ")
    found = _figures(money)
    missing = found.missing_notes()
    assert [(m.workshop, m.line.category, m.funder) for m in missing] == [
        ("Atelier des OPJ de Mopti", "venue", "EUCAP")
    ]
    assert {(v.workshop, v.line.category) for v in found.variances()} == beyond


def test_the_threshold_is_the_setting(money: Money, settings: pytest.FixtureRequest) -> None:
    settings.KALAN_BUDGET_VARIANCE_PERCENT = 30  # type: ignore[attr-defined]
    found = _figures(money)
    assert found.threshold == 30
    assert {(v.workshop, v.line.category) for v in found.variances()} == {
        ("Atelier de Kayes", "venue")
    }


def test_statements_without_budget_go_to_the_first_funder_else_unbudgeted(axis: Axis) -> None:
    partner = PartnerFactory(name="PNUD", acronym="PNUD")
    funded = WorkshopFactory(axis=axis, title="Financé sans budget")
    Funding.objects.create(workshop=funded, partner=partner, amount=1_000_000)
    nobody = WorkshopFactory(axis=axis, title="Sans bailleur")
    statement(SessionFactory(workshop=funded), "EP-1", [("Aïssata Coulibaly", 40_000, 10_000)])
    statement(SessionFactory(workshop=nobody), "EP-2", [("Bakary Traoré", 20_000, 5_000)])
    found = finance_figures(scope=FinanceScope(**YEAR_2022))
    spent = {
        (w.title, line.category, line.partner_id): line.spent
        for w in found.workshops
        for line in w.lines
    }
    assert spent == {
        ("Financé sans budget", "per_diem", partner.pk): 40_000,
        ("Financé sans budget", "transport", partner.pk): 10_000,
        ("Sans bailleur", "per_diem", None): 20_000,
        ("Sans bailleur", "transport", None): 5_000,
    }
    # The funder's lines hold nothing planned: they need an explanation; the unbudgeted
    # amounts are nobody's to explain.
    assert {(m.workshop, m.line.category) for m in found.missing_notes()} == {
        ("Financé sans budget", "per_diem"),
        ("Financé sans budget", "transport"),
    }
    assert [f.name for f in found.funders] == ["PNUD", "Non budgété"]


def test_supporting_documents_name_nobody(money: Money) -> None:
    found = _figures(money)
    assert [(e.spent_on, e.amount, e.receipt_name, e.checked) for e in found.expenses][:2] == [
        (dt.date(2022, 11, 8), 1_000_000, "facture-palmeraie.pdf", True),
        (dt.date(2022, 11, 8), 400_000, "traiteur.pdf", True),
    ]
    # Only the statement that counts, as its number and totals.
    assert [(s.number, s.per_diem, s.transport, s.total) for s in found.statements] == [
        ("EP-2022-002", 125_001, 30_000, 155_001)
    ]
    text = repr(found)
    assert not [name for name in NAMES if name in text]


def test_queries_do_not_grow_with_workshops_and_expenses(money: Money, axis: Axis) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            finance_figures(scope=FinanceScope(**YEARS), documents=True)
        return len(queries)

    def add(n: int) -> None:
        workshop = WorkshopFactory(axis=axis, title=f"Atelier {n}")
        Funding.objects.create(workshop=workshop, partner=money.ddc, amount=100)
        session = SessionFactory(workshop=workshop, start_date=dt.date(2022, 6, 1 + n))
        line(workshop, "materials", money.ddc, 1_000, "Prix en hausse.")
        line(workshop, "per_diem", money.ddc, 1_000)
        for _ in range(3):
            expense(
                workshop, "materials", money.ddc, 500, checker=money.checker, on=session.start_date
            )
        statement(session, f"EP-X-{n}", [("Aïssata Coulibaly", 1_000, 0)])

    add(0)
    before = count()
    for n in range(1, 6):
        add(n)
    assert Expense.objects.count() == 5 + 18
    assert count() == before <= 12


def test_workshop_budget_summary_lists_lines_in_category_order(money: Money) -> None:
    summary = workshop_budget_summary(workshop=money.workshop)
    assert [(s.category, s.funder, s.planned) for s in summary] == [
        ("venue", "EUCAP", 1_000_000),
        ("meals", "EUCAP", 600_000),
        ("per_diem", "DDC", 30_000),
        ("per_diem", "EUCAP", 95_000),
        ("transport", "DDC", 30_000),
    ]
    assert summary[0].label == "Salle et logistique"
    assert budget_summary_total(summary) == workshop_budget_total(workshop=money.workshop)
    assert workshop_budget_total(workshop=money.workshop) == 1_755_000
