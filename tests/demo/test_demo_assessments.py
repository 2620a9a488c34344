"""The demo's tests of the Sévaré session: answered, with a story the results page can tell."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from kalan.assessments.models import Answer, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.selectors import session_results
from kalan.demo.assessments import PER_OBJECTIVE, WEAKEST_OBJECTIVE
from kalan.workshops.models import Enrollment, Session

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def sevare() -> Session:
    return Session.objects.get(place__name="Sévaré")


def present_on(session: Session, day_index: int) -> int:
    return (
        session.enrollments.filter(
            role=Enrollment.Role.PARTICIPANT, attendances__day=session.days[day_index]
        )
        .distinct()
        .count()
    )


def test_sevare_has_a_pre_test_a_post_test_and_a_survey_all_closed() -> None:
    run_demo()
    session = sevare()
    tests = {t.kind: t for t in AssessmentTest.objects.filter(session=session)}
    assert set(tests) == {"pre", "post", "survey"}
    assert all(t.status == AssessmentTest.Status.CLOSED for t in tests.values())
    assert tests["pre"].opened_at.date() == session.start_date  # type: ignore[union-attr]
    assert tests["post"].opened_at.date() == session.end_date  # type: ignore[union-attr]
    assert not AssessmentTest.objects.filter(session__place__name="Ségou").exists()


def test_those_present_on_the_first_and_last_days_answered() -> None:
    run_demo()
    session = sevare()
    results = session_results(session=session)
    assert results.pre is not None
    assert results.post is not None
    assert results.survey is not None
    assert results.pre.copies == present_on(session, 0)
    assert results.post.copies == present_on(session, -1)
    assert results.survey.copies == present_on(session, -1)
    assert Submission.objects.filter(test=results.pre.test, on_paper=True).count() == 5
    assert not Submission.objects.filter(submitted_at__isnull=True).exists()


def test_the_group_is_weaker_before_than_after_and_one_objective_is_clearly_weakest() -> None:
    run_demo()
    results = session_results(session=sevare())
    assert results.pre is not None
    assert results.post is not None
    assert results.pre.mean_percent is not None
    assert results.post.mean_percent is not None
    assert results.post.mean_percent > results.pre.mean_percent + 15
    assert results.hake_gain is not None
    assert 0.3 < results.hake_gain < 0.8
    # What to teach on day 2: the weakest objective of the pre-test stands out.
    weakest, second = results.pre.objectives[:2]
    assert weakest.code == WEAKEST_OBJECTIVE
    assert weakest.difficulty is not None
    assert second.difficulty is not None
    assert weakest.difficulty < second.difficulty - 0.10
    # Taught, it is still the weakest after.
    assert results.post.objectives[0].code == WEAKEST_OBJECTIVE


def test_some_questions_work_badly_and_are_flagged() -> None:
    run_demo()
    results = session_results(session=sevare())
    for test in (results.pre, results.post):
        assert test is not None
        codes = {flag.code for question in test.questions for flag in question.flags}
        assert "too_easy" in codes
        assert "negative_discrimination" in codes
        assert len(test.flagged) < len(test.questions) / 2


def test_satisfaction_has_ratings_and_open_answers() -> None:
    run_demo()
    survey = session_results(session=sevare()).survey
    assert survey is not None
    assert survey.ratings
    assert all(item.count == survey.copies for item in survey.ratings)
    assert survey.mean_rating is not None
    assert 3.5 < survey.mean_rating < 4.6
    assert all(item.answers for item in survey.open_questions)


def test_running_it_twice_adds_no_test_copy_or_answer() -> None:
    first = run_demo()
    assert "tests: 3" in first
    counts = (AssessmentTest.objects.count(), Submission.objects.count(), Answer.objects.count())
    out = run_demo()
    assert (
        AssessmentTest.objects.count(),
        Submission.objects.count(),
        Answer.objects.count(),
    ) == counts
    assert "tests: 0" in out
    assert "copies: 0" in out


def test_dry_run_says_it_would_create_the_tests_and_writes_none() -> None:
    out = run_demo("--dry-run")
    assert "tests: 3" in out
    assert not AssessmentTest.objects.exists()
    assert not Answer.objects.exists()


def test_the_questions_come_from_the_bank_five_per_objective() -> None:
    run_demo()
    pre = AssessmentTest.objects.get(session=sevare(), kind="pre")
    questions = list(pre.questions.order_by("order"))
    assert all(q.question_id is not None for q in questions)
    objectives = Counter(q.content["objective"] for q in questions)
    assert objectives == dict.fromkeys(["O1", "O2", "O3", "O4", "O5"], PER_OBJECTIVE)
    assert all(q.content["source"] for q in questions)
    post = AssessmentTest.objects.get(session=sevare(), kind="post")
    assert [q.content for q in post.questions.order_by("order")] == [q.content for q in questions]
