"""Reads of tests and their results: the one source of every number a page, an export or a
report shows about what participants learned.

Everything is computed at request time from the copies already sent (``submitted_at`` set), so
results appear as soon as answers arrive; copies still being answered are only counted.
``session_results`` reads a whole session in six queries, whatever the number of participants
and questions, and works in memory from there.

Choices made, and why:

- **Percent of a copy** = its points over the number of scored questions (each question is worth
  one point; a multiple choice earns partial credit when its test says so, see ``scoring.py``),
  summed from the answers' points, so that a copy, its questions and its objectives always agree.
- **Hake's gain (class averages)** of the session (Hake 1998, « Gain de Hake (moyennes du
  groupe) ») is computed on class averages, ``(mean post − mean pre) / (100 − mean pre)``, over
  the participants who sent *both* tests (matched). A participant absent on the last day would
  otherwise lower the pre-test mean without being counted in the post-test mean, and the gain
  would measure who stayed rather than what was learned. The means over every copy are shown
  too; they are what a reader checks first.
  An individual's normalised gain uses the same formula on their own scores; it is undefined
  when they scored 100 % before (nothing left to gain). Their mean over the matched
  participants is a second figure, the **mean individual normalised gain** (« Gain normalisé
  individuel moyen »): never printed under the first one's name (``HAKE_GAIN``,
  ``INDIVIDUAL_GAIN``; ``kalan.reports.figures`` defines both).
- **Discrimination** is the upper-lower index (Kelley's 27 % groups): the mean points on the
  question of the best 27 % of copies by total score minus those of the weakest 27 %. It reads as
  "how much better the strong did than the weak", which a trainer can check by hand, and it works
  unchanged with partial credit. Copies tied at a group's boundary share the remaining places
  equally (each counts for a fraction), so the index never depends on the order copies arrived.
- **Flags** follow the usual classroom thresholds (Ebel): p < 0.20 too hard, p > 0.95 too easy,
  discrimination negative or below 0.20. They are shown from ``FLAG_MIN_COPIES`` copies on:
  with five copies every question would look broken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.assessments.models import (
    Answer,
    CurriculumObjective,
    QuestionKind,
    Submission,
    Test,
    TestQuestion,
)
from kalan.assessments.scoring import question_points
from kalan.workshops.models import Enrollment, Session

SCORED_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE})
RATINGS = (1, 2, 3, 4, 5)

# Kelley (1939): 27 % at each end maximises the difference while keeping groups large enough.
GROUP_FRACTION = 0.27
TOO_HARD = 0.20  # difficulty p below this: hardly anyone gets it
TOO_EASY = 0.95  # p above this: everyone gets it, it tells nothing
LOW_DISCRIMINATION = 0.20  # Ebel: below 0.20 a question separates strong and weak poorly
FLAG_MIN_COPIES = 10
MOST_MISSED = 5
# Totals are sums of fractions (1/3 of a point…): compared at this precision to find ties.
TOTAL_PRECISION = 6
# Statuses of people who will not answer: they are not waited for.
NOT_EXPECTED = (Enrollment.Status.WITHDRAWN, Enrollment.Status.NO_SHOW)


# The two gains' names and definitions, the same in every page, report and export.
HAKE_GAIN = gettext_lazy("Gain de Hake (moyennes du groupe)")
HAKE_GAIN_DEFINITION = gettext_lazy(
    "(moyenne au post-test − moyenne au pré-test) / (100 − moyenne au pré-test), sur les "
    "participants ayant passé les deux tests"
)
INDIVIDUAL_GAIN = gettext_lazy("Gain normalisé individuel moyen")
INDIVIDUAL_GAIN_DEFINITION = gettext_lazy(
    "moyenne des (post − pré) / (100 − pré) de chaque participant ayant passé les deux tests, "
    "sauf qui avait déjà le score maximal au pré-test"
)

# ---------------------------------------------------------------------------------------------
# Pure computations: checked by hand in the tests.


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    """Hake's g from two percentages: the share of what was left to learn that was learned."""
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def group_size(copies: int, *, fraction: float = GROUP_FRACTION) -> int:
    """Copies in each of the upper and lower groups: 27 % of them, rounded, at least one."""
    return max(1, round(fraction * copies))


