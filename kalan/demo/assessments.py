"""The demo's tests of the Sévaré session: a pre-test on day 1, the same questions as a post-test
on day 3, and the satisfaction survey, with answers from the participants who were there.

The questions come from the question bank, which the demo loads first: five per curriculum
objective (O1-O5, the article's five specific objectives), as a trainer would pick them.

The answers are invented, and made to tell the story a trainer meets: the group is weaker before
than after; the regional and international protection mechanisms (O1) are clearly the weakest
objective — officers know custody, not Banjul or the UPR; one question is answered by everyone
(too easy) and one is missed more by the strong than by the weak (negative discrimination), so
the item analysis has something to flag. A participant's answers are drawn from a logistic model
(ability minus difficulty) with a fixed seed: the demo is the same on every machine. Five
participants whose phones had no battery on day 1 answered the pre-test on paper.

Idempotent like the rest of the demo: a test already there (by session and kind) is left as it
is, copies included.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone

from kalan.assessments import services
from kalan.assessments.models import (
    Answer,
    CurriculumObjective,
    Question,
    QuestionKind,
    Submission,
    Test,
)
from kalan.assessments.scoring import question_points
from kalan.workshops.models import Enrollment, Session

SEED = 2022
PER_OBJECTIVE = 5
PASS_MARK = 70
WEAKEST_OBJECTIVE = "O1"
PAPER_COPIES = 5
BLANK_RATE = 0.03
# Logistic model: P(right) = 1 / (1 + exp(-(SLOPE * (ability - difficulty) + shift))).
SLOPE = 1.8
PRE_SHIFT = -0.3
POST_SHIFT = 1.9
WEAKEST_PENALTY = {Test.Kind.PRE: 1.0, Test.Kind.POST: 1.2}

Counts = dict[str, int]

APPRECIATED = [
    "Les cas pratiques sur la garde à vue et le registre.",
    "Les échanges avec les collègues de la police et de la gendarmerie.",
    "La présentation du rôle de la CNDH comme mécanisme national de prévention de la torture.",
    "Les explications sur l’usage de la force et des armes à feu.",
    "La disponibilité des formateurs.",
]
IMPROVE = [
    "Prévoir plus de temps : trois jours, c’est court.",
    "Remettre les textes (Code de procédure pénale, conventions) sur papier.",
    "Plus d’exercices sur les mécanismes africains et internationaux.",
    "Former aussi les agents qui ne sont pas OPJ.",
    "Commencer à l’heure.",
]
PRACTICE = [
    "Tenir le registre de garde à vue à jour et informer du droit au médecin.",
    "Restituer la formation aux éléments de ma brigade.",
    "Faire prévenir le procureur avant toute prolongation.",
    "Mieux accueillir les plaintes de la population.",
]


def _logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def demo_assessments_load(*, session: Session, created: Counts) -> None:
    """The session's pre-test, post-test and survey with their answers, if not there yet."""
    enrollments = list(
        session.enrollments.filter(role=Enrollment.Role.PARTICIPANT)
        .select_related("person")
        .prefetch_related("attendances")
        .order_by("person__service_number", "pk")
    )
    rng = random.Random(SEED)
    ability = {e.pk: rng.gauss(0, 1) for e in enrollments}
    first, last = session.days[0], session.days[-1]
    present = {e.pk: {a.day for a in e.attendances.all()} for e in enrollments}
    existing = {t.kind: t for t in Test.objects.filter(session=session)}

    pre = existing.get(Test.Kind.PRE)
    if pre is None:
        questions = _bank_questions()
        if not questions:  # the bank was emptied: nothing to ask
            return
        pre = services.test_create(
            session=session,
            kind=Test.Kind.PRE,
            title=f"Pré-test — {session.place}",
            questions=questions,
            pass_mark=PASS_MARK,
        )
        created["tests"] += 1
        there = [e for e in enrollments if first in present[e.pk]]
        created["copies"] += _answer_test(pre, there, ability, rng, day=first, paper=PAPER_COPIES)
    if Test.Kind.POST not in existing:
        post = services.test_copy(source=pre, session=session, kind=Test.Kind.POST)
        created["tests"] += 1
        there = [e for e in enrollments if last in present[e.pk]]
        created["copies"] += _answer_test(post, there, ability, rng, day=last)
    if Test.Kind.SURVEY not in existing:
        survey = services.test_create(
            session=session,
            kind=Test.Kind.SURVEY,
            title=f"Questionnaire de satisfaction — {session.place}",
            contents=_survey_contents(),
            pass_mark=0,
        )
        created["tests"] += 1
        there = [e for e in enrollments if last in present[e.pk]]
        created["copies"] += _answer_survey(survey, there, rng, day=last)


