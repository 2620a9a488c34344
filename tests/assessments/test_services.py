"""The services behind taking a test: scoring, frozen questions, and every bad input refused."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from kalan.assessments import services
from kalan.assessments.bank import survey_contents
from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import Answer, Choice, Question, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.models import TestQuestion as FrozenQuestion
from kalan.assessments.scoring import question_points
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import ObjectiveFactory, bank_question, open_test, small_bank
from tests.factories import EnrollmentFactory, SessionFactory

MULTIPLE = {
    "kind": "multiple",
    "choices": [
        {"key": "A", "correct": True},
        {"key": "B", "correct": False},
        {"key": "C", "correct": True},
        {"key": "D", "correct": False},
    ],
}
SINGLE = {
    "kind": "single",
    "choices": [
        {"key": "A", "correct": False},
        {"key": "B", "correct": True},
        {"key": "C", "correct": False},
    ],
}
TRUE_FALSE = {
    "kind": "true_false",
    "choices": [{"key": "A", "correct": True}, {"key": "B", "correct": False}],
}


# --- Scoring ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "points"),
    [
        (["A", "C"], 1.0),
        (["A"], 0.5),
        (["C"], 0.5),
        (["A", "B"], 0.0),  # one right, one wrong: the wrong cancels the right
        (["A", "B", "C"], 0.5),
        (["A", "B", "C", "D"], 0.0),  # ticking every box earns nothing
        (["B", "D"], 0.0),  # never below zero
        ([], 0.0),
    ],
)
def test_partial_credit_on_multiple_choice(chosen: list[str], points: float) -> None:
    assert question_points(MULTIPLE, chosen, scoring="partial") == points


@pytest.mark.parametrize(
    ("chosen", "points"),
    [(["A", "C"], 1.0), (["A"], 0.0), (["A", "B", "C"], 0.0), (["C", "A"], 1.0)],
)
def test_all_or_nothing_on_multiple_choice(chosen: list[str], points: float) -> None:
    assert question_points(MULTIPLE, chosen, scoring="all") == points


@pytest.mark.parametrize("scoring", ["all", "partial"])
@pytest.mark.parametrize(
    "content",
    [
        pytest.param({"kind": "single"}, id="no-choices"),
        pytest.param({"kind": "multiple", "choices": []}, id="empty-choices"),
        pytest.param(
            {"kind": "single", "choices": [{"key": "A", "correct": False}]}, id="none-right"
        ),
    ],
)
def test_a_question_without_a_right_choice_earns_nothing(
    content: dict[str, object], scoring: str
) -> None:
    """Not even for ticking nothing, which is then "exactly the right set"."""
    assert question_points(content, [], scoring=scoring) == 0.0
    assert question_points(content, ["A"], scoring=scoring) == 0.0


@pytest.mark.parametrize("scoring", ["partial", "all"])
def test_single_choice_and_true_false_score_one_for_the_right_answer_only(scoring: str) -> None:
    assert question_points(SINGLE, ["B"], scoring=scoring) == 1.0
    assert question_points(SINGLE, ["A"], scoring=scoring) == 0.0
    assert question_points(SINGLE, [], scoring=scoring) == 0.0
    assert question_points(TRUE_FALSE, ["A"], scoring=scoring) == 1.0
    assert question_points(TRUE_FALSE, ["B"], scoring=scoring) == 0.0


@pytest.fixture
def session(db: None) -> Session:
    return SessionFactory()


@pytest.fixture
def participant(session: Session) -> Enrollment:
    return EnrollmentFactory(session=session, code="0423")


def _questions(test: AssessmentTest) -> list[FrozenQuestion]:
    return list(test.questions.order_by("order"))


def test_a_sent_copy_is_scored_with_partial_credit(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session)  # per objective: single, multiple (A, C right), true/false
    single, multiple, true_false, *_rest = _questions(test)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=submission, question=single, choices=["A"])
    services.answer_save(submission=submission, question=multiple, choices=["A", "B", "C"])
    services.answer_save(submission=submission, question=true_false, choices=["B"])

    sent = services.submission_submit(submission=submission)

    assert sent.submitted_at is not None
    assert sent.score == 1.5  # 1 + 0.5 + 0, the other objective's three questions unanswered
    assert sent.max_score == 6
    points = dict(Answer.objects.filter(submission=sent).values_list("question__order", "points"))
    assert points == {1: 1.0, 2: 0.5, 3: 0.0}


def test_the_same_answers_score_less_on_an_all_or_nothing_test(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session, scoring=AssessmentTest.Scoring.ALL_OR_NOTHING)
    multiple = _questions(test)[1]
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=submission, question=multiple, choices=["A"])

    assert services.submission_submit(submission=submission).score == 0.0


# --- Freezing -----------------------------------------------------------------------------------


def test_editing_the_bank_does_not_change_a_test_built_from_it(
    session: Session, participant: Enrollment
) -> None:
    objective = ObjectiveFactory(code="CO-GAV")
    question = bank_question(
        objective, text="Durée de la garde à vue ?", choices=[("48 h", True), ("72 h", False)]
    )
    test = open_test(session, [objective])
    before = dict(test.questions.get().content)

    question.text = "Texte réécrit"
    question.save()
    Choice.objects.filter(question=question, text="48 h").update(correct=False, text="24 h")
    Choice.objects.filter(question=question, text="72 h").update(correct=True)
    Question.objects.filter(pk=question.pk).update(active=False)

    frozen = test.questions.get()
    assert frozen.content == before
    assert frozen.content["text"] == "Durée de la garde à vue ?"
    assert [c["text"] for c in frozen.content["choices"]] == ["48 h", "72 h"]
    # And the copy is scored against what participants saw, not what the bank says now.
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=submission, question=frozen, choices=["A"])
    assert services.submission_submit(submission=submission).score == 1.0


def test_the_post_test_copied_from_the_pre_test_asks_the_same_questions(
    session: Session,
) -> None:
    pre = open_test(session)
    post = services.test_copy(source=pre, session=session, kind=AssessmentTest.Kind.POST)

    assert post.kind == AssessmentTest.Kind.POST
    assert post.access_code != pre.access_code
    assert [q.content for q in _questions(post)] == [q.content for q in _questions(pre)]


def test_deleting_a_bank_question_keeps_the_test_question(session: Session) -> None:
    objective = ObjectiveFactory(code="CO-GAV")
    question = bank_question(objective)
    test = open_test(session, [objective])
    Choice.objects.filter(question=question).delete()
    question.delete()

    frozen = test.questions.get()
    assert frozen.question is None
    assert len(frozen.content["choices"]) == 3


# --- Bad input ----------------------------------------------------------------------------------


def _error(call: Any, **kwargs: Any) -> AssessmentError:
    with pytest.raises(AssessmentError) as caught:
        call(**kwargs)
    return caught.value


def test_an_unknown_test_code_is_refused(session: Session, participant: Enrollment) -> None:
    open_test(session)
    error = _error(services.submission_start, access_code="ZZZZZZ", participant_code="0423")
    assert (error.code, error.field) == ("unknown_test", "access_code")


def test_the_test_code_is_read_whatever_its_case_and_spaces(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session)
    submission = services.submission_start(
        access_code=f"  {test.access_code.lower()} ", participant_code=" 0423 "
    )
    assert submission.enrollment == participant


def test_a_closed_test_refuses_to_start_and_to_take_answers(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.test_close(test=test)

    error = _error(services.submission_start, access_code=test.access_code, participant_code="0423")
    assert error.code == "test_closed"
    question = _questions(test)[0]
    error = _error(services.answer_save, submission=submission, question=question, choices=["A"])
    assert error.code == "test_closed"
    assert _error(services.submission_submit, submission=submission).code == "test_closed"
    assert not Answer.objects.exists()


def test_a_draft_test_is_not_open_either(session: Session, participant: Enrollment) -> None:
    test = open_test(session)
    AssessmentTest.objects.filter(pk=test.pk).update(status=AssessmentTest.Status.DRAFT)
    error = _error(services.submission_start, access_code=test.access_code, participant_code="0423")
    assert error.code == "test_closed"


@pytest.mark.parametrize("code", ["9999", "", "04230"])
def test_an_unknown_participant_code_is_refused(
    session: Session, participant: Enrollment, code: str
) -> None:
    test = open_test(session)
    error = _error(services.submission_start, access_code=test.access_code, participant_code=code)
    assert (error.code, error.field) == ("unknown_participant", "participant_code")
    assert not Submission.objects.exists()


def test_a_participant_of_another_session_is_unknown_here(session: Session) -> None:
    EnrollmentFactory(code="0423")  # another session
    test = open_test(session)
    error = _error(services.submission_start, access_code=test.access_code, participant_code="0423")
    assert error.code == "unknown_participant"


def test_a_withdrawn_participant_is_unknown(session: Session) -> None:
    EnrollmentFactory(session=session, code="0423", status=Enrollment.Status.WITHDRAWN)
    test = open_test(session)
    error = _error(services.submission_start, access_code=test.access_code, participant_code="0423")
    assert error.code == "unknown_participant"


def test_starting_again_finds_the_same_copy_and_its_answers(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session)
    first = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=first, question=_questions(test)[0], choices=["A"])

    again = services.submission_start(access_code=test.access_code, participant_code="0423")

    assert again.pk == first.pk
    assert again.answers.get().choices == ["A"]


def test_sending_twice_keeps_the_first_copy(session: Session, participant: Enrollment) -> None:
    test = open_test(session)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=submission, question=_questions(test)[0], choices=["A"])
    first = services.submission_submit(submission=submission)

    error = _error(services.submission_submit, submission=submission)

    assert error.code == "already_submitted"
    kept = Submission.objects.get()
    assert (kept.submitted_at, kept.score) == (first.submitted_at, first.score)


def test_a_second_phone_cannot_start_or_change_a_sent_copy(
    session: Session, participant: Enrollment
) -> None:
    test = open_test(session)
    first_phone = services.submission_start(access_code=test.access_code, participant_code="0423")
    second_phone = services.submission_start(access_code=test.access_code, participant_code="0423")
    question = _questions(test)[0]
    services.answer_save(submission=first_phone, question=question, choices=["A"])
    services.submission_submit(submission=first_phone)

    error = _error(services.submission_start, access_code=test.access_code, participant_code="0423")
    assert error.code == "already_submitted"
    error = _error(services.answer_save, submission=second_phone, question=question, choices=["B"])
    assert error.code == "already_submitted"
    assert Answer.objects.get().choices == ["A"]


@pytest.mark.parametrize(
    ("order", "fields"),
    [
        (1, {"choices": ["E"]}),  # a key the single choice does not have
        (1, {"choices": ["A", "B"]}),  # two answers to a single choice
        (2, {"choices": ["A", "Z"]}),  # a multiple choice with one unknown key
        (3, {"choices": ["A", "B"]}),  # true and false at once
        (3, {"choices": ["<script>"]}),
    ],
)
def test_tampered_choices_are_refused_and_nothing_is_saved(
    session: Session, participant: Enrollment, order: int, fields: dict[str, Any]
) -> None:
    test = open_test(session)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    question = _questions(test)[order - 1]

    error = _error(services.answer_save, submission=submission, question=question, **fields)

    assert error.code == "tampered"
    assert not Answer.objects.exists()


@pytest.fixture
def survey(session: Session) -> AssessmentTest:
    test = services.test_create(
        session=session,
        kind=AssessmentTest.Kind.SURVEY,
        title="Satisfaction",
        contents=survey_contents(),
    )
    return services.test_open(test=test)


@pytest.mark.parametrize("rating", [0, 6, 9, -1])
def test_a_rating_outside_one_to_five_is_refused(
    survey: AssessmentTest, participant: Enrollment, rating: int
) -> None:
    submission = services.submission_start(access_code=survey.access_code, participant_code="0423")
    question = survey.questions.filter(content__kind="rating").order_by("order").first()
    assert question is not None

    error = _error(services.answer_save, submission=submission, question=question, rating=rating)

    assert error.code == "tampered"
    assert not Answer.objects.exists()


def test_a_survey_keeps_ratings_and_open_answers_and_scores_nothing(
    survey: AssessmentTest, participant: Enrollment
) -> None:
    submission = services.submission_start(access_code=survey.access_code, participant_code="0423")
    rating = survey.questions.filter(content__kind="rating").order_by("order").first()
    open_question = survey.questions.filter(content__kind="open").order_by("order").first()
    assert rating is not None and open_question is not None
    services.answer_save(submission=submission, question=rating, rating=4)
    services.answer_save(submission=submission, question=open_question, text="  <b>Bien</b>  ")

    sent = services.submission_submit(submission=submission)

    assert (sent.score, sent.max_score) == (0, 0)
    assert submission.answers.get(question=rating).rating == 4
    assert submission.answers.get(question=open_question).text == "<b>Bien</b>"


def test_a_question_of_another_test_is_refused(session: Session, participant: Enrollment) -> None:
    objectives = small_bank()
    test = open_test(session, objectives)
    other = open_test(SessionFactory(workshop=session.workshop), objectives)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")

    error = _error(
        services.answer_save,
        submission=submission,
        question=_questions(other)[0],
        choices=["A"],
    )

    assert error.code == "tampered"
    assert not Answer.objects.exists()


def test_a_session_has_one_test_of_each_kind(session: Session) -> None:
    open_test(session)
    error = _error(
        services.test_create,
        session=session,
        kind=AssessmentTest.Kind.PRE,
        title="Encore",
        contents=[{"kind": "open", "text": "?"}],
    )
    assert (error.code, error.field) == ("test_exists", "kind")


# --- Two phones racing --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_phones_sending_at_the_same_instant_keep_one_copy() -> None:
    """Two threads, two database connections: the row lock lets the first through and the
    second finds the copy sent. Run on PostgreSQL (KALAN_DATABASE_URL) this exercises
    SELECT … FOR UPDATE; on SQLite, BEGIN IMMEDIATE serialises the two the same way."""
    session = SessionFactory()
    EnrollmentFactory(session=session, code="0423")
    test = open_test(session)
    submission = services.submission_start(access_code=test.access_code, participant_code="0423")
    services.answer_save(submission=submission, question=_questions(test)[0], choices=["A"])

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        from django.db import connection as thread_connection

        try:
            copy = Submission.objects.get(pk=submission.pk)  # each phone has its own
            barrier.wait(timeout=10)
            try:
                services.submission_submit(submission=copy)
            except AssessmentError as error:
                outcome = error.code
            else:
                outcome = "sent"
            with lock:
                outcomes.append(outcome)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already_submitted", "sent"]
    assert Submission.objects.filter(submitted_at__isnull=False).count() == 1
