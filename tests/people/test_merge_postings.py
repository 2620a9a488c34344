"""A merge and its undo with the persons' postings: merged's history moves to kept, the merge
records kept's values on the merge day when its history would say otherwise, and the undo puts
every posting back as it was, leaving none of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kalan.people.merge import person_merge, person_merge_undo
from kalan.people.models import Person, PersonMerge, Posting, Unit
from kalan.people.selectors import posting_on
from tests.factories import PersonFactory, UnitFactory, corps, place, rank

pytestmark = pytest.mark.django_db

NOV_8 = dt.date(2022, 11, 8)
JAN_2 = dt.date(2024, 1, 2)


def postings() -> list[tuple[Any, ...]]:
    """Every posting, as stored (without updated_at)."""
    return list(
        Posting.objects.order_by("pk").values_list(
            "pk", "uid", "person_id", "corps_id", "rank_id", "unit_id", "since", "created_at"
        )
    )


def key(person: Person) -> tuple[int | None, int | None, int | None]:
    person.refresh_from_db()
    return (person.corps_id, person.rank_id, person.unit_id)


def dated(person: Person, since: dt.date) -> Posting:
    """The person's only posting, moved back to ``since`` (as if recorded then)."""
    Posting.objects.filter(person=person).update(since=since)
    return Posting.objects.get(person=person)


def konna() -> Unit:
    return UnitFactory(corps=corps("Gendarmerie"), name="Brigade de Konna", place=place("Konna"))


def gendarme(rank_name: str, *, unit: Unit | None = None, number: str = "") -> Person:
    return PersonFactory(
        last_name="Coulibaly",
        first_names="Moussa",
        corps=corps("Gendarmerie"),
        rank=rank("Gendarmerie", rank_name),
        unit=unit,
        service_number=number,
    )


def test_merged_history_moves_to_kept_and_its_ids_are_recorded() -> None:
    kept = gendarme("Adjudant", number="G-1")
    old = dated(kept, NOV_8)
    merged = gendarme("Adjudant")
    theirs = dated(merged, NOV_8)

    merge = person_merge(kept=kept, merged=merged, by=None)

    assert merge.details["postings_moved"] == [theirs.pk]
    assert merge.details["postings_made"] == []  # same corps, rank and unit: nothing new
    assert set(Posting.objects.filter(person=kept)) == {old, theirs}
    assert not Posting.objects.filter(person=merged).exists()


def test_a_merge_that_fills_the_unit_records_a_posting_and_the_undo_deletes_it() -> None:
    kept = gendarme("Maréchal des logis")
    mine = dated(kept, NOV_8)
    unit = konna()
    merged = gendarme("Adjudant", unit=unit, number="G-2")
    theirs = dated(merged, JAN_2)
    before = postings()

    merge = person_merge(kept=kept, merged=merged, by=None)

    (made,) = Posting.objects.exclude(pk__in=[mine.pk, theirs.pk])
    assert merge.details["postings_moved"] == [theirs.pk]
    assert merge.details["postings_made"] == [made.pk]
    # Kept's rank stays, its blank unit is filled: the record's values from the merge day.
    assert (made.person, made.rank, made.unit) == (
        kept,
        rank("Gendarmerie", "Maréchal des logis"),
        unit,
    )
    assert made.since == timezone.localdate()
    assert posting_on(person=kept, date=timezone.localdate()) == made
    assert posting_on(person=kept, date=JAN_2) == Posting.objects.get(pk=theirs.pk)
    assert posting_on(person=kept, date=NOV_8) == mine

    person_merge_undo(merge=merge, by=None)

    assert postings() == before
    assert key(kept) == (
        corps("Gendarmerie").pk,
        rank("Gendarmerie", "Maréchal des logis").pk,
        None,
    )