def _group_mean(items: Sequence[float], totals: Sequence[float], *, size: int, top: bool) -> float:
    """Mean item points of the ``size`` best (or weakest) copies by total; copies tied at the
    boundary share the places left equally."""
    levels: dict[float, list[int]] = {}
    for index, total in enumerate(totals):
        levels.setdefault(round(total, TOTAL_PRECISION), []).append(index)
    left = float(size)
    weighted = 0.0
    for level in sorted(levels, reverse=top):
        members = levels[level]
        weight = min(1.0, left / len(members))
        weighted += weight * sum(items[i] for i in members)
        left -= weight * len(members)
        if left <= 1e-9:
            break
    return weighted / size


def upper_lower_index(
    items: Sequence[float], totals: Sequence[float], *, fraction: float = GROUP_FRACTION
) -> float | None:
    """Discrimination of one question: mean points (0-1) of the top 27 % of copies by total score
    minus those of the bottom 27 %. From -1 (only the weak get it) to 1 (only the strong do).

    ``items[i]`` and ``totals[i]`` are the question's points and the total score of copy ``i``.
    None below two copies.
    """
    if len(items) != len(totals):
        raise ValueError("one total per copy")
    if len(items) < 2:
        return None
    size = group_size(len(items), fraction=fraction)
    upper = _group_mean(items, totals, size=size, top=True)
    lower = _group_mean(items, totals, size=size, top=False)
    return upper - lower


@dataclass(frozen=True)
class ItemFlag:
    code: str  # too_hard, too_easy, negative_discrimination, low_discrimination
    reason: str


def item_flags(
    *, difficulty: float | None, discrimination: float | None, copies: int
) -> list[ItemFlag]:
    """Why a question works badly, in words a trainer can act on; none below FLAG_MIN_COPIES."""
    if copies < FLAG_MIN_COPIES or difficulty is None:
        return []
    flags = []
    if difficulty < TOO_HARD:
        flags.append(
            ItemFlag(
                "too_hard",
                _(
                    # xgettext:no-python-format
                    "Trop difficile : moins de 20 % de réussite. Vérifiez la réponse attendue et "
                    "la formulation, ou si le point a été enseigné."
                ),
            )
        )
    if difficulty > TOO_EASY:
        flags.append(
            ItemFlag(
                "too_easy",
                _(
                    # xgettext:no-python-format
                    "Trop facile : plus de 95 % de réussite. Elle ne distingue personne ; "
                    "proposez des réponses plus plausibles."
                ),
            )
        )
    if discrimination is not None and discrimination < 0:
        flags.append(
            ItemFlag(
                "negative_discrimination",
                _(
                    "Discrimination négative : les meilleurs participants y réussissent moins bien "
                    "que les plus faibles. Réponse attendue erronée ou question ambiguë ?"
                ),
            )
        )
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append(
            ItemFlag(
                "low_discrimination",
                _(
                    "Discrimine peu (indice inférieur à 0,20) : les plus forts n’y réussissent "
                    "pas mieux que les plus faibles."
                ),
            )
        )
    return flags


def answer_letters(content: dict[str, Any], keys: Sequence[str]) -> str:
    """Chosen keys as the paper grid writes them: « AC », or « V »/« F » for true or false."""
    if content.get("kind") == QuestionKind.TRUE_FALSE and len(keys) == 1:
        for choice in content.get("choices", []):
            if choice["key"] == keys[0]:
                text = str(choice.get("text", "")).strip().lower()
                if text in ("vrai", "faux"):
                    return "V" if text == "vrai" else "F"
    return "".join(sorted(keys))


