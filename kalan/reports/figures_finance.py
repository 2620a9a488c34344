"""The one source of the financial figures: budget against actuals, funds received, balance.

Every number a page or a document of ``kalan.reports`` shows about a workshop's money (the
financial report to a donor, the budget summary of the terms of reference) is read here. The
per-line actuals are those of ``kalan.finance.budget``, the same functions the finance pages
use, so that there is one definition. Functions answer with aggregate queries whose number does
not grow with the workshops or the expenses; no function here returns a person's name (the
payment statements appear as their numbers and totals, never their lines).

Definitions:

- *planned*: sum of ``BudgetLine.planned``.
- *committed*: expenses recorded but not yet checked (``checked_by`` is null).
- *spent*: expenses checked + per diems and transport of the payment statements issued for the
  workshop's sessions (``PaymentStatement.lines`` / ``total``; the split between per_diem and
  transport is read from the statement's lines). Statement amounts go to the per_diem /
  transport line of the funder who budgeted that category; if several funders did, in
  proportion to their planned amounts (remainder to the largest); if none did, to the
  workshop's first funder (``Funding``), else they are shown as "unbudgeted".
- *variance* of a line = spent + committed − planned; the line needs an explanation
  (``variance_note``) when it is over its plan by more than threshold % of planned (a line
  under its plan needs none; threshold:
  ``settings.KALAN_BUDGET_VARIANCE_PERCENT``, env ``KALAN_BUDGET_VARIANCE_PERCENT``,
  default 10).
- *balance* for a funder = funds received − spent.

The ties (which funder is first, where a division's remainder goes, a line planned at zero by
every funder) are settled in ``kalan.finance.budget``, whose ``workshops_lines`` this module
reads. A line the report must explain is a funder's line over its plan beyond the threshold
(one under it beyond the threshold is shown with its explanation, if any); the amounts of a
workshop without any funder (« non budgété ») are shown, and nobody's to explain.

What a report over a period covers (``FinanceScope``): the workshops with a session whose first
day falls in the period (as the donor report counts them) — for a donor, those its partner
funds (``Funding``) or budgets (``BudgetLine``), and of those only its own lines; each covered
workshop with all its figures to date (its budget, its expenses, the latest payment statement of
each of its sessions: a re-issued statement replaces the one before, as in ``figures.budget``),
so that a line's variance is the one the budget page shows; the funds received in the period,
for a covered workshop or for the programme as a whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.memory import gc_paused
from kalan.core.models import Partner
from kalan.core.selectors import organisation_current
from kalan.finance.budget import (
    LineFigures,
    Totals,
    over_threshold,
    variance_threshold,
    workshops_lines,
)
from kalan.finance.models import (
    BudgetCategory,
    BudgetLine,
    Expense,
    FundsReceived,
    PaymentStatement,
)
from kalan.workshops.models import Funding, Session, Workshop


def partner_label(partner: Partner | None, *, language: str = "fr") -> str:
    """How a document names a funder: its acronym, else its name (the English ones in English
    when the partner has them)."""
    if partner is None:
        return ""
    if language == "en":
        return partner.acronym_en or partner.name_en or partner.acronym or partner.name
    return partner.acronym or partner.name


def category_label(category: str) -> str:
    """A budget line's label in the active language; an unknown key as it is."""
    try:
        return str(BudgetCategory(category).label)
    except ValueError:
        return category


@dataclass(frozen=True)
class BudgetSummaryLine:
    """One line of a workshop's planned budget: what, paid by whom, how much."""

    category: str  # a BudgetCategory value
    label: str  # its label in the active language
    partner_id: int
    funder: str
    planned: int


def workshop_budget_summary(*, workshop: Workshop, language: str = "fr") -> list[BudgetSummaryLine]:
    """The planned budget of a workshop, by line and funder, in the order of the budget
    categories (then funder). One query."""
    order = {value: index for index, value in enumerate(BudgetCategory.values)}
    lines = BudgetLine.objects.filter(workshop=workshop).select_related("partner").order_by()
    found = [
        BudgetSummaryLine(
            category=line.category,
            label=category_label(line.category),
            partner_id=line.partner_id,
            funder=partner_label(line.partner, language=language),
            planned=line.planned,
        )
        for line in lines
    ]
    return sorted(found, key=lambda line: (order.get(line.category, 99), line.funder))


