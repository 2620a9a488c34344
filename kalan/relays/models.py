"""What trained officers do afterwards, as human-rights relays in their units (Kirkpatrick
level 3).

A *relay* is a participant trained by a session (present at least one day or half-day, as
``kalan.reports.figures`` defines it); every row here hangs on that enrollment, so it knows the
session, the workshop and its objectives, and a merge of two persons moves it with the
enrollment (``kalan.relays.merge``).

- ``Commitment``: the restitution plan a participant states at the close of the session (on their
  phone through a ``CommitmentWindow``, or typed by the trainer from the paper form);
- ``Restitution``: a briefing a relay held afterwards, with its audience counted by sex and by
  category (the two totals agree: a database constraint holds it);
- ``Round``: a follow-up round of a workshop (+1, +3, +6 months after its last session) with a
  frozen questionnaire (``RoundQuestion``, copied from the ``FollowupQuestion`` bank), one
  ``Respondent`` per trained officer (the call list),
  the ``CallAttempt`` of the callers and the ``Response`` to each question;
- ``RelayCode``: the personal code of a relay's phone page (``/r/``);
- ``Departure``: an officer transferred, gone from the service or deceased, out of the
  follow-up's denominators with the reason, never deleted.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kalan.core.models import GlobalModel, Place
from kalan.people.models import Person, Unit
from kalan.workshops.models import Enrollment, Objective, Session, Workshop

# Codes typed on a phone: no 0/O, 1/I/L, so a code read aloud on the telephone is not misheard.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def code_new(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Source(models.TextChoices):
    """Who typed a commitment, a restitution or a questionnaire's answers."""

    PHONE = "phone", _("l’officier, sur son téléphone")
    PAPER = "paper", _("saisi d’après le formulaire papier")
    STAFF = "staff", _("saisi par l’équipe du programme")
    CALL = "call", _("recueilli par téléphone")


class Audience(models.TextChoices):
    """Whom a relay means to brief."""

    OWN_UNIT = "own_unit", _("son unité")
    NEIGHBOURS = "neighbours", _("des unités voisines")
    LEADERS = "leaders", _("les autorités et leaders communautaires")
    FAMILIES = "families", _("les familles des personnes gardées à vue")
    POPULATION = "population", _("la population")