def correct_letters(content: dict[str, Any]) -> str:
    return answer_letters(content, [c["key"] for c in content.get("choices", []) if c["correct"]])


# ---------------------------------------------------------------------------------------------
# Results of one session.


@dataclass(frozen=True)
class ChoiceCount:
    key: str
    letters: str  # « A », or « V »/« F » for true or false
    text: str
    correct: bool
    count: int


@dataclass
class QuestionResult:
    question: TestQuestion
    copies: int
    difficulty: float | None  # mean points, 0 to 1 (p)
    discrimination: float | None
    flags: list[ItemFlag]
    choices: list[ChoiceCount]
    blank: int  # copies that left it unanswered

    @property
    def content(self) -> dict[str, Any]:
        return self.question.content

    @property
    def order(self) -> int:
        return self.question.order

    @property
    def text(self) -> str:
        return str(self.content.get("text", ""))

    @property
    def objective(self) -> str:
        return str(self.content.get("objective", ""))

    @property
    def module(self) -> str:
        return str(self.content.get("module", ""))

    @property
    def kind_label(self) -> str:
        kind = self.content.get("kind", "")
        return str(QuestionKind(kind).label) if kind in QuestionKind.values else str(kind)

    @property
    def correct(self) -> str:
        return correct_letters(self.content)

    @property
    def percent(self) -> float | None:
        return None if self.difficulty is None else 100 * self.difficulty

    @property
    def top_wrong(self) -> ChoiceCount | None:
        """The wrong answer most often chosen: what the group believes instead."""
        wrong = [c for c in self.choices if not c.correct and c.count]
        return max(wrong, key=lambda c: c.count) if wrong else None


@dataclass(frozen=True)
class ObjectiveResult:
    code: str
    text: str
    questions: int
    difficulty: float | None  # the mean of its questions' p

    @property
    def percent(self) -> float | None:
        return None if self.difficulty is None else 100 * self.difficulty


@dataclass(frozen=True)
class Turnout:
    """How many sent their copy, how many are still answering, how many have not started."""

    expected: int  # participants not withdrawn or absent
    copies: int
    answering: int

    @property
    def not_started(self) -> int:
        return max(0, self.expected - self.copies - self.answering)


@dataclass
class TestResults:
    """A pre- or post-test: scores of the copies sent, questions, objectives, item analysis."""

    __test__ = False  # not a test case, whatever pytest makes of its name

    test: Test
    turnout: Turnout
    percents: dict[int, float]  # enrollment id -> percent of the copy sent
    questions: list[QuestionResult]  # in test order
    objectives: list[ObjectiveResult]  # weakest first

    @property
    def copies(self) -> int:
        return self.turnout.copies

    @property
    def mean_percent(self) -> float | None:
        return mean(self.percents.values())

    @property
    def passed(self) -> int:
        return sum(1 for p in self.percents.values() if passes(p, self.test.pass_mark))

    @property
    def pass_share(self) -> float | None:
        """Share (0-1) of the copies sent that reach the test's pass mark."""
        return self.passed / self.copies if self.copies else None

    @property
    def most_missed(self) -> list[QuestionResult]:
        """The questions missed most often, at most MOST_MISSED; none that everyone got."""
        missed = [q for q in self.questions if q.difficulty is not None and q.difficulty < 1]
        return sorted(missed, key=lambda q: (q.difficulty, q.order))[:MOST_MISSED]

    @property
    def by_difficulty(self) -> list[QuestionResult]:
        """Every question, the most missed first."""
        return sorted(
            self.questions,
            key=lambda q: (q.difficulty is None, q.difficulty or 0.0, q.order),
        )

    @property
    def flagged(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.flags]

    @property
    def flags_shown(self) -> bool:
        return self.copies >= FLAG_MIN_COPIES


