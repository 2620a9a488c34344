"""Benchmark of the report to a partner over a programme of 5,000 sessions.

``build_programme`` adds, by bulk inserts, 125 workshops of 40 sessions each (2019-2024, one in
ten by half-days, one in fifty still planned) over the registry of 200,000 persons that
``bench/run.py`` builds: 40 participants a session drawn from the registry (so many persons come
twice), a facilitator, three days of attendance with absences, one in a hundred withdrawn; a
pre-test and a post-test (scores only: the donor report reads no answer of theirs) and a
satisfaction survey of four ratings; the payment statements (a second one for a session in ten);
two funders, the measured one funding every workshop, the other one workshop in two.

Then, for the measured partner over the whole period:

    donor_report_s: 3.21 s       the figures the XLSX prints (``kalan.reports.donor.donor_facts``)
                                 and the XLSX itself (``donor_xlsx``): median of REPEAT runs
    donor_report_sql_s: 1.23 s   hand-written SQL computing the same figures (raw
                                 ``connection.cursor()``): median of REPEAT runs
    donor_report_render_s: 0.1 s the XLSX alone, from figures already read
    donor_report_queries: 40     queries of one report

The two sets of figures are compared, per workshop and in total, before anything is printed: a
difference ends the run (exit 1). Target: the figures within TARGET_FACTOR times the SQL, plus the
rendering.

Usage: called by bench/run.py once the registry holds 200,000 persons; alone (it builds that
registry first, in a throwaway folder): ``.venv/bin/python bench/donor_report.py``.
"""

# The SQL below is assembled from constants of this file only; values go as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WORKSHOPS = 125
SESSIONS_PER_WORKSHOP = 40
PARTICIPANTS = 40
DAYS = 3
REPEAT = 3
TARGET_FACTOR = 2.0
START = dt.date(2019, 1, 7)
END = dt.date(2026, 12, 31)
BATCH = 20_000


@dataclass
class DonorFigures:
    report_s: float
    sql_s: float
    render_s: float
    queries: int
    sessions: int
    enrollments: int
    build_s: float


_CLOCK = [time.perf_counter()]


