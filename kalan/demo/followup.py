"""The demo's follow-up of the Sévaré and Ségou sessions (issue 13): what the 80 trained officers
did afterwards, as human-rights relays in their units.

Invented, and made plausible rather than perfect:

- **commitments**: 85 % of the relays stated one at the close (Sévaré's on their phones, most of
  Ségou's on the paper form, typed by the programme officer): their own unit always, sometimes
  the neighbouring units, the local leaders or the population; 10 to 40 people within one to
  three months, on two to five of the workshop's objectives;
- **restitutions**: 60 % of the relays held a first one within three months of their session, a
  few more later (four to seven months), the rest none; one to three each, in their unit (now
  and then at its company), before 8 to 40 colleagues, sometimes leaders or the population, the
  audience mostly men;
- **two rounds** (+1 and +3 months after the Ségou session, the workshop's last): round 1 is
  closed, with about 70 % answered; round 2 is *still open* — the demo is shown as if in the
  middle of its calls, so that the call list has officers left to call — with about 50 %
  answered so far. Calls have mixed outcomes (no answer, wrong number, refused, reached), some
  officers answered on their phone (``/r/``). The answers agree with the restitutions recorded
  (done or not, how many, about how many people: officers round), and the practices are
  reported with plausible shares: "changed" is the most frequent answer on informing persons in
  custody of their rights, the least on access to a lawyer (few lawyers outside the towns);
- **three departures**: two officers transferred out of reach (one to Kidal, one to Kayes), one
  gone from the service.

The questions are the bank's (``kalan/relays/data/followup_ml.json``), frozen in each round as
``round_open`` does; bank questions missing from the database are added first (those there keep
any edit). Drawn with a fixed seed, in the order of the officers' service numbers: the demo is
the same on every machine. Idempotent like the rest of the demo: a relay who has a commitment,
restitutions or a departure, or a round already there (by number), is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from kalan.core.audit import audit_bulk_created
from kalan.core.formats import months_after
from kalan.core.models import User
from kalan.relays.bank import bank_data
from kalan.relays.models import (
    Audience,
    CallAttempt,
    Commitment,
    Departure,
    FollowupQuestion,
    Respondent,
    Response,
    Restitution,
    Round,
    RoundQuestion,
    Source,
)
from kalan.relays.selectors import relays_of
from kalan.relays.services import relay_codes_for
from kalan.workshops.models import Enrollment, Session, Workshop

SEED = 1013
COMMITTED = 0.85
ON_TIME = 0.60  # held a first restitution within three months
LATE = 0.10  # held a first one later
# (number, months after the last session, status, share answered)
ROUNDS = ((1, 1, Round.Status.CLOSED, 0.70), (2, 3, Round.Status.OPEN, 0.50))
# Departures: (rank in the draw order, reason, days after the last session, note)
DEPARTURES = (
    (7, Departure.Reason.TRANSFERRED, 55, "Muté à Kidal."),
    (33, Departure.Reason.LEFT, 80, "Admis à faire valoir ses droits à la retraite."),
    (61, Departure.Reason.TRANSFERRED, 120, "Muté à la brigade de Kayes."),
)
# Shares of changed / already / not yet / not applicable, by practice question.
PRACTICES = {
    "PRACTICE_RIGHTS": (0.55, 0.25, 0.15, 0.05),
    "PRACTICE_REGISTER": (0.45, 0.40, 0.12, 0.03),
    "PRACTICE_PROSECUTOR": (0.35, 0.45, 0.15, 0.05),
    "PRACTICE_MEDICAL": (0.30, 0.25, 0.35, 0.10),
    "PRACTICE_LAWYER": (0.20, 0.15, 0.35, 0.30),
}
PRACTICE_DEFAULT = (0.40, 0.30, 0.20, 0.10)
PRACTICE_ORDER = ("changed", "already", "not_yet", "not_applicable")
COMMENTS = (
    "Les éléments ont demandé une deuxième séance sur la garde à vue.",
    "Le commandant de compagnie a assisté à la restitution.",
    "Il nous manque des copies du Code de procédure pénale.",
    "Le registre de garde à vue a été refait à neuf.",
    "Les déplacements vers les postes sont difficiles à cause de l’insécurité.",
)
NOTES = (
    "Restitution au rapport du matin.",
    "Séance tenue avec le chef de poste.",
    "Causerie-débat avec les notables du quartier.",
    "",
    "",
)

Counts = dict[str, int]


@dataclass
class _Relay:
    """One trained officer, and what the draws decided for them."""

    enrollment: Enrollment
    end: dt.date  # their session's last day
    committed: bool = False
    first_after: int | None = None  # days from the session to the first restitution
    restitutions: list[Restitution] = field(default_factory=list)


def demo_followup_load(
    *, workshop: Workshop, sessions: list[Session], staff: User, monitor: User, created: Counts
) -> None:
    """The follow-up of ``sessions``: commitments, restitutions, two rounds with calls and
    answers, three departures; only what is missing (see the module's docstring)."""
    relays = _relays(sessions)
    if not relays:
        return
    rng = random.Random(SEED)
    _draw(relays, rng)
    created["commitments"] += _commitments(relays, workshop=workshop, staff=staff, rng=rng)
    created["restitutions"] += _restitutions(relays, workshop=workshop, monitor=monitor, rng=rng)
    last = max(relay.end for relay in relays)
    created["departures"] += _departures(relays, last=last, by=monitor)
    relay_codes_for(enrollment_ids=[relay.enrollment.pk for relay in relays])
    for number, months, status, share in ROUNDS:
        if Round.objects.filter(workshop=workshop, number=number).exists():
            continue
        opens = months_after(last, months)
        found = _round(workshop, number=number, months=months, opens=opens, status=status)
        created["followup_rounds"] += 1
        _calls(found, relays, share=share, monitor=monitor, rng=random.Random(SEED + number))
        created["followup_calls"] += CallAttempt.objects.filter(respondent__round=found).count()
        created["followup_answers"] += found.respondents.filter(answered_at__isnull=False).count()


def _relays(sessions: list[Session]) -> list[_Relay]:
    enrollments = (
        relays_of(sessions=Session.objects.filter(pk__in=[s.pk for s in sessions]))
        .select_related("person__unit__place", "person__unit__parent__place", "session")
        .order_by("session__start_date", "person__service_number", "pk")
    )
    return [_Relay(enrollment=e, end=e.session.end_date) for e in enrollments]


def _draw(relays: list[_Relay], rng: random.Random) -> None:
    """Who committed and when each held a first restitution: fixed shares, drawn places."""
    n = len(relays)
    for relay in rng.sample(relays, round(n * COMMITTED)):
        relay.committed = True
    # Those who committed are likelier to have held a restitution: they are drawn first.
    order = sorted(relays, key=lambda r: (not r.committed, rng.random()))
    on_time, late = round(n * ON_TIME), round(n * LATE)
    for relay in order[:on_time]:
        relay.first_after = rng.randint(7, 88)
    for relay in order[on_time : on_time + late]:
        relay.first_after = rng.randint(100, 210)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _bulk(model: type[Model], rows: list[Any]) -> list[Any]:
    made = model._default_manager.bulk_create(rows)
    audit_bulk_created(made)
    return made


# --- commitments and restitutions --------------------------------------------------------------


def _commitments(
    relays: list[_Relay], *, workshop: Workshop, staff: User, rng: random.Random
) -> int:
    objectives = list(workshop.objectives.order_by("order"))
    have = set(
        Commitment.objects.filter(
            enrollment__in=[relay.enrollment for relay in relays]
        ).values_list("enrollment_id", flat=True)
    )
    rows, topics = [], []
    for relay in relays:
        draw = _commitment_draw(relay, rng, objectives=objectives)
        if not relay.committed or relay.enrollment.pk in have:
            continue
        on_phone = draw["on_phone"]
        rows.append(
            Commitment(
                enrollment=relay.enrollment,
                source=Source.PHONE if on_phone else Source.PAPER,
                entered_by=None if on_phone else staff,
                **draw["fields"],
            )
        )
        topics.append(draw["objectives"])
    made = _bulk(Commitment, rows)
    through = Commitment.objectives.through
    through.objects.bulk_create(
        through(commitment_id=c.pk, objective_id=o.pk)
        for c, chosen in zip(made, topics, strict=True)
        for o in chosen
    )
    return len(made)


def _commitment_draw(relay: _Relay, rng: random.Random, *, objectives: list[Any]) -> Any:
    """Drawn for every relay, committed or not, so that one relay's draws never shift another's."""
    audiences = [Audience.OWN_UNIT]
    for audience, share in (
        (Audience.NEIGHBOURS, 0.30),
        (Audience.LEADERS, 0.25),
        (Audience.POPULATION, 0.15),
        (Audience.FAMILIES, 0.08),
    ):
        if rng.random() < share:
            audiences.append(audience)
    fields = {
        "audiences": [str(a) for a in audiences],
        "people_planned": rng.choice((10, 12, 15, 20, 20, 25, 30, 40)),
        "due_on": relay.end + dt.timedelta(days=rng.choice((30, 45, 60, 60, 90))),
        "note": rng.choice(NOTES) if rng.random() < 0.3 else "",
    }
    chosen = rng.sample(objectives, min(len(objectives), rng.randint(2, 5)))
    # Sévaré's participants typed theirs on their phones; most of Ségou's filled the paper form.
    on_phone = rng.random() < (0.9 if relay.enrollment.session.place.name == "Sévaré" else 0.15)
    return {
        "fields": fields,
        "objectives": sorted(chosen, key=lambda o: o.order),
        "on_phone": on_phone,
    }


def _restitutions(
    relays: list[_Relay], *, workshop: Workshop, monitor: User, rng: random.Random
) -> int:
    objectives = list(workshop.objectives.order_by("order"))
    have = set(
        Restitution.objects.filter(
            enrollment__in=[relay.enrollment for relay in relays]
        ).values_list("enrollment_id", flat=True)
    )
    rows, topics = [], []
    for relay in relays:
        drawn = _restitutions_draw(relay, rng, objectives=objectives, monitor=monitor)
        relay.restitutions = [row for row, _chosen in drawn]
        if relay.enrollment.pk in have:
            continue
        rows += relay.restitutions
        topics += [chosen for _row, chosen in drawn]
    made = _bulk(Restitution, rows)
    through = Restitution.objectives.through
    through.objects.bulk_create(
        through(restitution_id=r.pk, objective_id=o.pk)
        for r, chosen in zip(made, topics, strict=True)
        for o in chosen
    )
    return len(made)


def _restitutions_draw(
    relay: _Relay, rng: random.Random, *, objectives: list[Any], monitor: User
) -> list[tuple[Restitution, list[Any]]]:
    if relay.first_after is None:
        return []
    person = relay.enrollment.person
    day = relay.end + dt.timedelta(days=relay.first_after)
    drawn = []
    for _n in range(rng.choice((1, 1, 1, 2, 2, 3))):
        unit = person.unit
        if unit is not None and unit.parent is not None and rng.random() < 0.2:
            unit = unit.parent  # held at the company, for several brigades
        on_phone = rng.random() < 0.35
        row = Restitution(
            enrollment=relay.enrollment,
            held_on=day,
            unit=unit,
            place=unit.place if unit is not None else None,
            duration_minutes=rng.choice((45, 60, 60, 90, 120, 180)),
            note=rng.choice(NOTES) if rng.random() < 0.4 else "",
            source=Source.PHONE if on_phone else Source.STAFF,
            reported_by=None if on_phone else monitor,
            **_audience(rng),
        )
        chosen = rng.sample(objectives, min(len(objectives), rng.randint(1, 4)))
        drawn.append((row, sorted(chosen, key=lambda o: o.order)))
        day += dt.timedelta(days=rng.randint(14, 70))
    return drawn


def _audience(rng: random.Random) -> dict[str, int]:
    """Colleagues mostly (8-40), sometimes leaders, the population or families; mostly men."""
    counts = {"colleagues": rng.randint(8, 40), "leaders": 0, "population": 0, "families": 0}
    if rng.random() < 0.15:
        counts["leaders"] = rng.randint(3, 15)
    if rng.random() < 0.10:
        counts["population"] = rng.randint(20, 60)
    if rng.random() < 0.05:
        counts["families"] = rng.randint(2, 8)
    total = sum(counts.values())
    # Few women among the officers; more among leaders, the population and families.
    women = round(counts["colleagues"] * rng.uniform(0.03, 0.15))
    women += round((total - counts["colleagues"]) * rng.uniform(0.25, 0.5))
    return {**counts, "women": women, "men": total - women}


def _departures(relays: list[_Relay], *, last: dt.date, by: User) -> int:
    rows = []
    for rank, reason, days, note in DEPARTURES:
        if rank >= len(relays):
            continue
        person = relays[rank].enrollment.person
        if Departure.objects.filter(person=person).exists():
            continue
        since = last + dt.timedelta(days=days)
        rows.append(Departure(person=person, reason=reason, since=since, note=note, recorded_by=by))
    return len(_bulk(Departure, rows))


# --- rounds, calls and answers -----------------------------------------------------------------


def _round(workshop: Workshop, *, number: int, months: int, opens: dt.date, status: str) -> Round:
    closed = _at(opens + dt.timedelta(days=45), 17) if status == Round.Status.CLOSED else None
    made = Round.objects.create(
        workshop=workshop,
        number=number,
        months=months,
        opens_on=opens,
        status=status,
        opened_at=_at(opens, 8),
        closed_at=closed,
    )
    _freeze(made)
    return made


def _freeze(made: Round) -> None:
    """The bank's questions, as ``round_open`` freezes them; those missing are added first."""
    rows = bank_data()
    known = {q.code: q for q in FollowupQuestion.objects.filter(code__in=[r["code"] for r in rows])}
    _bulk(FollowupQuestion, [FollowupQuestion(**r) for r in rows if r["code"] not in known])
    bank = FollowupQuestion.objects.filter(active=True).order_by("order", "code")
    keys = ("code", "kind", "text", "text_en", "choices", "practice", "practice_en")
    _bulk(
        RoundQuestion,
        [
            RoundQuestion(round=made, order=n, question=q, content={k: getattr(q, k) for k in keys})
            for n, q in enumerate(bank, start=1)
        ],
    )


def _calls(
    made: Round, relays: list[_Relay], *, share: float, monitor: User, rng: random.Random
) -> None:
    """The call list: every relay; ``share`` of them answered, by telephone or on their phone;
    the others called in vain (or, in an open round, not yet)."""
    respondents = _bulk(
        Respondent, [Respondent(round=made, enrollment=r.enrollment) for r in relays]
    )
    departed = set(Departure.objects.values_list("person_id", flat=True))
    answering = set(rng.sample(range(len(relays)), round(len(relays) * share)))
    questions = list(made.questions.order_by("order"))
    attempts: list[CallAttempt] = []
    responses: list[Response] = []
    for n, (relay, respondent) in enumerate(zip(relays, respondents, strict=True)):
        day = made.opens_on + dt.timedelta(days=rng.randint(0, 20))
        gone = relay.enrollment.person_id in departed
        if n in answering and not gone:
            via = Source.PHONE if rng.random() < 0.2 else Source.CALL
            if via == Source.CALL:
                day = _attempts(respondent, day, rng, monitor, attempts, reached=True)
            respondent.answered_at = _at(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
            respondent.answered_via = via
            respondent.answered_by = monitor if via == Source.CALL else None
            responses += _answers(respondent, questions, relay, rng)
        elif made.status == Round.Status.CLOSED or rng.random() < 0.7:
            last = _attempts(respondent, day, rng, monitor, attempts, reached=False, gone=gone)
            if made.status == Round.Status.OPEN:
                respondent.next_call_on = last + dt.timedelta(days=rng.randint(2, 6))
    fields = ["answered_at", "answered_via", "answered_by", "next_call_on"]
    Respondent.objects.bulk_update(respondents, fields)
    _bulk(CallAttempt, attempts)
    _bulk(Response, responses)


def _attempts(
    respondent: Respondent,
    day: dt.date,
    rng: random.Random,
    caller: User,
    into: list[CallAttempt],
    *,
    reached: bool,
    gone: bool = False,
) -> dt.date:
    """A few calls on successive days, the last one reaching the officer when ``reached``;
    returns the day of the last call."""
    failed = rng.choice((0, 0, 1, 1, 2)) if reached else rng.randint(1, 3)
    outcomes = [
        rng.choice((CallAttempt.Outcome.NO_ANSWER,) * 6 + (CallAttempt.Outcome.WRONG_NUMBER,))
        for _n in range(failed)
    ]
    if reached:
        outcomes.append(CallAttempt.Outcome.REACHED)
    elif gone:
        outcomes[-1] = CallAttempt.Outcome.TRANSFERRED
    elif rng.random() < 0.1:
        outcomes[-1] = CallAttempt.Outcome.REFUSED
    for n, outcome in enumerate(outcomes):
        if n:
            day += dt.timedelta(days=rng.randint(1, 4))
        again = outcome in (CallAttempt.Outcome.NO_ANSWER, CallAttempt.Outcome.WRONG_NUMBER)
        into.append(
            CallAttempt(
                respondent=respondent,
                called_at=_at(day, rng.randint(8, 17), rng.choice((0, 10, 20, 30, 40, 50))),
                caller=caller,
                outcome=outcome,
                next_call_on=day + dt.timedelta(days=2) if again else None,
            )
        )
    return day


def _answers(
    respondent: Respondent, questions: list[RoundQuestion], relay: _Relay, rng: random.Random
) -> list[Response]:
    """The officer's answers: what they did agrees with the restitutions recorded."""
    assert respondent.answered_at is not None
    held = [r for r in relay.restitutions if r.held_on <= respondent.answered_at.date()]
    facts: dict[str, Any] = {
        "RESTITUTION_DONE": bool(held),
        "RESTITUTION_COUNT": len(held),
        # Officers give a round figure: to the nearest five.
        "PERSONS_REACHED": 5 * round(sum(r.audience for r in held) / 5),
    }
    return [
        Response(respondent=respondent, question=q, value=_value(q.content, facts, rng))
        for q in questions
    ]


def _value(content: dict[str, Any], facts: dict[str, Any], rng: random.Random) -> Any:
    code, kind = content.get("code", ""), content.get("kind")
    if code in facts:
        return facts[code]
    if kind == "practice":
        shares = PRACTICES.get(code, PRACTICE_DEFAULT)
        return rng.choices(PRACTICE_ORDER, weights=shares)[0]
    keys = [choice["key"] for choice in content.get("choices", [])]
    if kind == "single" and keys:
        return rng.choices(keys, weights=[6, 3, 1, *[1] * (len(keys) - 3)][: len(keys)])[0]
    if kind == "multiple" and keys:
        # "other" is left out (it would want a text); a transfer is a rare obstacle.
        pool = [key for key in keys if key != "other"] or keys
        weights = [1 if key == "transferred" else 4 for key in pool]
        chosen: set[str] = set()
        while len(chosen) < min(len(pool), rng.choice((1, 1, 2))):
            chosen.add(rng.choices(pool, weights=weights)[0])
        return [key for key in keys if key in chosen]
    if kind == "yes_no":
        return rng.random() < 0.6
    if kind == "number":
        return rng.randint(0, 3)
    return rng.choice(COMMENTS) if rng.random() < 0.25 else None
