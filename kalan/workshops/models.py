from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kalan.core.audit_registry import loaded
from kalan.core.models import GlobalModel, Partner, Place
from kalan.people.models import Person
from kalan.plans.models import Axis


class Workshop(GlobalModel):
    """An atelier: one general objective, ordered specific objectives, one or more sessions."""

    axis = models.ForeignKey(
        Axis, verbose_name=_("axe stratégique"), on_delete=models.PROTECT, related_name="workshops"
    )
    title = models.CharField(_("intitulé"), max_length=300)
    general_objective = models.TextField(_("objectif général"))
    # For English documents; empty: they quote the French, and a note says so.
    title_en = models.CharField(_("intitulé (anglais)"), max_length=300, blank=True)
    general_objective_en = models.TextField(_("objectif général (anglais)"), blank=True)
    target_audience = models.CharField(_("public cible"), max_length=300, blank=True)
    description = models.TextField(_("contexte"), blank=True)
    funders: models.ManyToManyField[Partner, Funding] = models.ManyToManyField(
        Partner, through="Funding", verbose_name=_("bailleurs"), related_name="workshops"
    )

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="workshop_title_required"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("workshop_detail", kwargs={"pk": int(pk)}) if pk.isdigit() else None


class Objective(GlobalModel):
    """A specific objective of a workshop, in the order the workshop states them."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="objectives"
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    text = models.TextField(_("objectif spécifique"))
    text_en = models.TextField(_("objectif spécifique (anglais)"), blank=True)

    class Meta:
        verbose_name = _("objectif spécifique")
        verbose_name_plural = _("objectifs spécifiques")
        ordering = ["workshop", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "order"], name="objective_unique_order_in_workshop"
            ),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="objective_order_from_1"),
        ]

    def __str__(self) -> str:
        return self.text


class Funding(GlobalModel):
    """What one partner gives one workshop, in the organisation's currency (no decimals)."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="fundings"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="fundings"
    )
    amount = models.PositiveBigIntegerField(_("montant"))

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["workshop", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "partner"], name="funding_one_line_per_partner"
            ),
        ]

    audit_select_related = ("partner",)

    def __str__(self) -> str:
        return f"{self.partner}: {self.amount}"

    def audit_label(self) -> str:
        partner = loaded(self, "partner")
        return f"{partner if partner else '#' + str(self.partner_id)}: {self.amount}"


