"""Benchmark of the follow-up's figures (``kalan.reports.figures_followup``) over a programme of
20,000 trained officers drawn from the registry of 200,000 persons that ``bench/run.py`` builds.

``build_followup`` adds, by bulk inserts (``bulk_create``, and ``donor_report._insert`` for the
largest tables), on a plan and axis of its own: 50 workshops of 10 sessions (2021-2025) of 40
participants each (20,000 relays, a half of one in a hundred never came), a commitment for 70 %
of them, a departure for 3 %; 3 rounds per workshop (+1, +3, +6 months: closed, closed, open)
with 5 practice questions and one yes/no question, every relay on each round's call list and
about 60 % answered (their practice answers drawn among changed / already / not yet / not
applicable, or skipped); 50,000 restitutions, three in four in one of the registry's units.

Then, over that axis:

    followup_figures_s: 0.9 s       ``followup(scope=...)``: median of three runs
    followup_figures_sql_s: 0.6 s   the same figures in hand-written SQL (raw
                                    ``connection.cursor()``): median of three runs
    followup_figures_queries: 6     queries of one ``followup``

Both sets of figures are compared before anything is printed: a difference ends the run (exit 1).
Target: within TARGET_FACTOR times the SQL.

Usage: called by bench/run.py; alone (it builds the registry first, in a throwaway folder):
``.venv/bin/python bench/followup.py``.
"""

# The SQL below is assembled from constants of this file only; values go as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from donor_report import _insert, _median

WORKSHOPS = 50
SESSIONS_PER_WORKSHOP = 10
PARTICIPANTS = 40
RESTITUTIONS = 50_000
ROUND_MONTHS = (1, 3, 6)
PRACTICES = ("RIGHTS", "REGISTER", "PROSECUTOR", "DOCTOR", "LAWYER")
TARGET_FACTOR = 2.0
START = dt.date(2021, 1, 4)
BATCH = 20_000


@dataclass
class FollowupBench:
    figures_s: float
    sql_s: float
    queries: int
    relays: int
    respondents: int
    restitutions: int
    build_s: float


def mark(topic: str, what: str, clock: list[float]) -> None:
    """Print to stderr how long the step ``what`` of building ``topic``'s data took."""
    now = time.perf_counter()
    print(f"bench: {topic} data: {what} ({now - clock[0]:.1f} s)", file=sys.stderr)
    clock[0] = now


def _mark(what: str, clock: list[float]) -> None:
    mark("follow-up", what, clock)


def programme(
    rng: random.Random,
    *,
    name: str,
    workshops: int,
    sessions_per_workshop: int,
    capacity: int,
    span_days: int,
) -> tuple[Any, list[Any]]:
    """A plan, an axis, its workshops and their sessions, started on random days within
    ``span_days`` of START (the custody bench builds its programme here too); returns the axis
    and the sessions."""
    from kalan.core.models import Organisation, Place
    from kalan.plans.models import Axis, StrategicPlan
    from kalan.workshops.models import Session, Workshop

    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name="Commission nationale des droits de l’homme",
            acronym="CNDH",
            country=Place.objects.get(kind=Place.Kind.COUNTRY),
        )
    plan = StrategicPlan.objects.create(
        organisation=organisation, title=f"Plan {name}", start_year=2021, end_year=2025
    )
    axis = Axis.objects.create(plan=plan, number=1, title=f"Axe {name}")
    created = Workshop.objects.bulk_create(
        [
            Workshop(axis=axis, title=f"Atelier {name} {n:03d}", general_objective="Former.")
            for n in range(workshops)
        ]
    )
    towns = list(Place.objects.filter(kind=Place.Kind.TOWN).order_by("name"))
    sessions = []
    for workshop in created:
        for number in range(1, sessions_per_workshop + 1):
            start = START + dt.timedelta(days=rng.randrange(span_days))
            sessions.append(
                Session(
                    workshop=workshop,
                    number=number,
                    place=rng.choice(towns),
                    venue=f"Hôtel {name}",
                    start_date=start,
                    end_date=start + dt.timedelta(days=2),
                    capacity=capacity,
                    per_diem_rate=25_000,
                    transport_rate=10_000,
                )
            )
    return axis, Session.objects.bulk_create(sessions, batch_size=BATCH)


