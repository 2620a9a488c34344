"""Reads of the follow-up rounds: the relays index, a workshop's follow-up, the call list.

Every list page runs a fixed number of queries whatever its rows (one query per table, grouped
in SQL), and reaches only the relays the user may see (``relays_visible``: a trainer, those of
the sessions assigned to them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from kalan.relays.models import (
    CallAttempt,
    Commitment,
    Departure,
    Respondent,
    Response,
    Restitution,
    Round,
    RoundQuestion,
)
from kalan.relays.selectors import relays_visible
from kalan.workshops.models import Enrollment, Session, Workshop
from kalan.workshops.selectors import sessions_visible, workshops_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


# --- the index and a workshop's follow-up -------------------------------------------------------


@dataclass
class RoundSummary:
    round: Round
    listed: int = 0  # respondents of the call list
    answered: int = 0
    departed: int = 0  # out of the follow-up: not called, out of the rate

    @property
    def to_reach(self) -> int:
        return self.listed - self.departed

    @property
    def rate(self) -> int | None:
        """Answered, in percent of those still followed (the departed left out of both)."""
        return round(100 * self.answered / self.to_reach) if self.to_reach else None


@dataclass
class WorkshopRelays:
    workshop: Workshop
    relays: int = 0
    commitments: int = 0
    restitutions: int = 0
    rounds: list[RoundSummary] = field(default_factory=list)


def _round_summaries(rounds: QuerySet[Round], *, user: AnyUser) -> list[RoundSummary]:
    """The rounds with their counts, in one query (answered and departed left apart)."""
    visible = relays_visible(user).values("pk")
    departed = Departure.objects.filter(person_id=OuterRef("respondents__enrollment__person_id"))
    scope = Q(respondents__enrollment__in=visible)
    rows = rounds.annotate(
        n_listed=Count("respondents", filter=scope, distinct=True),
        n_answered=Count(
            "respondents",
            filter=scope & Q(respondents__answered_at__isnull=False),
            distinct=True,
        ),
        n_departed=Count("respondents", filter=scope & Q(Exists(departed)), distinct=True),
    ).order_by("workshop_id", "number")
    return [
        RoundSummary(round=r, listed=r.n_listed, answered=r.n_answered, departed=r.n_departed)
        for r in rows
    ]


def _counts(rows: QuerySet[Any]) -> dict[int, int]:
    return {r["w"]: r["n"] for r in rows}


def relays_index(*, user: AnyUser) -> list[WorkshopRelays]:
    """Each workshop the user may see that has relays or rounds, with its counts: five
    queries whatever the number of workshops."""
    relays = relays_visible(user)
    by_relays = _counts(
        relays.values(w=F("session__workshop_id")).annotate(n=Count("person_id", distinct=True))
    )
    by_commitments = _counts(
        Commitment.objects.filter(enrollment__in=relays.values("pk"))
        .values(w=F("enrollment__session__workshop_id"))
        .annotate(n=Count("pk"))
    )
    by_restitutions = _counts(
        Restitution.objects.filter(enrollment__in=relays.values("pk"))
        .values(w=F("enrollment__session__workshop_id"))
        .annotate(n=Count("pk"))
    )
    by_rounds: dict[int, list[RoundSummary]] = defaultdict(list)
    rounds = Round.objects.filter(workshop__in=workshops_visible(user))
    for summary in _round_summaries(rounds, user=user):
        by_rounds[summary.round.workshop_id].append(summary)
    keep = set(by_relays) | set(by_rounds)
    workshops = workshops_visible(user).filter(pk__in=keep).order_by("-created_at")
    return [
        WorkshopRelays(
            workshop=w,
            relays=by_relays.get(w.pk, 0),
            commitments=by_commitments.get(w.pk, 0),
            restitutions=by_restitutions.get(w.pk, 0),
            rounds=by_rounds.get(w.pk, []),
        )
        for w in workshops
    ]


@dataclass
class WorkshopFollowup:
    workshop: Workshop
    sessions: list[Session]
    rounds: list[RoundSummary]
    relays: int
    last_day: dt.date | None  # the end of the last held session: the rounds count from it


def workshop_followup(*, pk: int, user: AnyUser) -> WorkshopFollowup:
    """A workshop's rounds with their counts, and its sessions (links to their commitments);
    Http404 outside the user's scope."""
    from kalan.relays.services_rounds import workshop_last_day

    workshop = workshops_visible(user).filter(pk=pk).first()
    if workshop is None:
        raise Http404
    sessions = list(
        sessions_visible(user)
        .filter(workshop=workshop)
        .select_related("place")
        .order_by("start_date", "number")
    )
    relays = (
        relays_visible(user)
        .filter(session__workshop=workshop)
        .aggregate(n=Count("person_id", distinct=True))["n"]
    )
    return WorkshopFollowup(
        workshop=workshop,
        sessions=sessions,
        rounds=_round_summaries(Round.objects.filter(workshop=workshop), user=user),
        relays=relays,
        last_day=workshop_last_day(workshop=workshop),
    )