def _bank_questions() -> list[Question]:
    """Five bank questions per curriculum objective, in the bank's order, as a trainer picks."""
    objectives = CurriculumObjective.objects.order_by("order", "code")
    codes = list(objectives.values_list("code", flat=True))
    return services.bank_questions_for(objective_codes=codes, per_objective=PER_OBJECTIVE)


def _survey_contents() -> list[dict[str, Any]]:
    # The trainer's page builds surveys from the bank's survey, or its default: the same here.
    views = importlib.import_module("kalan.assessments.views_tests")
    contents: Callable[[], list[dict[str, Any]]] = views.survey_contents
    return contents()


def _special(questions: Sequence[Any]) -> tuple[int | None, int | None]:
    """The order of the question everyone gets (a true/false of O3, or of any objective) and of
    the one the strong miss (the first multiple choice of O2, or any)."""

    def first(kind: str, objective: str) -> int | None:
        for question in questions:
            content = question.content
            if content["kind"] == kind and content.get("objective") == objective:
                return int(question.order)
        for question in questions:
            if question.content["kind"] == kind:
                return int(question.order)
        return None

    return first(QuestionKind.TRUE_FALSE, "O3"), first(QuestionKind.MULTIPLE, "O2")


def _answer_test(
    test: Test,
    enrollments: list[Enrollment],
    ability: dict[int, float],
    rng: random.Random,
    *,
    day: dt.date,
    paper: int = 0,
) -> int:
    services.test_open(test=test)
    questions = list(test.questions.order_by("order"))
    easy, tricky = _special(questions)
    difficulty = {q.pk: rng.uniform(-1.2, 1.0) for q in questions}
    on_paper, on_phone = enrollments[:paper], enrollments[paper:]
    rows: dict[int, Sequence[str]] = {}
    for enrollment in on_paper:
        rows[enrollment.pk] = [
            "".join(_choose(q, _p(test, q, ability[enrollment.pk], difficulty, easy, tricky), rng))
            for q in questions
        ]
    if rows:
        services.paper_answers_save(test=test, rows=rows, by_enrollment={e.pk: e for e in on_paper})
    copies = [
        services.submission_start(access_code=test.access_code, participant_code=e.code)
        for e in on_phone
    ]
    answers = []
    for enrollment, submission in zip(on_phone, copies, strict=True):
        for question in questions:
            chosen = _choose(
                question,
                _p(test, question, ability[enrollment.pk], difficulty, easy, tricky),
                rng,
            )
            if chosen:
                answers.append(
                    Answer(
                        submission=submission,
                        question=question,
                        choices=chosen,
                        points=question_points(question.content, chosen, scoring=test.scoring),
                    )
                )
    _send(copies, answers)
    services.test_close(test=test)
    _backdate(test, day=day, hour=10 if test.kind == Test.Kind.PRE else 15)
    return len(enrollments)


