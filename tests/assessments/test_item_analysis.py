"""Item analysis on a known data set: every expected value below was computed by hand.

The data set (``results_data.KNOWN_PRE``), 10 participants × 4 questions, points per question:

    participant  Q1  Q2  Q3  Q4   total
    P01           1   1   1  1     4
    P02           1   0   1  1     3
    P03           1   0   1  1     3
    P04           1   0   1  0.5   2.5
    P05           1   0   1  0.5   2.5
    P06           0   1   1  0.5   2.5
    P07           1   0   1  0.5   2.5
    P08           0   1   1  0     2
    P09           0   1   1  0     2
    P10           0   0   1  0     1

Difficulty p (mean points): Q1 6/10 = 0.6, Q2 4/10 = 0.4, Q3 10/10 = 1.0, Q4 5/10 = 0.5.
Groups of 27 %: round(2.7) = 3 copies. Upper: P01, P02, P03 (4, 3, 3); lower: P10, P08, P09
(1, 2, 2); no tie crosses a boundary (next are 2.5 on both sides).
Discrimination: Q1 3/3 − 0/3 = 1.0; Q2 1/3 − 2/3 = −0.333; Q3 1 − 1 = 0; Q4 3/3 − 0/3 = 1.0.
Flags: Q2 negative discrimination; Q3 too easy (1.0 > 0.95) and discriminates little (0 < 0.20).
"""

from __future__ import annotations

import random

import pytest

from kalan.assessments.selectors import (
    group_size,
    item_flags,
    normalised_gain,
    session_results,
    upper_lower_index,
)
from kalan.workshops.models import Session
from tests.assessments.results_data import KNOWN_PRE, build_test, participants, send_copy

TOTALS = [sum(row) for row in KNOWN_PRE]


def column(n: int) -> list[float]:
    return [row[n] for row in KNOWN_PRE]


def test_the_known_totals_are_as_in_the_table() -> None:
    assert TOTALS == [4, 3, 3, 2.5, 2.5, 2.5, 2.5, 2, 2, 1]


def test_groups_hold_27_percent_of_the_copies_rounded_and_at_least_one() -> None:
    assert group_size(10) == 3  # 2.7
    assert group_size(40) == 11  # 10.8
    assert group_size(20) == 5  # 5.4
    assert group_size(2) == 1
    assert group_size(1) == 1


def test_upper_lower_index_on_the_known_data_set() -> None:
    assert upper_lower_index(column(0), TOTALS) == pytest.approx(1.0)
    assert upper_lower_index(column(1), TOTALS) == pytest.approx(-1 / 3)
    assert upper_lower_index(column(2), TOTALS) == pytest.approx(0.0)
    assert upper_lower_index(column(3), TOTALS) == pytest.approx(1.0)