class Session(GlobalModel):
    """One run of a workshop in one place on consecutive days."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    place = models.ForeignKey(
        Place, verbose_name=_("localité"), on_delete=models.PROTECT, related_name="sessions"
    )
    venue = models.CharField(_("lieu de la session"), max_length=200)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    capacity = models.PositiveSmallIntegerField(_("capacité"))
    half_days = models.BooleanField(
        _("présence par demi-journée"),
        default=False,
        help_text=_("Pointer la présence le matin et l’après-midi plutôt qu’une fois par jour."),
    )
    per_diem_rate = models.PositiveIntegerField(_("per diem par jour"), default=0)
    certificate_min_percent = models.PositiveSmallIntegerField(
        _("présence minimale pour l’attestation (%)"),
        default=100,
        help_text=_(
            # xgettext:no-python-format
            "100 : tous les jours ; 80 : au moins 80 % des jours (ou demi-journées)."
        ),
    )
    transport_rate = models.PositiveIntegerField(_("forfait transport"), default=0)
    # The accounts of the trainers who run it: a trainer sees only these sessions.
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateurs assignés"),
        related_name="assigned_sessions",
        blank=True,
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start_date", "workshop", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="session_end_not_before_start",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_min_percent__lte=100),
                name="session_certificate_percent_at_most_100",
            ),
            models.UniqueConstraint(
                fields=["workshop", "number"], name="session_unique_number_in_workshop"
            ),
        ]

    audit_select_related = ("workshop", "place")

    def __str__(self) -> str:
        return _("%(workshop)s — session %(number)s (%(place)s)") % {
            "workshop": self.workshop,
            "number": self.number,
            "place": self.place,
        }

    def audit_label(self) -> str:
        # Not __str__, which would load the workshop and the place on every save.
        place = loaded(self, "place")
        return _session_audit_label(self, self.pk) + (f" ({place})" if place else "")

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("session_detail", kwargs={"uid": uid}) if uid else None

    def clean(self) -> None:
        # The code goes on the error itself: given next to a dict, ValidationError drops it.
        errors: dict[str, ValidationError] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("La date de fin précède la date de début."), code="end_before_start"
            )
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = ValidationError(
                _("La capacité doit être d’au moins une place."), code="capacity_not_positive"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=n) for n in range(count)]

    @property
    def halves(self) -> list[str]:
        """The parts of a day attendance is taken for."""
        if self.half_days:
            return [Attendance.Half.MORNING, Attendance.Half.AFTERNOON]
        return [Attendance.Half.DAY]

    @property
    def mark_weight(self) -> float:
        """The days one attendance mark counts for: half a day when presence is taken by
        half-days. Whole days give the integer 1, so that counts of whole days stay integers."""
        return 0.5 if self.half_days else 1


class EnrollmentRole(models.TextChoices):
    PARTICIPANT = "participant", _("participant")
    FACILITATOR = "facilitator", _("facilitateur")
    ORGANISER = "organiser", _("organisateur")
    OBSERVER = "observer", _("observateur")


# One order for the people of a session, on screen and on paper (roster, sign-in sheets, badges,
# lists, statements): participants first, then observers and organisers, facilitators last (they
# sign off in a table of their own); within a role, last name then first names, folded
# (``Person.sort_last``, ``Person.sort_first``), so the numbers of the roster and of the printed
# sheet agree.
ROLE_ORDER: dict[str, int] = {
    EnrollmentRole.PARTICIPANT: 0,
    EnrollmentRole.OBSERVER: 1,
    EnrollmentRole.ORGANISER: 2,
    EnrollmentRole.FACILITATOR: 3,
}


def enrollment_ordering() -> list[Any]:
    """``order_by`` arguments for enrollments in the order of ROLE_ORDER, then by name."""
    role = models.Case(
        *(models.When(role=name, then=models.Value(n)) for name, n in ROLE_ORDER.items()),
        default=models.Value(len(ROLE_ORDER)),
    )
    return [role, "person__sort_last", "person__sort_first", "pk"]


def enrollment_sort_key(enrollment: Enrollment) -> tuple[int, str, str, int]:
    """The same order as ``enrollment_ordering``, for enrollments already read."""
    person = enrollment.person
    return (
        ROLE_ORDER.get(enrollment.role, len(ROLE_ORDER)),
        person.sort_last,
        person.sort_first,
        enrollment.pk,
    )


class EnrollmentStatus(models.TextChoices):
    INVITED = "invited", _("invité")
    CONFIRMED = "confirmed", _("confirmé")
    ATTENDED = "attended", _("présent")
    WITHDRAWN = "withdrawn", _("désisté")
    NO_SHOW = "no_show", _("absent")


class Enrollment(GlobalModel):
    Role = EnrollmentRole
    Status = EnrollmentStatus

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="enrollments"
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    over_capacity = models.BooleanField(_("au-delà de la capacité"), default=False)
    # Printed on the badge: what a participant types to answer a test, with no account.
    code = models.CharField(_("code participant"), max_length=8, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Two records of one person both enrolled here, then merged: the merged person's enrollment
    # is kept (with its badge code and the marks the kept one already had), superseded by the
    # kept person's, and every reader of the session leaves it out (kalan.workshops.merge).
    # RESTRICT: the enrollment that supersedes another goes only with its session.
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("remplacée par"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="supersedes",
        # Indexed only where set (Meta.indexes): every reader asks "IS NULL", which matches
        # nearly every row, and SQLite would otherwise take a full index on it over the
        # session's or the test's (the donor report ran 30 % slower).
        db_index=False,
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        indexes = [
            models.Index(
                fields=["superseded_by"],
                condition=models.Q(superseded_by__isnull=False),
                name="enrollment_superseded_by",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="enrollment_one_per_person_per_session",
                violation_error_message=_("Cette personne est déjà inscrite à cette session."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=EnrollmentRole.values), name="enrollment_role_valid"
            ),
            models.UniqueConstraint(
                fields=["session", "code"],
                condition=~models.Q(code=""),
                name="enrollment_code_unique_in_session",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EnrollmentStatus.values),
                name="enrollment_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")),
                name="enrollment_not_superseded_by_itself",
            ),
        ]

    audit_select_related = ("person", "session__workshop")

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"

    def audit_label(self) -> str:
        person = loaded(self, "person")
        who = person.full_name if person is not None else f"#{self.person_id}"
        return f"{who} — {_session_audit_label(loaded(self, 'session'), self.session_id)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            taken = set(
                Enrollment.objects.filter(session_id=self.session_id).values_list("code", flat=True)
            )
            self.code = enrollment_code_new(taken=taken)
        super().save(*args, **kwargs)


def _session_audit_label(session: Session | None, session_id: int) -> str:
    """A session as an audit entry names it, from what is loaded: its workshop and number."""
    workshop = loaded(session, "workshop") if session is not None else None
    if session is None or workshop is None:
        return f"session #{session_id}"
    return f"{workshop.title} — session {session.number}"


# Six digits: a million codes, so that the wrong codes the join page lets through in an hour
# find under 1 % of a session's codes (README, "Participant codes"). Codes of four digits made
# before stay valid; their sessions get a smaller budget of wrong codes (assessments.throttle).
CODE_DIGITS = 6


def enrollment_code_new(*, taken: set[str]) -> str:
    """A participant code of six digits, easy to type on any phone, unused in the session."""
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            taken.add(code)
            return code


class Attendance(GlobalModel):
    """A person was there on that day (or that half-day). No row means not marked present."""

    class Half(models.TextChoices):
        DAY = "day", _("journée")
        MORNING = "am", _("matin")
        AFTERNOON = "pm", _("après-midi")

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    day = models.DateField(_("jour"))
    half = models.CharField(_("période"), max_length=3, choices=Half.choices, default=Half.DAY)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pointé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["day", "half"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "day", "half"], name="attendance_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(half__in=["day", "am", "pm"]), name="attendance_half_valid"
            ),
        ]

    audit_select_related = ("enrollment__person", "enrollment__session__workshop")

    def __str__(self) -> str:
        return f"{self.enrollment.person} {self.day} {self.half}"

    def audit_label(self) -> str:
        # Marked by the hundred at a time: named from the enrollment if it is loaded, never
        # through a query.
        enrollment = loaded(self, "enrollment")
        who = enrollment.audit_label() if enrollment else f"#{self.enrollment_id}"
        return f"{who} {self.day} {self.half}"


class ImportBatch(GlobalModel):
    """One participant list uploaded into a session: previewed, then committed whole or not at all.

    The file itself is kept in the data folder (``imports/``), never under a served URL.
    """

    # Its entries written before the move (issue 10) keep this label.
    audit_former_labels = ("people.importbatch",)

    class Status(models.TextChoices):
        PREVIEW = "preview", _("aperçu")
        COMMITTED = "committed", _("importé")
        ABANDONED = "abandoned", _("abandonné")

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="imports",
    )
    filename = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    stored_name = models.CharField(_("nom de stockage"), max_length=80)
    sheet = models.CharField(_("feuille"), max_length=120, blank=True)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    decisions = models.JSONField(_("décisions"), default=dict, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    counts = models.JSONField(_("bilan"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "core.User",
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    committed_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de liste")
        verbose_name_plural = _("imports de listes")
        ordering = ["-created_at"]
        # Made by the people app; moved here with its rows (issue 10).
        db_table = "people_importbatch"

    def __str__(self) -> str:
        return self.filename