def _p(
    test: Test,
    question: Any,
    ability: float,
    difficulty: dict[int, float],
    easy: int | None,
    tricky: int | None,
) -> float:
    """The chance this participant gets this question right on this test."""
    if question.order == easy:
        return 1.0
    post = test.kind == Test.Kind.POST
    if question.order == tricky:
        # Ambiguous wording: the more one knows, the more one doubts the expected answer.
        return _logistic(-1.4 * ability + (0.6 if post else 0.0))
    shift = POST_SHIFT if post else PRE_SHIFT
    b = difficulty[question.pk]
    if question.content.get("objective") == WEAKEST_OBJECTIVE:
        b += WEAKEST_PENALTY[Test.Kind(test.kind)]
    return _logistic(SLOPE * (ability - b) + shift)


def _choose(question: Any, p: float, rng: random.Random) -> list[str]:
    """The keys a participant ticks, right with probability p; a wrong answer is most often
    the first wrong choice (the common misconception)."""
    choices = question.content.get("choices", [])
    right = [c["key"] for c in choices if c["correct"]]
    wrong = [c["key"] for c in choices if not c["correct"]]
    if not right or (p < 1 and rng.random() < BLANK_RATE):
        return []
    if question.content["kind"] == QuestionKind.MULTIPLE:
        ticked = [key for key in right if rng.random() < p]
        ticked += [key for key in wrong if rng.random() < 0.35 * (1 - p)]
        return sorted(ticked) or [rng.choice(wrong or right)]
    if rng.random() < p or not wrong:
        return [right[0]]
    weights = [3] + [1] * (len(wrong) - 1)
    return [rng.choices(wrong, weights=weights)[0]]


def _answer_survey(
    test: Test, enrollments: list[Enrollment], rng: random.Random, *, day: dt.date
) -> int:
    services.test_open(test=test)
    questions = list(test.questions.order_by("order"))
    copies = [
        services.submission_start(access_code=test.access_code, participant_code=e.code)
        for e in enrollments
    ]
    answers = []
    for submission in copies:
        mood = rng.gauss(0, 0.6)
        for question in questions:
            kind = question.content["kind"]
            text = question.content.get("text", "").lower()
            if kind == QuestionKind.RATING:
                centre = 4.3
                if "durée" in text:
                    centre = 3.3  # three days felt short
                elif "organisation" in text:
                    centre = 3.6
                rating = max(1, min(5, round(centre + mood + rng.gauss(0, 0.6))))
                answers.append(Answer(submission=submission, question=question, rating=rating))
            elif kind == QuestionKind.OPEN and rng.random() < 0.55:
                pool = PRACTICE
                if "apprécié" in text:
                    pool = APPRECIATED
                elif "améliorer" in text:
                    pool = IMPROVE
                answers.append(
                    Answer(submission=submission, question=question, text=rng.choice(pool))
                )
    _send(copies, answers)
    services.test_close(test=test)
    _backdate(test, day=day, hour=16)
    return len(enrollments)


def _send(copies: list[Submission], answers: list[Answer]) -> None:
    """Store the answers at once, then send each copy through the service, which scores it.

    ``answer_save`` would lock and check each answer one by one: a thousand round trips that
    make every demo load seconds slower. The answers here are drawn from each question's own
    choice keys, so its checks have nothing to refuse; points are those ``scoring`` gives, and
    ``submission_submit`` recomputes them anyway.
    """
    Answer.objects.bulk_create(answers)
    for submission in copies:
        services.submission_submit(submission=submission)


def _backdate(test: Test, *, day: dt.date, hour: int) -> None:
    """The times of the session's days, not of the demo's loading: the live list shows them."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    copies = list(Submission.objects.filter(test=test).order_by("pk"))
    for n, copy in enumerate(copies):
        copy.submitted_at = start + dt.timedelta(minutes=20 + n // 2)
    Submission.objects.bulk_update(copies, ["submitted_at"])
    Test.objects.filter(pk=test.pk).update(
        opened_at=start, closed_at=start + dt.timedelta(minutes=45)
    )