def _mark(what: str) -> None:
    """One line on stderr per step of the build, for whoever wonders where the time goes."""
    now = time.perf_counter()
    print(f"bench: donor report data: {what} ({now - _CLOCK[0]:.1f} s)", file=sys.stderr)
    _CLOCK[0] = now


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Rows of the largest tables, without model instances: several times faster than
    ``bulk_create`` for a million rows, and the same rows (uid and timestamps included)."""
    import uuid

    from django.db import connection
    from django.utils import timezone

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    names = ", ".join(("uid", "created_at", "updated_at", *columns))
    marks = ", ".join(["%s"] * (len(columns) + 3))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [(uuid.uuid4().hex, stamp, stamp, *row) for row in rows[first : first + BATCH]],
            )


def build_programme(*, seed: int = 7) -> tuple[Any, int]:
    """The 5,000 sessions and all they hold; returns the measured partner and the sessions."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kalan.assessments.models import Answer, Submission, Test, TestQuestion
    from kalan.core.models import Organisation, Partner, Place
    from kalan.finance.models import PaymentStatement
    from kalan.people.models import Person
    from kalan.plans.models import Axis, StrategicPlan
    from kalan.workshops.models import Attendance, Enrollment, Funding, Session, Workshop

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        organisation = Organisation.objects.order_by("pk").first()
        if organisation is None:
            mali = Place.objects.get(kind=Place.Kind.COUNTRY)
            organisation = Organisation.objects.create(
                name="Commission nationale des droits de l’homme", acronym="CNDH", country=mali
            )
        plan = StrategicPlan.objects.create(
            organisation=organisation, title="Plan du banc", start_year=2019, end_year=2026
        )
        axis = Axis.objects.create(plan=plan, number=1, title="Former les OPJ")
        partner = Partner.objects.create(name="Partenaire mesuré", acronym="PM")
        other = Partner.objects.create(name="Autre partenaire", acronym="AP")
        workshops = _bulk(
            Workshop,
            [
                Workshop(axis=axis, title=f"Atelier {n:03d}", general_objective="Former.")
                for n in range(WORKSHOPS)
            ],
        )
        fundings = [Funding(workshop=w, partner=partner, amount=50_000_000) for w in workshops]
        fundings += [Funding(workshop=w, partner=other, amount=20_000_000) for w in workshops[::2]]
        _bulk(Funding, fundings)
        towns = list(Place.objects.filter(kind=Place.Kind.TOWN).order_by("name"))
        span = (END - START).days
        sessions = []
        for workshop in workshops:
            for number in range(1, SESSIONS_PER_WORKSHOP + 1):
                if rng.random() < 0.02:
                    start = today + dt.timedelta(days=rng.randrange(10, 300))
                else:
                    start = START + dt.timedelta(days=rng.randrange(span))
                    start = min(start, today - dt.timedelta(days=DAYS + 1))
                sessions.append(
                    Session(
                        workshop=workshop,
                        number=number,
                        place=rng.choice(towns),
                        venue="Hôtel du banc",
                        start_date=start,
                        end_date=start + dt.timedelta(days=DAYS - 1),
                        capacity=PARTICIPANTS,
                        half_days=rng.random() < 0.1,
                        per_diem_rate=25_000,
                        transport_rate=10_000,
                    )
                )
        sessions = _bulk(Session, sessions)
        _mark("sessions")

        person_ids = list(Person.objects.values_list("pk", flat=True))
        rows: list[tuple[Any, ...]] = []
        for session in sessions:
            chosen = rng.sample(person_ids, PARTICIPANTS + 1)
            for n, person_id in enumerate(chosen):
                role = Enrollment.Role.PARTICIPANT if n < PARTICIPANTS else "facilitator"
                status = "withdrawn" if rng.random() < 0.01 else "attended"
                rows.append((session.pk, person_id, role, status, False, ""))
        _insert(
            Enrollment._meta.db_table,
            ("session_id", "person_id", "role", "status", "over_capacity", "code"),
            rows,
        )
        # (pk, session id, role, status) of the rows just written, without model instances.
        enrollments = list(
            Enrollment.objects.filter(session__workshop__axis=axis).values_list(
                "pk", "session_id", "role", "status"
            )
        )
        _mark("enrollments")
        by_id = {session.pk: session for session in sessions}

        attendance: list[tuple[Any, ...]] = []
        adapt_date = connection.ops.adapt_datefield_value
        for pk, session_id, _role, status in enrollments:
            session = by_id[session_id]
            if session.start_date > today or status == Enrollment.Status.WITHDRAWN:
                continue
            if rng.random() < 0.03:  # never came
                continue
            halves = ("am", "pm") if session.half_days else ("day",)
            for day in session.days:
                for half in halves:
                    if rng.random() < 0.93:
                        attendance.append((pk, adapt_date(day), half))
        _insert(Attendance._meta.db_table, ("enrollment_id", "day", "half"), attendance)
        _mark("attendance")

        held = [s for s in sessions if s.start_date <= today]
        tests = []
        for n, session in enumerate(held):
            for kind in (Test.Kind.PRE, Test.Kind.POST, Test.Kind.SURVEY):
                tests.append(
                    Test(
                        session=session,
                        kind=kind,
                        title=str(kind),
                        status=Test.Status.CLOSED,
                        access_code=f"B{kind[:2]}{n:05d}",
                        pass_mark=70,
                    )
                )
        tests = _bulk(Test, tests)
        rating = {"kind": "rating", "text": "Note", "objective": "", "choices": []}
        questions = _bulk(
            TestQuestion,
            [
                TestQuestion(test=test, order=order, content=rating)
                for test in tests
                if test.kind == Test.Kind.SURVEY
                for order in range(1, 5)
            ],
        )
        survey_questions: dict[int, list[int]] = {}
        for question in questions:
            survey_questions.setdefault(question.test_id, []).append(question.pk)
        per_session: dict[int, list[int]] = {}
        for pk, session_id, role, _status in enrollments:
            if role == Enrollment.Role.PARTICIPANT:
                per_session.setdefault(session_id, []).append(pk)
        # Scores out of 20, drawn once: a pre-test around 45 %, a post-test around 72 %.
        scores = {
            kind: [float(sum(rng.random() < level for _ in range(20))) for _ in range(4096)]
            for kind, level in ((Test.Kind.PRE, 0.45), (Test.Kind.POST, 0.72))
        }
        sent_at = connection.ops.adapt_datetimefield_value(now)
        copies: list[tuple[Any, ...]] = []
        for test in tests:
            drawn = scores.get(test.kind)
            for enrollment_id in per_session.get(test.session_id, []):
                if rng.random() < 0.07:
                    continue
                score = drawn[len(copies) % 4096] if drawn else None
                copies.append(
                    (test.pk, enrollment_id, sent_at, score, 20.0 if drawn else None, False, "", "")
                )
        _insert(
            Submission._meta.db_table,
            (
                "test_id", "enrollment_id", "submitted_at", "score", "max_score", "on_paper",
                "device", "device_pending",
            ),
            copies,
        )  # fmt: skip
        _mark("submissions")
        surveys = Submission.objects.filter(
            test__kind=Test.Kind.SURVEY, test__session__workshop__axis=axis
        )
        answers: list[tuple[Any, ...]] = []
        ratings = rng.choices((1, 2, 3, 4, 5), (1, 2, 5, 9, 7), k=4096)
        for submission_id, test_id in surveys.values_list("pk", "test_id").iterator(10_000):
            for question_id in survey_questions[test_id]:
                answers.append((submission_id, question_id, "[]", ratings[len(answers) % 4096], ""))
        _insert(
            Answer._meta.db_table,
            ("submission_id", "question_id", "choices", "rating", "text"),
            answers,
        )
        _mark("answers")

        statements = []
        for n, session in enumerate(held):
            total = 40 * (3 * 25_000 + 10_000) - rng.randrange(20) * 25_000
            statements.append(
                PaymentStatement(
                    session=session,
                    number=f"EP-B-{n:05d}",
                    lines=[],
                    total=total,
                    fingerprint="bench",
                    pdf=f"statements/bench-{n}.pdf",
                )
            )
            if n % 10 == 0:  # reissued later, with a higher total: only this one counts
                statements.append(
                    PaymentStatement(
                        session=session,
                        number=f"EP-B-{n:05d}-2",
                        lines=[],
                        total=total + 25_000,
                        fingerprint="bench",
                        pdf=f"statements/bench-{n}-2.pdf",
                        created_at=now + dt.timedelta(seconds=1),
                    )
                )
        _bulk(PaymentStatement, statements)
        # created_at is auto_now_add: set the reissued ones later by hand.
        PaymentStatement.objects.filter(number__endswith="-2", number__startswith="EP-B-").update(
            created_at=now + dt.timedelta(hours=1)
        )
    return partner, len(sessions)


