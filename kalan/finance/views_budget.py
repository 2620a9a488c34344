"""A workshop's budget: its lines against actuals, its expenses with their receipts, the funds
its funders sent.

``view_budget`` reads (programme officer, M&E, finance, administrator); ``manage_budget`` writes
and checks (finance, administrator). Donor viewers hold neither: 403 on every page. A workshop
outside the user's scope is 404. Receipts are served only through ``expense_receipt``: media
files have no public URL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kalan.core.http import attachment
from kalan.core.models import User
from kalan.core.roles import requires
from kalan.finance import budget, services_budget
from kalan.finance.errors import BudgetError
from kalan.finance.forms_budget import (
    BudgetLineForm,
    ExpenseForm,
    FundsForm,
    VarianceNoteForm,
    add_budget_error,
)
from kalan.finance.models import BudgetLine, Expense, FundsReceived
from kalan.workshops.models import Workshop
from kalan.workshops.selectors import workshops_visible


def _workshop_or_404(request: HttpRequest, pk: int) -> Workshop:
    return get_object_or_404(workshops_visible(request.user), pk=pk)


def _manager(request: HttpRequest) -> None:
    if not request.user.has_perm("kalan.manage_budget"):
        raise PermissionDenied


@dataclass(frozen=True)
class FunderBlock:
    """One funder's lines on the budget page, with their sums and the funds it sent."""

    partner: str
    lines: list[budget.LineFigures]
    totals: budget.Totals
    received: int | None  # None for the unbudgeted block

    @property
    def balance(self) -> int | None:
        return None if self.received is None else self.received - self.totals.spent


