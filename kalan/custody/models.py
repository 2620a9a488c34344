"""Custody monitoring: the institution's visits, as National Preventive Mechanism against
torture (NPM), to the places where the police and the gendarmerie hold people (garde à vue), what
the visits found and what the institution recommended (issue 14).

- ``DetentionPlace``: a place where people are held: the custody cells of a unit of the registry
  (a brigade, a commissariat) or another place; its kind, capacity, locality and the dates it
  existed (a visit falls inside them);
- ``Visit``: a visit of the NPM's team (users holding the NPM monitor role, never trainers),
  announced or unannounced, with who received the team, the persons held at arrival (counts
  only, by sex and adults/minors) and the counts of the custody register's check;
- ``InstrumentItem``: an item of the visit instrument, shipped as data in French and English
  (``kalan/custody/data/instrument.json``, ``kalan.custody.instrument``) with its legal sources
  kept as data (article numbers to check against the codes in force);
- ``ItemAnswer``: a visit's answer to an item (yes, partly, no, not seen) with a note, once per
  item and visit;
- ``Interview``: a person interviewed in private, known by an anonymous code only: no name, no
  photograph, nothing that identifies them. The notes are read by the NPM and administrators
  only, every reading is journaled, and the journal never keeps their text
  (``audit_secret_fields``);
- ``VisitPhoto``: a photo of the place (never of a person), re-encoded without its metadata by
  ``kalan.core.images``;
- ``Recommendation``: to a unit or to an authority, with a priority, a due date and a status;
  ``RecommendationResponse``: what the addressee answered; ``RecommendationCheck``: what a later
  visit found of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Place
from kalan.people.models import Unit


class DetentionPlace(GlobalModel):
    """A place where people are held, most often the custody cells of a unit."""

    class Kind(models.TextChoices):
        BRIGADE = "brigade", _("brigade de gendarmerie")
        COMMISSARIAT = "commissariat", _("commissariat de police")
        POST = "post", _("poste de police")
        PRISON = "prison", _("maison d’arrêt")
        OTHER = "other", _("autre lieu de privation de liberté")

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="detention_place",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    locality = models.ForeignKey(
        Place, verbose_name=_("localité"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(_("capacité (personnes)"), null=True, blank=True)
    cells = models.PositiveSmallIntegerField(_("nombre de cellules"), null=True, blank=True)
    opened_on = models.DateField(_("en service depuis le"), null=True, blank=True)
    closed_on = models.DateField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lieu de privation de liberté")
        verbose_name_plural = _("lieux de privation de liberté")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("opened_on")),
                name="detention_place_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Visit(GlobalModel):
    """A visit of the NPM's team to a place of detention."""

    class Kind(models.TextChoices):
        ANNOUNCED = "announced", _("annoncée")
        UNANNOUNCED = "unannounced", _("inopinée")

    class Status(models.TextChoices):
        PLANNED = "planned", _("programmée")
        DONE = "done", _("effectuée")
        CANCELLED = "cancelled", _("annulée")

    place = models.ForeignKey(
        DetentionPlace, verbose_name=_("lieu"), on_delete=models.PROTECT, related_name="visits"
    )
    kind = models.CharField(_("type de visite"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    visited_on = models.DateField(_("date"))
    arrived_at = models.TimeField(_("arrivée de l’équipe"), null=True, blank=True)
    left_at = models.TimeField(_("départ de l’équipe"), null=True, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("équipe"),
        related_name="custody_visits",
        blank=True,
    )
    received_by = models.CharField(
        _("équipe reçue par (fonction, grade)"), max_length=200, blank=True
    )
    # Persons held when the team arrived: counts only, never who (null: not counted).
    held_men = models.PositiveSmallIntegerField(_("hommes majeurs"), null=True, blank=True)
    held_women = models.PositiveSmallIntegerField(_("femmes majeures"), null=True, blank=True)
    held_boys = models.PositiveSmallIntegerField(_("garçons mineurs"), null=True, blank=True)
    held_girls = models.PositiveSmallIntegerField(_("filles mineures"), null=True, blank=True)
    # The custody register's check.
    register_examined = models.PositiveIntegerField(
        _("inscriptions du registre examinées"), null=True, blank=True
    )
    register_over_limit = models.PositiveIntegerField(
        _("inscriptions au-delà du délai légal"), null=True, blank=True
    )
    summary = models.TextField(_("observations générales"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("visite de lieu de privation de liberté")
        verbose_name_plural = _("visites de lieux de privation de liberté")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["place", "visited_on"], name="visit_place_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True)
                | Q(left_at__isnull=True)
                | Q(left_at__gte=F("arrived_at")),
                name="visit_left_after_arrived",
            ),
            models.CheckConstraint(
                condition=Q(register_over_limit__isnull=True)
                | Q(
                    register_examined__isnull=False,
                    register_over_limit__lte=F("register_examined"),
                ),
                name="visit_register_over_limit_within_examined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.visited_on}"

    def audit_label(self) -> str:
        return f"#{self.place_id} {self.visited_on}"


class InstrumentItem(GlobalModel):
    """An item of the visit instrument, in French and English, with its legal sources."""

    class Theme(models.TextChoices):
        REGISTER = "register", _("registre de garde à vue")
        DURATION = "duration", _("durée de la garde à vue")
        RIGHTS = "rights", _("notification des droits")
        MEDICAL = "medical", _("examen médical")
        SEPARATION = "separation", _("séparation des catégories")
        CONDITIONS = "conditions", _("conditions matérielles")
        TREATMENT = "treatment", _("traitement")
        COMPLAINTS = "complaints", _("plaintes")

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    theme = models.CharField(_("thème"), max_length=12, choices=Theme.choices)
    order = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (anglais)"), max_length=300)
    guidance = models.TextField(_("ce qu’il faut regarder"), blank=True)
    guidance_en = models.TextField(_("ce qu’il faut regarder (anglais)"), blank=True)
    # [{"source": "cpp_mali", "article": "76", "note": "…"}, …]: the law and standards the item
    # rests on (kalan.custody.instrument.SOURCES names them).
    sources = models.JSONField(_("fondements"), default=list, blank=True)
    # The item whose answer goes with the register's counts (entries examined, over the limit).
    register_check = models.BooleanField(_("avec le décompte du registre"), default=False)
    active = models.BooleanField(_("en usage"), default=True)

    class Meta:
        verbose_name = _("point de la grille de visite")
        verbose_name_plural = _("points de la grille de visite")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Answer(models.TextChoices):
    YES = "yes", _("oui")
    PARTLY = "partly", _("en partie")
    NO = "no", _("non")
    NOT_SEEN = "not_seen", _("non vu")


class ItemAnswer(GlobalModel):
    """A visit's answer to one item of the instrument."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visite"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        InstrumentItem,
        verbose_name=_("point de la grille"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    value = models.CharField(_("réponse"), max_length=8, choices=Answer.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("réponse à la grille de visite")
        verbose_name_plural = _("réponses à la grille de visite")
        ordering = ["visit", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="item_answer_once_per_visit"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.item_id} {self.value}"

    def audit_label(self) -> str:
        return f"#{self.visit_id} #{self.item_id}"


class Interview(GlobalModel):
    """A person interviewed in private during a visit, known by an anonymous code only."""

    # What a person in custody told the monitors: never in the journal.
    audit_secret_fields = frozenset({"notes"})

    visit = models.ForeignKey(
        Visit, verbose_name=_("visite"), on_delete=models.CASCADE, related_name="interviews"
    )
    code = models.CharField(_("code anonyme"), max_length=20, unique=True)
    consent = models.BooleanField(_("consentement éclairé recueilli"), default=False)
    allegation = models.BooleanField(_("fait état de mauvais traitements"), default=False)
    notes = models.TextField(_("notes de l’entretien"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("entretien")
        verbose_name_plural = _("entretiens")
        ordering = ["visit", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="interview_with_consent"),
        ]

    def __str__(self) -> str:
        return self.code


def visit_photo_path(photo: VisitPhoto, filename: str) -> str:
    # Never the uploaded name: uids only (the photo is re-encoded, its metadata dropped).
    return f"custody/{photo.visit.uid}/{photo.uid}.jpg"


class VisitPhoto(GlobalModel):
    """A photo of a place of detention, taken during a visit: the place, never a person."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visite"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=visit_photo_path)
    caption = models.CharField(_("légende"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("téléversée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("photo de visite")
        verbose_name_plural = _("photos de visite")
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return self.caption


class Recommendation(GlobalModel):
    """What the institution recommended after a visit, to a unit or to an authority."""

    class Priority(models.TextChoices):
        HIGH = "high", _("haute")
        MEDIUM = "medium", _("moyenne")
        LOW = "low", _("basse")

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        IN_PROGRESS = "in_progress", _("en cours")
        IMPLEMENTED = "implemented", _("mise en œuvre")
        REJECTED = "rejected", _("rejetée")

    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visite"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unité destinataire"),
        on_delete=models.PROTECT,
        related_name="custody_recommendations",
        null=True,
        blank=True,
    )
    authority = models.CharField(_("autorité destinataire"), max_length=200, blank=True)
    text = models.TextField(_("recommandation"))
    priority = models.CharField(_("priorité"), max_length=6, choices=Priority.choices)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="recommendation_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(authority=""),
                name="recommendation_has_an_addressee",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def audit_label(self) -> str:
        return f"#{self.visit_id} {self.text[:40]}"


class RecommendationResponse(GlobalModel):
    """What the addressee of a recommendation answered."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommandation"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    received_on = models.DateField(_("reçue le"))
    respondent = models.CharField(_("de la part de"), max_length=200)
    text = models.TextField(_("réponse"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("réponse à une recommandation")
        verbose_name_plural = _("réponses aux recommandations")
        ordering = ["recommendation", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.respondent} ({self.received_on})"


class RecommendationCheck(GlobalModel):
    """What a later visit found of a recommendation."""

    class Finding(models.TextChoices):
        IMPLEMENTED = "implemented", _("mise en œuvre constatée")
        PARTLY = "partly", _("mise en œuvre en partie")
        NOT_IMPLEMENTED = "not_implemented", _("pas mise en œuvre")
        NOT_SEEN = "not_seen", _("non vérifiée")

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommandation"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visite"),
        on_delete=models.CASCADE,
        related_name="recommendation_checks",
    )
    finding = models.CharField(_("constat"), max_length=16, choices=Finding.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("vérification d’une recommandation")
        verbose_name_plural = _("vérifications des recommandations")
        ordering = ["recommendation", "visit__visited_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "visit"], name="recommendation_checked_once_per_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.visit_id} {self.finding}"