# --- the same figures in hand-written SQL ------------------------------------------------------

SCOPE = """scope AS (
    SELECT s.id, s.workshop_id, s.start_date, s.end_date, s.half_days
    FROM workshops_session s
    WHERE s.workshop_id IN (SELECT f.workshop_id FROM workshops_funding f WHERE f.partner_id = %s)
      AND s.start_date >= %s AND s.start_date <= %s
)"""
TRAINED = """trained AS (
    SELECT e.id, e.person_id, sc.workshop_id
    FROM workshops_enrollment e JOIN scope sc ON sc.id = e.session_id
    WHERE e.role = 'participant'
      AND EXISTS (SELECT 1 FROM workshops_attendance a WHERE a.enrollment_id = e.id)
)"""
SEX_COUNTS = """COUNT(DISTINCT t.person_id),
    COUNT(DISTINCT CASE WHEN p.sex = 'F' THEN t.person_id END),
    COUNT(DISTINCT CASE WHEN p.sex = 'M' THEN t.person_id END)"""


def _both(select: str, joins: str, group: str = "") -> str:
    """The query grouped by workshop, then the same over all of them (workshop NULL)."""
    keys = f", {group}" if group else ""
    return (
        f"SELECT t.workshop_id{keys}, {select} FROM trained t {joins} "
        f"GROUP BY t.workshop_id{keys} "
        f"UNION ALL SELECT NULL{keys}, {select} FROM trained t {joins}"
        + (f" GROUP BY {group}" if group else "")
    )