def _programme(rng: random.Random) -> tuple[Any, list[Any]]:
    from django.utils import timezone

    latest = timezone.localdate() - dt.timedelta(days=30)
    return programme(
        rng,
        name="du suivi",
        workshops=WORKSHOPS,
        sessions_per_workshop=SESSIONS_PER_WORKSHOP,
        capacity=PARTICIPANTS,
        span_days=(latest - START).days,
    )


def _relays(rng: random.Random, axis: Any, sessions: list[Any]) -> list[tuple[int, int, Any]]:
    """Enrollments, attendance, commitments and departures; returns (enrollment, workshop,
    session's last day) of each participant."""
    from django.db import connection

    from kalan.people.models import Person
    from kalan.relays.models import Commitment, Departure
    from kalan.workshops.models import Attendance, Enrollment

    person_ids = list(Person.objects.values_list("pk", flat=True))
    chosen = rng.sample(person_ids, len(sessions) * PARTICIPANTS)
    rows = [
        (session.pk, chosen[n * PARTICIPANTS + k], "participant", "attended", False, "")
        for n, session in enumerate(sessions)
        for k in range(PARTICIPANTS)
    ]
    _insert(
        Enrollment._meta.db_table,
        ("session_id", "person_id", "role", "status", "over_capacity", "code"),
        rows,
    )
    by_id = {session.pk: session for session in sessions}
    enrollments = list(
        Enrollment.objects.filter(session__workshop__axis=axis).values_list(
            "pk", "session_id", "person_id"
        )
    )
    adapt = connection.ops.adapt_datefield_value
    _insert(
        Attendance._meta.db_table,
        ("enrollment_id", "day", "half"),
        [
            (pk, adapt(by_id[session_id].start_date), "day")
            for pk, session_id, _person in enrollments
            if rng.random() > 0.005
        ],
    )
    Commitment.objects.bulk_create(
        [
            Commitment(
                enrollment_id=pk,
                audiences=["own_unit"],
                people_planned=rng.randrange(5, 60),
                due_on=by_id[session_id].end_date + dt.timedelta(days=60),
                source="paper",
            )
            for pk, session_id, _person in enrollments
            if rng.random() < 0.7
        ],
        batch_size=BATCH,
    )
    Departure.objects.bulk_create(
        [
            Departure(person_id=person, reason="transferred", since=by_id[session_id].end_date)
            for _pk, session_id, person in enrollments
            if rng.random() < 0.03
        ],
        batch_size=BATCH,
    )
    return [
        (pk, by_id[session_id].workshop_id, by_id[session_id].end_date)
        for pk, session_id, _person in enrollments
    ]


def _rounds(rng: random.Random, relays: list[tuple[int, int, Any]]) -> int:
    """Three rounds a workshop, their questionnaires, call lists and answers; returns the
    respondents."""
    from django.db import connection
    from django.utils import timezone

    from kalan.relays.models import Respondent, Response, Round, RoundQuestion

    workshops = sorted({workshop for _pk, workshop, _end in relays})
    rounds = Round.objects.bulk_create(
        [
            Round(
                workshop_id=workshop,
                number=n,
                months=months,
                opens_on=START,
                status="open" if n == len(ROUND_MONTHS) else "closed",
            )
            for workshop in workshops
            for n, months in enumerate(ROUND_MONTHS, start=1)
        ]
    )
    questions = RoundQuestion.objects.bulk_create(
        [
            RoundQuestion(
                round=round_,
                order=order,
                content={
                    "code": code,
                    "kind": "practice",
                    "text": f"{code} ?",
                    "practice": code,
                    "choices": [],
                },
            )
            for round_ in rounds
            for order, code in enumerate(PRACTICES, start=1)
        ]
        + [
            RoundQuestion(
                round=round_, order=9, content={"code": "DONE", "kind": "yes_no", "text": "?"}
            )
            for round_ in rounds
        ]
    )
    by_round: dict[int, list[int]] = {}
    for question in questions:
        by_round.setdefault(question.round_id, []).append(question.pk)
    answered_at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (round_.pk, pk, answered_at if rng.random() < 0.6 else None, "")
        for round_ in rounds
        for pk, workshop, _end in relays
        if workshop == round_.workshop_id
    ]
    _insert(
        Respondent._meta.db_table,
        ("round_id", "enrollment_id", "answered_at", "answered_via"),
        rows,
    )
    values = ['"changed"', '"already"', '"not_yet"', '"not_applicable"', None]
    answers = []
    answered = Respondent.objects.filter(round__in=rounds, answered_at__isnull=False).values_list(
        "pk", "round_id"
    )
    for respondent, round_id in answered.iterator(chunk_size=BATCH):
        for question in by_round[round_id]:
            answers.append((respondent, question, rng.choices(values, (4, 3, 3, 1, 1))[0]))
    _insert(Response._meta.db_table, ("respondent_id", "question_id", "value"), answers)
    return len(rows)


