"""Benchmark of the evidence of change (``kalan.reports.figures_custody``): 5,000 units with
custody cells, 20,000 visits, 30 items of the instrument answered (600,000 answers), 10,000
officers trained by the sessions of an axis of its own and posted around over the years.

``build_custody`` adds, by bulk inserts (``donor_report._insert`` for the largest tables): a
plan, an axis, 12 workshops of 4 sessions (2021-2025); 5,000 brigades in the registry's towns,
each with its place of detention; 10,000 officers (one in ten with no posting, their unit on
their record; the others with one to three postings, to random units at random dates, some on
the same day), enrolled in a session each, 95 % present; 20,000 visits from 2021 to yesterday
(one in twenty still planned), each answering the 30 first items of the instrument (the others
put out of use): yes, partly, no or not seen.

Then, over that axis:

    custody_evidence_s: 6.4 s            ``evidence(scope=...)``: median of three runs
    custody_evidence_sql_s: 7.3 s        the same tables in hand-written SQL (raw
                                         ``connection.cursor()``, temporary tables): median of
                                         three
    custody_evidence_queries: 5 queries  queries of one ``evidence``

Both results are compared before anything is printed: a difference ends the run (exit 1).
Target: within TARGET_FACTOR times the SQL.

Usage: called by bench/run.py; alone (in a throwaway folder): ``.venv/bin/python bench/custody.py``.
"""

# The SQL below is assembled from constants of this file only; values go as parameters.

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass
from typing import Any

from donor_report import _insert, _median
from followup import mark, programme

UNITS = 5_000
VISITS = 20_000
ITEMS = 30
OFFICERS = 10_000
WORKSHOPS = 12
SESSIONS_PER_WORKSHOP = 4
TARGET_FACTOR = 2.0
VALUES = ("yes", "yes", "yes", "partly", "no", "no", "not_seen")


@dataclass
class CustodyBench:
    evidence_s: float
    sql_s: float
    queries: int
    units: int
    visits: int
    answers: int
    build_s: float


def _mark(what: str, clock: list[float]) -> None:
    mark("custody", what, clock)


def _programme(rng: random.Random) -> tuple[Any, list[Any]]:
    return programme(
        rng,
        name="garde à vue",
        workshops=WORKSHOPS,
        sessions_per_workshop=SESSIONS_PER_WORKSHOP,
        capacity=OFFICERS,
        span_days=5 * 365,
    )


def _units(rng: random.Random) -> list[int]:
    """5,000 brigades and their places of detention; returns the units' ids."""
    from kalan.core.models import Place
    from kalan.custody.models import DetentionPlace
    from kalan.people.models import Corps, Unit

    corps = Corps.objects.order_by("pk").first()
    towns = list(Place.objects.filter(kind=Place.Kind.TOWN).order_by("name"))
    units = Unit.objects.bulk_create(
        [
            Unit(corps=corps, name=f"Brigade garde à vue {n:05d}", kind="brigade", place=town)
            for n in range(UNITS)
            for town in [rng.choice(towns)]
        ],
        batch_size=2_000,
    )
    DetentionPlace.objects.bulk_create(
        [
            DetentionPlace(
                unit=unit, name=f"Cellules {unit.name}", kind="brigade", locality_id=unit.place_id
            )
            for unit in units
        ],
        batch_size=2_000,
    )
    return [unit.pk for unit in units]