class CommitmentWindow(GlobalModel):
    """The phone page where a session's participants state their commitments, with its code."""

    session = models.OneToOneField(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="commitment_window",
    )
    access_code = models.CharField(_("code d’accès"), max_length=8, unique=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("saisie des engagements")
        verbose_name_plural = _("saisies des engagements")

    def __str__(self) -> str:
        return f"{self.session} — {self.access_code}"

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class Commitment(GlobalModel):
    """A participant's restitution plan: whom, how many, by when, on which objectives."""

    enrollment = models.OneToOneField(
        Enrollment,
        verbose_name=_("inscription"),
        on_delete=models.CASCADE,
        related_name="commitment",
    )
    audiences = models.JSONField(_("publics visés"), default=list)  # Audience values
    people_planned = models.PositiveIntegerField(_("nombre de personnes à sensibiliser"))
    due_on = models.DateField(_("échéance"))
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectifs abordés"), related_name="commitments", blank=True
    )
    note = models.TextField(_("précisions"), blank=True)
    source = models.CharField(_("saisi"), max_length=5, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.CheckConstraint(
                condition=Q(people_planned__gte=1), name="commitment_people_planned_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.enrollment.person)

    def audit_label(self) -> str:
        return f"{_('engagement')} — {_('inscription')} {self.enrollment_id}"


class RelayCode(GlobalModel):
    """A relay's personal code: typed on the phone page (``/r/``), it opens the questionnaire of
    an open round and the form to report a restitution, with no account. Made when first needed
    (a commitment, a round that opens); printed on the paper forms and read out by the callers."""

    enrollment = models.OneToOneField(
        Enrollment,
        verbose_name=_("relais (inscription)"),
        on_delete=models.CASCADE,
        related_name="relay_code",
    )
    code = models.CharField(_("code personnel"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("code personnel de relais")
        verbose_name_plural = _("codes personnels de relais")

    def __str__(self) -> str:
        return self.code

    def audit_label(self) -> str:
        # The code opens the relay's pages: the journal names the enrollment, not the code.
        return f"{_('code personnel')} — {_('inscription')} {self.enrollment_id}"


def restitution_photo_path(restitution: Restitution, filename: str) -> str:
    # Never the uploaded name: uids only (the photo is re-encoded, its metadata dropped).
    return f"restitutions/{restitution.uid}.jpg"


class Restitution(GlobalModel):
    """A briefing a relay held after the training: when, where, for whom, on what."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("relais (inscription)"),
        on_delete=models.CASCADE,
        related_name="restitutions",
    )
    held_on = models.DateField(_("date"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="restitutions",
        null=True,
        blank=True,
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("lieu"),
        on_delete=models.PROTECT,
        related_name="restitutions",
        null=True,
        blank=True,
    )
    # The audience, by sex and by category: the two totals agree (constraint).
    women = models.PositiveIntegerField(_("femmes"), default=0)
    men = models.PositiveIntegerField(_("hommes"), default=0)
    colleagues = models.PositiveIntegerField(_("collègues"), default=0)
    families = models.PositiveIntegerField(_("familles de personnes gardées à vue"), default=0)
    leaders = models.PositiveIntegerField(_("autorités et leaders locaux"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    others = models.PositiveIntegerField(_("autres"), default=0)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("thèmes abordés"), related_name="restitutions", blank=True
    )
    note = models.TextField(_("observations"), blank=True)
    photo = models.FileField(
        _("feuille de présence ou photo"), upload_to=restitution_photo_path, blank=True
    )
    source = models.CharField(_("saisi"), max_length=5, choices=Source.choices)
    # An audience larger than the unit can hold was confirmed by whoever entered it.
    large_confirmed = models.BooleanField(_("effectif important confirmé"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("restitution")
        verbose_name_plural = _("restitutions")
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["enrollment", "held_on"], name="restitution_relay_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(women__gt=0) | Q(men__gt=0), name="restitution_audience_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(
                    women=F("colleagues")
                    + F("families")
                    + F("leaders")
                    + F("population")
                    + F("others")
                    - F("men")
                ),
                name="restitution_audience_totals_agree",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="restitution_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.audience}"

    @property
    def audience(self) -> int:
        return self.women + self.men


class FollowupQuestion(GlobalModel):
    """A question of the follow-up bank (``data/followup_ml.json``, French and English)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("oui ou non")
        NUMBER = "number", _("nombre")
        SINGLE = "single", _("choix unique")
        MULTIPLE = "multiple", _("choix multiple")
        PRACTICE = "practice", _("pratique en garde à vue")
        TEXT = "text", _("réponse libre")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question (anglais)"), blank=True)
    # [{"key": "a", "text": "…", "text_en": "…"}] for single and multiple choices.
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)
    # Of a practice question: the practice it asks about (its label in the figures).
    practice = models.CharField(_("pratique"), max_length=200, blank=True)
    practice_en = models.CharField(_("pratique (anglais)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question de suivi")
        verbose_name_plural = _("questions de suivi")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["yes_no", "number", "single", "multiple", "practice", "text"]
                ),
                name="followup_question_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Round(GlobalModel):
    """A follow-up round of a workshop, some months after its last session."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("en préparation")
        OPEN = "open", _("en cours")
        CLOSED = "closed", _("clos")

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        related_name="followup_rounds",
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    months = models.PositiveSmallIntegerField(_("mois après la dernière session"))
    opens_on = models.DateField(_("à partir du"))
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tour de suivi")
        verbose_name_plural = _("tours de suivi")
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_from_1"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Tour %(number)s (+%(months)s mois)")
            % {
                "number": self.number,
                "months": self.months,
            }
        )


class RoundQuestion(GlobalModel):
    """A question as the round froze it: {"code", "kind", "text", "text_en", "choices",
    "practice", "practice_en"} copied from the bank when the round opens."""

    round = models.ForeignKey(
        Round, verbose_name=_("tour"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    question = models.ForeignKey(
        FollowupQuestion,
        verbose_name=_("question de la banque"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.JSONField(_("contenu figé"))

    class Meta:
        verbose_name = _("question du tour")
        verbose_name_plural = _("questions du tour")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="round_question_order_unique"),
        ]

    def __str__(self) -> str:
        return str(self.content.get("text", ""))


class Respondent(GlobalModel):
    """A trained officer in a round: a row of the call list, and the answers once given
    (``answered_at``: given once, never twice)."""

    round = models.ForeignKey(
        Round, verbose_name=_("tour"), on_delete=models.CASCADE, related_name="respondents"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("relais (inscription)"),
        on_delete=models.CASCADE,
        related_name="followups",
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_via = models.CharField(
        _("réponses recueillies"), max_length=5, choices=Source.choices, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recueillies par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_call_on = models.DateField(_("rappeler le"), null=True, blank=True)
    # The caller who has the officer on the line, so that a second caller does not call too.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appel en cours par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("appel commencé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("relais à suivre")
        verbose_name_plural = _("relais à suivre")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enrollment"], name="respondent_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.enrollment.person}"

    def audit_label(self) -> str:
        return f"{_('tour')} {self.round_id} — {_('inscription')} {self.enrollment_id}"


class CallAttempt(GlobalModel):
    """One call to an officer of the list, and what came of it."""

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("pas de réponse")
        WRONG_NUMBER = "wrong", _("mauvais numéro")
        TRANSFERRED = "transferred", _("appel transféré")
        REFUSED = "refused", _("refus de répondre")
        REACHED = "reached", _("joint")

    respondent = models.ForeignKey(
        Respondent, verbose_name=_("relais"), on_delete=models.CASCADE, related_name="attempts"
    )
    called_at = models.DateTimeField(_("appelé le"))
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appelant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("résultat"), max_length=11, choices=Outcome.choices)
    note = models.CharField(_("remarque"), max_length=300, blank=True)
    next_call_on = models.DateField(_("rappeler le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["respondent", "called_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    outcome__in=["no_answer", "wrong", "transferred", "refused", "reached"]
                ),
                name="call_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.called_at:%d/%m/%Y %H:%M} — {self.get_outcome_display()}"


class Response(GlobalModel):
    """An officer's answer to one question of a round.

    ``value``: true/false (yes_no), an integer (number), a choice key (single, practice: one of
    ``PRACTICE_KEYS``), a list of keys (multiple), a text (text); null when skipped.
    """

    respondent = models.ForeignKey(
        Respondent, verbose_name=_("relais"), on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        RoundQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.JSONField(_("réponse"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse de suivi")
        verbose_name_plural = _("réponses de suivi")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="response_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)


# The answers of a practice question. "changed" is what the figures count as a reported change.
PRACTICE_KEYS = ("changed", "already", "not_yet", "not_applicable")


class Departure(GlobalModel):
    """An officer the follow-up no longer counts: transferred out, gone, deceased.

    The person stays in the registry and their restitutions in the figures of persons reached;
    they leave the denominators (and numerators) of the follow-up's rates.
    """

    class Reason(models.TextChoices):
        TRANSFERRED = "transferred", _("muté hors de portée du suivi")
        LEFT = "left", _("a quitté le service")
        DECEASED = "deceased", _("décédé")

    person = models.OneToOneField(
        Person,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="relay_departure",
    )
    reason = models.CharField(_("motif"), max_length=11, choices=Reason.choices)
    since = models.DateField(_("depuis le"))
    note = models.CharField(_("précisions"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sortie du suivi")
        verbose_name_plural = _("sorties du suivi")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=["transferred", "left", "deceased"]),
                name="departure_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_reason_display()}"

    def audit_label(self) -> str:
        return f"{_('personne')} {self.person_id} — {self.get_reason_display()}"
