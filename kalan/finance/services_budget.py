"""Writing a workshop's budget: its lines, the expenses with their receipts, their check, the
funds received. Each service is one transaction and raises ``BudgetError`` (a French message, a
code, and the form's field at fault); the rules themselves are in ``kalan.finance.budget``.

Audit is automatic (model signals): every row written here leaves its entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.models import Partner, User
from kalan.core.roles import Role
from kalan.core.selectors import organisation_current
from kalan.finance import budget
from kalan.finance.errors import BudgetError
from kalan.finance.models import BudgetCategory, BudgetLine, Expense, FundsReceived
from kalan.workshops.models import Funding, Session, Workshop


def organisation_currency() -> str:
    """The currency of the organisation's books (``Organisation.currency``, XOF by default)."""
    organisation = organisation_current()
    return (organisation.currency if organisation else "") or "XOF"


def _amount_check(amount: Any, *, field: str = "amount", zero: bool = False) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise BudgetError(
            _("Saisissez un montant en unités entières, sans décimales."),
            code="amount",
            field=field,
        )
    if amount < 0 or (amount == 0 and not zero):
        message = (
            _("Le montant ne peut pas être négatif.")
            if zero
            else _("Le montant doit être supérieur à zéro.")
        )
        raise BudgetError(message, code="amount_not_positive", field=field)
    return int(amount)


def _currency_check(currency: str | None) -> None:
    books = organisation_currency()
    given = (currency or books).strip().upper()
    if given != books:
        raise BudgetError(
            _(
                "Les comptes sont tenus en %(books)s : convertissez le montant en %(books)s "
                "(saisi en %(given)s) avant de l’enregistrer."
            )
            % {"books": books, "given": given},
            code="currency",
            field="currency",
        )


def _category_check(category: str) -> None:
    if category not in BudgetCategory.values:
        raise BudgetError(_("Choisissez une ligne du budget."), code="category", field="category")


def _funder_check(*, workshop: Workshop, partner: Partner) -> None:
    if not Funding.objects.filter(workshop=workshop, partner=partner).exists():
        raise BudgetError(
            _(
                "« %(partner)s » ne finance pas cet atelier : ajoutez-le d’abord aux bailleurs "
                "de l’atelier."
            )
            % {"partner": partner},
            code="not_a_funder",
            field="partner",
        )


def budget_line_save(
    *,
    workshop: Workshop,
    category: str,
    partner: Partner,
    planned: int,
    line: BudgetLine | None = None,
) -> BudgetLine:
    """Create a line (``line`` None) or change one's line, funder or planned amount.

    Any non-negative planned amount is accepted, even one below what is already spent: the
    variance then shows on the budget page, to explain. Raises BudgetError: ``amount`` /
    ``amount_not_positive`` (negative), ``category``, ``not_a_funder`` (the partner does not
    fund the workshop), ``line_exists`` (that funder already has this line), ``line_used``
    (moving a line that expenses use to another category or funder).
    """
    _category_check(category)
    planned = _amount_check(planned, field="planned", zero=True)
    _funder_check(workshop=workshop, partner=partner)
    with transaction.atomic():
        if line is None:
            line = BudgetLine(workshop=workshop)
        else:
            line = BudgetLine.objects.select_for_update().get(pk=line.pk)
            moved = (line.category, line.partner_id) != (category, partner.pk)
            if moved and _expenses_of(line).exists():
                raise BudgetError(
                    _(
                        "Des dépenses sont imputées sur cette ligne : sa ligne et son bailleur ne "
                        "changent plus (seul le montant prévu peut changer)."
                    ),
                    code="line_used",
                    field="category",
                )
        line.category = category
        line.partner = partner
        line.planned = planned
        duplicate = BudgetLine.objects.filter(
            workshop=line.workshop, category=category, partner=partner
        ).exclude(pk=line.pk)
        if duplicate.exists():
            raise BudgetError(
                _("Ce bailleur a déjà une ligne « %(line)s » : modifiez-la plutôt.")
                % {"line": BudgetCategory(category).label},
                code="line_exists",
                field="category",
            )
        try:
            with transaction.atomic():
                line.save()
        except IntegrityError:
            # Another request created the same line meanwhile.
            raise BudgetError(
                _("Ce bailleur a déjà une ligne « %(line)s » : modifiez-la plutôt.")
                % {"line": BudgetCategory(category).label},
                code="line_exists",
                field="category",
            ) from None
    return line


def _expenses_of(line: BudgetLine) -> Any:
    return Expense.objects.filter(
        workshop_id=line.workshop_id, category=line.category, partner_id=line.partner_id
    )


def budget_line_delete(*, line: BudgetLine) -> None:
    """Delete a line no expense uses. Raises BudgetError ``line_used``."""
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        count = _expenses_of(line).count()
        if count:
            raise BudgetError(
                _(
                    "Cette ligne porte %(count)s dépense(s) : supprimez-les ou gardez la ligne "
                    "(son montant prévu peut être mis à zéro)."
                )
                % {"count": count},
                code="line_used",
            )
        line.delete()


def variance_note_save(*, line: BudgetLine, note: str) -> BudgetLine:
    """Record why the line's actuals stray from its plan (an empty note clears it)."""
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        line.variance_note = note.strip()
        line.save(update_fields=["variance_note", "updated_at"])
    return line


def _line_for(*, workshop: Workshop, category: str, partner: Partner) -> BudgetLine:
    line = (
        BudgetLine.objects.select_for_update()
        .filter(workshop=workshop, category=category, partner=partner)
        .first()
    )
    if line is None:
        raise BudgetError(
            _(
                "L’atelier n’a pas de ligne « %(line)s » financée par %(partner)s : créez d’abord "
                "cette ligne sur la page du budget."
            )
            % {"line": BudgetCategory(category).label, "partner": partner},
            code="no_line",
            field="category",
        )
    return line


