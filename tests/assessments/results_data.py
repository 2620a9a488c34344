"""Tests with known answers, for the tests of results, item analysis, paper mode and export.

No bank needed: the tests are built from frozen contents (``services.test_create(contents=…)``),
as a test copied from another session is. Copies are answered and sent through the services,
so stored points are the ones scoring gives.

- ``content(kind, objective=…)``: a frozen question. Single choice: A right of A-D. True/false:
  A « Vrai » right, B « Faux ». Multiple choice: A and C right of A-D.
- ``four_questions()``: Q1 single and Q2 single (objective OBJ-A), Q3 true/false and
  Q4 multiple (objective OBJ-B).
- ``KNOWN_PRE``: the known data set, 10 participants × 4 questions, points per question.
- ``build_test(session, kind=…)``: an open test of ``four_questions()``.
- ``participants(session, n)``: n confirmed participants, named in alphabetical order
  (« P01 »…), so that the page and the export list them in the data set's order.
- ``send_copy(test, enrollment, points)``: answer each question so as to earn those points
  (None leaves it unanswered) and send the copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kalan.assessments import services
from kalan.assessments.models import Submission, Test
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory, PersonFactory

# Points of each participant (P01 to P10) on Q1-Q4 of the pre-test.
KNOWN_PRE: list[list[float]] = [
    [1, 1, 1, 1],  # P01: 4   -> 100 %
    [1, 0, 1, 1],  # P02: 3   -> 75 %
    [1, 0, 1, 1],  # P03: 3   -> 75 %
    [1, 0, 1, 0.5],  # P04: 2.5 -> 62.5 %
    [1, 0, 1, 0.5],  # P05: 2.5 -> 62.5 %
    [0, 1, 1, 0.5],  # P06: 2.5 -> 62.5 %
    [1, 0, 1, 0.5],  # P07: 2.5 -> 62.5 %
    [0, 1, 1, 0],  # P08: 2   -> 50 %
    [0, 1, 1, 0],  # P09: 2   -> 50 %
    [0, 0, 1, 0],  # P10: 1   -> 25 %
]

# The post-test: P09 and P10 were absent on the last day; P11 came only then.
KNOWN_POST: dict[int, list[float]] = {
    0: [1, 1, 1, 1],  # P01: 100 %
    1: [1, 1, 1, 1],  # P02: 100 %
    2: [1, 1, 1, 0.5],  # P03: 87.5 %
    3: [1, 0, 1, 1],  # P04: 75 %
    4: [1, 1, 1, 0.5],  # P05: 87.5 %
    5: [1, 0, 1, 1],  # P06: 75 %
    6: [1, 1, 1, 0],  # P07: 75 %
    7: [1, 0, 1, 1],  # P08: 75 %
    10: [1, 0, 1, 0],  # P11: 50 %
}


def content(
    kind: str, *, objective: str, module: str = "M1", text: str | None = None
) -> dict[str, Any]:
    if kind == "true_false":
        choices = [("Vrai", True), ("Faux", False)]
    elif kind == "multiple":
        choices = [("Juste 1", True), ("Faux 1", False), ("Juste 2", True), ("Faux 2", False)]
    else:
        choices = [("Juste", True), ("Faux 1", False), ("Faux 2", False), ("Faux 3", False)]
    return {
        "kind": kind,
        "code": "",
        "text": text or f"Question {kind} sur {objective}",
        "text_en": "",
        "explanation": "",
        "explanation_en": "",
        "source": "",
        "module": module,
        "objective": objective,
        "choices": [
            {"key": key, "text": choice_text, "text_en": "", "correct": correct}
            for key, (choice_text, correct) in zip("ABCD", choices, strict=False)
        ],
    }


def four_questions() -> list[dict[str, Any]]:
    return [
        content("single", objective="OBJ-A", text="Durée de la garde à vue ?"),
        content("single", objective="OBJ-A", text="Qui autorise la prolongation ?"),
        content("true_false", objective="OBJ-B", text="La torture est interdite en tout temps."),
        content("multiple", objective="OBJ-B", text="Droits de la personne gardée à vue ?"),
    ]


def build_test(
    session: Session,
    *,
    kind: str = Test.Kind.PRE,
    scoring: str = Test.Scoring.PARTIAL,
    contents: Sequence[dict[str, Any]] | None = None,
    pass_mark: int = 70,
) -> Test:
    test = services.test_create(
        session=session,
        kind=kind,
        title=f"{Test.Kind(kind).label.capitalize()} connu",
        contents=list(contents) if contents is not None else four_questions(),
        scoring=scoring,
        pass_mark=pass_mark,
    )
    return services.test_open(test=test)


def participants(session: Session, n: int, *, start: int = 1) -> list[Enrollment]:
    return [
        EnrollmentFactory(
            session=session,
            person=PersonFactory(last_name=f"P{number:02d}", first_names="Awa"),
        )
        for number in range(start, start + n)
    ]


def choices_for(question_content: dict[str, Any], points: float) -> list[str]:
    """Choices that earn ``points`` on one of ``content()``'s questions."""
    if question_content["kind"] == "multiple":
        # A alone is half the right set; A and B cancel out (one right, one wrong).
        return {1: ["A", "C"], 0.5: ["A"], 0: ["A", "B"]}[points]
    return ["A"] if points == 1 else ["B"]


def start_copy(test: Test, enrollment: Enrollment) -> Submission:
    return services.submission_start(access_code=test.access_code, participant_code=enrollment.code)


def send_copy(test: Test, enrollment: Enrollment, points: Sequence[float | None]) -> Submission:
    submission = start_copy(test, enrollment)
    for question, earned in zip(test.questions.order_by("order"), points, strict=True):
        if earned is not None:
            services.answer_save(
                submission=submission,
                question=question,
                choices=choices_for(question.content, earned),
            )
    return services.submission_submit(submission=submission)


def known_session(
    session: Session, *, post: bool = True
) -> tuple[Test, Test | None, list[Enrollment]]:
    """The known pre-test (10 copies) and, with ``post``, the known post-test (9 copies)."""
    people = participants(session, 11)
    pre = build_test(session)
    for enrollment, points in zip(people, KNOWN_PRE, strict=False):
        send_copy(pre, enrollment, points)
    if not post:
        return pre, None, people
    post_test = build_test(session, kind=Test.Kind.POST)
    for index, points in KNOWN_POST.items():
        send_copy(post_test, people[index], points)
    return pre, post_test, people
