"""Certificates of participation, verifiable by their short code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel


class Certificate(GlobalModel):
    """A certificate of participation (attestation) with a number and a public short code."""

    # Its entries written before the move (issue 10) keep this label.
    audit_former_labels = ("documents.certificate",)

    class Language(models.TextChoices):
        FR = "fr", _("français")
        EN = "en", _("anglais")

    enrollment = models.OneToOneField(
        "workshops.Enrollment",
        verbose_name=_("inscription"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    number = models.CharField(_("numéro"), max_length=40, unique=True)
    short_code = models.CharField(_("code de vérification"), max_length=12, unique=True)
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("délivré par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("révoqué par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoke_reason = models.TextField(_("motif de la révocation"), blank=True)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["number"]
        # Made by the documents app; moved here with its rows (issue 10).
        db_table = "documents_certificate"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoke_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