@dataclass(frozen=True)
class RatingResult:
    question: TestQuestion
    count: int
    mean: float | None
    distribution: list[tuple[int, int]]  # (rating 1-5, number of participants who gave it)

    @property
    def text(self) -> str:
        return str(self.question.content.get("text", ""))

    @property
    def bars(self) -> list[tuple[int, int, float]]:
        """(rating, count, share 0-100) for the page's bars."""
        return [
            (rating, count, 100 * count / self.count if self.count else 0.0)
            for rating, count in self.distribution
        ]


@dataclass(frozen=True)
class OpenResult:
    question: TestQuestion
    answers: list[str]  # never names: a survey is read without knowing who wrote what

    @property
    def text(self) -> str:
        return str(self.question.content.get("text", ""))


@dataclass
class SurveyResults:
    test: Test
    turnout: Turnout
    ratings: list[RatingResult]
    open_questions: list[OpenResult]

    @property
    def copies(self) -> int:
        return self.turnout.copies

    @property
    def mean_rating(self) -> float | None:
        """Mean of every rating given, all items together."""
        total = sum(r * n for item in self.ratings for r, n in item.distribution)
        count = sum(item.count for item in self.ratings)
        return total / count if count else None


@dataclass(frozen=True)
class ParticipantResult:
    enrollment: Enrollment
    pre: float | None  # percent of the copy sent, None if none was
    post: float | None
    pre_passed: bool | None
    post_passed: bool | None
    pre_answering: bool = False  # started, not sent yet
    post_answering: bool = False

    @property
    def gain(self) -> float | None:
        """Post minus pre, in points of percentage."""
        if self.pre is None or self.post is None:
            return None
        return self.post - self.pre

    @property
    def normalised_gain(self) -> float | None:
        return normalised_gain(self.pre, self.post)


@dataclass
class SessionResults:
    session: Session
    pre: TestResults | None
    post: TestResults | None
    survey: SurveyResults | None
    participants: list[ParticipantResult]
    tests: list[Test] = field(default_factory=list)

    def for_test(self, test: Test) -> TestResults | SurveyResults | None:
        return {Test.Kind.PRE: self.pre, Test.Kind.POST: self.post, Test.Kind.SURVEY: self.survey}[
            Test.Kind(test.kind)
        ]

    @property
    def matched(self) -> list[ParticipantResult]:
        """Participants who sent both the pre-test and the post-test."""
        return [p for p in self.participants if p.pre is not None and p.post is not None]

    @property
    def matched_mean_pre(self) -> float | None:
        return mean(p.pre for p in self.matched if p.pre is not None)

    @property
    def matched_mean_post(self) -> float | None:
        return mean(p.post for p in self.matched if p.post is not None)

    @property
    def mean_gain(self) -> float | None:
        """Mean of post − pre over matched participants, in points of percentage."""
        return mean(p.gain for p in self.matched if p.gain is not None)

    @property
    def hake_gain(self) -> float | None:
        """Hake's gain (class averages): Hake's g on the matched participants' means."""
        return normalised_gain(self.matched_mean_pre, self.matched_mean_post)

    @property
    def individual_gains(self) -> list[float]:
        """The matched participants' own normalised gains, where defined (pre below 100 %)."""
        return [p.normalised_gain for p in self.matched if p.normalised_gain is not None]

    @property
    def mean_normalised_gain(self) -> float | None:
        """The mean individual normalised gain: the mean of ``individual_gains``."""
        return mean(self.individual_gains)


def passes(percent: float, pass_mark: int) -> bool:
    # 7 of 10 is 70.00000000000001 or 69.99999999999999 depending on the sum's order.
    return round(percent, 6) >= pass_mark


@dataclass
class _Copy:
    """One participant's submission, with the answers of a copy already sent."""

    enrollment_id: int
    submitted: bool
    answers: dict[int, tuple[list[str], int | None, str, float | None]] = field(
        default_factory=dict
    )  # question id -> (choices, rating, text, points)


