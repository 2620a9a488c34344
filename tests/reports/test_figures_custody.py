"""Evidence of change (``kalan.reports.figures_custody``): the figures checked against a
computation this test makes itself (its own postings logic, its own Wilson interval) on
hand-built data: postings that change, training after the visit, « non vu », the threshold, the
sign of the difference-in-differences, and a number of queries that does not grow."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

import pytest

from kalan.custody.models import DetentionPlace, InstrumentItem, ItemAnswer, Visit
from kalan.people.models import Person, Posting, Unit
from kalan.reports.figures import Scope
from kalan.reports.figures_custody import (
    MIN_VISITS,
    Cell,
    evidence,
    evidence_method,
    visit_tally,
    wilson,
)
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    place,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 30)
END = dt.date(2022, 11, 10)  # the last day of the first session: the default cutoff


def _unit() -> Unit:
    unit = UnitFactory()
    DetentionPlace.objects.create(
        unit=unit, name=f"Cellules {unit.name}", kind="brigade", locality=place("Sévaré")
    )
    return unit


def _prison() -> DetentionPlace:
    return DetentionPlace.objects.create(
        name="Maison d’arrêt", kind="prison", locality=place("Sévaré")
    )


def _session(start: dt.date = dt.date(2022, 11, 8), **kwargs: Any) -> Session:
    return SessionFactory(start_date=start, end_date=start + dt.timedelta(days=2), **kwargs)


def _officer(
    session: Session,
    postings: list[tuple[Unit | None, dt.date]],
    *,
    present: bool = True,
    role: str = Enrollment.Role.PARTICIPANT,
    unit: Unit | None = None,
) -> Person:
    """A person enrolled in ``session`` whose postings are exactly ``postings`` (none: their
    ``Person.unit`` is ``unit``)."""
    person = PersonFactory()
    Posting.objects.filter(person=person).delete()
    Person.objects.filter(pk=person.pk).update(unit=unit)
    for posted, since in postings:
        Posting.objects.create(person=person, unit=posted, since=since)
    enrollment = EnrollmentFactory(session=session, person=person, role=role)
    if present:
        AttendanceFactory(enrollment=enrollment)
    return person


def _items(n: int = 3) -> list[InstrumentItem]:
    """Two items of one theme and one of another."""
    register = list(InstrumentItem.objects.filter(theme="register").order_by("order")[:2])
    rights = list(InstrumentItem.objects.filter(theme="rights").order_by("order")[:1])
    return (register + rights)[:n]


def _visit(
    where: Unit | DetentionPlace,
    day: dt.date,
    answers: dict[InstrumentItem, str],
    *,
    status: str = Visit.Status.DONE,
) -> Visit:
    detention = where if isinstance(where, DetentionPlace) else where.detention_place
    visit = Visit.objects.create(place=detention, kind="unannounced", status=status, visited_on=day)
    for item, value in answers.items():
        ItemAnswer.objects.create(visit=visit, item=item, value=value)
    return visit


# --- who counts as a trained officer at the time of the visit --------------------------------


def _trained_visits(**kwargs: Any) -> int:
    return evidence(today=TODAY, **kwargs).visits_trained


def test_an_officer_moved_away_before_the_visit_does_not_count_and_one_moved_in_does() -> None:
    item = _items(1)[0]
    first, second = _unit(), _unit()
    session = _session()
    _officer(session, [(first, dt.date(2021, 1, 1)), (second, dt.date(2023, 1, 15))])
    _visit(first, dt.date(2023, 2, 1), {item: "yes"})
    assert _trained_visits() == 0
    _visit(second, dt.date(2023, 2, 1), {item: "yes"})
    assert _trained_visits() == 1
    _visit(first, dt.date(2022, 12, 1), {item: "yes"})  # still there then
    assert _trained_visits() == 2
    _visit(second, dt.date(2023, 1, 14), {item: "yes"})  # the day before they moved in
    assert _trained_visits() == 2


def test_an_officer_trained_after_the_visit_does_not_count() -> None:
    item = _items(1)[0]
    unit = _unit()
    _officer(_session(), [(unit, dt.date(2020, 1, 1))])
    _visit(unit, END - dt.timedelta(days=1), {item: "yes"})
    assert _trained_visits() == 0
    _visit(unit, END, {item: "yes"})  # the session's last day: trained by then
    assert _trained_visits() == 1


def test_of_two_postings_of_one_day_the_last_recorded_holds() -> None:
    item = _items(1)[0]
    first, second = _unit(), _unit()
    _officer(_session(), [(first, dt.date(2022, 1, 1)), (second, dt.date(2022, 1, 1))])
    _visit(first, dt.date(2023, 1, 1), {item: "yes"})
    assert _trained_visits() == 0
    _visit(second, dt.date(2023, 1, 1), {item: "yes"})
    assert _trained_visits() == 1


def test_a_person_never_posted_counts_in_their_unit_from_the_session_end() -> None:
    item = _items(1)[0]
    unit = _unit()
    _officer(_session(), [], unit=unit)
    _visit(unit, END - dt.timedelta(days=3), {item: "yes"})
    _visit(unit, END + dt.timedelta(days=3), {item: "yes"})
    assert _trained_visits() == 1


def test_absent_facilitators_out_of_scope_and_places_without_unit_never_count() -> None:
    item = _items(1)[0]
    unit, later = _unit(), _unit()
    session = _session()
    _officer(session, [(unit, dt.date(2020, 1, 1))], present=False)
    _officer(session, [(unit, dt.date(2020, 1, 1))], role=Enrollment.Role.FACILITATOR)
    other = _session(dt.date(2023, 3, 1))  # another workshop
    _officer(other, [(later, dt.date(2020, 1, 1))])
    _visit(unit, dt.date(2023, 6, 1), {item: "yes"})
    _visit(later, dt.date(2023, 6, 1), {item: "yes"})
    _visit(_prison(), dt.date(2023, 6, 1), {item: "yes"})
    assert _trained_visits(scope=Scope(workshop_id=session.workshop_id)) == 0
    assert _trained_visits() == 1  # every session: the later workshop's officer


def test_not_seen_planned_and_future_visits_are_not_counted() -> None:
    item, other = _items(2)
    unit = _unit()
    _officer(_session(), [(unit, dt.date(2020, 1, 1))])
    _visit(unit, dt.date(2023, 1, 1), {item: "not_seen", other: "yes"})
    _visit(unit, dt.date(2023, 1, 2), {item: "yes"}, status=Visit.Status.PLANNED)
    _visit(unit, dt.date(2023, 1, 3), {item: "yes"}, status=Visit.Status.CANCELLED)
    _visit(unit, TODAY + dt.timedelta(days=1), {item: "yes"})
    found = evidence(today=TODAY)
    assert found.visits == 1
    by_key = {row.line.key: row for row in found.items}
    assert by_key[item.key].trained == Cell()
    assert by_key[other.key].trained == Cell(answers=1, compliant=1, visits=1, one_place=True)


# --- thresholds, intervals, the difference-in-differences -------------------------------------


def test_a_cell_below_the_threshold_gives_no_proportion_to_conclude_on() -> None:
    item = _items(1)[0]
    trained, other = _unit(), _unit()
    _officer(_session(), [(trained, dt.date(2020, 1, 1))])
    for n in range(MIN_VISITS):
        _visit(other, dt.date(2023, 1, 1 + n), {item: "yes" if n % 2 else "no"})
    for n in range(MIN_VISITS - 1):
        _visit(trained, dt.date(2023, 1, 1 + n), {item: "yes"})
    row = next(row for row in evidence(today=TODAY).items if row.line.key == item.key)
    assert not row.trained.enough and row.others.enough
    assert row.difference is None
    _visit(trained, dt.date(2023, 2, 1), {item: "partly"})  # « en partie »: not compliant
    row = next(row for row in evidence(today=TODAY).items if row.line.key == item.key)
    assert row.trained.enough and row.trained.share == pytest.approx(4 / 5)
    assert row.difference == pytest.approx(100 * (4 / 5 - 2 / 5))


def test_one_visit_s_tally_counts_by_theme_what_was_examined_and_compliant() -> None:
    register = list(InstrumentItem.objects.filter(theme="register").order_by("order"))
    rights = list(InstrumentItem.objects.filter(theme="rights").order_by("order"))
    medical = InstrumentItem.objects.filter(theme="medical").first()
    retired = rights[3]
    InstrumentItem.objects.filter(pk=retired.pk).update(active=False)
    values = {
        register[0]: "yes",
        register[1]: "partly",
        register[2]: "not_seen",
        rights[0]: "no",
        rights[1]: "yes",
        rights[2]: "yes",
        retired: "yes",  # out of use: not counted
        medical: "not_seen",  # the theme examined nothing: left out
    }
    visit = _visit(_unit(), dt.date(2023, 3, 1), values)
    mine: dict[str, list[int]] = {}
    for item, value in values.items():
        if item.pk != retired.pk and value != "not_seen":
            counts = mine.setdefault(item.theme, [0, 0])
            counts[0] += 1
            counts[1] += value == "yes"
    assert [(t.theme, t.examined, t.compliant) for t in visit_tally(visit=visit)] == [
        (theme, *mine[theme]) for theme in InstrumentItem.Theme.values if theme in mine
    ]
    assert [t.theme for t in visit_tally(visit=visit)] == ["register", "rights"]


def _my_wilson(k: int, n: int) -> tuple[float, float]:
    # Wilson (1927), as written in most textbooks: (p + z²/2n ± z√(p(1-p)/n + z²/4n²)) / (1+z²/n)
    z = 1.96
    p = k / n
    root = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (p + z * z / (2 * n) - root) / (1 + z * z / n), (p + z * z / (2 * n) + root) / (
        1 + z * z / n
    )


def test_wilson_interval_matches_the_textbook_values() -> None:
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert wilson(0, 5) == pytest.approx((0.0, 0.4345), abs=1e-4)
    assert wilson(0, 0) is None
    for k, n in ((3, 7), (12, 40), (40, 40)):
        assert wilson(k, n) == pytest.approx(_my_wilson(k, n))


@pytest.mark.parametrize(("after", "sign"), [("yes", 1), ("no", -1)])
def test_the_difference_in_differences_has_the_sign_of_the_trained_units_change(
    after: str, sign: int
) -> None:
    item = _items(1)[0]
    trained, other = _unit(), _unit()
    _officer(_session(), [(trained, dt.date(2020, 1, 1))])
    for n in range(5):
        _visit(trained, dt.date(2022, 3, 1 + n), {item: "partly" if after == "yes" else "yes"})
        _visit(trained, dt.date(2023, 3, 1 + n), {item: after})
        _visit(other, dt.date(2022, 3, 1 + n), {item: "yes" if n < 3 else "no"})
        _visit(other, dt.date(2023, 3, 1 + n), {item: "yes" if n < 3 else "no"})
    found = evidence(today=TODAY)
    assert found.cutoff == found.cutoff_default == END
    row = next(row for row in found.did_items if row.line.key == item.key)
    assert row.others_change == pytest.approx(0)
    assert row.did == pytest.approx(sign * 100)
    # A cutoff picked after every visit: nothing after, nothing to conclude.
    late = evidence(today=TODAY, cutoff=dt.date(2024, 1, 1))
    assert next(r for r in late.did_items if r.line.key == item.key).did is None


def test_without_anybody_trained_there_is_no_cutoff_and_no_second_table() -> None:
    item = _items(1)[0]
    _visit(_unit(), dt.date(2023, 1, 1), {item: "yes"})
    found = evidence(today=TODAY)
    assert found.cutoff is None and found.did_items == [] and found.visits == 1


def test_the_method_states_what_is_compliant_and_the_limits() -> None:
    text = " ".join(evidence_method())
    assert "« en partie » et « non » ne le sont pas" in text
    assert "association, pas une cause" in text
    assert str(MIN_VISITS) in text


# --- the whole tables against the test's own computation ---------------------------------------


def _world(rng: random.Random, *, units: int = 8, visits_per_unit: int = 14) -> Session:
    """Units with officers trained before and after, moved around, never posted, absent; visits
    over 2022-2024 (planned ones among them), answered at random, « non vu » included."""
    items = _items(3)
    first = _session()
    later = _session(dt.date(2023, 5, 2), workshop=first.workshop)
    elsewhere = _session(dt.date(2023, 2, 1))
    made = [_unit() for _ in range(units)]
    _officer(first, [(made[0], dt.date(2021, 1, 1)), (made[1], dt.date(2023, 1, 15))])
    _officer(first, [(made[2], dt.date(2020, 1, 1))])
    _officer(first, [], unit=made[3])
    _officer(later, [(made[4], dt.date(2022, 6, 1)), (None, dt.date(2023, 9, 1))])
    _officer(elsewhere, [(made[5], dt.date(2020, 1, 1))])
    _officer(first, [(made[6], dt.date(2020, 1, 1))], present=False)
    prison = _prison()
    for where in [*made, prison]:
        for _n in range(visits_per_unit):
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(900))
            status = rng.choice([Visit.Status.DONE] * 8 + [Visit.Status.PLANNED])
            answers = {
                item: rng.choice(["yes", "yes", "partly", "no", "not_seen"])
                for item in items
                if rng.random() < 0.9
            }
            _visit(where, day, answers, status=status)
    return first


def _expected(scope_workshop: int | None, cutoff: dt.date | None) -> dict[str, Any]:
    """The tables, computed here from the rows (no query of the module under test)."""
    trained = [
        (e["person_id"], e["session__end_date"])
        for e in Enrollment.objects.filter(role="participant", superseded_by__isnull=True)
        .filter(pk__in=Attendance.objects.values("enrollment_id"))
        .values("person_id", "session__end_date", "session__workshop_id")
        if scope_workshop is None or e["session__workshop_id"] == scope_workshop
    ]
    postings: dict[int, list[tuple[dt.date, int, int | None]]] = defaultdict(list)
    for p in Posting.objects.values("person_id", "since", "pk", "unit_id"):
        postings[p["person_id"]].append((p["since"], p["pk"], p["unit_id"]))
    own_unit = dict(Person.objects.values_list("pk", "unit_id"))

    def unit_on(person: int, day: dt.date) -> int | None:
        if not postings[person]:
            return own_unit[person]
        held = [p for p in postings[person] if p[0] <= day]
        return max(held)[2] if held else None

    def trained_at(unit: int | None, day: dt.date) -> bool:
        return unit is not None and any(
            end <= day and unit_on(person, day) == unit for person, end in trained
        )

    def ever(unit: int | None) -> bool:
        for person, end in trained:
            days = [end] + [p[0] for p in postings[person] if end < p[0] <= TODAY]
            if unit is not None and end <= TODAY and any(unit_on(person, d) == unit for d in days):
                return True
        return False

    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, set(), set()])
    rows = ItemAnswer.objects.filter(visit__status="done", visit__visited_on__lte=TODAY).values(
        "visit_id", "visit__visited_on", "visit__place_id", "visit__place__unit_id",
        "item__key", "item__theme", "value",
    )  # fmt: skip
    for row in rows:
        if row["value"] == "not_seen":
            continue
        unit, day = row["visit__place__unit_id"], row["visit__visited_on"]
        keys = [("t1", trained_at(unit, day))]
        if cutoff is not None:
            keys.append(("t2", ever(unit), day >= cutoff))
        for key in keys:
            for what in (row["item__key"], row["item__theme"]):
                cell = cells[(what, *key)]
                cell[0] += 1
                cell[1] += row["value"] == "yes"
                cell[2].add(row["visit_id"])
                cell[3].add(row["visit__place_id"])
    return {key: (n, k, len(v), len(p)) for key, (n, k, v, p) in cells.items()}


def _check(cell: Cell, expected: tuple[int, int, int, int] | None) -> None:
    n, k, visits, places = expected or (0, 0, 0, 0)
    assert (cell.answers, cell.compliant, cell.visits) == (n, k, visits)
    assert cell.one_place == (places == 1)
    if n:
        assert cell.share == pytest.approx(k / n)
        assert cell.interval == pytest.approx(_my_wilson(k, n))
    assert cell.enough == (visits >= 5)


def _share(expected: tuple[int, int, int, int] | None) -> float | None:
    if expected is None or expected[2] < 5:
        return None
    return 100 * expected[1] / expected[0]


@pytest.mark.parametrize("whole", [False, True])
def test_both_tables_agree_with_a_computation_of_their_own(whole: bool) -> None:
    first = _world(random.Random(14))
    scope = None if whole else Scope(workshop_id=first.workshop_id)
    found = evidence(scope=scope, today=TODAY)
    assert found.cutoff == END
    mine = _expected(None if whole else first.workshop_id, END)
    assert found.visits_trained and found.visits_trained < found.visits
    for row in [*found.items, *found.themes]:
        key = row.line.key
        _check(row.trained, mine.get((key, "t1", True)))
        _check(row.others, mine.get((key, "t1", False)))
        a, b = _share(mine.get((key, "t1", True))), _share(mine.get((key, "t1", False)))
        assert row.difference == (None if a is None or b is None else pytest.approx(a - b))
    for did in [*found.did_items, *found.did_themes]:
        key = did.line.key
        cells = {
            (group, after): mine.get((key, "t2", group, after))
            for group in (True, False)
            for after in (True, False)
        }
        _check(did.trained_before, cells[(True, False)])
        _check(did.trained_after, cells[(True, True)])
        _check(did.others_before, cells[(False, False)])
        _check(did.others_after, cells[(False, True)])
        shares = {key: _share(cell) for key, cell in cells.items()}
        if None in shares.values():
            assert did.did is None
        else:
            assert did.did == pytest.approx(
                (shares[(True, True)] - shares[(True, False)])  # type: ignore[operator]
                - (shares[(False, True)] - shares[(False, False)])  # type: ignore[operator]
            )
    checked = [row for row in found.did_items if row.did is not None]
    assert checked, "the data should give at least one difference-in-differences"


def test_a_cutoff_picked_by_the_user_moves_visits_between_before_and_after() -> None:
    first = _world(random.Random(3))
    cutoff = dt.date(2023, 6, 1)
    found = evidence(scope=Scope(workshop_id=first.workshop_id), cutoff=cutoff, today=TODAY)
    assert (found.cutoff, found.cutoff_default) == (cutoff, END)
    mine = _expected(first.workshop_id, cutoff)
    for did in found.did_themes:
        _check(did.trained_after, mine.get((did.line.key, "t2", True, True)))
        _check(did.others_before, mine.get((did.line.key, "t2", False, False)))


def test_the_number_of_queries_does_not_grow_with_the_data(
    django_assert_num_queries: Any,
) -> None:
    _world(random.Random(1), units=7, visits_per_unit=2)
    with django_assert_num_queries(5) as small:
        evidence(today=TODAY)
    _world(random.Random(2), units=12, visits_per_unit=20)
    with django_assert_num_queries(5) as large:
        evidence(today=TODAY)
    print(f"evidence: {len(small.captured_queries)} queries, {len(large.captured_queries)} too")
