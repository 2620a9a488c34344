"""Payment statements kept as issued; budget lines, expenses with receipts, funds received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel


class PaymentStatement(GlobalModel):
    """An issued per-diem and transport statement (état de paiement), kept as printed.

    ``lines`` and ``total`` are the figures of the day it was issued, and ``pdf`` the file handed
    to finance; ``fingerprint`` sums up the attendance and rates it was computed from, so a later
    change of attendance marks it outdated without ever changing it.
    """

    # Its entries written before the move (issue 10) keep this label.
    audit_former_labels = ("documents.paymentstatement",)

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="payment_statements",
    )
    number = models.CharField(_("numéro"), max_length=40, unique=True)
    lines = models.JSONField(_("lignes"))
    total = models.PositiveBigIntegerField(_("total"))
    fingerprint = models.CharField(_("empreinte des données"), max_length=64)
    pdf = models.FileField(_("PDF"), upload_to="statements/")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("état de paiement")
        verbose_name_plural = _("états de paiement")
        ordering = ["-created_at"]
        # Made by the documents app; moved here with its rows (issue 10).
        db_table = "documents_paymentstatement"

    def __str__(self) -> str:
        return self.number


class BudgetCategory(models.TextChoices):
    """The lines of a workshop's budget, as donors' budget templates name them."""

    VENUE = "venue", _("Salle et logistique")
    MEALS = "meals", _("Restauration et pauses")
    PER_DIEM = "per_diem", _("Per diem")
    TRANSPORT = "transport", _("Transport")
    FACILITATORS = "facilitators", _("Honoraires des formateurs")
    MATERIALS = "materials", _("Fournitures et supports")
    COMMUNICATION = "communication", _("Communication")
    OTHER = "other", _("Autres dépenses")


class BudgetLine(GlobalModel):
    """What a workshop plans to spend on one line, paid by one funder, in the organisation's
    currency (no decimals, like ``workshops.Funding``).

    ``variance_note``: why the line's actuals stray from the plan beyond the threshold
    (``finance.budget``); required before an expense takes it there.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("atelier"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    category = models.CharField(_("ligne"), max_length=20, choices=BudgetCategory.choices)
    partner = models.ForeignKey(
        "core.Partner",
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    planned = models.PositiveBigIntegerField(_("montant prévu"))
    variance_note = models.TextField(_("explication de l’écart"), blank=True)

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["workshop", "category", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "category", "partner"], name="budget_line_one_per_funder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.partner}"


class Expense(GlobalModel):
    """A workshop's expense, with its supporting document (invoice or receipt: an image or a PDF).

    Entered by the finance role, then checked by another member of it (``checked_by``). The
    per-diem and transport paid by issued payment statements are actuals too, read from the
    statements themselves (``finance.budget``), never entered twice as expenses.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("atelier"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="expenses",
        null=True,
        blank=True,
    )
    category = models.CharField(_("ligne"), max_length=20, choices=BudgetCategory.choices)
    partner = models.ForeignKey(
        "core.Partner",
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    amount = models.PositiveBigIntegerField(_("montant"))
    spent_on = models.DateField(_("date de la dépense"))
    description = models.CharField(_("objet"), max_length=300)
    supplier = models.CharField(_("fournisseur"), max_length=200, blank=True)
    receipt = models.FileField(_("pièce justificative"), upload_to="finance/receipts/")
    receipt_name = models.CharField(_("nom du fichier reçu"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifiée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["workshop", "spent_on", "pk"]
        indexes = [models.Index(fields=["spent_on"], name="expense_spent_on")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"


class FundsReceived(GlobalModel):
    """Money a funder transferred to the organisation (a tranche), for one workshop or for the
    programme as a whole (``workshop`` empty)."""

    partner = models.ForeignKey(
        "core.Partner",
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="funds_received",
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("atelier"),
        on_delete=models.PROTECT,
        related_name="funds_received",
        null=True,
        blank=True,
    )
    received_on = models.DateField(_("reçu le"))
    amount = models.PositiveBigIntegerField(_("montant"))
    reference = models.CharField(_("référence du virement"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("fonds reçus")
        verbose_name_plural = _("fonds reçus")
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.received_on} ({self.amount})"
