"""What the communication cell and the programme write about the sessions: photos, press
releases, activity reports and reports to partners. The figures in them are never stored here:
they are read from ``kalan.reports.figures`` each time a document is drafted or printed, and only
the words people edit (a draft's text, observations, recommendations) are kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Partner
from kalan.custody.models import Visit
from kalan.workshops.models import Session, Workshop


class Language(models.TextChoices):
    FRENCH = "fr", _("français")
    ENGLISH = "en", _("anglais")


def photo_path(photo: Photo, filename: str) -> str:
    # Never the uploaded name: the path is made of uids only.
    return f"photos/{photo.session.uid}/{photo.uid}.jpg"


def thumbnail_path(photo: Photo, filename: str) -> str:
    return f"photos/{photo.session.uid}/{photo.uid}-vignette.jpg"


class Photo(GlobalModel):
    """A session's photo, stored re-encoded without its metadata (no place, no device, no date).

    The original file is not kept: it may carry the GPS position of the venue.
    """

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("image"), upload_to=photo_path)
    thumbnail = models.FileField(_("vignette"), upload_to=thumbnail_path)
    width = models.PositiveIntegerField(_("largeur"))
    height = models.PositiveIntegerField(_("hauteur"))
    caption = models.CharField(_("légende"), max_length=300, blank=True)
    caption_en = models.CharField(_("légende en anglais"), max_length=300, blank=True)
    is_family = models.BooleanField(_("photo de famille"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("téléversée par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["session", "-is_family", "order", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(is_family=True),
                name="photo_one_family_photo_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(width__gt=0, height__gt=0), name="photo_has_a_size"
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.uid)


class PressRelease(GlobalModel):
    """A press release (communiqué) about a session or a whole workshop, in one language.

    Drafted from the data, then edited by a person; ``drafted_at`` tells when the text was last
    written from the data (an edit after it is the person's).
    """

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="press_releases",
        null=True,
        blank=True,
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        related_name="press_releases",
        null=True,
        blank=True,
    )
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte"))
    photo = models.ForeignKey(
        Photo,
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    signature = models.CharField(_("signature"), max_length=200, blank=True)
    drafted_at = models.DateTimeField(_("rédigé à partir des données le"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("communiqué de presse")
        verbose_name_plural = _("communiqués de presse")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(session__isnull=False, workshop__isnull=True)
                    | models.Q(session__isnull=True, workshop__isnull=False)
                ),
                name="press_release_of_a_session_or_a_workshop",
            ),
            models.UniqueConstraint(
                fields=["session", "language"],
                condition=models.Q(session__isnull=False),
                name="press_release_one_per_session_and_language",
            ),
            models.UniqueConstraint(
                fields=["workshop", "language"],
                condition=models.Q(workshop__isnull=False),
                name="press_release_one_per_workshop_and_language",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityReport(GlobalModel):
    """The words of a workshop's activity report that people write; the rest is from the data."""

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        related_name="activity_reports",
    )
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    observations = models.TextField(_("observations"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("rapport d’activité")
        verbose_name_plural = _("rapports d’activité")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "language"], name="activity_report_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} ({self.language})"


class Indicator(models.TextChoices):
    """The standard indicators of the reports to partners (their definitions: figures.py)."""

    PERSONS_TRAINED = "persons_trained", _("personnes formées")
    DISTINCT_PERSONS = "distinct_persons", _("personnes distinctes formées")
    PERSON_DAYS = "person_days", _("jours-personnes")
    WOMEN_SHARE = "women_share", _("part des femmes (%)")
    ATTENDANCE_RATE = "attendance_rate", _("taux de présence (%)")
    # The mean individual normalised gain, not Hake's gain on the means (figures.py tells both).
    MEAN_GAIN = "mean_gain", _("gain normalisé individuel moyen (%)")
    POST_PASS_SHARE = "post_pass_share", _("part réussissant le post-test (%)")
    SATISFACTION = "satisfaction", _("satisfaction moyenne (sur 5)")
    # The follow-up's (figures_followup.py): departed officers out of both terms.
    RESPONSE_RATE = "response_rate", _("taux de réponse aux tours de suivi (%)")
    RESTITUTION_SHARE = "restitution_share", _("relais ayant tenu une restitution en 3 mois (%)")


class Target(GlobalModel):
    """A target a workshop commits to (often in the funding agreement) for one indicator."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(_("indicateur"), max_length=20, choices=Indicator.choices)
    value = models.FloatField(_("cible"))

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "indicator"], name="target_one_per_indicator"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value}"


class DonorReport(GlobalModel):
    """A report to one partner over a period: the narrative people write around the figures."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="reports"
    )
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    introduction = models.TextField(_("introduction"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("rapport au partenaire")
        verbose_name_plural = _("rapports aux partenaires")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="donor_report_period"
            ),
            # One text per partner, period and language: the page edits it in place.
            models.UniqueConstraint(
                fields=["partner", "start", "end", "language"],
                name="donor_report_one_per_period_and_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.start}–{self.end}"


class VisitReport(GlobalModel):
    """The report of a custody visit (in French), drafted from the visit's data, then edited by
    the NPM's team like a press release; ``drafted_at`` tells when the text was last written
    from the data (an edit after it is the person's). It names no person held: the interviews
    appear as counts only."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visite"), on_delete=models.CASCADE, related_name="report"
    )
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte"))
    signature = models.CharField(_("signature"), max_length=200, blank=True)
    drafted_at = models.DateTimeField(_("rédigé à partir des données le"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("rapport de visite")
        verbose_name_plural = _("rapports de visite")

    def __str__(self) -> str:
        return self.title


def tdr_file_path(tdr: TermsOfReference, filename: str) -> str:
    # Never a name a person typed: the path is made of the version's uid and the format.
    extension = filename.rsplit(".", 1)[-1]
    return f"tdr/{tdr.workshop_id}/{tdr.uid}.{extension}"


class TermsOfReference(GlobalModel):
    """One version of a workshop's terms of reference (« termes de référence », TDR), in one
    language: its sections' text, drafted from the data (``kalan.reports.tdr``), then edited.

    A version is a *draft* until someone marks it *sent* to a partner: then its text and the
    Word and PDF files printed at that moment are kept as they were sent, and the next edit
    starts a new version (one draft at most per workshop and language).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SENT = "sent", _("envoyé")

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier"),
        on_delete=models.PROTECT,
        related_name="terms_of_reference",
    )
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    # {section key: text}, the keys of ``kalan.reports.tdr.SECTIONS``.
    sections = models.JSONField(_("sections"), default=dict)
    status = models.CharField(
        _("statut"), max_length=5, choices=Status.choices, default=Status.DRAFT
    )
    drafted_at = models.DateTimeField(_("rédigé à partir des données le"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    sent_on = models.DateField(_("envoyé le"), null=True, blank=True)
    sent_to = models.ForeignKey(
        Partner,
        verbose_name=_("envoyé à"),
        on_delete=models.PROTECT,
        related_name="terms_of_reference",
        null=True,
        blank=True,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marqué envoyé par"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    docx_file = models.FileField(_("fichier Word envoyé"), upload_to=tdr_file_path, blank=True)
    pdf_file = models.FileField(_("fichier PDF envoyé"), upload_to=tdr_file_path, blank=True)

    class Meta:
        verbose_name = _("termes de référence")
        verbose_name_plural = _("termes de référence")
        ordering = ["workshop", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "language", "version"], name="tdr_one_per_version"
            ),
            models.UniqueConstraint(
                fields=["workshop", "language"],
                condition=models.Q(status="draft"),
                name="tdr_one_draft_per_language",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="tdr_version_from_1"),
            # A sent version says when and to whom, and keeps its files; a draft has none of it.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="sent",
                        sent_on__isnull=False,
                        sent_to__isnull=False,
                    )
                    & ~models.Q(docx_file="")
                    & ~models.Q(pdf_file="")
                )
                | models.Q(status="draft", sent_on__isnull=True, sent_to__isnull=True),
                name="tdr_sent_has_date_partner_and_files",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} — TDR v{self.version} ({self.language})"
