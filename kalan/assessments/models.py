"""Curriculum, question bank, tests frozen from the bank, submissions and answers."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kalan.core.audit_registry import loaded
from kalan.core.models import GlobalModel


class CurriculumObjective(GlobalModel):
    """A learning objective of the curriculum; a workshop's specific objectives map onto these."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    text = models.TextField(_("objectif"))
    text_en = models.TextField(_("objectif (anglais)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    workshop_objectives = models.ManyToManyField(
        "workshops.Objective",
        verbose_name=_("objectifs d’ateliers"),
        related_name="curriculum_objectives",
        blank=True,
    )

    class Meta:
        verbose_name = _("objectif du programme")
        verbose_name_plural = _("objectifs du programme")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"


class Module(GlobalModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("intitulé"), max_length=200)
    title_en = models.CharField(_("intitulé (anglais)"), max_length=200, blank=True)
    objective = models.ForeignKey(
        CurriculumObjective,
        verbose_name=_("objectif"),
        on_delete=models.PROTECT,
        related_name="modules",
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("choix unique")
    MULTIPLE = "multiple", _("choix multiple")
    TRUE_FALSE = "true_false", _("vrai ou faux")
    RATING = "rating", _("échelle de satisfaction")
    OPEN = "open", _("question ouverte")


class Question(GlobalModel):
    """A question of the bank. Editing it never changes a test already built from it."""

    Kind = QuestionKind

    code = models.CharField(_("code"), max_length=30, unique=True)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question (anglais)"), blank=True)
    explanation = models.TextField(_("explication"), blank=True)
    explanation_en = models.TextField(_("explication (anglais)"), blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["module__order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Choice(GlobalModel):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("réponse"), max_length=500)
    text_en = models.CharField(_("réponse (anglais)"), max_length=500, blank=True)
    correct = models.BooleanField(_("correcte"), default=False)

    class Meta:
        verbose_name = _("réponse proposée")
        verbose_name_plural = _("réponses proposées")
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class Test(GlobalModel):
    """A pre-test, a post-test or a satisfaction survey of one session.

    Its questions are copies (``TestQuestion.content``) taken when it is built: the bank can change
    afterwards without changing what participants answered. Once answered, it cannot be edited.
    """

    __test__ = False  # pytest: a model named Test is no test class

    class Kind(models.TextChoices):
        PRE = "pre", _("pré-test")
        POST = "post", _("post-test")
        SURVEY = "survey", _("questionnaire de satisfaction")

    class Status(models.TextChoices):
        DRAFT = "draft", _("en préparation")
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("fermé")

    class Scoring(models.TextChoices):
        ALL_OR_NOTHING = "all", _("tout ou rien")
        PARTIAL = "partial", _("crédit partiel")

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="tests",
    )
    kind = models.CharField(_("type"), max_length=6, choices=Kind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    scoring = models.CharField(
        _("notation des choix multiples"),
        max_length=7,
        choices=Scoring.choices,
        default=Scoring.PARTIAL,
    )
    pass_mark = models.PositiveSmallIntegerField(_("seuil de réussite (%)"), default=70)
    access_code = models.CharField(_("code d’accès"), max_length=8, unique=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["session", "kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="test_pass_mark_percent",
            ),
            models.UniqueConstraint(fields=["session", "kind"], name="test_one_per_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_order(self) -> int:
        """0, 1, 2 for pre-test, post-test, survey: the order they are given, which the codes'
        alphabet ("post" before "pre") is not. Lists of tests sort on it (``dictsort``)."""
        return list(Test.Kind).index(Test.Kind(self.kind))

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None:
        return reverse("test_detail", kwargs={"uid": uid}) if uid else None


class TestQuestion(GlobalModel):
    """A question as the test froze it: text, choices and answers copied from the bank.

    ``content`` = {"kind", "text", "text_en", "explanation", "explanation_en", "source",
    "module", "objective", "choices": [{"key": "A", "text", "text_en", "correct"}]}.
    """

    __test__ = False
    # Frozen from the bank when the test is built (bulk_create, never edited afterwards): the
    # Test's own entry records the test, the bank's entries the questions.
    audit_exclude = True

    test = models.ForeignKey(
        Test, verbose_name=_("test"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    question = models.ForeignKey(
        Question,
        verbose_name=_("question de la banque"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.JSONField(_("contenu figé"))

    class Meta:
        verbose_name = _("question du test")
        verbose_name_plural = _("questions du test")
        ordering = ["test", "order"]
        constraints = [
            models.UniqueConstraint(fields=["test", "order"], name="test_question_order_unique"),
        ]

    def __str__(self) -> str:
        return str(self.content.get("text", ""))


class Submission(GlobalModel):
    """One participant's answers to one test: created at the first answer, sent once."""

    test = models.ForeignKey(
        Test, verbose_name=_("test"), on_delete=models.CASCADE, related_name="submissions"
    )
    enrollment = models.ForeignKey(
        "workshops.Enrollment",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    score = models.FloatField(_("points"), null=True, blank=True)
    max_score = models.FloatField(_("points possibles"), null=True, blank=True)
    on_paper = models.BooleanField(_("sur papier"), default=False)
    # Two records of one person merged, each with a copy of this test: both copies are kept on
    # the kept person's enrollment, one superseded by the other, and only the other counts
    # (kalan.assessments.merge). RESTRICT: the copy that counts goes only with its test or its
    # enrollment, which take the superseded one along.
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
    # The phone that fills the copy, and one that asks to take it over (a participant's second
    # phone, or someone who read their badge): its trainer decides on the live panel
    # (kalan.assessments.services_take). A fingerprint of the phone's cookie, never the cookie.
    device = models.CharField(_("téléphone qui répond"), max_length=64, blank=True)
    device_pending = models.CharField(_("téléphone en attente d’accord"), max_length=64, blank=True)
    device_pending_at = models.DateTimeField(_("demande faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("copie")
        verbose_name_plural = _("copies")
        indexes = [
            models.Index(
                fields=["superseded_by"],
                condition=models.Q(superseded_by__isnull=False),
                name="submission_superseded_by",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["test", "enrollment"],
                condition=models.Q(superseded_by__isnull=True),
                name="submission_one_per_participant",
            ),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")),
                name="submission_not_superseded_by_itself",
            ),
        ]

    audit_select_related = ("test", "enrollment__person", "enrollment__session__workshop")

    def __str__(self) -> str:
        return f"{self.enrollment} — {self.test}"

    def audit_label(self) -> str:
        enrollment, test = loaded(self, "enrollment"), loaded(self, "test")
        who = enrollment.audit_label() if enrollment else f"#{self.enrollment_id}"
        return f"{test.title if test else '#' + str(self.test_id)} — {who}"

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return 100.0 * self.score / self.max_score


class Answer(GlobalModel):
    # Written on every tap of a phone (80 phones at once, bench/submissions.py) and by the paper
    # grid, locked once the copy is sent: the copy (Submission: sent when, score) is recorded,
    # the answers are the test's content.
    audit_exclude = True

    submission = models.ForeignKey(
        Submission, verbose_name=_("copie"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        TestQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choices = models.JSONField(_("réponses choisies"), default=list, blank=True)  # ["A", "C"]
    rating = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    text = models.TextField(_("réponse libre"), blank=True)
    points = models.FloatField(_("points"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5",
            ),
        ]


class JoinRefusal(models.Model):
    """Wrong codes typed on the phones' join page: one row per address, test and five minutes.

    The throttle reads these counts before checking a code (``kalan.assessments.throttle``); the
    trainer's live panel shows them, and the journal gets one entry per row with its count, not
    one per try. ``test`` is empty for test codes that name no test.
    """

    # Counted on every wrong code: the journal gets the counts (throttle.refusals_audit).
    audit_exclude = True

    test = models.ForeignKey(
        Test,
        verbose_name=_("test"),
        on_delete=models.CASCADE,
        related_name="join_refusals",
        null=True,
        blank=True,
    )
    # An IPv4 address, or the /64 network of an IPv6 one (kalan.assessments.throttle).
    address = models.CharField(_("adresse"), max_length=64)
    window = models.DateTimeField(_("début des cinq minutes"))
    count = models.PositiveIntegerField(_("codes refusés"), default=0)
    audited_count = models.PositiveIntegerField(_("codes refusés déjà au journal"), default=0)

    class Meta:
        verbose_name = _("codes refusés")
        verbose_name_plural = _("codes refusés")
        indexes = [models.Index(fields=["address", "window"], name="join_refusal_address")]
        constraints = [
            models.UniqueConstraint(
                fields=["test", "address", "window"],
                condition=models.Q(test__isnull=False),
                name="join_refusal_one_per_window",
            ),
            models.UniqueConstraint(
                fields=["address", "window"],
                condition=models.Q(test__isnull=True),
                name="join_refusal_unknown_test_one_per_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.window:%Y-%m-%d %H:%M} {self.count}"
