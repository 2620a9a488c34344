import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from kalan.core.models import User
from kalan.relays.errors import RelayError
from kalan.relays.models import CallAttempt, Response, Round, Source
from kalan.relays.services_calls import (
    CLAIM_TTL,
    call_record,
    respondent_claim,
    respondent_release,
    responses_save,
)
from kalan.relays.services_rounds import round_close
from kalan.workshops.models import Session
from tests.factories import UserFactory
from tests.relays.builders_rounds import opened_round, question, respondents
from tests.relays.factories import DepartureFactory

pytestmark = pytest.mark.django_db


def _answers(round: Round) -> dict[int, Any]:
    return {
        question(round, "RESTITUTION_DONE").pk: "yes",
        question(round, "RESTITUTION_COUNT").pk: "2",
        question(round, "PERSONS_REACHED").pk: "35",
        question(round, "PRACTICE_RIGHTS").pk: "changed",
        question(round, "OBSTACLES").pk: ["time", "materials"],
        question(round, "COMMENT").pk: "  Bonne formation.  ",
    }


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Places, corps and ranks again: a transactional test's flush takes the migration's rows."""
    from django.apps import apps

    from kalan.people.reference import reference_2026_load, reference_load

    reference_load(apps)
    reference_2026_load(apps)


@pytest.fixture
def other_caller(db: None) -> User:
    return UserFactory(username="second.appelant", first_name="Fatoumata", last_name="Sidibé")


def test_a_free_call_is_claimed_and_a_second_caller_is_told_who_has_it(
    sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    claimed = respondent_claim(respondent=respondent, by=monitoring_officer)
    assert claimed.claimed_by == monitoring_officer
    assert respondent_claim(respondent=respondent, by=monitoring_officer)  # the same caller again
    with pytest.raises(RelayError) as error:
        respondent_claim(respondent=respondent, by=other_caller)
    assert error.value.code == "claimed"
    assert monitoring_officer.get_full_name() in str(error.value)
    assert "Appel en cours par" in str(error.value)


def test_a_claim_older_than_twenty_minutes_can_be_taken_over(
    sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    long_ago = timezone.now() - CLAIM_TTL - dt.timedelta(seconds=1)
    respondent_claim(respondent=respondent, by=monitoring_officer, now=long_ago)
    taken = respondent_claim(respondent=respondent, by=other_caller)
    assert taken.claimed_by == other_caller


def test_a_departed_officer_is_not_called(
    sevare_session: Session, monitoring_officer: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    DepartureFactory(person=respondent.enrollment.person, since=dt.date(2023, 1, 1))
    with pytest.raises(RelayError) as error:
        respondent_claim(respondent=respondent, by=monitoring_officer)
    assert error.value.code == "departed"


def test_each_call_is_one_more_attempt_and_releases_the_claim_unless_reached(
    sevare_session: Session, monitoring_officer: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    respondent_claim(respondent=respondent, by=monitoring_officer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    call_record(
        respondent=respondent,
        by=monitoring_officer,
        outcome=CallAttempt.Outcome.NO_ANSWER,
        next_call_on=tomorrow,
        note="Messagerie",
    )
    respondent.refresh_from_db()
    assert respondent.claimed_by is None and respondent.next_call_on == tomorrow
    call_record(respondent=respondent, by=monitoring_officer, outcome="reached")
    respondent.refresh_from_db()
    assert respondent.claimed_by == monitoring_officer
    outcomes = list(respondent.attempts.order_by("called_at").values_list("outcome", "note"))
    assert outcomes == [("no_answer", "Messagerie"), ("reached", "")]


def test_a_call_back_date_in_the_past_or_an_unknown_outcome_is_refused(
    sevare_session: Session, monitoring_officer: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(RelayError) as error:
        call_record(
            respondent=respondent,
            by=monitoring_officer,
            outcome="no_answer",
            next_call_on=yesterday,
        )
    assert error.value.field == "next_call_on"
    with pytest.raises(RelayError) as error:
        call_record(respondent=respondent, by=monitoring_officer, outcome="busy")
    assert error.value.field == "outcome"
    assert not CallAttempt.objects.exists()


def test_a_call_while_another_caller_has_the_line_is_refused(
    sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    respondent_claim(respondent=respondent, by=other_caller)
    with pytest.raises(RelayError) as error:
        call_record(respondent=respondent, by=monitoring_officer, outcome="no_answer")
    assert error.value.code == "claimed"
    assert respondent_release(respondent=respondent, by=monitoring_officer) is False
    assert respondent_release(respondent=respondent, by=other_caller) is True
    call_record(respondent=respondent, by=monitoring_officer, outcome="no_answer")


def test_the_answers_are_saved_checked_and_marked_once(
    sevare_session: Session, monitoring_officer: User
) -> None:
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    respondent_claim(respondent=respondent, by=monitoring_officer)
    done = responses_save(
        respondent=respondent, answers=_answers(round), via=Source.CALL, by=monitoring_officer
    )
    assert done.answered_at and done.answered_via == Source.CALL
    assert done.answered_by == monitoring_officer and done.claimed_by is None
    values = dict(
        Response.objects.filter(respondent=respondent).values_list(
            "question__content__code", "value"
        )
    )
    assert values["RESTITUTION_DONE"] is True
    assert values["RESTITUTION_COUNT"] == 2
    assert values["PERSONS_REACHED"] == 35
    assert values["PRACTICE_RIGHTS"] == "changed"
    assert values["OBSTACLES"] == ["time", "materials"]
    assert values["COMMENT"] == "Bonne formation."
    assert values["SUPPORT"] is None  # skipped
    assert len(values) == 12


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("PERSONS_REACHED", "-3", "entre 0 et 100000"),
        ("PERSONS_REACHED", "100001", "entre 0 et 100000"),
        ("RESTITUTION_COUNT", "deux", "nombre entier"),
        ("PRACTICE_LAWYER", "souvent", "réponse inconnue"),
        ("OBSTACLES", ["time", "weather"], "réponse inconnue"),
        ("RESTITUTION_DONE", "peut-être", "oui ou non"),
        ("COMMENT", "x" * 2001, "2000 caractères"),
    ],
)
def test_a_wrong_answer_is_refused_naming_the_question_and_nothing_is_written(
    sevare_session: Session, monitoring_officer: User, code: str, raw: Any, expected: str
) -> None:
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    answers = _answers(round) | {question(round, code).pk: raw}
    with pytest.raises(RelayError) as error:
        responses_save(respondent=respondent, answers=answers, via="call", by=monitoring_officer)
    assert expected in str(error.value)
    assert f"Question {question(round, code).order}" in str(error.value)
    assert error.value.field == f"q{question(round, code).pk}"
    assert not Response.objects.exists()
    respondent.refresh_from_db()
    assert respondent.answered_at is None


def test_an_empty_questionnaire_or_a_question_of_another_round_is_refused(
    sevare_session: Session, monitoring_officer: User
) -> None:
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    with pytest.raises(RelayError) as error:
        responses_save(respondent=respondent, answers={}, via="call", by=monitoring_officer)
    assert error.value.code == "no_answer"
    with pytest.raises(RelayError):
        responses_save(
            respondent=respondent, answers={999_999: "yes"}, via="call", by=monitoring_officer
        )
    assert not Response.objects.exists()


def test_a_second_submission_is_refused_and_the_first_answers_stay(
    sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    responses_save(respondent=respondent, answers=_answers(round), via="phone", by=None)
    second = _answers(round) | {question(round, "PERSONS_REACHED").pk: "500"}
    with pytest.raises(RelayError) as error:
        responses_save(respondent=respondent, answers=second, via="call", by=other_caller)
    assert error.value.code == "already_answered"
    assert "Ce questionnaire a déjà été rempli le" in str(error.value)
    assert "l’officier, sur son téléphone" in str(error.value)
    reached = Response.objects.get(question=question(round, "PERSONS_REACHED"))
    assert reached.value == 35
    assert Response.objects.count() == 12
    respondent.refresh_from_db()
    assert respondent.answered_via == "phone"


def test_a_closed_round_takes_no_call_and_no_answer(
    sevare_session: Session, monitoring_officer: User
) -> None:
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    round_close(round=round, by=monitoring_officer)
    for attempt in (
        lambda: respondent_claim(respondent=respondent, by=monitoring_officer),
        lambda: call_record(respondent=respondent, by=monitoring_officer, outcome="reached"),
        lambda: responses_save(
            respondent=respondent, answers=_answers(round), via="call", by=monitoring_officer
        ),
    ):
        with pytest.raises(RelayError) as error:
            attempt()
        assert error.value.code == "round_not_open"


@pytest.mark.django_db(transaction=True)
def test_two_callers_submitting_at_once_write_one_set_of_answers(
    reference_data: None, sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    """Two threads, two connections: one submission passes, the other is refused whole."""
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(user: User, reached: str) -> None:
        answers = _answers(round) | {question(round, "PERSONS_REACHED").pk: reached}
        try:
            barrier.wait(timeout=10)
            responses_save(respondent=respondent, answers=answers, via="call", by=user)
            outcomes.append("saved")
        except RelayError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(monitoring_officer, "10")),
        threading.Thread(target=submit, args=(other_caller, "20")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already_answered", "saved"]
    assert Response.objects.filter(respondent=respondent).count() == 12
    respondent.refresh_from_db()
    winner = "10" if respondent.answered_by == monitoring_officer else "20"
    assert Response.objects.get(question=question(round, "PERSONS_REACHED")).value == int(winner)


@pytest.mark.django_db(transaction=True)
def test_two_callers_claiming_at_once_get_one_claim(
    reference_data: None, sevare_session: Session, monitoring_officer: User, other_caller: User
) -> None:
    [respondent] = respondents(opened_round(sevare_session, n=1))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            respondent_claim(respondent=respondent, by=user)
            outcomes.append(f"ok:{user.pk}")
        except RelayError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=claim, args=(u,)) for u in (monitoring_officer, other_caller)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and "claimed" in outcomes
    [winner] = [o for o in outcomes if o.startswith("ok:")]
    respondent.refresh_from_db()
    assert winner == f"ok:{respondent.claimed_by_id}"
