"""The follow-up's figures (kalan.reports.figures_followup) against counts the test makes itself
from the rows it wrote: a programme of two workshops, relays with departures and a superseded
enrollment, rounds with partial answers, restitutions in units and without one."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kalan.core.formats import months_after
from kalan.relays.models import (
    Commitment,
    Departure,
    Respondent,
    Response,
    Restitution,
    Round,
    RoundQuestion,
)
from kalan.reports.figures import Scope
from kalan.reports.figures_followup import (
    FollowUp,
    followup,
    followup_per,
)
from kalan.workshops.models import Enrollment, Session, Workshop
from tests.factories import SessionFactory, UnitFactory, WorkshopFactory
from tests.relays.factories import (
    CommitmentFactory,
    DepartureFactory,
    RestitutionFactory,
    RoundFactory,
    relay,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 6, 30)
PRACTICES = ("RIGHTS", "REGISTER", "LAWYER")
VALUES = ("changed", "already", "not_yet", "not_applicable", None)


@dataclass
class Built:
    workshops: list[Workshop]
    sessions: list[Session]
    relays: list[Enrollment]  # every relay made, superseded one included
    superseded: Enrollment


def _questions(round_: Round) -> dict[str, RoundQuestion]:
    found = {
        code: RoundQuestion.objects.create(
            round=round_,
            order=n,
            content={
                "code": code,
                "kind": "practice",
                "text": f"Pratique {code} ?",
                "practice": f"Pratique {code}",
                "practice_en": f"Practice {code}",
                "choices": [],
            },
        )
        for n, code in enumerate(PRACTICES, start=1)
    }
    RoundQuestion.objects.create(
        round=round_, order=9, content={"code": "DONE", "kind": "yes_no", "text": "Fait ?"}
    )
    return found


def build(*, relays_per_session: int = 6, seed: int = 13) -> Built:
    rng = random.Random(seed)
    units = [UnitFactory() for _ in range(3)]
    workshops = [WorkshopFactory(title="Atelier A"), WorkshopFactory(title="Atelier B")]
    sessions = [
        SessionFactory(workshop=workshops[0], start_date=dt.date(2022, 11, 8)),
        SessionFactory(workshop=workshops[0], start_date=dt.date(2023, 5, 2)),  # 3 months to come
        SessionFactory(workshop=workshops[1], start_date=dt.date(2022, 11, 28)),
    ]
    made = [relay(session) for session in sessions for _ in range(relays_per_session)]
    # The same person twice in a session, merged: the superseded enrollment never counts.
    superseded = relay(sessions[0])
    superseded.superseded_by = made[0]
    superseded.save()
    for enrollment in [*made[::5], superseded]:
        DepartureFactory(person=enrollment.person)
    for enrollment in [*made, superseded]:
        if rng.random() < 0.6:
            CommitmentFactory(enrollment=enrollment, people_planned=rng.randrange(1, 40))
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            women, men = rng.randrange(0, 12), rng.randrange(1, 30)
            leaders = rng.randrange(0, 3)
            families = rng.randrange(0, women + men - leaders + 1)
            RestitutionFactory(
                enrollment=enrollment,
                held_on=enrollment.session.end_date + dt.timedelta(days=rng.randrange(1, 200)),
                unit=rng.choice([*units, None]),
                women=women,
                men=men,
                colleagues=women + men - leaders - families,
                families=families,
                leaders=leaders,
            )
    for workshop in workshops:
        for number, status in ((1, "closed"), (2, "open"), (3, "draft")):
            round_ = RoundFactory(workshop=workshop, number=number, months=number, status=status)
            questions = _questions(round_)
            for enrollment in [*made, superseded]:
                if enrollment.session.workshop_id != workshop.pk or rng.random() < 0.1:
                    continue
                respondent = Respondent.objects.create(round=round_, enrollment=enrollment)
                if rng.random() < 0.4:
                    continue  # on the list, not reached yet
                respondent.answered_at = timezone.now()
                respondent.save()
                for _code, question in questions.items():
                    Response.objects.create(
                        respondent=respondent, question=question, value=rng.choice(VALUES)
                    )
    return Built(workshops=workshops, sessions=sessions, relays=made, superseded=superseded)


def expected(sessions: list[Session]) -> FollowUp:
    """The figures counted here, row by row, from the models: no query of the module."""
    ids = {session.pk for session in sessions}
    relays = [
        e
        for e in Enrollment.objects.filter(session_id__in=ids, superseded_by__isnull=True)
        if e.attendances.exists() and e.role == "participant"
    ]
    gone = set(Departure.objects.values_list("person_id", flat=True))
    active = [e for e in relays if e.person_id not in gone]
    found = FollowUp(relays=len(relays), departed=len(relays) - len(active))
    for e in active:
        deadline = months_after(e.session.end_date, 3)
        if deadline <= TODAY:
            found.due += 1
            found.on_time += e.restitutions.filter(held_on__lte=deadline).exists()
        commitment = Commitment.objects.filter(enrollment=e).first()
        if commitment:
            found.committed += 1
            found.people_planned += commitment.people_planned
    held = list(Restitution.objects.filter(enrollment__in=relays))
    reached = found.reached
    reached.restitutions = len(held)
    for name in ("women", "men", "colleagues", "families", "leaders", "population", "others"):
        setattr(reached, name, sum(getattr(r, name) for r in held))
    largest: dict[tuple[str, int], int] = {}
    for r in held:
        where = ("unit", r.unit_id) if r.unit_id else ("relay", r.enrollment_id)
        largest[where] = max(largest.get(where, 0), r.women + r.men)
    reached.lower_bound = sum(largest.values())
    waits = []
    for e in relays:
        first = e.restitutions.order_by("held_on").first()
        if first:
            waits.append((first.held_on - e.session.end_date).days)
    found.with_restitution = len(waits)
    found.days_to_first_median = statistics.median(waits) if waits else None
    found.days_to_first_mean = statistics.mean(waits) if waits else None
    return found


def expected_rounds(sessions: list[Session]) -> dict[int, tuple[int, int]]:
    gone = set(Departure.objects.values_list("person_id", flat=True))
    counts: dict[int, tuple[int, int]] = {}
    for respondent in Respondent.objects.filter(enrollment__session__in=sessions).exclude(
        round__status="draft"
    ):
        e = respondent.enrollment
        if e.superseded_by_id or e.person_id in gone:
            continue
        n, answered = counts.get(respondent.round_id, (0, 0))
        counts[respondent.round_id] = (n + 1, answered + (respondent.answered_at is not None))
    return counts


def expected_practices(sessions: list[Session]) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Per item (answered, changed) from each active relay's latest answering round; and the
    relays answering at least one item, those reporting one change at least."""
    gone = set(Departure.objects.values_list("person_id", flat=True))
    latest: dict[tuple[int, str], tuple[int, str]] = {}
    for response in Response.objects.filter(
        respondent__enrollment__session__in=sessions
    ).select_related("respondent__round", "respondent__enrollment", "question"):
        e, round_ = response.respondent.enrollment, response.respondent.round
        content = response.question.content
        if e.superseded_by_id or e.person_id in gone or round_.status == "draft":
            continue
        if content["kind"] != "practice" or response.value not in ("changed", "already", "not_yet"):
            continue
        key = (e.pk, content["code"])
        if key not in latest or latest[key][0] < round_.number:
            latest[key] = (round_.number, response.value)
    items: dict[str, tuple[int, int]] = {}
    relays: dict[int, bool] = {}
    for (enrollment_id, code), (_number, value) in latest.items():
        answered, changed = items.get(code, (0, 0))
        items[code] = (answered + 1, changed + (value == "changed"))
        relays[enrollment_id] = relays.get(enrollment_id, False) or value == "changed"
    return items, len(relays), sum(relays.values())


