from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Kalan's own user model, so that roles and scopes can grow on it without a data migration."""

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")


class GlobalModel(models.Model):
    """A record that later work exchanges between machines: it carries a stable UUID."""

    uid = models.UUIDField(_("identifiant global"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class Organisation(GlobalModel):
    """The institution that runs the programme (for example the CNDH of Mali)."""

    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    country = models.ForeignKey(
        "people.Place",
        verbose_name=_("pays"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    currency = models.CharField(_("monnaie"), max_length=3, default="XOF")
    logo = models.FileField(_("logo"), upload_to="organisation/", blank=True)
    mandate = models.TextField(_("mandat"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="organisation_currency_iso4217",
            ),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name


class Signatory(GlobalModel):
    """Who signs the institution's documents: edited by an administrator, never in code."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    name = models.CharField(_("nom"), max_length=120)
    title = models.CharField(_("fonction"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    signs_certificates = models.BooleanField(_("signe les attestations"), default=True)
    signs_statements = models.BooleanField(_("signe les états de paiement"), default=False)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["organisation", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"