def workshop_budget_total(*, workshop: Workshop) -> int:
    """The sum of a workshop's planned budget lines (0 without any). One query."""
    total = BudgetLine.objects.filter(workshop=workshop).aggregate(total=Sum("planned"))["total"]
    return int(total or 0)


def budget_summary_total(lines: list[BudgetSummaryLine]) -> int:
    """The total of lines already read (``workshop_budget_summary``), without a query."""
    return sum(line.planned for line in lines)


# --- a period's figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class FinanceScope:
    """A period, and a funder or all of them (``partner_id`` None)."""

    start: dt.date
    end: dt.date
    partner_id: int | None = None

    def workshops(self) -> QuerySet[Workshop]:
        """The workshops covered: a session starting in the period; for a funder, funded or
        budgeted by it."""
        sessions = Session.objects.filter(start_date__gte=self.start, start_date__lte=self.end)
        workshops = Workshop.objects.filter(pk__in=sessions.values("workshop_id"))
        if self.partner_id is not None:
            workshops = workshops.filter(
                Q(pk__in=Funding.objects.filter(partner_id=self.partner_id).values("workshop_id"))
                | Q(
                    pk__in=BudgetLine.objects.filter(partner_id=self.partner_id).values(
                        "workshop_id"
                    )
                )
            )
        return workshops


def finance_span(*, partner_id: int | None) -> tuple[dt.date, dt.date] | None:
    """The calendar years of the sessions of the workshops a funder funds or budgets (every
    workshop for None): whole years, since funds arrive before the sessions and invoices after.
    None without sessions. One query."""
    sessions = Session.objects.all()
    if partner_id is not None:
        sessions = sessions.filter(
            workshop__in=FinanceScope(dt.date.min, dt.date.max, partner_id).workshops().values("pk")
        )
    span = sessions.aggregate(first=Min("start_date"), last=Max("start_date"))
    if span["first"] is None:
        return None
    return dt.date(span["first"].year, 1, 1), dt.date(span["last"].year, 12, 31)


def beyond(line: LineFigures) -> bool:
    """A line the report shows with its explanation: beyond the threshold either way, and paid
    by a funder (the « non budgété » amounts of a workshop without any funder are nobody's to
    explain). Only those over their plan must have one (``LineFigures.needs_note``)."""
    return line.partner_id is not None and over_threshold(
        planned=line.planned, variance=line.variance, threshold=line.threshold
    )


@dataclass
class WorkshopFinance:
    workshop_id: int
    title: str
    lines: list[LineFigures]  # in category order, then funder (``finance.budget``)

    @cached_property
    def totals(self) -> Totals:
        sums = [0, 0, 0]
        for line in self.lines:
            _add(sums, line)
        return _totals(sums)


@dataclass(frozen=True)
class CategoryFinance:
    """One category summed over the workshops and funders in scope."""

    category: str
    totals: Totals

    @property
    def label(self) -> str:
        return category_label(self.category)


@dataclass(frozen=True)
class FunderFinance:
    """One funder's money over the scope: its lines' sums, what it sent, what is left.
    ``partner_id`` None: the amounts no funder pays (« non budgété »)."""

    partner_id: int | None
    name: str
    totals: Totals
    received: int

    @property
    def balance(self) -> int:
        return self.received - self.totals.spent


@dataclass(slots=True)  # not frozen: hundreds of thousands are made at once
class ExpenseDocument:
    """A supporting document: an expense as the report lists it (no person, ever)."""

    spent_on: dt.date
    workshop: str
    category: str
    partner_id: int
    description: str
    supplier: str
    amount: int
    receipt_name: str
    checked: bool

    @property
    def label(self) -> str:
        return category_label(self.category)


@dataclass(frozen=True)
class StatementDocument:
    """A payment statement as the report lists it: its number and totals, never its lines."""

    number: str
    workshop: str
    issued_on: dt.date
    per_diem: int
    transport: int
    total: int


