"""Builders of the follow-up rounds' tests: a workshop with its relays, the bank loaded, a
round open."""

from __future__ import annotations

from kalan.core.models import User
from kalan.relays.bank import followup_bank_load
from kalan.relays.models import Respondent, Round, RoundQuestion
from kalan.relays.services_rounds import round_open, rounds_plan
from kalan.workshops.models import Enrollment, Session
from tests.relays.factories import relay


def relays_in(session: Session, n: int) -> list[Enrollment]:
    return [relay(session) for _ in range(n)]


def opened_round(session: Session, *, n: int, by: User | None = None) -> Round:
    """Round 1 (+1 month) of the session's workshop, opened with ``n`` relays listed."""
    relays_in(session, n)
    followup_bank_load()
    [first, *_rest] = rounds_plan(workshop=session.workshop, months=[1], by=by)
    return round_open(round=first, by=by).round


def question(round: Round, code: str) -> RoundQuestion:
    return RoundQuestion.objects.get(round=round, content__code=code)


def respondents(round: Round) -> list[Respondent]:
    return list(
        Respondent.objects.filter(round=round).select_related("enrollment__person").order_by("pk")
    )
