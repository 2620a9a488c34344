"""Reads for the trainer's test pages and the participants' phones: a session's tests with their
counts, who has sent what (the live list), and one participant's progress.

Results and item analysis live in ``selectors.py``.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kalan.assessments.models import Answer, Submission, Test, TestQuestion
from kalan.assessments.throttle import Refusals, join_refusals
from kalan.core import statements
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.selectors import get_in_scope_or_404

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

NOT_STARTED, ANSWERING, SENT = "not_started", "answering", "sent"


def session_tests(*, session: Session) -> list[Test]:
    """The session's tests, each with ``question_count``, ``started_count`` and ``sent_count``."""
    return list(
        session.tests.annotate(
            question_count=Count("questions", distinct=True),
            # A copy superseded by a merge (kalan.assessments.merge) is not counted twice.
            started_count=Count(
                "submissions", filter=Q(submissions__superseded_by__isnull=True), distinct=True
            ),
            sent_count=Count(
                "submissions",
                filter=Q(
                    submissions__submitted_at__isnull=False,
                    submissions__superseded_by__isnull=True,
                ),
                distinct=True,
            ),
        ).order_by("kind")
    )


def tests_to_copy(*, session: Session) -> QuerySet[Test]:
    """Tests of other sessions, most recent first: the ones a trainer may copy."""
    return (
        Test.objects.exclude(session=session)
        .select_related("session__workshop", "session__place")
        .annotate(question_count=Count("questions"))
        .order_by("-session__start_date", "session__workshop__title", "kind")
    )


def test_get_or_404(*, uid: str, user: AnyUser) -> Test:
    """A test with its session, workshop and place; 404 outside the user's sessions."""
    return get_in_scope_or_404(
        Test.objects.select_related("session__workshop", "session__place__parent"),
        user=user,
        session="session",
        uid=uid,
    )


@dataclass(frozen=True)
class LiveRow:
    enrollment: Enrollment
    state: str  # NOT_STARTED, ANSWERING or SENT
    answered: int
    submission: Submission | None


@dataclass(frozen=True)
class LiveList:
    rows: list[LiveRow]
    question_count: int
    refusals: Refusals  # wrong participant codes typed for the test, per address

    @property
    def waiting(self) -> list[LiveRow]:
        """Copies another phone asks to take over: the trainer approves or refuses."""
        return [
            row
            for row in self.rows
            if row.state == ANSWERING and row.submission and row.submission.device_pending
        ]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def sent(self) -> int:
        return self.count(SENT)

    @property
    def answering(self) -> int:
        return self.count(ANSWERING)

    @property
    def not_started(self) -> int:
        return self.count(NOT_STARTED)


def test_live(*, test: Test) -> LiveList:
    """Every participant of the session (withdrawn ones left out, but any copy shown) with the
    state of their copy, and the wrong codes typed for the test: at most six queries, whatever
    the number of participants and of addresses."""
    submissions = {
        s.enrollment_id: s
        for s in test.submissions.filter(superseded_by__isnull=True).annotate(
            answered=Count("answers", filter=_answer_given("answers__"))
        )
    }
    enrollments = (
        Enrollment.objects.filter(
            session_id=test.session_id,
            role=Enrollment.Role.PARTICIPANT,
            superseded_by__isnull=True,
        )
        .exclude(Q(status=Enrollment.Status.WITHDRAWN) & ~Q(pk__in=list(submissions)))
        .select_related("person")
        .order_by("person__sort_last", "person__sort_first")
    )
    rows = []
    for enrollment in enrollments:
        submission = submissions.get(enrollment.pk)
        if submission is None:
            state = NOT_STARTED
        elif submission.submitted_at is None:
            state = ANSWERING
        else:
            state = SENT
        answered = getattr(submission, "answered", 0) if submission else 0
        rows.append(LiveRow(enrollment, state, answered, submission))
    return LiveList(
        rows=rows, question_count=test.questions.count(), refusals=join_refusals(test=test)
    )


def _answer_given(prefix: str = "") -> Q:
    """An answer row that holds an answer: a choice ticked, a rating, or some text.

    An emptied multiple-choice question keeps its row with no choice: it is unanswered.
    """
    return (
        ~Q(**{f"{prefix}choices": []})
        | Q(**{f"{prefix}rating__isnull": False})
        | ~Q(**{f"{prefix}text": ""})
    )