def _restitutions(rng: random.Random, relays: list[tuple[int, int, Any]]) -> None:
    from django.db import connection

    from kalan.people.models import Unit
    from kalan.relays.models import Restitution

    units = list(Unit.objects.values_list("pk", flat=True))
    adapt = connection.ops.adapt_datefield_value
    rows = []
    for _ in range(RESTITUTIONS):
        pk, _workshop, ended = rng.choice(relays)
        women, men = rng.randrange(0, 8), rng.randrange(1, 40)
        leaders = min(rng.randrange(0, 3), women + men)
        families = min(rng.randrange(0, 4), women + men - leaders)
        rows.append(
            (
                pk,
                adapt(ended + dt.timedelta(days=rng.randrange(1, 240))),
                rng.choice(units) if rng.random() < 0.75 else None,
                women,
                men,
                women + men - leaders - families,
                families,
                leaders,
                0,
                0,
                60,
                "",
                "",
                "staff",
                False,
            )
        )
    _insert(
        Restitution._meta.db_table,
        (
            "enrollment_id", "held_on", "unit_id", "women", "men", "colleagues", "families",
            "leaders", "population", "others", "duration_minutes", "note", "photo", "source",
            "large_confirmed",
        ),
        rows,
    )  # fmt: skip


def build_followup(*, seed: int = 31) -> tuple[Any, int]:
    """The programme and its follow-up; returns the axis and the respondents."""
    from django.db import transaction

    rng = random.Random(seed)
    clock = [time.perf_counter()]
    with transaction.atomic():
        axis, sessions = _programme(rng)
        relays = _relays(rng, axis, sessions)
        _mark("relays", clock)
        respondents = _rounds(rng, relays)
        _mark("rounds and answers", clock)
        _restitutions(rng, relays)
        _mark("restitutions", clock)
    return axis, respondents


# --- the same figures in hand-written SQL ------------------------------------------------------

RELAYS = """relays AS (
    SELECT e.id, e.person_id, s.end_date,
        EXISTS (SELECT 1 FROM relays_departure d WHERE d.person_id = e.person_id) AS gone
    FROM workshops_enrollment e
    JOIN workshops_session s ON s.id = e.session_id
    JOIN workshops_workshop w ON w.id = s.workshop_id
    WHERE w.axis_id = %s AND e.role = 'participant' AND e.superseded_by_id IS NULL
      AND EXISTS (SELECT 1 FROM workshops_attendance a WHERE a.enrollment_id = e.id)
)"""


def _json(vendor: str) -> tuple[str, str]:
    """The code of a question's content and a response's value as text, in each dialect."""
    if vendor == "postgresql":
        return "q.content ->> 'code'", "r.value #>> '{}'"
    return "json_extract(q.content, '$.code')", "json_extract(r.value, '$')"


