"""Merging two records of one person, undoing it exactly, and dismissing a pair."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kalan.core.errors import KalanError
from kalan.core.models import User
from kalan.people.errors import PeopleError
from kalan.people.merge import duplicate_dismiss, person_merge, person_merge_undo
from kalan.people.models import DuplicateDismissal, Person
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
    corps,
)

pytestmark = pytest.mark.django_db

PERSON_FIELDS = [
    "id", "uid", "last_name", "first_names", "sex", "corps_id", "rank_id", "service_number",
    "unit_id", "phone", "email", "birth_date", "merged_into_id", "created_at",
]  # fmt: skip


def snapshot(*persons: Person) -> dict[str, Any]:
    """Every row the merge may touch, without updated_at (a merge and its undo are changes)."""
    ids = [p.pk for p in persons]
    enrollments = Enrollment.objects.filter(person_id__in=ids).order_by("pk")
    marks = Attendance.objects.filter(enrollment__person_id__in=ids).order_by("pk")
    return {
        "persons": list(
            Person.all_objects.filter(pk__in=ids).order_by("pk").values(*PERSON_FIELDS)
        ),
        "enrollments": list(
            enrollments.values(
                "id",
                "uid",
                "session_id",
                "person_id",
                "role",
                "status",
                "over_capacity",
                "enrolled_by_id",
                "superseded_by_id",
                "created_at",
            )
        ),
        "attendance": list(
            marks.values("id", "uid", "enrollment_id", "day", "half", "marked_by_id", "created_at")
        ),
    }


def days(enrollment: Enrollment) -> list[dt.date]:
    return sorted(enrollment.attendances.values_list("day", flat=True))


@pytest.fixture
def pair(sevare_session: Session, workshop: Workshop, programme_officer: User) -> dict[str, Any]:
    """Moussa Coulibaly twice: both in the Sévaré session, each in one session of their own."""
    gendarmerie = corps("Gendarmerie")
    kept = PersonFactory(
        last_name="Coulibaly", first_names="Moussa", corps=gendarmerie, service_number="", phone=""
    )
    merged = PersonFactory(
        last_name="Koulibaly",
        first_names="Moussa",
        corps=gendarmerie,
        service_number="G-77",
        phone="+223 70 11 22 33",
        birth_date=dt.date(1980, 2, 3),
        unit=UnitFactory(corps=gendarmerie),
    )
    kept_sevare = EnrollmentFactory(session=sevare_session, person=kept)
    merged_sevare = EnrollmentFactory(
        session=sevare_session, person=merged, status=Enrollment.Status.ATTENDED
    )
    AttendanceFactory(enrollment=kept_sevare, day=dt.date(2022, 11, 8))
    AttendanceFactory(
        enrollment=merged_sevare, day=dt.date(2022, 11, 8), marked_by=programme_officer
    )
    AttendanceFactory(enrollment=merged_sevare, day=dt.date(2022, 11, 9))
    segou = SessionFactory(workshop=workshop, start_date=dt.date(2023, 3, 6))
    merged_segou = EnrollmentFactory(session=segou, person=merged)
    AttendanceFactory(enrollment=merged_segou)
    kayes = SessionFactory(workshop=workshop, start_date=dt.date(2023, 6, 6))
    EnrollmentFactory(session=kayes, person=kept)
    return {
        "kept": kept,
        "merged": merged,
        "kept_sevare": kept_sevare,
        "merged_sevare": merged_sevare,
        "segou": merged_segou,
    }


def test_merge_keeps_every_enrollment_and_attendance_of_both(
    pair: dict[str, Any], programme_officer: User
) -> None:
    kept, merged = pair["kept"], pair["merged"]
    merge = person_merge(kept=kept, merged=merged, by=programme_officer, score=95.5)
    assert Enrollment.objects.filter(person=kept).count() == 3
    # Merged's enrollment in the session both attended stays, superseded by kept's: not deleted.
    (superseded,) = Enrollment.objects.filter(person=merged)
    assert (superseded, superseded.superseded_by) == (pair["merged_sevare"], pair["kept_sevare"])
    assert days(pair["kept_sevare"]) == [dt.date(2022, 11, 8), dt.date(2022, 11, 9)]
    pair["kept_sevare"].refresh_from_db()
    assert pair["kept_sevare"].status == Enrollment.Status.ATTENDED
    assert Enrollment.objects.get(pk=pair["segou"].pk).person == kept
    assert days(pair["segou"]) == [dt.date(2023, 3, 6)]
    assert (merge.kept, merge.merged, merge.merged_by, merge.score) == (
        kept, merged, programme_officer, 95.5
    )  # fmt: skip
    assert merge.created_at is not None and merge.undone_at is None


def test_merge_hides_the_merged_person_from_the_registry(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    person_merge(kept=kept, merged=merged, by=None)
    assert list(Person.objects.filter(last_name__in=["Coulibaly", "Koulibaly"])) == [kept]
    assert Person.all_objects.get(pk=merged.pk).merged_into == kept


def test_merge_fills_blank_fields_and_moves_the_service_number(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    merge = person_merge(kept=kept, merged=merged, by=None)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert (kept.service_number, merged.service_number) == ("G-77", "")
    assert kept.phone == "+223 70 11 22 33"
    assert kept.birth_date == dt.date(1980, 2, 3)
    assert kept.unit == merged.unit
    assert merge.details["service_number"] == "G-77"
    assert merge.details["fields_filled"] == {
        "phone": "+223 70 11 22 33",
        "birth_date": "1980-02-03",
        "unit_id": merged.unit_id,
    }


def test_merge_does_not_overwrite_what_the_kept_person_has(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    Person.all_objects.filter(pk=kept.pk).update(phone="+223 66 00 00 00")
    person_merge(kept=kept, merged=merged, by=None)
    kept.refresh_from_db()
    assert kept.phone == "+223 66 00 00 00"


def test_undo_puts_everything_back_exactly(pair: dict[str, Any], administrator: User) -> None:
    kept, merged = pair["kept"], pair["merged"]
    before = snapshot(kept, merged)
    merge = person_merge(kept=kept, merged=merged, by=None)
    assert snapshot(kept, merged) != before
    person_merge_undo(merge=merge, by=administrator)
    assert snapshot(kept, merged) == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == administrator
    assert set(Person.objects.filter(pk__in=[kept.pk, merged.pk])) == {kept, merged}


def test_undo_twice_is_refused(pair: dict[str, Any]) -> None:
    merge = person_merge(kept=pair["kept"], merged=pair["merged"], by=None)
    person_merge_undo(merge=merge, by=None)
    with pytest.raises(PeopleError) as error:
        person_merge_undo(merge=merge, by=None)
    assert error.value.code == "merge_already_undone"


def test_undo_is_refused_once_the_kept_person_was_merged_elsewhere(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    merge = person_merge(kept=kept, merged=merged, by=None)
    elsewhere = PersonFactory(last_name="Coulibaly", first_names="Moussa", service_number="")
    later = person_merge(kept=elsewhere, merged=kept, by=None)
    with pytest.raises(PeopleError) as error:
        person_merge_undo(merge=merge, by=None)
    assert error.value.code == "merge_kept_merged_since"
    assert "annulez d’abord" in str(error.value)
    person_merge_undo(merge=later, by=None)
    person_merge_undo(merge=merge, by=None)


def test_merges_into_one_person_are_undone_newest_first(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    third = PersonFactory(last_name="Coulibali", first_names="Moussa", service_number="")
    before = snapshot(kept, merged, third)
    first = person_merge(kept=kept, merged=merged, by=None)
    second = person_merge(kept=kept, merged=third, by=None)
    with pytest.raises(PeopleError) as error:
        person_merge_undo(merge=first, by=None)
    assert error.value.code == "merge_later_merges_first"
    person_merge_undo(merge=second, by=None)
    person_merge_undo(merge=first, by=None)
    assert snapshot(kept, merged, third) == before


def test_undo_is_refused_when_a_moved_enrollment_was_deleted_since(pair: dict[str, Any]) -> None:
    merge = person_merge(kept=pair["kept"], merged=pair["merged"], by=None)
    Enrollment.objects.filter(pk=pair["segou"].pk).delete()
    with pytest.raises(KalanError) as error:
        person_merge_undo(merge=merge, by=None)
    assert error.value.code == "merge_changed_since"
    assert Person.all_objects.get(pk=pair["merged"].pk).merged_into == pair["kept"]


def test_undo_leaves_a_field_changed_since_the_merge(pair: dict[str, Any]) -> None:
    kept, merged = pair["kept"], pair["merged"]
    merge = person_merge(kept=kept, merged=merged, by=None)
    Person.all_objects.filter(pk=kept.pk).update(phone="+223 76 54 32 10")
    person_merge_undo(merge=merge, by=None)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert kept.phone == "+223 76 54 32 10"
    assert (kept.service_number, merged.service_number) == ("", "G-77")
    assert kept.birth_date is None


def test_undo_gives_back_the_superseded_enrollment_even_if_its_clerk_is_gone(
    pair: dict[str, Any],
) -> None:
    clerk = UserFactory(username="clerk")
    Enrollment.objects.filter(pk=pair["merged_sevare"].pk).update(enrolled_by=clerk)
    merge = person_merge(kept=pair["kept"], merged=pair["merged"], by=None)
    superseded = Enrollment.objects.get(pk=pair["merged_sevare"].pk)
    assert superseded.superseded_by == pair["kept_sevare"]
    clerk.delete()
    person_merge_undo(merge=merge, by=None)
    restored = Enrollment.objects.get(pk=pair["merged_sevare"].pk)
    assert (restored.uid, restored.person, restored.enrolled_by, restored.superseded_by) == (
        pair["merged_sevare"].uid,
        pair["merged"],
        None,
        None,
    )
    assert days(restored) == [dt.date(2022, 11, 8), dt.date(2022, 11, 9)]


def test_a_person_cannot_be_merged_into_itself() -> None:
    person = PersonFactory()
    with pytest.raises(PeopleError) as error:
        person_merge(kept=person, merged=person, by=None)
    assert error.value.code == "merge_same_person"


def test_nothing_is_merged_into_or_from_an_already_merged_person() -> None:
    a, b, c = PersonFactory(), PersonFactory(service_number=""), PersonFactory(service_number="")
    person_merge(kept=a, merged=b, by=None)
    with pytest.raises(PeopleError) as into:
        person_merge(kept=b, merged=c, by=None)
    assert into.value.code == "merge_into_merged"
    with pytest.raises(PeopleError) as again:
        person_merge(kept=c, merged=b, by=None)
    assert again.value.code == "merge_already_merged"


def test_two_service_numbers_of_one_corps_are_never_merged() -> None:
    a = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-1")
    b = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-2")
    with pytest.raises(PeopleError) as error:
        person_merge(kept=a, merged=b, by=None)
    assert error.value.code == "merge_service_numbers_differ"
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_a_corps_is_filled_with_its_rank_when_the_kept_person_had_none() -> None:
    kept = PersonFactory(last_name="Maïga", first_names="Awa", corps=None)
    merged = PersonFactory(last_name="Maiga", first_names="Awa", service_number="G-5")
    before = snapshot(kept, merged)
    merge = person_merge(kept=kept, merged=merged, by=None)
    kept.refresh_from_db()
    assert (kept.corps, kept.rank, kept.service_number) == (merged.corps, merged.rank, "G-5")
    person_merge_undo(merge=merge, by=None)
    assert snapshot(kept, merged) == before


def test_dismiss_records_the_pair_once_in_pk_order(programme_officer: User) -> None:
    a, b = PersonFactory(), PersonFactory()
    dismissal = duplicate_dismiss(first=b, second=a, by=programme_officer)
    assert (dismissal.first, dismissal.second, dismissal.dismissed_by) == (a, b, programme_officer)
    assert duplicate_dismiss(first=a, second=b, by=None) == dismissal
    assert DuplicateDismissal.objects.count() == 1


def test_a_person_cannot_be_dismissed_from_itself() -> None:
    person = PersonFactory()
    with pytest.raises(PeopleError) as error:
        duplicate_dismiss(first=person, second=person, by=None)
    assert error.value.code == "dismiss_same_person"
