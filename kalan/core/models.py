from __future__ import annotations

import uuid
from typing import Any

from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kalan.core.roles import Role


class User(AbstractUser):
    """An account, with one role (``kalan.core.roles``) that says what it may do.

    A donor viewer is tied to its partner and sees the workshops that partner funds; a trainer
    sees the sessions assigned to them (``Session.trainers``).
    """

    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, blank=True)
    partner = models.ForeignKey(
        "core.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="viewers",
        null=True,
        blank=True,
    )
    # Part of the session hash: a new value ends every session of the user ("logout everywhere").
    sessions_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.DONOR, partner__isnull=False)
                    | (~models.Q(role=Role.DONOR) & models.Q(partner__isnull=True))
                ),
                name="user_partner_iff_donor",
            ),
        ]

    def audit_label(self) -> str:
        return self.get_username()

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("user_edit", kwargs={"pk": int(pk)}) if pk.isdigit() else None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Django answers True to an active superuser whatever the permission; here the role
        # answers for everyone (RoleBackend), so an administrator does not hold a donor's
        # view_funded and is not sent to a partner's page.
        if not self.is_active:
            return False
        return any(
            backend.has_perm(self, perm, obj)
            for backend in auth.get_backends()
            if hasattr(backend, "has_perm")
        )

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash covers the password only; the sessions key lets a user end them all.
        return salted_hmac(
            "kalan.core.models.User.get_session_auth_hash",
            f"{self.password}:{self.sessions_key}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


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
        "core.Place",
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

    class StatementRole(models.TextChoices):
        """The box a signatory signs on a payment statement (issue 11).

        A statement is signed in sequence: whoever prepares it (usually the accountant), whoever
        checks it (the head of finance), then the authority that approves the expense. Each box
        prints its signatory's name and title, or blank lines to fill in by hand when nobody
        holds it. One signatory per box: ``SignatoryFormSet`` checks it, not a constraint, since
        a unique constraint with a condition cannot be deferred and swapping two signatories'
        boxes in one save would break it half-way.
        """

        PREPARED = "prepared", _("Établi par")
        CHECKED = "checked", _("Vérifié par")
        APPROVED = "approved", _("Approuvé par")

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
    # Blank: does not sign payment statements. Replaces the yes/no "signs statements" (core
    # migration 0006), which could not say in which box.
    statement_role = models.CharField(
        _("signe les états de paiement"),
        max_length=10,
        choices=StatementRole.choices,
        blank=True,
        default="",
    )
    # Issue 19: who signs the invitation letters to the commands, and the mission orders
    # (kalan.documents). Several may be ticked: the first in ``order`` signs.
    signs_letters = models.BooleanField(_("signe les lettres aux commandements"), default=False)
    signs_mission_orders = models.BooleanField(_("signe les ordres de mission"), default=False)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["organisation", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class AuditEntry(models.Model):
    """One line of the audit trail: who did what to which record, when, and from where.

    Append-only: ``save`` refuses to change a stored line and ``delete`` refuses outright; a
    database trigger (migration 0004) refuses an UPDATE even from outside Django. Users who acted
    are never deleted (PROTECT): an administrator deactivates them.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")
        LOGIN = "login", _("connexion")
        LOGIN_FAILED = "login_failed", _("échec de connexion")
        LOGOUT = "logout", _("déconnexion")
        LOGOUT_EVERYWHERE = "logout_everywhere", _("déconnexion de toutes les sessions")
        EXPORT = "export", _("export")
        MERGE = "merge", _("fusion")
        UNMERGE = "unmerge", _("annulation de fusion")
        # A venue laptop opened a field kit; headquarters took a laptop's return bundle back.
        FIELD_OPEN = "field_open", _("ouverture d’un kit de terrain")
        FIELD_RETURN = "field_return", _("retour d’un kit de terrain")
        # A reading of what must be known to have been read (a custody interview's notes).
        VIEW = "view", _("consultation")

    # The trail itself: an entry about each entry would never end.
    audit_exclude = True

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The account name as it was, and for a failed login the name that was tried.
    actor_name = models.CharField(_("compte"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type d’objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    object_uid = models.UUIDField(_("identifiant global"), null=True, blank=True)
    object_repr = models.CharField(_("objet"), max_length=200, blank=True)
    # {field: [before, after]} for an update; {field: value} for a create or a delete.
    changes = models.JSONField(_("valeurs"), default=dict, blank=True)
    detail = models.JSONField(_("détail"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d’audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["object_uid"], name="audit_object_uid"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class Place(GlobalModel):
    """Country → region → town (or cercle). Mali's map is data, loaded from a file, not code."""

    # Its entries written before the move (issue 10) keep this label.
    audit_former_labels = ("people.place",)

    class Kind(models.TextChoices):
        COUNTRY = "country", _("pays")
        REGION = "region", _("région")
        DISTRICT = "district", _("district")
        CERCLE = "cercle", _("cercle")
        # The district of Bamako's six communes are arrondissements of the town in some lists.
        ARRONDISSEMENT = "arrondissement", _("arrondissement")
        COMMUNE = "commune", _("commune")
        TOWN = "town", _("ville")

    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=12, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("dans"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    established = models.PositiveSmallIntegerField(_("année de création"), null=True, blank=True)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]
        # Made by the people app; moved to the ground with its rows (issue 10).
        db_table = "people_place"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "kind", "name"], name="place_unique_in_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="country", parent__isnull=True)
                | (~models.Q(kind="country") & models.Q(parent__isnull=False)),
                name="place_only_countries_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Place | None:
        """The region (or district) this place lies in, itself included."""
        place: Place | None = self
        while place is not None and place.kind not in (self.Kind.REGION, self.Kind.DISTRICT):
            place = place.parent
        return place


class Partner(GlobalModel):
    """A technical or financial partner; the ones that pay are the funders of a workshop."""

    # Its entries written before the move (issue 10) keep this label.
    audit_former_labels = ("plans.partner",)

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    website = models.URLField(_("site web"), blank=True)
    # How English documents name it (« PNUD » is "UNDP"); empty: the French name, and a note.
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    acronym_en = models.CharField(_("sigle (anglais)"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        # Made by the plans app; moved to the ground with its rows (issue 10).
        db_table = "plans_partner"

    def __str__(self) -> str:
        return self.acronym or self.name


class NumberBlock(models.Model):
    """A block of numbers of one series (« CNDH-2022- », « EP-2022- ») set aside for a venue laptop.

    At headquarters (``local`` false) it is a block a field kit took: headquarters numbers past
    it, so that the laptop and headquarters never give the same number. On the laptop that
    opened the kit (``local`` true) it is the only numbers it may give (``kalan.core.numbering``).
    Numbers of a block left unused stay unused: a gap in the series, never a double.
    """

    prefix = models.CharField(_("série"), max_length=40)
    first = models.PositiveIntegerField(_("premier numéro"))
    last = models.PositiveIntegerField(_("dernier numéro"))
    local = models.BooleanField(_("numéros de ce poste"), default=False)
    holder = models.CharField(_("réservé pour"), max_length=200)
    kit_uid = models.UUIDField(_("kit"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("bloc de numéros")
        verbose_name_plural = _("blocs de numéros")
        ordering = ["prefix", "first"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__gte=1, last__gte=models.F("first")),
                name="number_block_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.first}…{self.prefix}{self.last}"