def sql_figures(*, partner_id: int, start: dt.date, end: dt.date, today: dt.date) -> dict:
    """The figures of the report, workshop by workshop (and None for the total), in raw SQL."""
    from django.db import connection

    # Days offered so far: a session's days up to today (none for a session still to come).
    if connection.vendor == "sqlite":
        days = "MAX(0, julianday(MIN(sc.end_date, %s)) - julianday(sc.start_date) + 1)"
    else:
        days = "GREATEST(0, LEAST(sc.end_date, %s::date) - sc.start_date + 1)"
    scope = [partner_id, start, end]
    out: dict[Any, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        return out.setdefault(key, {"corps": {}, "region": {}, "group": {}})

    def add(key: Any, name: str, value: Any) -> None:
        for target in (key, None) if key is not None else (None,):
            found = row(target)
            found[name] = found.get(name, 0) + (value or 0)

    with connection.cursor() as cursor:
        # Held: begun, and a participant marked present there; begun without one: unattended.
        attended = (
            "EXISTS (SELECT 1 FROM workshops_attendance a JOIN workshops_enrollment e "
            "ON e.id = a.enrollment_id WHERE e.session_id = sc.id AND e.role = 'participant')"
        )
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, "
            f"SUM(CASE WHEN sc.start_date <= %s AND {attended} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN sc.start_date <= %s AND NOT {attended} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN sc.start_date > %s THEN 1 ELSE 0 END) FROM scope sc "
            "GROUP BY sc.workshop_id",
            [*scope, today, today, today],
        )
        for workshop_id, held, unattended, planned in cursor.fetchall():
            add(workshop_id, "held", held)
            add(workshop_id, "unattended", unattended)
            add(workshop_id, "planned", planned)
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, COUNT(*), SUM({days}) "
            "FROM workshops_enrollment e JOIN scope sc ON sc.id = e.session_id "
            "WHERE e.role = 'participant' AND e.status <> 'withdrawn' GROUP BY sc.workshop_id",
            [*scope, today],
        )
        for workshop_id, participants, offered in cursor.fetchall():
            add(workshop_id, "participants", participants)
            add(workshop_id, "offered", float(offered))
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, "
            "SUM(CASE WHEN sc.half_days THEN 0.5 ELSE 1.0 END) "
            "FROM workshops_attendance a JOIN workshops_enrollment e ON e.id = a.enrollment_id "
            "JOIN scope sc ON sc.id = e.session_id WHERE e.role = 'participant' "
            "GROUP BY sc.workshop_id",
            scope,
        )
        for workshop_id, person_days in cursor.fetchall():
            add(workshop_id, "person_days", float(person_days))
        cursor.execute(
            f"WITH {SCOPE}, {TRAINED} "
            + _both(f"COUNT(*), {SEX_COUNTS}", "JOIN people_person p ON p.id = t.person_id"),
            scope,
        )
        for workshop_id, trained, persons, women, men in cursor.fetchall():
            found = row(workshop_id)
            found.update(trained=trained, persons=persons, women=women, men=men)
        breakdowns = {
            "corps": ("c.name", "LEFT JOIN people_corps c ON c.id = p.corps_id"),
            "region": (
                "CASE WHEN pl.kind = 'region' THEN pl.name ELSE up.name END",
                "LEFT JOIN people_unit u ON u.id = p.unit_id "
                "LEFT JOIN people_place pl ON pl.id = u.place_id "
                "LEFT JOIN people_place up ON up.id = pl.parent_id",
            ),
            "group": ('r."group"', "LEFT JOIN people_rank r ON r.id = p.rank_id"),
        }
        for name, (label, joins) in breakdowns.items():
            cursor.execute(
                f"WITH {SCOPE}, {TRAINED} "
                + _both(SEX_COUNTS, f"JOIN people_person p ON p.id = t.person_id {joins}", label),
                scope,
            )
            for workshop_id, value, persons, women, men in cursor.fetchall():
                row(workshop_id)[name][value or ""] = (persons, women, men)
        valid = "s.score IS NOT NULL AND s.max_score > 0"
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, t.kind, COUNT(*), "
            f"SUM(CASE WHEN {valid} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {valid} THEN 100.0 * s.score / s.max_score END), "
            f"SUM(CASE WHEN {valid} AND s.score >= (t.pass_mark - 0.0000005) * s.max_score / 100.0 "
            "THEN 1 ELSE 0 END) "
            "FROM assessments_submission s JOIN assessments_test t ON t.id = s.test_id "
            "JOIN scope sc ON sc.id = t.session_id "
            "JOIN workshops_enrollment e ON e.id = s.enrollment_id "
            "WHERE s.submitted_at IS NOT NULL AND e.role = 'participant' "
            "AND t.kind IN ('pre', 'post') GROUP BY sc.workshop_id, t.kind",
            scope,
        )
        for workshop_id, kind, copies, scored, total, passed in cursor.fetchall():
            add(workshop_id, f"{kind}_copies", copies)
            add(workshop_id, f"{kind}_scored", scored)
            add(workshop_id, f"{kind}_total", float(total or 0))
            if kind == "post":
                add(workshop_id, "passed", passed)
        cursor.execute(
            f"WITH {SCOPE}, copies AS ("
            "SELECT s.enrollment_id, sc.workshop_id, "
            "MAX(CASE WHEN t.kind = 'pre' THEN 100.0 * s.score / s.max_score END) AS pre, "
            "MAX(CASE WHEN t.kind = 'post' THEN 100.0 * s.score / s.max_score END) AS post "
            "FROM assessments_submission s JOIN assessments_test t ON t.id = s.test_id "
            "JOIN scope sc ON sc.id = t.session_id "
            "JOIN workshops_enrollment e ON e.id = s.enrollment_id "
            f"WHERE s.submitted_at IS NOT NULL AND {valid} AND e.role = 'participant' "
            "AND t.kind IN ('pre', 'post') GROUP BY s.enrollment_id, sc.workshop_id) "
            "SELECT workshop_id, COUNT(*), "
            "SUM(CASE WHEN pre < 100 THEN (post - pre) / (100 - pre) END), "
            "SUM(CASE WHEN pre < 100 THEN 1 ELSE 0 END), SUM(pre), SUM(post) "
            "FROM copies WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY workshop_id",
            scope,
        )
        for workshop_id, paired, gains, gained, pre_sum, post_sum in cursor.fetchall():
            add(workshop_id, "paired", paired)
            add(workshop_id, "gain_sum", float(gains or 0))
            add(workshop_id, "gained", gained)
            add(workshop_id, "paired_pre_sum", float(pre_sum or 0))
            add(workshop_id, "paired_post_sum", float(post_sum or 0))
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, COUNT(DISTINCT s.id), COUNT(a.rating), "
            "SUM(a.rating) FROM assessments_submission s "
            "JOIN assessments_test t ON t.id = s.test_id JOIN scope sc ON sc.id = t.session_id "
            "LEFT JOIN assessments_answer a ON a.submission_id = s.id AND a.rating IS NOT NULL "
            "WHERE s.submitted_at IS NOT NULL AND t.kind = 'survey' GROUP BY sc.workshop_id",
            scope,
        )
        for workshop_id, copies, ratings, rating_sum in cursor.fetchall():
            add(workshop_id, "survey_copies", copies)
            add(workshop_id, "ratings", ratings)
            add(workshop_id, "rating_sum", float(rating_sum or 0))
        cursor.execute(
            f"WITH {SCOPE} SELECT f.workshop_id, SUM(f.amount) FROM workshops_funding f "
            "WHERE f.partner_id = %s AND f.workshop_id IN (SELECT workshop_id FROM scope) "
            "GROUP BY f.workshop_id",
            [*scope, partner_id],
        )
        for workshop_id, amount in cursor.fetchall():
            add(workshop_id, "committed", int(amount))
        cursor.execute(
            f"WITH {SCOPE} SELECT sc.workshop_id, SUM(ps.total), COUNT(*) "
            "FROM documents_paymentstatement ps JOIN scope sc ON sc.id = ps.session_id "
            "WHERE NOT EXISTS (SELECT 1 FROM documents_paymentstatement later "
            "WHERE later.session_id = ps.session_id AND (later.created_at > ps.created_at "
            "OR (later.created_at = ps.created_at AND later.id > ps.id))) "
            "GROUP BY sc.workshop_id",
            scope,
        )
        for workshop_id, paid, counted in cursor.fetchall():
            add(workshop_id, "paid", int(paid))
            add(workshop_id, "statements", counted)
    return out


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _hake(found: dict[str, Any]) -> float | None:
    """Hake's gain (class averages) from the paired participants' sums."""
    pre = _ratio(found.get("paired_pre_sum", 0.0), found.get("paired", 0))
    post = _ratio(found.get("paired_post_sum", 0.0), found.get("paired", 0))
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def canonical_sql(found: dict[Any, dict[str, Any]]) -> dict[Any, tuple[Any, ...]]:
    """The figures of the SQL, in the order of ``canonical_report``."""
    result = {}
    for key, f in found.items():
        result[key] = (
            f.get("held", 0),
            f.get("planned", 0),
            f.get("unattended", 0),
            f.get("participants", 0),
            f.get("trained", 0),
            f.get("persons", 0),
            f.get("women", 0),
            f.get("men", 0),
            round(f.get("person_days", 0.0), 6),
            round(f.get("offered", 0.0), 6),
            _round(_ratio(f.get("pre_total", 0.0), f.get("pre_scored", 0))),
            _round(_ratio(f.get("post_total", 0.0), f.get("post_scored", 0))),
            f.get("pre_copies", 0),
            f.get("post_copies", 0),
            f.get("passed", 0),
            f.get("paired", 0),
            _round(_ratio(f.get("gain_sum", 0.0), f.get("gained", 0))),
            _round(_hake(f)),
            f.get("survey_copies", 0),
            f.get("ratings", 0),
            _round(_ratio(f.get("rating_sum", 0.0), f.get("ratings", 0))),
            f.get("committed", 0),
            f.get("paid", 0),
            f.get("statements", 0),
            {k: v for k, v in f["corps"].items()},
            {k: v for k, v in f["region"].items()},
            {k: v for k, v in f["group"].items()},
        )
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def canonical_report(facts: Any) -> dict[Any, tuple[Any, ...]]:
    """The figures of the report (``donor_facts``), keyed like ``canonical_sql``."""
    from kalan.people.models import Rank

    labels = {str(label): code for code, label in Rank.Group.choices}
    groups = [(item.workshop.pk, item.figures) for item in facts.workshops]
    groups.append((None, facts.total))
    result = {}
    for key, found in groups:
        p, learning, s, b = (
            found.participation,
            found.learning,
            found.satisfaction,
            found.budget,
        )

        def tallies(items: list[Any], rename: dict[str, str] | None = None) -> dict:
            out = {}
            for t in items:
                label = "" if t.label == "—" else t.label
                if rename is not None:
                    label = rename.get(label.lower(), "")
                out[label] = (t.value, t.women, t.men)
            return out

        result[key] = (
            p.sessions_held,
            p.sessions_planned,
            p.sessions_unattended,
            p.participants,
            p.persons_trained,
            p.distinct_persons,
            p.women,
            p.men,
            round(p.person_days, 6),
            round(p.days_offered, 6),
            _round(learning.pre_mean),
            _round(learning.post_mean),
            learning.pre_copies,
            learning.post_copies,
            learning.post_passed,
            learning.paired,
            _round(learning.mean_normalised_gain),
            _round(learning.hake_gain),
            s.copies,
            s.ratings,
            _round(s.mean_rating),
            b.committed,
            b.per_diem_paid,
            b.sessions_with_statement,
            tallies(p.by_corps),
            tallies(p.by_unit_region),
            tallies(p.by_rank_group, {k.lower(): v for k, v in labels.items()}),
        )
    return result