def submission_progress(*, submission: Submission) -> tuple[list[TestQuestion], set[int]]:
    """The test's questions in order, and the ids of those this copy has answered."""
    questions = list(test_questions(test=submission.test))
    answered = set(
        Answer.objects.filter(submission=submission)
        .filter(_answer_given())
        .values_list("question_id", flat=True)
    )
    return questions, answered


def submission_of_test_or_404(*, test: Test, uid: str) -> Submission:
    """A copy of this test that counts (not superseded), named by its global id; 404 if none."""
    try:
        key = uuid.UUID(uid)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Submission.objects.select_related("enrollment__person"),
        test=test,
        uid=key,
        superseded_by__isnull=True,
    )


def test_questions(*, test: Test) -> tuple[TestQuestion, ...]:
    """The test's questions in order, read once per process and test.

    A test's questions are written once, when it is built (``services.test_create``), and never
    changed: the phone's pages, which ask for them on every answer of every phone
    (bench/scale.py), read them from this process's memory instead of the database. The key
    holds the test's global id as well as its row id, so that a row id SQLite gives again after
    a deletion never finds the questions of the test deleted. Frozen questions are the institution's
    own text, nobody's personal data; shared read-only between threads.
    """
    return _questions_of(test.pk, test.uid)


@functools.lru_cache(maxsize=64)
def _questions_of(test_pk: int, _test_uid: uuid.UUID) -> tuple[TestQuestion, ...]:
    return tuple(TestQuestion.objects.filter(test_id=test_pk).order_by("order"))


def question_for_take(*, test: Test, order: int) -> tuple[TestQuestion, int] | None:
    """The test's question at ``order`` and the number of questions of the test; None if none."""
    questions = test_questions(test=test)
    found = [question for question in questions if question.order == order]
    return (found[0], len(questions)) if found else None


def submission_for_take(*, pk: int, person: bool = False, lock: bool = False) -> Submission | None:
    """The copy a phone's session points at, with its test, or None if it is gone.

    ``person``: with the participant too, for the two pages that name them (the first question
    and the summary). Every other request of a phone — an answer every few seconds, a thousand
    phones at once (bench/scale.py) — needs only the test: the two joins and the Person built
    from them were a tenth of the CPU time of an answer.

    ``lock``: the copy's row locked until the caller's transaction ends, as ``services.answer_save``
    wants it (``locked=True``), so that an answer reads its copy once. The copy's row only: a
    lock on the test's row too, which every phone reads, would queue all their answers behind
    one another. NO KEY UPDATE, since nothing changes the copy's key.
    """
    if lock and not person:
        return _copy_locked(pk)
    related = ("test", "enrollment__person") if person else ("test",)
    # A copy superseded by a merge is no longer answered: the phone starts again.
    copies = Submission.objects.select_related(*related).filter(pk=pk, superseded_by__isnull=True)
    if lock:
        copies = copies.select_for_update(of=("self",), no_key=True)
    return copies.first()


@functools.cache
def _copy_locked_sql(vendor: str) -> str:
    """The ORM's ``select_related("test").select_for_update(of=("self",), no_key=True)`` read,
    written once (kalan.core.statements): the answer's request runs it a few hundred times a
    second. SQLite locks the whole database on the first write and has no row locks."""
    # Names from the models' metadata only; the copy's id is a parameter.
    selected = f"{statements.columns(Submission, 's')}, {statements.columns(Test, 't')}"
    sql = (
        f"SELECT {selected} "  # noqa: S608
        f"FROM {statements.table(Submission)} s JOIN {statements.table(Test)} t "
        f"ON t.{statements.column(Test, 'id')} = s.{statements.column(Submission, 'test')} "
        f"WHERE s.{statements.column(Submission, 'id')} = %s "
        f"AND s.{statements.column(Submission, 'superseded_by')} IS NULL"
    )
    return f"{sql} FOR NO KEY UPDATE OF s" if vendor == "postgresql" else sql


def _copy_locked(pk: int) -> Submission | None:
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(_copy_locked_sql(connection.vendor), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    split = statements.width(Submission)
    copy = statements.instance(Submission, row[:split])
    test = statements.instance(Test, row[split:])
    Submission._meta.get_field("test").set_cached_value(copy, test)  # as select_related does
    return copy