def session_results(*, session: Session) -> SessionResults:
    """Every result of the session's tests, from the copies sent so far. Six queries."""
    tests = list(Test.objects.filter(session=session))
    questions = list(
        TestQuestion.objects.filter(test__session=session)
        .only("pk", "test_id", "order", "content")
        .order_by("test_id", "order")
    )
    by_test = _copies_by_test(session, tests)
    enrollments = list(
        Enrollment.objects.filter(session=session, superseded_by__isnull=True)
        .select_related("person")
        .order_by("person__sort_last", "person__sort_first", "pk")
    )
    objective_texts = _objective_texts(questions)

    expected = _expected_count(enrollments)
    results = _results_by_kind(tests, questions, by_test, expected, objective_texts)
    pre: TestResults | None = results.get(Test.Kind.PRE)
    post: TestResults | None = results.get(Test.Kind.POST)
    answering = {
        test.kind: {c.enrollment_id for c in by_test.get(test.pk, []) if not c.submitted}
        for test in tests
    }
    participants = [
        result
        for enrollment in enrollments
        if (result := _participant_result(enrollment, pre, post, answering)) is not None
    ]
    return SessionResults(
        session=session,
        pre=pre,
        post=post,
        survey=results.get(Test.Kind.SURVEY),
        participants=participants,
        tests=tests,
    )


def _copies_by_test(session: Session, tests: list[Test]) -> dict[int, list[_Copy]]:
    """The session's current copies per test id, with the answers of those sent. Two queries."""
    copies: dict[int, _Copy] = {}
    by_test: dict[int, list[_Copy]] = {test.pk: [] for test in tests}
    # A copy superseded by a merge (kalan.assessments.merge) is the same person's again.
    for pk, test_id, enrollment_id, submitted_at in Submission.objects.filter(
        test__session=session, superseded_by__isnull=True
    ).values_list("pk", "test_id", "enrollment_id", "submitted_at"):
        copy = _Copy(enrollment_id=enrollment_id, submitted=submitted_at is not None)
        copies[pk] = copy
        by_test.setdefault(test_id, []).append(copy)
    for submission_id, question_id, choices, rating, text, points in Answer.objects.filter(
        submission__test__session=session,
        submission__submitted_at__isnull=False,
        submission__superseded_by__isnull=True,
    ).values_list("submission_id", "question_id", "choices", "rating", "text", "points"):
        copies[submission_id].answers[question_id] = (list(choices or []), rating, text, points)
    return by_test


def _objective_texts(questions: list[TestQuestion]) -> dict[str, str]:
    """Text of each curriculum objective the questions point to. One query, none if no code."""
    codes = {str(q.content.get("objective", "")) for q in questions} - {""}
    return dict(
        CurriculumObjective.objects.filter(code__in=codes).values_list("code", "text")
        if codes
        else []
    )


def _expected_count(enrollments: list[Enrollment]) -> int:
    """Participants expected to answer: neither withdrawn nor absent."""
    return sum(
        1
        for e in enrollments
        if e.role == Enrollment.Role.PARTICIPANT and e.status not in NOT_EXPECTED
    )


def _results_by_kind(
    tests: list[Test],
    questions: list[TestQuestion],
    by_test: dict[int, list[_Copy]],
    expected: int,
    objective_texts: dict[str, str],
) -> dict[str, Any]:
    """Each test's results, keyed by its kind (pre, post, survey), from the copies sent."""
    per_test_questions: dict[int, list[TestQuestion]] = {}
    for question in questions:
        per_test_questions.setdefault(question.test_id, []).append(question)

    results: dict[str, Any] = {}
    for test in tests:
        test_copies = by_test.get(test.pk, [])
        turnout = Turnout(
            expected=expected,
            copies=sum(1 for c in test_copies if c.submitted),
            answering=sum(1 for c in test_copies if not c.submitted),
        )
        sent = [c for c in test_copies if c.submitted]
        test_questions = per_test_questions.get(test.pk, [])
        if test.kind == Test.Kind.SURVEY:
            results[test.kind] = _survey_results(test, turnout, test_questions, sent)
        else:
            results[test.kind] = _test_results(test, turnout, test_questions, sent, objective_texts)
    return results