def round_get(*, uid: Any, user: AnyUser) -> Round:
    """The round, if the user may see its workshop; Http404 otherwise."""
    found = (
        Round.objects.select_related("workshop")
        .filter(uid=uid, workshop__in=workshops_visible(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- the call list -----------------------------------------------------------------------------

TO_CALL, IN_CALL, ANSWERED, DEPARTED = "to_call", "in_call", "answered", "departed"
FILTERS = ("today", "answered", "all")


@dataclass
class CallRow:
    respondent: Respondent
    attempts: int
    last_outcome: str | None
    departure: str | None  # the reason's label, when the officer left the follow-up
    status: str
    due: bool  # to call today (no date set, or the date has come)

    @property
    def person(self) -> Any:
        return self.respondent.enrollment.person

    @property
    def last_outcome_label(self) -> str:
        return str(CallAttempt.Outcome(self.last_outcome).label) if self.last_outcome else ""


_ORDER = {TO_CALL: 0, IN_CALL: 1, ANSWERED: 3, DEPARTED: 4}


def _row_key(row: CallRow) -> tuple[Any, ...]:
    later = row.status == TO_CALL and not row.due
    return (
        _ORDER[row.status] + (1.5 if later else 0),
        row.respondent.next_call_on or dt.date.min,
        row.person.sort_last,
        row.person.sort_first,
        row.respondent.pk,
    )


def _respondents(round: Round, user: AnyUser) -> QuerySet[Respondent]:
    attempts = CallAttempt.objects.filter(respondent=OuterRef("pk"))
    return (
        Respondent.objects.filter(round=round, enrollment__in=relays_visible(user).values("pk"))
        .select_related("enrollment__person__unit", "claimed_by", "answered_by")
        .annotate(
            n_attempts=Subquery(
                attempts.order_by().values("respondent").annotate(c=Count("pk")).values("c")
            ),
            last_outcome=Subquery(attempts.order_by("-called_at", "-pk").values("outcome")[:1]),
            departure_reason=Subquery(
                Departure.objects.filter(person_id=OuterRef("enrollment__person_id")).values(
                    "reason"
                )[:1]
            ),
        )
    )


def _status(respondent: Any, *, now: dt.datetime) -> str:
    from kalan.relays.services_calls import CLAIM_TTL

    if respondent.answered_at is not None:
        return ANSWERED
    if respondent.departure_reason:
        return DEPARTED
    if (
        respondent.claimed_by_id
        and respondent.claimed_at
        and (respondent.claimed_at >= now - CLAIM_TTL)
    ):
        return IN_CALL
    return TO_CALL


def call_list(
    *, round: Round, user: AnyUser, show: str = "all", now: dt.datetime | None = None
) -> list[CallRow]:
    """The round's call list, the calls due first (then those in progress, those to call
    later, the answered and the departed): one query whatever its length."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = []
    for respondent in _respondents(round, user):
        row = _call_row(respondent, now=now, today=today)
        if show == "today" and not row.due:
            continue
        if show == "answered" and row.status != ANSWERED:
            continue
        rows.append(row)
    rows.sort(key=_row_key)
    return rows


def _call_row(r: Any, *, now: dt.datetime, today: dt.date) -> CallRow:
    """A row of the list from a respondent of ``_respondents`` (with its annotations)."""
    status = _status(r, now=now)
    due = status == TO_CALL and (r.next_call_on is None or r.next_call_on <= today)
    departure = str(Departure.Reason(r.departure_reason).label) if r.departure_reason else None
    return CallRow(r, r.n_attempts or 0, r.last_outcome, departure, status, due)


def call_counts(rows: list[CallRow]) -> dict[str, int]:
    """The list's counts by status; ``active`` and ``answered_active`` leave out the officers
    out of the follow-up, as the response rate of the figures does (an officer who answered
    before leaving shows as answered in the list, but counts in neither term of the rate)."""
    counts = {TO_CALL: 0, IN_CALL: 0, ANSWERED: 0, DEPARTED: 0, "due": 0}
    counts.update(active=0, answered_active=0)
    for row in rows:
        counts[row.status] += 1
        counts["due"] += row.due
        if row.departure is None:
            counts["active"] += 1
            counts["answered_active"] += row.status == ANSWERED
    return counts


def next_to_call(
    *, round: Round, user: AnyUser, now: dt.datetime | None = None
) -> Respondent | None:
    """The first officer due for a call that nobody else is calling."""
    rows = call_list(round=round, user=user, show="today", now=now)
    return rows[0].respondent if rows else None


@dataclass
class CallPage:
    row: CallRow
    attempts: list[CallAttempt]
    questions: list[RoundQuestion]
    answers: dict[int, Any]  # question pk → stored value, once answered


def call_page(*, round: Round, pk: int, user: AnyUser, now: dt.datetime | None = None) -> CallPage:
    """One officer of the call list with their attempts, the round's questions and, once
    given, the answers; Http404 outside the list or the user's scope."""
    now = now or timezone.now()
    respondent = _respondents(round, user).filter(pk=pk).first()
    if respondent is None:
        raise Http404
    row = _call_row(respondent, now=now, today=timezone.localdate(now))
    attempts = list(
        CallAttempt.objects.filter(respondent=respondent)
        .select_related("caller")
        .order_by("-called_at", "-pk")
    )
    questions = list(RoundQuestion.objects.filter(round=round).order_by("order"))
    answers = {}
    if respondent.answered_at is not None:
        answers = dict(
            Response.objects.filter(respondent=respondent).values_list("question_id", "value")
        )
    return CallPage(row=row, attempts=attempts, questions=questions, answers=answers)


def relay_open_rounds(*, enrollment: Enrollment) -> list[Respondent]:
    """The rounds in progress where this relay (this person) is listed, answered or not."""
    return list(
        Respondent.objects.filter(
            enrollment__person_id=enrollment.person_id, round__status=Round.Status.OPEN
        )
        .select_related("round__workshop", "answered_by")
        .order_by("round__opens_on", "pk")
    )
