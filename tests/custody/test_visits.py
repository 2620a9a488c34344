"""Visits: the rules of ``services_visits`` (the visit, its instrument, its photos)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from pytest_django import Settings

from kalan.core.models import AuditEntry, User
from kalan.custody.errors import CustodyError
from kalan.custody.models import DetentionPlace, InstrumentItem, ItemAnswer, Visit, VisitPhoto
from kalan.custody.services_visits import (
    visit_answers_save,
    visit_photo_add,
    visit_photo_delete,
    visit_save,
)
from tests.custody.builders_visits import a_place, a_visit, jpeg
from tests.relays.test_restitutions import GPS_IFD, jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def save(detention: DetentionPlace, *, by: User | None = None, **changes: Any) -> Visit:
    values: dict[str, Any] = {
        "place": detention,
        "kind": Visit.Kind.ANNOUNCED,
        "status": Visit.Status.DONE,
        "visited_on": dt.date(2023, 2, 14),
        "arrived_at": dt.time(9, 30),
        "left_at": dt.time(12, 0),
        "team": [],
        "received_by": "Le commandant de brigade",
        "held_men": 3,
        "held_women": 1,
        "held_boys": 0,
        "held_girls": None,
        "summary": "",
        "by": by,
    }
    values.update(changes)
    return visit_save(**values)


def item(key: str) -> InstrumentItem:
    return InstrumentItem.objects.get(key=key)


# --- the visit ------------------------------------------------------------------------------


def test_a_visit_is_recorded_with_its_team_of_npm_members_and_administrators(
    npm_monitor: User, administrator: User
) -> None:
    visit = save(a_place(), team=[npm_monitor, administrator], by=npm_monitor)
    assert set(visit.team.all()) == {npm_monitor, administrator}
    assert visit.created_by == npm_monitor and visit.held_men == 3


@pytest.mark.parametrize("role", ["trainer", "programme_officer", "monitoring_officer"])
def test_a_member_of_the_team_outside_the_npm_is_refused_by_name(
    role: str, request: pytest.FixtureRequest, npm_monitor: User
) -> None:
    other: User = request.getfixturevalue(role)
    with pytest.raises(CustodyError) as caught:
        save(a_place(), team=[npm_monitor, other])
    assert caught.value.code == "team_not_npm" and caught.value.field == "team"
    assert other.get_full_name() in str(caught.value)
    assert not Visit.objects.exists()


def test_a_visit_before_its_place_opened_is_refused_naming_the_dates() -> None:
    detention = a_place(opened_on=dt.date(2022, 6, 1), closed_on=dt.date(2024, 6, 30))
    with pytest.raises(CustodyError) as caught:
        save(detention, visited_on=dt.date(2022, 5, 31))
    assert caught.value.code == "outside_place" and caught.value.field == "visited_on"
    assert "01/06/2022" in str(caught.value) and "30/06/2024" in str(caught.value)


def test_a_visit_after_its_place_closed_is_refused() -> None:
    detention = a_place(closed_on=dt.date(2022, 12, 31))
    with pytest.raises(CustodyError) as caught:
        save(detention, visited_on=dt.date(2023, 1, 1))
    assert caught.value.code == "outside_place" and "31/12/2022" in str(caught.value)
    assert save(detention, visited_on=dt.date(2022, 12, 31)).pk


def test_a_visit_done_cannot_be_in_the_future_but_a_planned_one_can() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(CustodyError) as caught:
        save(a_place(), visited_on=tomorrow)
    assert caught.value.code == "done_in_future" and caught.value.field == "visited_on"
    assert save(a_place(name="Autre"), visited_on=tomorrow, status="planned").pk


def test_the_team_cannot_leave_before_it_arrived() -> None:
    with pytest.raises(CustodyError) as caught:
        save(a_place(), arrived_at=dt.time(10, 0), left_at=dt.time(9, 0))
    assert caught.value.code == "left_before_arrived" and caught.value.field == "left_at"


@pytest.mark.parametrize("field", ["held_men", "held_women", "held_boys", "held_girls"])
def test_a_negative_count_of_persons_held_is_refused(field: str) -> None:
    with pytest.raises(CustodyError) as caught:
        save(a_place(), **{field: -1})
    assert caught.value.code == "negative" and caught.value.field == field


def test_a_visit_is_corrected_and_its_team_replaced(npm_monitor: User, administrator: User) -> None:
    visit = save(a_place(), team=[npm_monitor])
    save(visit.place, visit=visit, team=[administrator], summary="  Revue.  ")
    visit.refresh_from_db()
    assert list(visit.team.all()) == [administrator] and visit.summary == "Revue."
    assert Visit.objects.count() == 1


# --- the instrument -------------------------------------------------------------------------


def test_the_answers_replace_the_visit_s_answers_and_set_the_register_counts(
    npm_monitor: User,
) -> None:
    visit = a_visit(a_place())
    ItemAnswer.objects.create(visit=visit, item=item("register_kept"), value="no")
    visit_answers_save(
        visit=visit,
        answers=[
            (item("register_complete"), "partly", " Pages manquantes "),
            (item("register_kept"), "yes", ""),
        ],
        register_examined=40,
        register_over_limit=3,
        by=npm_monitor,
    )
    answers = {a.item.key: (a.value, a.note) for a in visit.answers.all()}
    assert answers == {
        "register_complete": ("partly", "Pages manquantes"),
        "register_kept": ("yes", ""),
    }
    visit.refresh_from_db()
    assert (visit.register_examined, visit.register_over_limit) == (40, 3)


def test_saving_the_grid_again_journals_only_what_changed(npm_monitor: User) -> None:
    visit = a_visit(a_place())
    kept, changed, dropped = item("register_kept"), item("register_complete"), item("bedding")
    first = [(kept, "yes", ""), (changed, "no", ""), (dropped, "no", "Aucune natte")]
    visit_answers_save(
        visit=visit, answers=first, register_examined=None, register_over_limit=None, by=None
    )
    ids = {a.item_id: a.pk for a in visit.answers.all()}
    before = AuditEntry.objects.filter(object_type="custody.itemanswer").count()
    visit_answers_save(
        visit=visit,
        answers=[(kept, "yes", ""), (changed, "partly", "Heures manquantes")],
        register_examined=None,
        register_over_limit=None,
        by=npm_monitor,
    )
    entries = AuditEntry.objects.filter(object_type="custody.itemanswer").order_by("pk")[before:]
    # The changed answer is updated in place (same row), the one no longer given is deleted, the
    # unchanged one writes nothing.
    assert [(e.action, e.object_id) for e in entries] == [
        ("update", str(ids[changed.pk])),
        ("delete", str(ids[dropped.pk])),
    ]
    assert entries[0].changes["value"] == ["no", "partly"]
    assert {a.item_id: a.pk for a in visit.answers.all()} == {
        kept.pk: ids[kept.pk],
        changed.pk: ids[changed.pk],
    }


def test_an_item_answered_twice_is_refused_naming_it_and_nothing_changes(
    npm_monitor: User,
) -> None:
    visit = a_visit(a_place())
    ItemAnswer.objects.create(visit=visit, item=item("register_kept"), value="no")
    kept = item("register_kept")
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit,
            answers=[(kept, "yes", ""), (item("register_complete"), "yes", ""), (kept, "no", "")],
            register_examined=None,
            register_over_limit=None,
            by=npm_monitor,
        )
    assert caught.value.code == "item_twice" and kept.text in str(caught.value)
    assert [(a.item.key, a.value) for a in visit.answers.all()] == [("register_kept", "no")]


def test_more_entries_over_the_limit_than_examined_is_refused_at_its_field(
    npm_monitor: User,
) -> None:
    visit = a_visit(a_place())
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit,
            answers=[(item("register_kept"), "yes", "")],
            register_examined=10,
            register_over_limit=11,
            by=npm_monitor,
        )
    assert caught.value.code == "over_limit_above_examined"
    assert caught.value.field == "register_over_limit"
    assert not visit.answers.exists()
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit, answers=[], register_examined=None, register_over_limit=2, by=npm_monitor
        )
    assert caught.value.code == "over_limit_without_examined"


def test_an_item_out_of_use_or_a_wrong_answer_is_refused(npm_monitor: User) -> None:
    visit = a_visit(a_place())
    retired = item("register_kept")
    retired.active = False
    retired.save()
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit,
            answers=[(retired, "yes", "")],
            register_examined=None,
            register_over_limit=None,
            by=npm_monitor,
        )
    assert caught.value.code == "item_unknown"
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit,
            answers=[(item("register_complete"), "maybe", "")],
            register_examined=None,
            register_over_limit=None,
            by=npm_monitor,
        )
    assert caught.value.code == "answer_invalid"


def test_a_cancelled_visit_s_instrument_is_refused(npm_monitor: User) -> None:
    visit = a_visit(a_place(), status=Visit.Status.CANCELLED)
    with pytest.raises(CustodyError) as caught:
        visit_answers_save(
            visit=visit,
            answers=[(item("register_kept"), "yes", "")],
            register_examined=None,
            register_over_limit=None,
            by=npm_monitor,
        )
    assert caught.value.code == "visit_cancelled"


# --- photos ---------------------------------------------------------------------------------


def test_a_photo_is_stored_re_encoded_without_its_metadata(npm_monitor: User) -> None:
    visit = a_visit(a_place())
    photo = visit_photo_add(
        visit=visit,
        image=upload(jpeg_with_gps()),
        caption=" Cellule 2 ",
        places_only=True,
        by=npm_monitor,
    )
    assert photo.caption == "Cellule 2" and photo.uploaded_by == npm_monitor
    assert str(visit.uid) in photo.image.name and "IMG_0042" not in photo.image.name
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif().get_ifd(GPS_IFD) and "comment" not in stored.info


def test_a_photo_needs_a_caption_and_the_box_saying_it_shows_no_person(npm_monitor: User) -> None:
    visit = a_visit(a_place())
    with pytest.raises(CustodyError) as caught:
        visit_photo_add(visit=visit, image=jpeg(), caption=" ", places_only=True, by=npm_monitor)
    assert caught.value.code == "caption_missing" and caught.value.field == "caption"
    with pytest.raises(CustodyError) as caught:
        visit_photo_add(visit=visit, image=jpeg(), caption="Cour", places_only=False, by=None)
    assert caught.value.code == "people_not_excluded" and caught.value.field == "places_only"
    assert not VisitPhoto.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_at_the_photo_field(media: Path) -> None:
    visit = a_visit(a_place())
    with pytest.raises(CustodyError) as caught:
        visit_photo_add(
            visit=visit,
            image=upload(b"%PDF-1.4", "x.jpg"),
            caption="Cour",
            places_only=True,
            by=None,
        )
    assert caught.value.code == "not_an_image" and caught.value.field == "image"
    assert not VisitPhoto.objects.exists()
    assert not any(media.rglob("*.jpg"))


def test_deleting_a_photo_deletes_its_file(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    photo = visit_photo_add(
        visit=a_visit(a_place()), image=jpeg(), caption="Cour", places_only=True, by=None
    )
    path = Path(photo.image.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        visit_photo_delete(photo=photo)
    assert not path.exists() and not VisitPhoto.objects.exists()