def sql_figures(*, axis_id: int, today: dt.date) -> dict[str, Any]:
    """The follow-up's figures of the axis, in raw SQL, as plain numbers."""
    from django.db import connection

    from kalan.core.formats import months_after

    code, value = _json(connection.vendor)
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {RELAYS} SELECT rl.end_date, f.first, rl.gone, COUNT(*), COUNT(c.id), "
            "SUM(c.people_planned) FROM relays rl "
            "LEFT JOIN (SELECT enrollment_id, MIN(held_on) AS first FROM relays_restitution "
            "GROUP BY enrollment_id) f ON f.enrollment_id = rl.id "
            "LEFT JOIN relays_commitment c ON c.enrollment_id = rl.id "
            "GROUP BY rl.end_date, f.first, rl.gone",
            [axis_id],
        )
        relays = departed = due = on_time = committed = planned = 0
        waits: list[int] = []
        for ended, first, gone, n, with_commitment, people in cursor.fetchall():
            ended = _date(ended)
            first = _date(first) if first is not None else None
            relays += n
            if first is not None:
                waits += [(first - ended).days] * n
            if gone:
                departed += n
                continue
            committed += with_commitment
            planned += int(people or 0)
            deadline = months_after(ended, 3)
            if deadline <= today:
                due += n
                on_time += n if first is not None and first <= deadline else 0
        out.update(relays=relays, departed=departed, due=due, on_time=on_time)
        out.update(committed=committed, planned=planned, with_restitution=len(waits))
        out["median"] = statistics.median(waits) if waits else None
        out["mean"] = round(statistics.mean(waits), 6) if waits else None
        cursor.execute(
            f"WITH {RELAYS} SELECT COUNT(*), SUM(women), SUM(men), SUM(colleagues), "
            "SUM(families), SUM(leaders), SUM(population), SUM(others) "
            "FROM relays_restitution r WHERE r.enrollment_id IN (SELECT id FROM relays)",
            [axis_id],
        )
        out["reached"] = tuple(int(x or 0) for x in cursor.fetchone())
        cursor.execute(
            f"WITH {RELAYS} SELECT SUM(most) FROM (SELECT MAX(r.women + r.men) AS most "
            "FROM relays_restitution r WHERE r.enrollment_id IN (SELECT id FROM relays) "
            "GROUP BY r.unit_id, CASE WHEN r.unit_id IS NULL THEN r.enrollment_id END) largest",
            [axis_id],
        )
        out["lower"] = int(cursor.fetchone()[0] or 0)
        cursor.execute(
            f"WITH {RELAYS} SELECT p.round_id, COUNT(*), COUNT(p.answered_at) "
            "FROM relays_respondent p JOIN relays_round o ON o.id = p.round_id "
            "WHERE o.status <> 'draft' "
            "AND p.enrollment_id IN (SELECT id FROM relays WHERE NOT gone) "
            "GROUP BY p.round_id",
            [axis_id],
        )
        out["rounds"] = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        cursor.execute(
            f"WITH {RELAYS}, answers AS (SELECT p.enrollment_id, {code} AS code, "
            f"{value} AS value, ROW_NUMBER() OVER (PARTITION BY p.enrollment_id, {code} "
            "ORDER BY o.number DESC, r.id DESC) AS rank "
            "FROM relays_response r JOIN relays_roundquestion q ON q.id = r.question_id "
            "JOIN relays_respondent p ON p.id = r.respondent_id "
            "JOIN relays_round o ON o.id = p.round_id "
            f"WHERE o.status <> 'draft' AND {code.replace('code', 'kind')} = 'practice' "
            f"AND {value} IN ('changed', 'already', 'not_yet') "
            "AND p.enrollment_id IN (SELECT id FROM relays WHERE NOT gone)), "
            "latest AS (SELECT * FROM answers WHERE rank = 1) "
            "SELECT code, COUNT(*), SUM(CASE WHEN value = 'changed' THEN 1 ELSE 0 END), "
            "COUNT(DISTINCT enrollment_id), "
            "COUNT(DISTINCT CASE WHEN value = 'changed' THEN enrollment_id END) "
            "FROM latest GROUP BY code UNION ALL SELECT NULL, COUNT(*), 0, "
            "COUNT(DISTINCT enrollment_id), "
            "COUNT(DISTINCT CASE WHEN value = 'changed' THEN enrollment_id END) FROM latest",
            [axis_id],
        )
        items: dict[str, tuple[int, int]] = {}
        for item, answered, changed, relays_n, changed_relays in cursor.fetchall():
            if item is None:
                out["practice_relays"] = (relays_n, changed_relays)
            else:
                items[item] = (answered, int(changed or 0))
        out["practices"] = items
    return out


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def canonical(found: Any) -> dict[str, Any]:
    """``followup``'s figures, keyed like ``sql_figures``."""
    reached = found.reached
    return {
        "relays": found.relays,
        "departed": found.departed,
        "due": found.due,
        "on_time": found.on_time,
        "committed": found.committed,
        "planned": found.people_planned,
        "with_restitution": found.with_restitution,
        "median": found.days_to_first_median,
        "mean": None if found.days_to_first_mean is None else round(found.days_to_first_mean, 6),
        "reached": (
            reached.restitutions,
            reached.women,
            reached.men,
            reached.colleagues,
            reached.families,
            reached.leaders,
            reached.population,
            reached.others,
        ),
        "lower": reached.lower_bound,
        "rounds": {line.round_id: (line.respondents, line.answered) for line in found.rounds},
        "practices": {p.code: (p.answered, p.changed) for p in found.practices},
        "practice_relays": (found.practice_relays, found.practice_changed_relays),
    }