def test_copies_tied_at_a_group_boundary_share_the_places_left() -> None:
    # 10 copies, groups of 3. Upper: the 3 (weight 1), then three copies tied at 2 for the two
    # places left (weight 2/3 each). Lower: five copies tied at 0 for three places (3/5 each).
    totals = [3, 2, 2, 2, 1, 0, 0, 0, 0, 0]
    items = [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    upper = (1 + 2 / 3 * (1 + 0 + 0)) / 3  # 5/9
    lower = (3 / 5 * (0 + 0 + 0 + 1 + 1)) / 3  # 0.4
    assert upper_lower_index(items, totals) == pytest.approx(upper - lower)
    assert upper - lower == pytest.approx(0.15556, abs=1e-5)


def test_the_index_does_not_depend_on_the_order_copies_arrived() -> None:
    totals = [3, 2, 2, 2, 1, 0, 0, 0, 0, 0]
    items = [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    expected = upper_lower_index(items, totals)
    pairs = list(zip(items, totals, strict=True))
    for seed in range(5):
        random.Random(seed).shuffle(pairs)
        shuffled_items, shuffled_totals = zip(*pairs, strict=True)
        assert upper_lower_index(shuffled_items, shuffled_totals) == pytest.approx(expected)


def test_everyone_tied_discriminates_nothing() -> None:
    assert upper_lower_index([1, 0, 1, 0], [2, 2, 2, 2]) == pytest.approx(0.0)


def test_the_index_needs_two_copies() -> None:
    assert upper_lower_index([1], [1]) is None
    assert upper_lower_index([], []) is None


@pytest.mark.parametrize(
    ("difficulty", "discrimination", "codes"),
    [
        (0.6, 0.5, []),
        (0.1, 0.5, ["too_hard"]),
        (0.2, 0.5, []),  # the threshold itself is not too hard
        (0.97, 0.05, ["too_easy", "low_discrimination"]),
        (0.95, 0.3, []),
        (0.5, -0.1, ["negative_discrimination"]),
        (0.5, 0.1, ["low_discrimination"]),
        (0.5, 0.2, []),
        (0.5, None, []),
    ],
)
def test_item_flags(difficulty: float, discrimination: float | None, codes: list[str]) -> None:
    flags = item_flags(difficulty=difficulty, discrimination=discrimination, copies=10)
    assert [flag.code for flag in flags] == codes
    assert all(flag.reason for flag in flags)


def test_no_flag_before_ten_copies() -> None:
    assert item_flags(difficulty=0.05, discrimination=-0.5, copies=9) == []


def test_flags_give_a_french_reason() -> None:
    [flag] = item_flags(difficulty=0.5, discrimination=-0.2, copies=12)
    assert flag.reason.startswith("Discrimination négative")


def test_normalised_gain_of_one_participant() -> None:
    assert normalised_gain(75, 100) == pytest.approx(1.0)
    assert normalised_gain(62.5, 75) == pytest.approx(1 / 3)
    assert normalised_gain(50, 25) == pytest.approx(-0.5)
    assert normalised_gain(100, 100) is None  # nothing was left to learn
    assert normalised_gain(None, 80) is None


@pytest.mark.django_db
def test_item_analysis_of_a_test_answered_through_the_services(sevare_session: Session) -> None:
    test = build_test(sevare_session)
    for enrollment, points in zip(participants(sevare_session, 10), KNOWN_PRE, strict=True):
        send_copy(test, enrollment, points)

    results = session_results(session=sevare_session).pre
    assert results is not None
    assert results.copies == 10
    assert [q.difficulty for q in results.questions] == pytest.approx([0.6, 0.4, 1.0, 0.5])
    assert [q.discrimination for q in results.questions] == pytest.approx([1.0, -1 / 3, 0.0, 1.0])
    assert [[f.code for f in q.flags] for q in results.questions] == [
        [],
        ["negative_discrimination"],
        ["too_easy", "low_discrimination"],
        [],
    ]
    assert [q.order for q in results.flagged] == [2, 3]
    assert [q.order for q in results.most_missed] == [2, 4, 1]  # Q3: everyone got it


@pytest.mark.django_db
def test_choice_counts_show_what_the_group_believes_instead(sevare_session: Session) -> None:
    test = build_test(sevare_session)
    for enrollment, points in zip(participants(sevare_session, 10), KNOWN_PRE, strict=True):
        send_copy(test, enrollment, points)
    q2 = session_results(session=sevare_session).pre.questions[1]  # type: ignore[union-attr]
    counts = {c.key: c.count for c in q2.choices}
    # 4 right (A), the 6 others chose B (see results_data.choices_for).
    assert counts == {"A": 4, "B": 6, "C": 0, "D": 0}
    assert q2.top_wrong is not None
    assert q2.top_wrong.key == "B"
    assert q2.correct == "A"
    q3 = session_results(session=sevare_session).pre.questions[2]  # type: ignore[union-attr]
    assert q3.correct == "V"
    assert [c.letters for c in q3.choices] == ["V", "F"]