def _blocks(workshop: Workshop, lines: list[budget.LineFigures]) -> list[FunderBlock]:
    by_partner: dict[int | None, list[budget.LineFigures]] = defaultdict(list)
    for figures in lines:
        by_partner[figures.partner_id].append(figures)
    received = dict(
        FundsReceived.objects.filter(workshop=workshop)
        .values_list("partner_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    blocks = [
        FunderBlock(
            partner=items[0].partner or _("Non budgété"),
            lines=items,
            totals=budget.totals(items),
            received=None if partner_id is None else int(received.get(partner_id) or 0),
        )
        for partner_id, items in by_partner.items()
    ]
    # Funders by name, the unbudgeted amounts last.
    blocks.sort(key=lambda b: (b.received is None, b.partner.casefold()))
    return blocks


@require_http_methods(["GET", "POST"])
@requires("view_budget")
def workshop_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the lines by funder against their actuals. POST: add a line (manage_budget)."""
    workshop = _workshop_or_404(request, pk)
    form = BudgetLineForm(
        request.POST if request.method == "POST" else None, workshop=workshop, prefix="line"
    )
    if request.method == "POST":
        _manager(request)
        if form.is_valid():
            try:
                services_budget.budget_line_save(workshop=workshop, **form.cleaned_data)
            except BudgetError as error:
                add_budget_error(form, error)
            else:
                messages.success(request, _("Ligne budgétaire enregistrée."))
                return redirect("workshop_budget", pk=workshop.pk)
    lines = budget.workshop_lines(workshop=workshop)
    return render(
        request,
        "finance/budget/page.html",
        {
            "workshop": workshop,
            "blocks": _blocks(workshop, lines),
            "totals": budget.totals(lines),
            "threshold": budget.variance_threshold(),
            "form": form,
            "window": budget.expense_window(workshop=workshop),
            "period": budget.workshop_period(workshop=workshop),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires("manage_budget")
def budget_line_edit(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """Change a line's planned amount (or line, funder), or its explanation of the variance."""
    workshop = _workshop_or_404(request, pk)
    found = get_object_or_404(
        BudgetLine.objects.select_related("partner"), pk=line, workshop=workshop
    )
    action = request.POST.get("action") if request.method == "POST" else None
    line_form = BudgetLineForm(
        request.POST if action == "line" else None,
        workshop=workshop,
        prefix="line",
        initial={"category": found.category, "partner": found.partner, "planned": found.planned},
    )
    note_form = VarianceNoteForm(
        request.POST if action == "note" else None,
        prefix="note",
        initial={"variance_note": found.variance_note},
    )
    if action == "line" and line_form.is_valid():
        try:
            services_budget.budget_line_save(
                workshop=workshop, line=found, **line_form.cleaned_data
            )
        except BudgetError as error:
            add_budget_error(line_form, error)
        else:
            messages.success(request, _("Ligne budgétaire enregistrée."))
            return redirect("workshop_budget", pk=workshop.pk)
    if action == "note" and note_form.is_valid():
        services_budget.variance_note_save(line=found, note=note_form.cleaned_data["variance_note"])
        messages.success(request, _("Explication de l’écart enregistrée."))
        return redirect("workshop_budget", pk=workshop.pk)
    figures = budget.line_figures(line=found)
    errors = line_form.errors or note_form.errors
    return render(
        request,
        "finance/budget/line.html",
        {
            "workshop": workshop,
            "line": found,
            "figures": figures,
            "line_form": line_form,
            "note_form": note_form,
            "threshold": budget.variance_threshold(),
        },
        status=400 if errors else 200,
    )


@requires("manage_budget")  # before the method: 403, not 405, for the others
@require_POST
def budget_line_delete(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    found = get_object_or_404(BudgetLine, pk=line, workshop=workshop)
    try:
        services_budget.budget_line_delete(line=found)
    except BudgetError as error:
        messages.error(request, str(error))
        return redirect("budget_line_edit", pk=workshop.pk, line=found.pk)
    messages.success(request, _("Ligne budgétaire supprimée."))
    return redirect("workshop_budget", pk=workshop.pk)


def _may_check(user: Any, expense: Expense) -> bool:
    return user.has_perm("kalan.manage_budget") and (
        expense.entered_by_id != user.pk
        or user.is_superuser
        or getattr(user, "role", "") == "administrator"
    )


@require_GET
@requires("view_budget")
def workshop_expenses(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    expenses = list(
        Expense.objects.filter(workshop=workshop)
        .select_related("partner", "entered_by", "checked_by", "session__place")
        .order_by("spent_on", "pk")
    )
    rows = [(expense, _may_check(request.user, expense)) for expense in expenses]
    return render(
        request,
        "finance/budget/expenses.html",
        {
            "workshop": workshop,
            "rows": rows,
            "total": sum(e.amount for e in expenses),
            "checked": sum(e.amount for e in expenses if e.checked_by_id),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_budget")
def expense_create(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    currency = services_budget.organisation_currency()
    form = ExpenseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        workshop=workshop,
        currency=currency,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by = request.user if isinstance(request.user, User) else None
        try:
            expense = services_budget.expense_record(workshop=workshop, by=by, **data)
        except BudgetError as error:
            add_budget_error(form, error)
        else:
            messages.success(
                request,
                _("Dépense « %(description)s » enregistrée : elle reste à vérifier.")
                % {"description": expense.description},
            )
            return redirect("workshop_expenses", pk=workshop.pk)
    return render(
        request,
        "finance/budget/expense_form.html",
        {
            "workshop": workshop,
            "form": form,
            "window": budget.expense_window(workshop=workshop),
            "threshold": budget.variance_threshold(),
        },
        status=400 if form.errors else 200,
    )


def _expense_or_404(workshop: Workshop, expense: int) -> Expense:
    return get_object_or_404(Expense, pk=expense, workshop=workshop)


@requires("manage_budget")  # before the method: 403, not 405, for the others
@require_POST
def expense_check(request: HttpRequest, pk: int, expense: int) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    found = _expense_or_404(workshop, expense)
    try:
        services_budget.expense_check(expense=found, by=request.user)  # type: ignore[arg-type]
    except BudgetError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Dépense « %(description)s » vérifiée.") % {"description": found.description},
        )
    return redirect("workshop_expenses", pk=workshop.pk)


@requires("manage_budget")  # before the method: 403, not 405, for the others
@require_POST
def expense_delete(request: HttpRequest, pk: int, expense: int) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    found = _expense_or_404(workshop, expense)
    try:
        services_budget.expense_delete(expense=found)
    except BudgetError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Dépense « %(description)s » supprimée.") % {"description": found.description},
        )
    return redirect("workshop_expenses", pk=workshop.pk)


@require_GET
@requires("view_budget")
def expense_receipt(request: HttpRequest, pk: int, expense: int) -> HttpResponse:
    """The receipt, as a download: a PDF as sent, an image as re-encoded (no metadata)."""
    workshop = _workshop_or_404(request, pk)
    found = _expense_or_404(workshop, expense)
    extension = found.receipt.name.rsplit(".", 1)[-1].lower()
    content_type = "application/pdf" if extension == "pdf" else "image/jpeg"
    stem = (found.receipt_name or _("pièce")).rsplit(".", 1)[0] or _("pièce")
    filename = _("Pièce %(number)s — %(stem)s.%(extension)s") % {
        "number": found.pk,
        "stem": stem,
        "extension": extension,
    }
    return attachment(found.receipt.open("rb"), filename=filename, content_type=content_type)


@require_http_methods(["GET", "POST"])
@requires("view_budget")
def workshop_funds(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the funds the workshop's funders sent for it. POST: record one (manage_budget)."""
    workshop = _workshop_or_404(request, pk)
    currency = services_budget.organisation_currency()
    form = FundsForm(
        request.POST if request.method == "POST" else None, workshop=workshop, currency=currency
    )
    if request.method == "POST":
        _manager(request)
        if form.is_valid():
            try:
                services_budget.funds_record(workshop=workshop, **form.cleaned_data)
            except BudgetError as error:
                add_budget_error(form, error)
            else:
                messages.success(request, _("Fonds reçus enregistrés."))
                return redirect("workshop_funds", pk=workshop.pk)
    funds = list(
        FundsReceived.objects.filter(workshop=workshop)
        .select_related("partner")
        .order_by("received_on", "pk")
    )
    return render(
        request,
        "finance/budget/funds.html",
        {
            "workshop": workshop,
            "funds": funds,
            "total": sum(f.amount for f in funds),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