def _median(action: Callable[[], Any]) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(REPEAT):
        began = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), result


def measure_donor_report() -> DonorFigures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from kalan.reports.donor import donor_facts, donor_xlsx
    from kalan.workshops.models import Enrollment

    began = time.perf_counter()
    partner, sessions = build_programme()
    if connection.vendor == "postgresql":
        # What autovacuum does after such a load, before the planner sees the tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_s = time.perf_counter() - began
    today = timezone.localdate()
    period = {"start": dt.date(2000, 1, 1), "end": dt.date(2099, 12, 31)}

    def report() -> Any:
        with translation.override("fr"):
            facts = donor_facts(partner=partner, language="fr", today=today, **period)
            return facts, donor_xlsx(facts)

    def render(facts: Any) -> bytes:
        with translation.override("fr"):
            return donor_xlsx(facts)

    with CaptureQueriesContext(connection) as queries:
        report()  # also the warm-up: imports, caches
    report_s, (facts, data) = _median(report)
    render_s, _data = _median(lambda: render(facts))
    sql_s, found = _median(lambda: sql_figures(partner_id=partner.pk, today=today, **period))
    mine, theirs = canonical_report(facts), canonical_sql(found)
    if mine != theirs or not data.startswith(b"PK"):
        for key in sorted(set(mine) | set(theirs), key=lambda k: (k is not None, k or 0)):
            if mine.get(key) != theirs.get(key):
                print(
                    f"bench: workshop {key}:\n  report {mine.get(key)}\n  sql    {theirs.get(key)}",
                    file=sys.stderr,
                )
                break
        sys.exit("bench: the donor report and the hand-written SQL disagree")
    total = facts.total.participation
    if total.persons_trained < sessions * PARTICIPANTS * 0.8 or not facts.total.learning.paired:
        sys.exit(f"bench: the donor report counts {total.persons_trained} persons trained only")
    return DonorFigures(
        report_s=report_s,
        sql_s=sql_s,
        render_s=render_s,
        queries=len(queries),
        sessions=sessions,
        enrollments=Enrollment.objects.count(),
        build_s=build_s,
    )