def _officers(rng: random.Random, sessions: list[Any], units: list[int]) -> None:
    """Officers, their postings (or a unit on their record), enrollments and attendance."""
    from django.db import connection

    from kalan.people.models import Person, Posting
    from kalan.workshops.models import Attendance, Enrollment

    persons = Person.objects.bulk_create(
        [
            Person(last_name=f"Garde{n:05d}", first_names="Moussa", sex="M", corps=None)
            for n in range(OFFICERS)
        ],
        batch_size=2_000,
    )
    adapt = connection.ops.adapt_datefield_value
    postings, unposted = [], []
    for person in persons:
        if rng.random() < 0.1:
            person.unit_id = rng.choice(units)
            unposted.append(person)
            continue
        since = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(365 * 3))
        for _n in range(rng.randint(1, 3)):
            postings.append((person.pk, rng.choice(units), adapt(since)))
            since += dt.timedelta(days=rng.choice([0, 200, 400, 700]))
    _insert(Posting._meta.db_table, ("person_id", "unit_id", "since"), postings)
    Person.objects.bulk_update(unposted, ["unit"], batch_size=2_000)
    _insert(
        Enrollment._meta.db_table,
        ("session_id", "person_id", "role", "status", "over_capacity", "code"),
        [
            (rng.choice(sessions).pk, person.pk, "participant", "attended", False, "")
            for person in persons
        ],
    )
    by_id = {session.pk: session for session in sessions}
    enrollments = Enrollment.objects.filter(person__in=persons).values_list("pk", "session_id")
    _insert(
        Attendance._meta.db_table,
        ("enrollment_id", "day", "half"),
        [
            (pk, adapt(by_id[session_id].start_date), "day")
            for pk, session_id in enrollments
            if rng.random() < 0.95
        ],
    )


def _visits(rng: random.Random, today: dt.date) -> None:
    """20,000 visits and their 600,000 answers."""
    from django.db import connection

    from kalan.custody.models import DetentionPlace, InstrumentItem, ItemAnswer, Visit

    items = list(InstrumentItem.objects.order_by("order", "pk").values_list("pk", flat=True))
    InstrumentItem.objects.exclude(pk__in=items[:ITEMS]).update(active=False)
    places = list(DetentionPlace.objects.values_list("pk", flat=True))
    span = (today - dt.timedelta(days=1) - dt.date(2021, 1, 1)).days
    adapt = connection.ops.adapt_datefield_value
    _insert(
        Visit._meta.db_table,
        ("place_id", "kind", "status", "visited_on", "received_by", "summary"),
        [
            (
                rng.choice(places),
                rng.choice(("announced", "unannounced")),
                "planned" if rng.random() < 0.05 else "done",
                adapt(dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(span))),
                "",
                "",
            )
            for _n in range(VISITS)
        ],
    )
    _insert(
        ItemAnswer._meta.db_table,
        ("visit_id", "item_id", "value", "note"),
        [
            (visit, item, rng.choice(VALUES), "")
            for visit in Visit.objects.values_list("pk", flat=True)
            for item in items[:ITEMS]
        ],
    )