def measure_followup() -> FollowupBench:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kalan.relays.models import Restitution
    from kalan.reports.figures import Scope
    from kalan.reports.figures_followup import followup

    began = time.perf_counter()
    axis, respondents = build_followup()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_s = time.perf_counter() - began
    today = timezone.localdate()
    scope = Scope(axis_id=axis.pk)
    with CaptureQueriesContext(connection) as queries:
        followup(scope=scope, today=today)  # also the warm-up
    figures_s, found = _median(lambda: followup(scope=scope, today=today))
    sql_s, by_hand = _median(lambda: sql_figures(axis_id=axis.pk, today=today))
    mine = canonical(found)
    if mine != by_hand:
        for name in mine:
            if mine[name] != by_hand.get(name):
                print(f"bench: {name}:\n  figures {mine[name]}\n  sql     {by_hand.get(name)}")
        sys.exit("bench: the follow-up's figures and the hand-written SQL disagree")
    if found.relays < WORKSHOPS * SESSIONS_PER_WORKSHOP * PARTICIPANTS * 0.9 or not found.practices:
        sys.exit(f"bench: the follow-up counts {found.relays} relays only")
    return FollowupBench(
        figures_s=figures_s,
        sql_s=sql_s,
        queries=len(queries),
        relays=found.relays,
        respondents=respondents,
        restitutions=Restitution.objects.count(),
        build_s=build_s,
    )


def report(found: FollowupBench) -> int:
    print(f"followup_figures_s: {found.figures_s:.2f} s")
    print(f"followup_figures_sql_s: {found.sql_s:.2f} s")
    print(f"followup_figures_queries: {found.queries} queries")
    print(
        f"bench: follow-up of {found.relays} relays, {found.respondents} respondents, "
        f"{found.restitutions} restitutions, built in {found.build_s:.0f} s",
        file=sys.stderr,
    )
    if found.figures_s > TARGET_FACTOR * found.sql_s:
        print(
            f"bench: the follow-up's figures take {found.figures_s:.2f} s, more than "
            f"{TARGET_FACTOR} x the {found.sql_s:.2f} s of the hand-written SQL: look at the "
            "queries of kalan/reports/figures_followup.py.",
            file=sys.stderr,
        )
        return 1
    return 0


def main() -> int:
    import tempfile
    from pathlib import Path

    from run import REGISTRY_SIZE, configure, registry_top_up

    with tempfile.TemporaryDirectory(prefix="kalan-bench-followup-") as folder:
        configure(Path(folder))
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        began = time.perf_counter()
        registry_top_up(REGISTRY_SIZE)
        print(f"bench: registry built in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        return report(measure_followup())


if __name__ == "__main__":
    sys.exit(main())
