"""The institution's correspondence before a session (issue 19): the commands it writes to
(``Addressee``, reference data), the invitation letters asking each to designate officers
(``Letter``) and the mission orders of those who travel to the venue (``MissionOrder``), each
kept as issued, with its number in the institution's register of outgoing mail.

Until issue 10 the app held the certificates and payment statements, which now live in
``kalan.certificates`` and ``kalan.finance`` with the same tables: its first migrations stay,
the history of databases created before the move.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Place
from kalan.people.models import Corps


class Addressee(GlobalModel):
    """A command the institution writes to, and how its head is addressed: « Direction régionale
    de la Police de Mopti », « Monsieur le Directeur régional de la Police nationale »."""

    name = models.CharField(_("commandement"), max_length=200, unique=True)
    head_title = models.CharField(
        _("titre du chef"),
        max_length=200,
        help_text=_("Tel qu’il est écrit en tête de la lettre : « Monsieur le Directeur… »."),
    )
    head_name = models.CharField(_("nom du chef"), max_length=120, blank=True)
    corps = models.ForeignKey(
        Corps,
        verbose_name=_("corps"),
        on_delete=models.PROTECT,
        related_name="addressees",
        null=True,
        blank=True,
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("région ou ville"),
        on_delete=models.PROTECT,
        related_name="addressees",
        null=True,
        blank=True,
    )
    postal_address = models.TextField(_("adresse postale"), blank=True)
    active = models.BooleanField(
        _("actif"),
        default=True,
        help_text=_("Un commandement inactif n’est plus proposé pour les lettres."),
    )

    class Meta:
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="addressee_name_required"),
            models.CheckConstraint(
                condition=~models.Q(head_title=""), name="addressee_head_title_required"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IssuedDocument(GlobalModel):
    """What a letter and a mission order share: a number of the register, the date it bears, who
    issued it, and its files as issued (never regenerated)."""

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("année du registre"))
    sequence = models.PositiveIntegerField(_("numéro d’ordre"))
    number = models.CharField(_("numéro"), max_length=60, unique=True)
    dated = models.DateField(_("date de la pièce"))
    signatory_name = models.CharField(_("signataire"), max_length=120)
    signatory_title = models.CharField(_("fonction du signataire"), max_length=200)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("émis le"), auto_now_add=True)
    # The pieces issued together (one click): downloaded together, as one zip.
    batch = models.UUIDField(_("envoi"), db_index=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return None


class Letter(IssuedDocument):
    """An invitation letter to one command: designate N officers for a session."""

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    addressee = models.ForeignKey(
        Addressee, verbose_name=_("destinataire"), on_delete=models.PROTECT, related_name="letters"
    )
    officers_requested = models.PositiveSmallIntegerField(_("nombre d’agents demandés"))
    deadline = models.DateField(_("date limite de la liste"))
    profile = models.TextField(_("profil des participants"))
    pdf = models.FileField(_("PDF"), upload_to="letters/")
    docx = models.FileField(_("Word"), upload_to="letters/")

    class Meta:
        verbose_name = _("lettre d’invitation")
        verbose_name_plural = _("lettres d’invitation")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="letter_unique_sequence"),
            models.CheckConstraint(
                condition=models.Q(officers_requested__gte=1), name="letter_officers_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="letter_sequence_from_1"
            ),
        ]

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("letter_pdf", kwargs={"uid": uid}) if uid else None


class MissionOrder(IssuedDocument):
    """An « ordre de mission » for one traveller to a session's venue."""

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="mission_orders",
    )
    traveller_name = models.CharField(_("nom du missionnaire"), max_length=160)
    function = models.CharField(_("fonction"), max_length=200)
    # The account of a trainer or staff member, when the traveller has one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        related_name="mission_orders",
        null=True,
        blank=True,
    )
    destination = models.CharField(_("destination"), max_length=200)
    purpose = models.TextField(_("objet de la mission"))
    transport = models.CharField(_("moyen de transport"), max_length=120)
    departure = models.DateField(_("date de départ"))
    return_on = models.DateField(_("date de retour"))
    pdf = models.FileField(_("PDF"), upload_to="mission_orders/")
    docx = models.FileField(_("Word"), upload_to="mission_orders/")

    class Meta:
        verbose_name = _("ordre de mission")
        verbose_name_plural = _("ordres de mission")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="mission_order_unique_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(return_on__gte=models.F("departure")),
                name="mission_order_return_not_before_departure",
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="mission_order_sequence_from_1"
            ),
        ]

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("mission_order_pdf", kwargs={"uid": uid}) if uid else None