def build_custody(*, seed: int = 14) -> tuple[Any, float]:
    """The data of the bench; returns the axis and the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    rng = random.Random(seed)
    began = time.perf_counter()
    clock = [began]
    with transaction.atomic():
        axis, sessions = _programme(rng)
        units = _units(rng)
        _mark("units and places", clock)
        _officers(rng, sessions, units)
        _mark("officers, postings, enrollments", clock)
        _visits(rng, timezone.localdate())
        _mark("visits and answers", clock)
    return axis, time.perf_counter() - began


# --- the same tables by hand -------------------------------------------------------------------

PREPARE = [
    "DROP TABLE IF EXISTS bench_relays",
    "DROP TABLE IF EXISTS bench_spans",
    "DROP TABLE IF EXISTS bench_flags",
    # Who was trained by the axis's sessions, and when their session began and ended.
    "CREATE TEMP TABLE bench_relays AS SELECT e.person_id, s.start_date, s.end_date "
    "FROM workshops_enrollment e JOIN workshops_session s ON s.id = e.session_id "
    "JOIN workshops_workshop w ON w.id = s.workshop_id "
    "WHERE w.axis_id = %(axis)s AND e.role = 'participant' AND e.superseded_by_id IS NULL "
    "AND EXISTS (SELECT 1 FROM workshops_attendance a WHERE a.enrollment_id = e.id)",
    "CREATE INDEX bench_relays_person ON bench_relays (person_id)",
    # Each posting's span, [since, the next one's since): a posting replaced the same day spans
    # nothing. A person never posted: their record's unit, always.
    "CREATE TEMP TABLE bench_spans AS SELECT person_id, unit_id, since, "
    "LEAD(since) OVER (PARTITION BY person_id ORDER BY since, id) AS until FROM people_posting",
    "INSERT INTO bench_spans SELECT p.id, p.unit_id, %(dawn)s, NULL FROM people_person p "
    "WHERE p.merged_into_id IS NULL AND p.unit_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM people_posting o WHERE o.person_id = p.id)",
    "CREATE INDEX bench_spans_unit ON bench_spans (unit_id)",
    # Each visit counted: trained officer there on the day; unit ever with one.
    "CREATE TEMP TABLE bench_flags AS SELECT v.id AS visit_id, v.visited_on, v.place_id, "
    "CASE WHEN EXISTS (SELECT 1 FROM bench_spans sp "
    "  JOIN bench_relays r ON r.person_id = sp.person_id WHERE sp.unit_id = d.unit_id "
    "  AND sp.since <= v.visited_on AND (sp.until IS NULL OR sp.until > v.visited_on) "
    "  AND r.end_date <= v.visited_on) THEN 1 ELSE 0 END AS trained, "
    "CASE WHEN d.unit_id IN (SELECT sp.unit_id FROM bench_spans sp "
    "  JOIN bench_relays r ON r.person_id = sp.person_id WHERE r.end_date <= %(today)s "
    "  AND sp.since <= %(today)s AND sp.unit_id IS NOT NULL "
    "  AND (sp.until IS NULL OR (sp.until > r.end_date AND sp.until > sp.since))) "
    "  THEN 1 ELSE 0 END AS ever "
    "FROM custody_visit v JOIN custody_detentionplace d ON d.id = v.place_id "
    "WHERE v.status = 'done' AND v.visited_on <= %(today)s",
    "CREATE INDEX bench_flags_visit ON bench_flags (visit_id)",
]

COUNTED = (
    "FROM custody_itemanswer a JOIN bench_flags f ON f.visit_id = a.visit_id "
    "JOIN custody_instrumentitem i ON i.id = a.item_id "
    "WHERE i.active = %(active)s AND a.value <> 'not_seen' "
)
CELLS = (
    "COUNT(*), SUM(CASE WHEN a.value = 'yes' THEN 1 ELSE 0 END), "
    "COUNT(DISTINCT a.visit_id), COUNT(DISTINCT f.place_id)"
)


def sql_tables(*, axis_id: int, today: dt.date) -> dict[Any, Any]:
    """The evidence's cells, the default cutoff and the visits counted, by hand."""
    from django.db import connection

    params = {"axis": axis_id, "today": today, "dawn": dt.date(1, 1, 1), "active": True}
    out: dict[Any, Any] = {}
    with connection.cursor() as cursor:
        for statement in PREPARE:
            cursor.execute(statement, params)
        cursor.execute(
            "SELECT end_date FROM bench_relays ORDER BY start_date, end_date LIMIT 1", params
        )
        row = cursor.fetchone()
        cutoff = _date(row[0]) if row else None
        out["cutoff"] = cutoff
        params["cutoff"] = cutoff
        cursor.execute(
            "SELECT COUNT(*), SUM(trained) FROM bench_flags f WHERE EXISTS (SELECT 1 "
            "FROM custody_itemanswer a JOIN custody_instrumentitem i ON i.id = a.item_id "
            "WHERE a.visit_id = f.visit_id AND i.active = %(active)s "
            "AND a.value <> 'not_seen')",
            params,
        )
        visits, trained = cursor.fetchone()
        out["visits"] = (visits, int(trained or 0))
        for key in ("i.key", "i.theme"):
            cursor.execute(
                f"SELECT {key}, f.trained, {CELLS} {COUNTED} GROUP BY {key}, f.trained", params
            )
            for name, group, *cell in cursor.fetchall():
                out[("t1", name, bool(group))] = _cell(cell)
            cursor.execute(
                f"SELECT {key}, f.ever, CASE WHEN f.visited_on >= %(cutoff)s THEN 1 ELSE 0 END "
                f"AS after, {CELLS} {COUNTED} GROUP BY {key}, f.ever, after",
                params,
            )
            for name, group, after, *cell in cursor.fetchall():
                out[("t2", name, bool(group), bool(after))] = _cell(cell)
        for table in ("bench_flags", "bench_spans", "bench_relays"):
            cursor.execute(f"DROP TABLE {table}")
    return out


