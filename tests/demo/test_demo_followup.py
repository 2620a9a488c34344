"""The demo's follow-up of the Sévaré and Ségou relays (kalan.demo.followup): plausible
numbers, the same on every run, loaded once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Min

from kalan.relays.bank import bank_data
from kalan.relays.models import (
    CallAttempt,
    Commitment,
    Departure,
    RelayCode,
    Respondent,
    Response,
    Restitution,
    Round,
)
from kalan.workshops.models import Enrollment

pytestmark = pytest.mark.django_db

RELAYS = 80  # every participant of both sessions was present at least one day


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    """The follow-up as the demo made it, named by service numbers rather than ids."""
    officer = "enrollment__person__service_number"
    return {
        "commitments": sorted(
            Commitment.objects.values_list(officer, "people_planned", "due_on", "source")
        ),
        "restitutions": sorted(
            Restitution.objects.values_list(
                officer, "held_on", "unit__name", "women", "men", "colleagues", "leaders"
            )
        ),
        "answers": sorted(
            (
                r.respondent.round.number,
                r.respondent.enrollment.person.service_number,
                r.question.content["code"],
                str(r.value),
            )
            for r in Response.objects.select_related(
                "respondent__round", "respondent__enrollment__person", "question"
            )
        ),
        "calls": sorted(
            CallAttempt.objects.values_list(
                "respondent__round__number", f"respondent__{officer}", "called_at", "outcome"
            )
        ),
        "departures": sorted(Departure.objects.values_list("person__service_number", "reason")),
    }


def test_most_relays_committed_and_restituted_some_late_some_never() -> None:
    run_demo()
    assert 62 <= Commitment.objects.count() <= 74  # about 85 %
    assert Commitment.objects.filter(objectives__isnull=False).distinct().count() > 60
    ends = {e.pk: e.session.end_date for e in Enrollment.objects.select_related("session")}
    first = {
        row["enrollment"]: (row["first"] - ends[row["enrollment"]]).days
        for row in Restitution.objects.values("enrollment").annotate(first=Min("held_on"))
    }
    within = sum(1 for days in first.values() if days <= 92)
    assert 40 <= within <= 56  # about 60 % within three months
    assert sum(1 for days in first.values() if days > 92) >= 3  # some late
    assert RELAYS - len(first) >= 15  # some never
    restitutions = list(Restitution.objects.all())
    assert len({r.unit_id for r in restitutions}) >= 10  # in several units
    assert all(8 <= r.colleagues <= 40 and r.held_on > dt.date(2022, 11, 10) for r in restitutions)
    assert any(r.leaders for r in restitutions) and any(r.population for r in restitutions)
    women = sum(r.women for r in restitutions)
    men = sum(r.men for r in restitutions)
    assert 0 < women < men / 3  # mostly men
    assert sorted(Departure.objects.values_list("reason", flat=True)) == [
        "left",
        "transferred",
        "transferred",
    ]


def test_two_rounds_one_closed_one_open_with_partial_response() -> None:
    run_demo()
    first, second = Round.objects.order_by("number")
    assert (first.months, first.status, first.opens_on) == (1, "closed", dt.date(2022, 12, 16))
    assert (second.months, second.status, second.opens_on) == (3, "open", dt.date(2023, 2, 16))
    assert first.questions.count() == second.questions.count() == len(bank_data())
    assert RelayCode.objects.count() == RELAYS
    shares = []
    for found in (first, second):
        respondents = found.respondents.all()
        assert respondents.count() == RELAYS
        shares.append(respondents.filter(answered_at__isnull=False).count() / RELAYS)
    assert 0.6 <= shares[0] <= 0.75 and 0.4 <= shares[1] <= 0.55
    gone = Departure.objects.values_list("person_id", flat=True)
    answered = Respondent.objects.filter(answered_at__isnull=False)
    assert not answered.filter(enrollment__person__in=gone).exists()
    outcomes = Counter(CallAttempt.objects.values_list("outcome", flat=True))
    assert set(outcomes) == {"no_answer", "wrong", "refused", "transferred", "reached"}
    assert outcomes["reached"] == answered.filter(answered_via="call").count()
    assert answered.filter(answered_via="phone").exists()
    # Round 2 is under way: officers left to call, with a day to call them again.
    assert second.respondents.filter(answered_at=None, next_call_on__isnull=False).exists()


def test_the_answers_are_plausible_and_agree_with_the_restitutions() -> None:
    run_demo()
    responses = Response.objects.select_related("respondent__enrollment", "question")
    for code in ("PRACTICE_RIGHTS", "PRACTICE_REGISTER", "PRACTICE_LAWYER"):
        values = Counter(r.value for r in responses if r.question.content["code"] == code)
        assert len(values) >= 3 and values["changed"] < 0.7 * sum(values.values())
    rights = Counter(r.value for r in responses if r.question.content["code"] == "PRACTICE_RIGHTS")
    lawyer = Counter(r.value for r in responses if r.question.content["code"] == "PRACTICE_LAWYER")
    assert rights["changed"] > lawyer["changed"]
    for response in responses:
        if response.question.content["code"] != "RESTITUTION_DONE":
            continue
        respondent = response.respondent
        assert respondent.answered_at is not None
        held = Restitution.objects.filter(
            enrollment=respondent.enrollment, held_on__lte=respondent.answered_at.date()
        ).exists()
        assert response.value is held


def test_the_follow_up_is_the_same_on_every_run() -> None:
    run_demo()
    made = snapshot()
    Round.objects.all().delete()
    for model in (Commitment, Restitution, Departure, RelayCode):
        model.objects.all().delete()
    out = run_demo()
    assert "commitments: " in out and "followup_rounds: 2" in out
    assert snapshot() == made


def test_running_it_twice_adds_no_follow_up() -> None:
    first = run_demo()
    assert "followup_rounds: 2" in first and "departures: 3" in first
    made = snapshot()
    out = run_demo()
    for name in ("commitments", "restitutions", "departures", "followup_rounds"):
        assert f"{name}: 0" in out
    assert snapshot() == made


def test_the_dry_run_writes_no_follow_up() -> None:
    out = run_demo("--dry-run")
    assert "followup_rounds: 2" in out
    assert not Round.objects.exists() and not Restitution.objects.exists()