@dataclass(frozen=True)
class VarianceLine:
    """A line beyond the threshold, with its explanation or without it."""

    workshop_id: int
    workshop: str
    funder: str
    line: LineFigures

    @property
    def label(self) -> str:
        return category_label(self.line.category)


@dataclass
class FinanceFigures:
    scope: FinanceScope
    partner: Partner | None
    currency: str
    threshold: int  # percent
    workshops: list[WorkshopFinance]  # by title
    by_category: list[CategoryFinance]  # in the order of ``BudgetCategory``
    funders: list[FunderFinance]  # largest planned first; « non budgété » last
    expenses: list[ExpenseDocument] = field(default_factory=list)
    statements: list[StatementDocument] = field(default_factory=list)

    @cached_property
    def totals(self) -> Totals:
        sums = [0, 0, 0]
        for category in self.by_category:
            sums[0] += category.totals.planned
            sums[1] += category.totals.committed
            sums[2] += category.totals.spent
        return _totals(sums)

    @property
    def received(self) -> int:
        return sum(funder.received for funder in self.funders)

    @property
    def balance(self) -> int:
        return self.received - self.totals.spent

    def variances(self) -> list[VarianceLine]:
        """The lines beyond the threshold, by workshop: explained or not."""
        names = {funder.partner_id: funder.name for funder in self.funders}
        return [
            VarianceLine(
                workshop_id=workshop.workshop_id,
                workshop=workshop.title,
                funder=names.get(line.partner_id, ""),
                line=line,
            )
            for workshop in self.workshops
            for line in workshop.lines
            if beyond(line)
        ]

    def missing_notes(self) -> list[VarianceLine]:
        """The lines over their plan beyond the threshold without explanation: the report
        refuses them (a line under its plan is shown, explained or not)."""
        return [item for item in self.variances() if item.line.note_missing]


def finance_figures(
    *, scope: FinanceScope, documents: bool = False, language: str = "fr"
) -> FinanceFigures:
    """The figures of a financial report in a fixed number of queries (at most nine; two more
    with ``documents``), whatever the workshops, expenses or statements.

    The cyclic collector is held off meanwhile (``kalan.core.memory.gc_paused``): the programme's
    lines make tens of thousands of rows and objects and no cycle, and its full walks of the
    process were a third of the time over 5,000 workshops (bench/financial_report.py)."""
    with gc_paused():
        return _finance_figures(scope=scope, documents=documents, language=language)


def _finance_figures(*, scope: FinanceScope, documents: bool, language: str) -> FinanceFigures:
    covered = scope.workshops()
    titles = dict(covered.order_by().values_list("pk", "title"))
    by_workshop = workshops_lines(workshops=covered)
    if scope.partner_id is not None:
        by_workshop = {
            pk: [line for line in lines if line.partner_id == scope.partner_id]
            for pk, lines in by_workshop.items()
        }
    received = _received(scope, covered)
    partner_ids = {line.partner_id for lines in by_workshop.values() for line in lines}
    partner_ids |= set(received)
    partners = Partner.objects.in_bulk([pk for pk in partner_ids if pk is not None])
    organisation = organisation_current()
    workshops = sorted(
        (
            WorkshopFinance(workshop_id=pk, title=title, lines=by_workshop.get(pk, []))
            for pk, title in titles.items()
        ),
        key=lambda item: (item.title, item.workshop_id),
    )
    found = FinanceFigures(
        scope=scope,
        partner=partners.get(scope.partner_id) if scope.partner_id else None,
        currency=organisation.currency if organisation else "XOF",
        threshold=variance_threshold(),
        workshops=workshops,
        by_category=_by_category(workshops),
        funders=_by_funder(workshops, received, partners, language),
    )
    if documents:
        found.expenses = _expense_documents(scope, covered, titles)
        found.statements = _statement_documents(covered, titles)
    return found


# Sums of (planned, committed, spent), kept as a list while lines are added.
Sums = list[int]


def _add(sums: Sums, line: LineFigures) -> None:
    sums[0] += line.planned
    sums[1] += line.committed
    sums[2] += line.spent


def _totals(sums: Sums) -> Totals:
    return Totals(planned=sums[0], committed=sums[1], spent=sums[2])