def _cell(counts: list[Any]) -> tuple[int, int, int, bool]:
    answers, compliant, visits, places = (int(x) for x in counts)
    return answers, compliant, visits, places == 1


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def canonical(found: Any) -> dict[Any, Any]:
    """The evidence's cells as the SQL gives them (empty cells left out)."""
    out: dict[Any, Any] = {
        "cutoff": found.cutoff_default,
        "visits": (found.visits, found.visits_trained),
    }

    def add(key: tuple, cell: Any) -> None:
        if cell.answers:
            out[key] = (cell.answers, cell.compliant, cell.visits, cell.one_place)

    for rows in (found.items, found.themes):
        for row in rows:
            add(("t1", row.line.key, True), row.trained)
            add(("t1", row.line.key, False), row.others)
    for dids in (found.did_items, found.did_themes):
        for did in dids:
            add(("t2", did.line.key, True, False), did.trained_before)
            add(("t2", did.line.key, True, True), did.trained_after)
            add(("t2", did.line.key, False, False), did.others_before)
            add(("t2", did.line.key, False, True), did.others_after)
    return out


def measure_custody() -> CustodyBench:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kalan.custody.models import DetentionPlace, ItemAnswer, Visit
    from kalan.reports.figures import Scope
    from kalan.reports.figures_custody import evidence

    axis, build_s = build_custody()
    today = timezone.localdate()
    scope = Scope(axis_id=axis.pk)
    with CaptureQueriesContext(connection) as queries:
        evidence(scope=scope, today=today)
    evidence_s, found = _median(lambda: evidence(scope=scope, today=today))
    sql_s, by_hand = _median(lambda: sql_tables(axis_id=axis.pk, today=today))
    mine = canonical(found)
    if mine != by_hand:
        for key in sorted(set(mine) | set(by_hand), key=str):
            if mine.get(key) != by_hand.get(key):
                print(f"bench: {key}: figures {mine.get(key)}, sql {by_hand.get(key)}")
        sys.exit("bench: the evidence's figures and the hand-written SQL disagree")
    if not found.visits_trained or found.visits_trained == found.visits:
        sys.exit(f"bench: {found.visits_trained} of {found.visits} visits with a trained officer")
    return CustodyBench(
        evidence_s=evidence_s,
        sql_s=sql_s,
        queries=len(queries),
        units=DetentionPlace.objects.count(),
        visits=Visit.objects.count(),
        answers=ItemAnswer.objects.count(),
        build_s=build_s,
    )


def report(found: CustodyBench) -> int:
    print(f"custody_evidence_s: {found.evidence_s:.2f} s")
    print(f"custody_evidence_sql_s: {found.sql_s:.2f} s")
    print(f"custody_evidence_queries: {found.queries} queries")
    print(
        f"bench: evidence over {found.units} places, {found.visits} visits, {found.answers} "
        f"answers, built in {found.build_s:.0f} s",
        file=sys.stderr,
    )
    if found.evidence_s > TARGET_FACTOR * found.sql_s:
        print(
            f"bench: the evidence takes {found.evidence_s:.2f} s, more than {TARGET_FACTOR} x "
            f"the {found.sql_s:.2f} s of the hand-written SQL: look at the queries of "
            "kalan/reports/figures_custody.py.",
            file=sys.stderr,
        )
        return 1
    return 0


def main() -> int:
    import tempfile
    from pathlib import Path

    from run import configure

    with tempfile.TemporaryDirectory(prefix="kalan-bench-custody-") as folder:
        configure(Path(folder))
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return report(measure_custody())


if __name__ == "__main__":
    sys.exit(main())
