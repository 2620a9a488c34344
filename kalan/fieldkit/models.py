"""Field kits: what headquarters sent to a venue laptop, and what the laptop received.

At headquarters a ``FieldKit`` records each kit issued: its sessions, who made it, and the
random key that authenticates the return bundle the laptop will send back (only headquarters
and that laptop know it). On the laptop, ``FieldSite`` (one row) says which kit it opened and
holds the same key; ``FieldBase`` keeps the fingerprint of every row as the kit brought it,
so that the laptop can tell what it changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel


class FieldKit(GlobalModel):
    """A kit issued at headquarters for one or more sessions (``uid`` is the kit's id)."""

    label = models.CharField(_("libellé"), max_length=200)
    sessions = models.ManyToManyField(
        "workshops.Session", verbose_name=_("sessions"), related_name="field_kits"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The key of the return bundle (AES-256-GCM), hex: never shown, never logged.
    bundle_key = models.CharField(max_length=64, editable=False)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    persons = models.PositiveIntegerField(_("personnes"), default=0)

    audit_secret_fields = ("bundle_key",)

    class Meta:
        verbose_name = _("kit de terrain")
        verbose_name_plural = _("kits de terrain")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class FieldSite(models.Model):
    """This laptop's kit: at most one row, written by ``kalan field open``."""

    kit_uid = models.UUIDField(_("kit"), unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    headquarters = models.CharField(_("siège"), max_length=200)
    bundle_key = models.CharField(max_length=64, editable=False)
    issued_at = models.DateTimeField(_("émis le"))
    opened_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)

    audit_secret_fields = ("bundle_key",)

    class Meta:
        verbose_name = _("kit ouvert sur ce poste")
        verbose_name_plural = _("kits ouverts sur ce poste")

    def __str__(self) -> str:
        return self.label


class FieldBase(models.Model):
    """One row as the kit brought it (``kalan.fieldkit.rows``): what the return bundle compares
    the laptop's rows with, field by field, so that headquarters applies only what the laptop
    changed and sees a conflict where both sides changed the same field."""

    model = models.CharField(max_length=60)
    uid = models.UUIDField()
    fingerprint = models.CharField(max_length=64)
    row = models.JSONField()

    audit_exclude = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "uid"], name="field_base_one_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.uid}"


class FieldReturn(GlobalModel):
    """A return bundle headquarters imported (``uid`` is the bundle's id): never twice."""

    kit = models.ForeignKey(
        FieldKit, verbose_name=_("kit"), on_delete=models.PROTECT, related_name="returns"
    )
    machine = models.CharField(_("poste"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    counts = models.JSONField(_("lignes"), default=dict)

    class Meta:
        verbose_name = _("retour de kit")
        verbose_name_plural = _("retours de kit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kit} — {self.machine}"


class FieldSent(models.Model):
    """One row as the last return bundle of this laptop carried it.

    The next bundle sends it beside the row: headquarters that imported the earlier bundle
    holds this version, and takes the newer one without calling it a conflict."""

    model = models.CharField(max_length=60)
    uid = models.UUIDField()
    row = models.JSONField()

    audit_exclude = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "uid"], name="field_sent_one_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.uid}"