def _by_category(workshops: list[WorkshopFinance]) -> list[CategoryFinance]:
    sums: dict[str, Sums] = {}
    for workshop in workshops:
        for line in workshop.lines:
            _add(sums.setdefault(line.category, [0, 0, 0]), line)
    order = {value: index for index, value in enumerate(BudgetCategory.values)}
    return [
        CategoryFinance(category=category, totals=_totals(found))
        for category, found in sorted(sums.items(), key=lambda item: order.get(item[0], 99))
    ]


def _by_funder(
    workshops: list[WorkshopFinance],
    received: dict[int, int],
    partners: dict[int, Partner],
    language: str,
) -> list[FunderFinance]:
    sums: dict[int | None, Sums] = {pk: [0, 0, 0] for pk in received}
    for workshop in workshops:
        for line in workshop.lines:
            _add(sums.setdefault(line.partner_id, [0, 0, 0]), line)
    funders = [
        FunderFinance(
            partner_id=pk,
            name=partner_label(partners.get(pk), language=language)
            if pk is not None
            else _("Non budgété"),
            totals=_totals(found),
            received=received.get(pk, 0) if pk is not None else 0,
        )
        for pk, found in sums.items()
    ]
    return sorted(funders, key=lambda f: (f.partner_id is None, -f.totals.planned, f.name))


# The covered workshops, as a subquery.
Ids = QuerySet[Workshop, Any]


def _received(scope: FinanceScope, covered: Ids) -> dict[int, int]:
    """Funds received in the period, per funder: for a covered workshop or the programme."""
    rows = FundsReceived.objects.filter(
        Q(workshop__isnull=True) | Q(workshop__in=covered.values("pk")),
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    )
    if scope.partner_id is not None:
        rows = rows.filter(partner_id=scope.partner_id)
    sums = rows.values("partner_id").annotate(amount=Sum("amount")).order_by()
    return {row["partner_id"]: int(row["amount"]) for row in sums}


def _statement_documents(covered: Ids, titles: dict[int, str]) -> list[StatementDocument]:
    """The latest statement of each session (the one that counts), its per diems and transport
    split as ``finance.budget`` splits them: transport from its lines, the rest per diems."""
    latest = (
        PaymentStatement.objects.filter(session_id=OuterRef("session_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = PaymentStatement.objects.filter(
        session__workshop__in=covered.values("pk"), pk=Subquery(latest)
    ).values_list("number", "session__workshop_id", "created_at", "lines", "total")
    found = []
    for number, workshop_id, created_at, lines, total in rows.order_by("created_at", "number"):
        transport = sum(int(line.get("transport") or 0) for line in lines or [])
        found.append(
            StatementDocument(
                number=number,
                workshop=titles.get(workshop_id, ""),
                issued_on=timezone.localdate(created_at),
                per_diem=int(total) - transport,
                transport=transport,
                total=int(total),
            )
        )
    return found


def _expense_documents(
    scope: FinanceScope, covered: Ids, titles: dict[int, str]
) -> list[ExpenseDocument]:
    """The expenses of the covered workshops, by date, then workshop: what each paid and its
    receipt's file name. Who entered or checked it is never read."""
    expenses = Expense.objects.filter(workshop__in=covered.values("pk"))
    if scope.partner_id is not None:
        expenses = expenses.filter(partner_id=scope.partner_id)
    rows = expenses.order_by("spent_on", "pk").values_list(
        "spent_on",
        "workshop_id",
        "category",
        "partner_id",
        "description",
        "supplier",
        "amount",
        "receipt_name",
        "checked_by_id",
    )
    found = [
        ExpenseDocument(
            spent_on=spent_on,
            workshop=titles.get(workshop_id, ""),
            category=category,
            partner_id=partner_id,
            description=description,
            supplier=supplier,
            amount=int(amount),
            receipt_name=receipt_name,
            checked=checked_by is not None,
        )
        for (
            spent_on,
            workshop_id,
            category,
            partner_id,
            description,
            supplier,
            amount,
            receipt_name,
            checked_by,
        ) in rows
    ]
    found.sort(key=lambda item: (item.spent_on, item.workshop))  # stable: then by id
    return found
