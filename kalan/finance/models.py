"""Payment statements kept as issued."""

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