def _score(results: TestResults | None, enrollment_id: int) -> tuple[float | None, bool | None]:
    """The percent of the enrollment's copy sent and whether it passes; None, None if none."""
    percent = results.percents.get(enrollment_id) if results else None
    if not results or percent is None:
        return None, None
    return percent, passes(percent, results.test.pass_mark)


def _participant_result(
    enrollment: Enrollment,
    pre: TestResults | None,
    post: TestResults | None,
    answering: dict[str, set[int]],
) -> ParticipantResult | None:
    """The enrollment's scores, or None for someone neither a participant nor taking part."""
    pre_percent, pre_passed = _score(pre, enrollment.pk)
    post_percent, post_passed = _score(post, enrollment.pk)
    pre_answering = enrollment.pk in answering.get(Test.Kind.PRE, set())
    post_answering = enrollment.pk in answering.get(Test.Kind.POST, set())
    took_part = (
        pre_percent is not None or post_percent is not None or pre_answering or post_answering
    )
    is_participant = (
        enrollment.role == Enrollment.Role.PARTICIPANT
        and enrollment.status != Enrollment.Status.WITHDRAWN
    )
    if not (is_participant or took_part):
        return None
    return ParticipantResult(
        enrollment=enrollment,
        pre=pre_percent,
        post=post_percent,
        pre_passed=pre_passed,
        post_passed=post_passed,
        pre_answering=pre_answering,
        post_answering=post_answering,
    )


def _points(test: Test, question: TestQuestion, copy: _Copy) -> float:
    """The question's points in a copy sent: as stored when it was scored, 0 when unanswered."""
    answer = copy.answers.get(question.pk)
    if answer is None:
        return 0.0
    choices, _rating, _text, points = answer
    if points is not None:
        return float(points)
    return question_points(question.content, choices, scoring=test.scoring)


def _test_results(
    test: Test,
    turnout: Turnout,
    questions: list[TestQuestion],
    sent: list[_Copy],
    objective_texts: dict[str, str],
) -> TestResults:
    scored = [q for q in questions if q.content.get("kind") in SCORED_KINDS]
    matrix = [[_points(test, q, copy) for q in scored] for copy in sent]
    totals = [sum(row) for row in matrix]
    percents = {}
    if scored:
        for copy, total in zip(sent, totals, strict=True):
            percents[copy.enrollment_id] = 100 * total / len(scored)
    results = []
    for column, question in enumerate(scored):
        items = [row[column] for row in matrix]
        difficulty = mean(items)
        discrimination = upper_lower_index(items, totals)
        chosen: Counter[str] = Counter()
        blank = 0
        for copy in sent:
            answer = copy.answers.get(question.pk)
            if answer is None or not answer[0]:
                blank += 1
            else:
                chosen.update(answer[0])
        results.append(
            QuestionResult(
                question=question,
                copies=len(sent),
                difficulty=difficulty,
                discrimination=discrimination,
                flags=item_flags(
                    difficulty=difficulty, discrimination=discrimination, copies=len(sent)
                ),
                choices=[
                    ChoiceCount(
                        key=c["key"],
                        letters=answer_letters(question.content, [c["key"]]),
                        text=str(c.get("text", "")),
                        correct=bool(c["correct"]),
                        count=chosen[c["key"]],
                    )
                    for c in question.content.get("choices", [])
                ],
                blank=blank,
            )
        )
    return TestResults(
        test=test,
        turnout=turnout,
        percents=percents,
        questions=results,
        objectives=_objectives(results, objective_texts),
    )


