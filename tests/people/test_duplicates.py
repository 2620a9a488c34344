"""The duplicate scan over the registry: what it lists, in which order, and what it leaves out."""

from __future__ import annotations

import datetime as dt

import pytest

from kalan.people.duplicates import duplicate_pairs, duplicate_rows
from kalan.people.identity import LIKELY
from kalan.people.merge import duplicate_dismiss, person_merge
from kalan.people.models import Person
from tests.factories import EnrollmentFactory, PersonFactory, UnitFactory, corps

pytestmark = pytest.mark.django_db


def pair_ids() -> list[tuple[int, int]]:
    return [(pair.first_id, pair.second_id) for pair in duplicate_pairs()]


def test_coulibaly_and_koulibaly_are_listed_as_likely() -> None:
    coulibaly = PersonFactory(last_name="Coulibaly", first_names="Moussa", service_number="G-1")
    koulibaly = PersonFactory(last_name="KOULIBALY", first_names="Moussa", service_number="")
    PersonFactory(last_name="Diarra", first_names="Awa", service_number="")
    pairs = duplicate_pairs()
    assert [(p.first_id, p.second_id) for p in pairs] == [(coulibaly.pk, koulibaly.pk)]
    assert pairs[0].score >= LIKELY


def test_different_service_numbers_in_one_corps_are_never_paired() -> None:
    PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-1")
    PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-2")
    assert pair_ids() == []


def test_the_best_match_comes_first() -> None:
    gendarmerie = corps("Gendarmerie")
    unit = UnitFactory(corps=gendarmerie)
    kept = PersonFactory(
        last_name="Sangaré", first_names="Oumar", unit=unit, birth_date=dt.date(1984, 5, 1)
    )
    same_everything = PersonFactory(
        last_name="Sangare", first_names="Oumar", service_number="", unit=unit,
        birth_date=dt.date(1984, 5, 1), rank=kept.rank,
    )  # fmt: skip
    name_only = PersonFactory(
        last_name="Sangaré", first_names="Oumar", service_number="", corps=None
    )
    pairs = duplicate_pairs()
    assert (pairs[0].first_id, pairs[0].second_id) == (kept.pk, same_everything.pk)
    assert pairs[0].score > pairs[-1].score
    assert {name_only.pk} <= {p.second_id for p in pairs}
    assert duplicate_pairs(limit=1) == pairs[:1]


def test_a_dismissed_pair_is_no_longer_listed() -> None:
    a = PersonFactory(last_name="Keïta", first_names="Modibo", service_number="G-1")
    b = PersonFactory(last_name="Keita", first_names="Modibo", service_number="")
    assert pair_ids() == [(a.pk, b.pk)]
    duplicate_dismiss(first=b, second=a, by=None)
    assert pair_ids() == []


def test_a_merged_person_is_no_longer_listed() -> None:
    a = PersonFactory(last_name="Diarra", first_names="Awa", service_number="G-1")
    b = PersonFactory(last_name="Dyarra", first_names="Awa", service_number="")
    c = PersonFactory(last_name="Diara", first_names="Awa", service_number="")
    assert len(pair_ids()) == 3
    person_merge(kept=a, merged=b, by=None)
    assert pair_ids() == [(a.pk, c.pk)]


def test_rows_carry_both_persons_with_their_session_count() -> None:
    a = PersonFactory(last_name="Cissé", first_names="Bakary", service_number="G-1")
    b = PersonFactory(last_name="Sissé", first_names="Bakary", service_number="")
    EnrollmentFactory(person=a)
    EnrollmentFactory(person=a)
    (row,) = duplicate_rows(pairs=duplicate_pairs())
    assert (row.first, row.second) == (a, b)
    assert (row.first.session_count, row.second.session_count) == (2, 0)


def test_rows_leave_out_a_person_merged_since_the_scan() -> None:
    a = PersonFactory(last_name="Touré", first_names="Hawa", service_number="G-1")
    b = PersonFactory(last_name="Toure", first_names="Hawa", service_number="")
    pairs = duplicate_pairs()
    Person.all_objects.filter(pk=b.pk).update(merged_into=a)
    assert duplicate_rows(pairs=pairs) == []