def _check(found: FollowUp, sessions: list[Session]) -> None:
    mine = expected(sessions)
    assert (found.relays, found.departed) == (mine.relays, mine.departed)
    assert (found.due, found.on_time) == (mine.due, mine.on_time)
    assert (found.committed, found.people_planned) == (mine.committed, mine.people_planned)
    assert found.reached == mine.reached
    assert found.reached.lower_bound <= found.reached.upper_bound
    assert found.with_restitution == mine.with_restitution
    assert found.days_to_first_median == mine.days_to_first_median
    assert found.days_to_first_mean == pytest.approx(mine.days_to_first_mean)
    rounds = expected_rounds(sessions)
    assert {r.round_id: (r.respondents, r.answered) for r in found.rounds} == rounds
    items, relays, changed = expected_practices(sessions)
    assert {p.code: (p.answered, p.changed) for p in found.practices} == items
    assert (found.practice_relays, found.practice_changed_relays) == (relays, changed)


def test_every_figure_is_what_the_rows_say() -> None:
    built = build()
    found = followup(scope=Scope(), today=TODAY)
    _check(found, built.sessions)
    # The data exercise every branch: something is counted in each term.
    assert found.departed and found.due < found.active and found.on_time
    assert found.reached.lower_bound < found.reached.upper_bound
    assert all(p.answered > p.changed > 0 for p in found.practices)
    assert [p.label for p in found.practices] == [f"Pratique {code}" for code in PRACTICES]
    assert {(r.workshop, r.number) for r in found.rounds} == {
        (w, n) for w in ("Atelier A", "Atelier B") for n in (1, 2)
    }  # the round in preparation is left out