def _variance_check(*, line: BudgetLine, amount: int, note: str) -> None:
    """Refuse an expense that takes its line beyond the threshold while nobody said why."""
    figures = budget.line_figures(line=line)
    after = figures.variance + amount
    if not budget.over_budget(planned=figures.planned, variance=after):
        return
    if note.strip() or figures.variance_note.strip():
        return
    raise BudgetError(
        _(
            "Avec cette dépense, la ligne « %(line)s » dépasse son montant prévu de plus de "
            "%(percent)s %% : expliquez l’écart."
        )
        % {"line": BudgetCategory(line.category).label, "percent": budget.variance_threshold()},
        code="variance_note_required",
        field="variance_note",
    )


def expense_record(
    *,
    workshop: Workshop,
    category: str,
    partner: Partner,
    amount: int,
    spent_on: dt.date,
    description: str,
    receipt: Any,
    by: User | None,
    currency: str | None = None,
    supplier: str = "",
    session: Session | None = None,
    variance_note: str = "",
) -> Expense:
    """Record an expense with its receipt: the file and the row together, or neither.

    ``receipt`` is an uploaded file, checked by its content (``budget.receipt_check``): a PDF is
    kept as sent, an image re-encoded without metadata. ``variance_note``, required when the
    expense takes its line beyond the threshold and the line has no explanation yet, is saved on
    the line. Raises BudgetError: ``amount``/``amount_not_positive``, ``currency``, ``category``,
    ``no_line``, ``session``, ``period``, ``description``, the receipt's refusals,
    ``variance_note_required``.
    """
    _category_check(category)
    amount = _amount_check(amount)
    _currency_check(currency)
    if not description.strip():
        raise BudgetError(
            _("Indiquez l’objet de la dépense."), code="description", field="description"
        )
    if session is not None and session.workshop_id != workshop.pk:
        raise BudgetError(
            _("Cette session n’est pas une session de l’atelier."), code="session", field="session"
        )
    problem = budget.period_error(workshop=workshop, spent_on=spent_on)
    if problem:
        raise BudgetError(problem, code="period", field="spent_on")
    if receipt is None:
        raise BudgetError(
            _("Joignez la pièce justificative (facture ou reçu)."),
            code="no_receipt",
            field="receipt",
        )
    checked = budget.receipt_check(receipt)
    stored = ""
    try:
        with transaction.atomic():
            line = _line_for(workshop=workshop, category=category, partner=partner)
            _variance_check(line=line, amount=amount, note=variance_note)
            if variance_note.strip():
                line.variance_note = variance_note.strip()
                line.save(update_fields=["variance_note", "updated_at"])
            expense = Expense(
                workshop=workshop,
                session=session,
                category=category,
                partner=partner,
                amount=amount,
                spent_on=spent_on,
                description=description.strip(),
                supplier=supplier.strip(),
                receipt_name=checked.original_name[:200],
                entered_by=by,
            )
            expense.receipt.save(
                f"piece.{checked.extension}", ContentFile(checked.content), save=False
            )
            stored = expense.receipt.name or ""
            expense.full_clean()
            expense.save()
    except BaseException:
        if stored:
            Expense._meta.get_field("receipt").storage.delete(stored)
        raise
    return expense


def _is_administrator(user: User) -> bool:
    return bool(user.is_superuser) or user.role == Role.ADMINISTRATOR


def expense_check(*, expense: Expense, by: User) -> Expense:
    """Mark an expense checked against its receipt, by someone other than who entered it
    (four eyes); an administrator may check anyone's, their own included.

    Raises BudgetError ``already_checked``, ``own_expense``.
    """
    with transaction.atomic():
        expense = Expense.objects.select_for_update().get(pk=expense.pk)
        if expense.checked_by_id is not None:
            raise BudgetError(_("Cette dépense est déjà vérifiée."), code="already_checked")
        if expense.entered_by_id == by.pk and not _is_administrator(by):
            raise BudgetError(
                _(
                    "Vous avez saisi cette dépense : une autre personne des finances doit la "
                    "vérifier."
                ),
                code="own_expense",
            )
        expense.checked_by = by
        expense.checked_at = timezone.now()
        expense.save(update_fields=["checked_by", "checked_at", "updated_at"])
    return expense


def expense_delete(*, expense: Expense) -> None:
    """Delete an expense not yet checked, and its receipt once the deletion is committed.

    Raises BudgetError ``already_checked``: a checked expense is in the books.
    """
    with transaction.atomic():
        expense = Expense.objects.select_for_update().get(pk=expense.pk)
        if expense.checked_by_id is not None:
            raise BudgetError(
                _("Cette dépense est vérifiée : elle ne peut plus être supprimée."),
                code="already_checked",
            )
        name = expense.receipt.name
        storage = expense.receipt.storage
        expense.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def funds_record(
    *,
    partner: Partner,
    received_on: dt.date,
    amount: int,
    workshop: Workshop | None = None,
    currency: str | None = None,
    reference: str = "",
) -> FundsReceived:
    """Record a tranche a funder transferred, for one workshop or the whole programme.

    Raises BudgetError ``amount``/``amount_not_positive``, ``currency``, ``not_a_funder`` (for
    a workshop the partner does not fund).
    """
    amount = _amount_check(amount)
    _currency_check(currency)
    if workshop is not None:
        _funder_check(workshop=workshop, partner=partner)
    with transaction.atomic():
        funds = FundsReceived(
            partner=partner,
            workshop=workshop,
            received_on=received_on,
            amount=amount,
            reference=reference.strip(),
        )
        funds.full_clean()
        funds.save()
    return funds
