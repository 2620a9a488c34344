"""The demo workshop's budget (kalan.demo.budget): lines adding up to EUCAP Sahel Mali's
funding, two tranches received, four expenses with real receipts, two checked by someone else."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from pypdf import PdfReader

from kalan.demo.programme import FUNDING_AMOUNT, PARTNER_NAME, demo_load
from kalan.finance import budget
from kalan.finance.models import BudgetLine, Expense, FundsReceived
from kalan.workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module (its receipts in the folder ``conftest`` gives), in
    a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: None, db: None) -> None:
    return None


def test_the_lines_add_up_to_the_funding_of_eucap_sahel_mali(loaded: None) -> None:
    lines = BudgetLine.objects.select_related("partner")
    assert {line.partner.name for line in lines} == {PARTNER_NAME}
    assert sum(line.planned for line in lines) == FUNDING_AMOUNT
    assert {line.category for line in lines} >= {"venue", "meals", "per_diem", "transport"}


def test_two_tranches_are_received_and_four_expenses_entered_two_checked(loaded: None) -> None:
    assert FundsReceived.objects.count() == 2
    expenses = list(Expense.objects.select_related("entered_by", "checked_by"))
    assert len(expenses) == 4
    checked = [e for e in expenses if e.checked_by is not None]
    assert len(checked) == 2
    assert all(e.checked_by != e.entered_by for e in checked)


def test_the_receipts_are_a_readable_pdf_or_a_jpeg(loaded: None) -> None:
    kinds = set()
    for expense in Expense.objects.all():
        with expense.receipt.open("rb") as file:
            content = file.read()
        if expense.receipt.name.endswith(".pdf"):
            assert len(PdfReader(io.BytesIO(content)).pages) == 1
            kinds.add("pdf")
        else:
            assert content.startswith(b"\xff\xd8")
            kinds.add("jpg")
    assert kinds == {"pdf", "jpg"}


def test_the_budget_page_figures_show_what_was_checked_and_what_waits(loaded: None) -> None:
    workshop = Workshop.objects.get()
    figures = {f.category: f for f in budget.workshop_lines(workshop=workshop)}
    assert (figures["venue"].spent, figures["venue"].committed) == (225_000, 0)
    assert (figures["materials"].spent, figures["materials"].committed) == (0, 185_000)


def test_running_it_twice_adds_no_line_expense_or_funds(loaded: None) -> None:
    again = demo_load()
    assert (again.created["budget_lines"], again.created["expenses"]) == (0, 0)
    assert again.created["funds_received"] == 0