def test_scope_filters_workshops_and_sessions() -> None:
    built = build()
    first = built.workshops[0]
    _check(followup(scope=Scope(workshop_id=first.pk), today=TODAY), built.sessions[:2])
    _check(followup(scope=Scope(session_id=built.sessions[1].pk), today=TODAY), built.sessions[1:2])
    per = followup_per(scope=Scope(), per="workshop", today=TODAY)
    assert set(per) == {w.pk for w in built.workshops}
    _check(per[built.workshops[1].pk], built.sessions[2:])
    per_session = followup_per(scope=Scope(), per="session", today=TODAY)
    _check(per_session[built.sessions[0].pk], built.sessions[:1])


def test_departures_leave_every_rate() -> None:
    built = build()
    before = followup(scope=Scope(), today=TODAY)
    leaving = [e for e in built.relays if not Departure.objects.filter(person=e.person).exists()]
    for enrollment in leaving[:4]:
        Departure.objects.create(person=enrollment.person, reason="left", since=TODAY)
    after = followup(scope=Scope(), today=TODAY)
    _check(after, built.sessions)
    assert after.departed == before.departed + 4
    assert after.respondents < before.respondents
    # What they did stays in the persons reached.
    assert after.reached == before.reached


def test_superseded_enrollment_is_never_counted() -> None:
    built = build()
    found = followup(scope=Scope(), today=TODAY)
    assert found.relays == len(built.relays)
    restituted = Restitution.objects.filter(enrollment=built.superseded)
    if not restituted.exists():
        RestitutionFactory(enrollment=built.superseded, men=500, colleagues=500)
    again = followup(scope=Scope(), today=TODAY)
    assert again.reached.upper_bound == found.reached.upper_bound
    assert again.relays == found.relays


def test_restitution_share_waits_three_calendar_months() -> None:
    session = SessionFactory(start_date=dt.date(2022, 11, 28))  # last day 30 November
    assert months_after(session.end_date, 3) == dt.date(2023, 2, 28)
    on_time, late, none = relay(session), relay(session), relay(session)
    RestitutionFactory(enrollment=on_time, held_on=dt.date(2023, 2, 28))
    RestitutionFactory(enrollment=late, held_on=dt.date(2023, 3, 1))
    scope = Scope(session_id=session.pk)
    assert followup(scope=scope, today=dt.date(2023, 2, 27)).due == 0
    found = followup(scope=scope, today=dt.date(2023, 2, 28))
    assert (found.due, found.on_time) == (3, 1)
    assert found.restitution_share == pytest.approx(1 / 3)
    assert (found.days_to_first_median, found.with_restitution) == (90.5, 2)
    assert none.restitutions.count() == 0


def test_a_relay_counts_once_per_item_with_its_latest_answer() -> None:
    session = SessionFactory()
    enrollment = relay(session)
    answers = {1: "changed", 2: "not_yet", 3: "not_applicable"}
    for number, value in answers.items():
        round_ = RoundFactory(workshop=session.workshop, number=number, status="closed")
        question = _questions(round_)["RIGHTS"]
        respondent = Respondent.objects.create(
            round=round_, enrollment=enrollment, answered_at=timezone.now()
        )
        Response.objects.create(respondent=respondent, question=question, value=value)
    found = followup(scope=Scope(session_id=session.pk), today=TODAY)
    # Round 3 said "not applicable": round 2's "not yet" is the latest answer.
    assert [(p.code, p.answered, p.changed) for p in found.practices] == [("RIGHTS", 1, 0)]
    assert (found.practice_relays, found.practice_changed_relays) == (1, 0)
    assert [(r.number, r.respondents, r.answered) for r in found.rounds] == [
        (1, 1, 1),
        (2, 1, 1),
        (3, 1, 1),
    ]


@pytest.mark.parametrize("per", [None, "workshop"])
def test_queries_do_not_grow_with_the_relays(per: str | None) -> None:
    def count(size: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        built = build(relays_per_session=size, seed=size)
        scope = Scope(workshop_id=built.workshops[0].pk)
        with CaptureQueriesContext(connection) as queries:
            if per is None:
                followup(scope=scope, today=TODAY)
            else:
                followup_per(scope=scope, per="workshop", today=TODAY)
        return len(queries)

    small = count(1)
    large = count(10)
    assert small == large == 6