def report(found: DonorFigures) -> int:
    print(f"donor_report_s: {found.report_s:.2f} s")
    print(f"donor_report_sql_s: {found.sql_s:.2f} s")
    print(f"donor_report_render_s: {found.render_s:.2f} s")
    print(f"donor_report_queries: {found.queries} queries")
    print(
        f"bench: donor report over {found.sessions} sessions and {found.enrollments} "
        f"enrollments, built in {found.build_s:.0f} s",
        file=sys.stderr,
    )
    if found.report_s - found.render_s > TARGET_FACTOR * found.sql_s:
        print(
            f"bench: the donor report's figures take {found.report_s - found.render_s:.2f} s, "
            f"more than {TARGET_FACTOR} x the {found.sql_s:.2f} s of the hand-written SQL: "
            "look at the queries of kalan/reports/figures.py.",
            file=sys.stderr,
        )
        return 1
    return 0


def main() -> int:
    import tempfile
    from pathlib import Path

    from run import REGISTRY_SIZE, configure, registry_top_up

    # KALAN_BENCH_DATABASE_URL runs it on another database (PostgreSQL): a new, empty one.
    database = os.environ.get("KALAN_BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="kalan-bench-donor-") as folder:
        if database:
            os.environ["KALAN_DATA_DIR"] = folder
            os.environ["KALAN_DATABASE_URL"] = database
            os.environ["KALAN_SECRET_KEY"] = "bench-only-not-secret"
            os.environ["KALAN_DEBUG"] = "false"
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            import django

            django.setup()
        else:
            configure(Path(folder))
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        began = time.perf_counter()
        registry_top_up(REGISTRY_SIZE)
        print(f"bench: registry built in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        return report(measure_donor_report())


if __name__ == "__main__":
    sys.exit(main())