def test_a_newer_moved_posting_does_not_stand_for_kept_values() -> None:
    """Kept's rank and unit are not blank, so the merge keeps them; merged's history is newer and
    says otherwise: the merge records kept's values on its day, so that today's answer is the
    record's."""
    unit = konna()
    kept = gendarme("Maréchal des logis", unit=unit, number="G-3")
    dated(kept, NOV_8)
    merged = gendarme("Adjudant", unit=UnitFactory(corps=corps("Gendarmerie")))
    theirs = dated(merged, JAN_2)
    before = postings()

    merge = person_merge(kept=kept, merged=merged, by=None)

    (made_pk,) = merge.details["postings_made"]
    made = Posting.objects.get(pk=made_pk)
    assert (made.rank, made.unit, made.since) == (
        rank("Gendarmerie", "Maréchal des logis"),
        unit,
        timezone.localdate(),
    )
    assert posting_on(person=kept, date=timezone.localdate()) == made
    assert posting_on(person=kept, date=JAN_2) == Posting.objects.get(pk=theirs.pk)

    person_merge_undo(merge=merge, by=None)
    assert postings() == before


def test_a_merge_that_fills_the_corps_records_one_posting_and_the_undo_none() -> None:
    kept = PersonFactory(last_name="Maïga", first_names="Awa", corps=None)
    merged = PersonFactory(last_name="Maiga", first_names="Awa", service_number="G-5")
    (theirs,) = Posting.objects.filter(person=merged)
    before = postings()
    assert not Posting.objects.filter(person=kept).exists()

    merge = person_merge(kept=kept, merged=merged, by=None)

    assert merge.details["postings_moved"] == [theirs.pk]
    (made,) = Posting.objects.filter(pk__in=merge.details["postings_made"])
    assert (made.corps, made.rank) == (merged.corps, merged.rank)
    person_merge_undo(merge=merge, by=None)
    assert postings() == before
    assert key(kept) == (None, None, None)


def test_undo_keeps_a_posting_recorded_on_kept_after_the_merge() -> None:
    kept = gendarme("Maréchal des logis")
    merged = gendarme("Maréchal des logis", unit=konna(), number="G-6")
    merge = person_merge(kept=kept, merged=merged, by=None)
    edited = Person.objects.get(pk=kept.pk)
    edited.rank = rank("Gendarmerie", "Adjudant")
    edited.save()
    promotion = Posting.objects.filter(person=kept).order_by("pk").last()
    assert promotion is not None and promotion.pk not in merge.details["postings_made"]

    person_merge_undo(merge=merge, by=None)

    assert Posting.objects.filter(pk=promotion.pk, person=kept).exists()
    assert not Posting.objects.filter(pk__in=merge.details["postings_made"]).exists()
    assert set(Posting.objects.filter(person=merged).values_list("pk", flat=True)) == set(
        merge.details["postings_moved"]
    )


def test_merges_into_one_person_give_back_every_posting_undone_newest_first() -> None:
    kept = gendarme("Maréchal des logis")
    second = gendarme("Adjudant", unit=konna(), number="G-7")
    third = gendarme("Adjudant-chef")
    before = postings()
    first_merge = person_merge(kept=kept, merged=second, by=None)
    second_merge = person_merge(kept=kept, merged=third, by=None)
    assert Posting.objects.filter(person=kept).count() == len(before) + 1  # unit filled once
    person_merge_undo(merge=second_merge, by=None)
    person_merge_undo(merge=first_merge, by=None)
    assert postings() == before


def test_a_kept_person_merged_elsewhere_takes_the_moved_postings_along_and_back() -> None:
    kept = gendarme("Maréchal des logis")
    merged = gendarme("Maréchal des logis", unit=konna(), number="G-9")
    elsewhere = gendarme("Maréchal des logis")
    before = postings()
    inner = person_merge(kept=kept, merged=merged, by=None)
    outer = person_merge(kept=elsewhere, merged=kept, by=None)
    assert not Posting.objects.filter(person__in=[kept, merged]).exists()
    person_merge_undo(merge=outer, by=None)
    person_merge_undo(merge=inner, by=None)
    assert postings() == before


def test_undo_of_a_merge_recorded_before_postings_leaves_them_where_they_are() -> None:
    kept = gendarme("Maréchal des logis")
    merged = gendarme("Adjudant", number="G-10")
    Person.all_objects.filter(pk=merged.pk).update(merged_into=kept)
    before = postings()
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        details={"version": 2, "fields_filled": {}, "service_number": ""},
    )
    person_merge_undo(merge=merge, by=None)
    assert postings() == before
    assert Person.objects.filter(pk=merged.pk).exists()