def _objectives(questions: list[QuestionResult], texts: dict[str, str]) -> list[ObjectiveResult]:
    grouped: dict[str, list[QuestionResult]] = {}
    for question in questions:
        grouped.setdefault(question.objective, []).append(question)
    objectives = [
        ObjectiveResult(
            code=code,
            text=texts.get(code, "") if code else _("Sans objectif"),
            questions=len(items),
            difficulty=mean(q.difficulty for q in items if q.difficulty is not None),
        )
        for code, items in grouped.items()
    ]
    return sorted(objectives, key=lambda o: (o.difficulty is None, o.difficulty or 0.0, o.code))


def _survey_results(
    test: Test, turnout: Turnout, questions: list[TestQuestion], sent: list[_Copy]
) -> SurveyResults:
    ratings, open_questions = [], []
    for question in questions:
        kind = question.content.get("kind")
        answers = [copy.answers[question.pk] for copy in sent if question.pk in copy.answers]
        if kind == QuestionKind.RATING:
            given = Counter(rating for _c, rating, _t, _p in answers if rating is not None)
            count = sum(given.values())
            ratings.append(
                RatingResult(
                    question=question,
                    count=count,
                    mean=sum(r * n for r, n in given.items()) / count if count else None,
                    distribution=[(rating, given[rating]) for rating in RATINGS],
                )
            )
        elif kind == QuestionKind.OPEN:
            open_questions.append(
                OpenResult(
                    question=question,
                    answers=[text.strip() for _c, _r, text, _p in answers if text.strip()],
                )
            )
    return SurveyResults(test=test, turnout=turnout, ratings=ratings, open_questions=open_questions)


# ---------------------------------------------------------------------------------------------
# Paper mode.


@dataclass(frozen=True)
class PaperRow:
    enrollment: Enrollment
    sent: bool  # a copy was already sent: shown, not editable
    on_paper: bool
    answering: bool  # started on a phone, not sent yet
    entries: list[str]  # one per question: what was sent (« AC », « V »), "" otherwise


@dataclass(frozen=True)
class PaperGrid:
    test: Test
    questions: list[TestQuestion]
    rows: list[PaperRow]

    @property
    def editable(self) -> list[PaperRow]:
        return [row for row in self.rows if not row.sent]


def paper_grid(*, test: Test) -> PaperGrid:
    """The test's participants with what each already sent, for the paper entry grid.
    Four queries, whatever the size."""
    questions = list(test.questions.order_by("order"))
    enrollments = list(
        Enrollment.objects.filter(
            session_id=test.session_id,
            role=Enrollment.Role.PARTICIPANT,
            superseded_by__isnull=True,
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("person")
        .order_by("person__sort_last", "person__sort_first", "pk")
    )
    submissions = {
        enrollment_id: (pk, submitted_at, on_paper)
        for pk, enrollment_id, submitted_at, on_paper in Submission.objects.filter(
            test=test, superseded_by__isnull=True
        ).values_list("pk", "enrollment_id", "submitted_at", "on_paper")
    }
    sent_ids = [pk for pk, submitted_at, _p in submissions.values() if submitted_at is not None]
    answers: dict[int, dict[int, list[str]]] = {}
    if sent_ids:
        for submission_id, question_id, choices in Answer.objects.filter(
            submission_id__in=sent_ids
        ).values_list("submission_id", "question_id", "choices"):
            answers.setdefault(submission_id, {})[question_id] = list(choices or [])
    rows = []
    for enrollment in enrollments:
        pk, submitted_at, on_paper = submissions.get(enrollment.pk, (None, None, False))
        sent = submitted_at is not None
        given = answers.get(pk, {}) if pk is not None and sent else {}
        rows.append(
            PaperRow(
                enrollment=enrollment,
                sent=sent,
                on_paper=on_paper,
                answering=pk is not None and not sent,
                entries=[answer_letters(q.content, given.get(q.pk, [])) for q in questions],
            )
        )
    return PaperGrid(test=test, questions=questions, rows=rows)
