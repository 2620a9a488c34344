"""The restitution services: every rule refuses with its field and saves nothing; a large
audience is a warning to confirm; the photo is re-encoded without its metadata."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pytest_django import Settings

from kalan.core.models import User
from kalan.relays.errors import RelayError
from kalan.relays.models import Restitution, Source
from kalan.relays.services_restitutions import (
    restitution_delete,
    restitution_record,
    restitution_update,
)
from kalan.workshops.models import Enrollment, Session
from tests.factories import (
    EnrollmentFactory,
    ObjectiveFactory,
    UnitFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.relays.factories import relay

pytestmark = pytest.mark.django_db

GPS_IFD, MAKE = 0x8825, 0x010F


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(username="awa.coulibaly", role="programme")


@pytest.fixture
def trained(sevare_session: Session) -> Enrollment:
    return relay(sevare_session)


def jpeg_with_gps() -> bytes:
    """A photo as a phone writes it: maker and GPS position in its EXIF."""
    image = Image.new("RGB", (1200, 900), "green")
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    position = exif.get_ifd(GPS_IFD)
    position[1], position[2] = "N", (14.0, 29.0, 50.0)  # Sévaré
    position[3], position[4] = "W", (4.0, 5.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"brigade de Sevare")
    return buffer.getvalue()


def upload(content: bytes, name: str = "IMG_0042.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def record(enrollment: Enrollment, **changes: Any) -> Restitution:
    values: dict[str, Any] = {
        "enrollment": enrollment,
        "held_on": enrollment.session.end_date + dt.timedelta(days=30),
        "unit": None,
        "place": None,
        "women": 4,
        "men": 11,
        "colleagues": 12,
        "families": 0,
        "leaders": 3,
        "population": 0,
        "others": 0,
        "duration_minutes": 90,
        "objectives": list(enrollment.session.workshop.objectives.all()),
        "note": "",
        "photo": None,
        "source": Source.STAFF,
        "by": None,
    }
    values.update(changes)
    return restitution_record(**values)


def refused(enrollment: Enrollment, **changes: Any) -> RelayError:
    with pytest.raises(RelayError) as caught:
        record(enrollment, **changes)
    assert not Restitution.objects.exists()
    return caught.value


def test_a_restitution_is_recorded_with_its_audience_topics_and_author(
    trained: Enrollment, officer: User
) -> None:
    unit = UnitFactory()
    restitution = record(trained, unit=unit, note="  Avec le commandant.  ", by=officer)
    restitution.refresh_from_db()
    assert (restitution.women, restitution.men, restitution.colleagues) == (4, 11, 12)
    assert restitution.unit == unit
    assert restitution.note == "Avec le commandant."
    assert restitution.reported_by == officer
    assert restitution.source == Source.STAFF
    assert not restitution.large_confirmed
    assert set(restitution.objectives.all()) == set(trained.session.workshop.objectives.all())


def test_totals_by_sex_and_by_category_must_agree_and_the_message_gives_both(
    trained: Enrollment,
) -> None:
    error = refused(trained, women=5, men=10, colleagues=12, leaders=0)
    assert error.code == "totals_disagree"
    assert "15 personnes par sexe" in str(error)
    assert "12 par catégorie" in str(error)


def test_an_empty_audience_is_refused(trained: Enrollment) -> None:
    error = refused(trained, women=0, men=0, colleagues=0, leaders=0)
    assert error.code == "empty_audience"


def test_a_negative_count_is_refused_at_its_field(trained: Enrollment) -> None:
    error = refused(trained, women=-2, men=17)
    assert (error.code, error.field) == ("negative", "women")


def test_a_date_before_the_end_of_the_training_is_refused(trained: Enrollment) -> None:
    last_day = trained.session.end_date
    error = refused(trained, held_on=last_day - dt.timedelta(days=1))
    assert (error.code, error.field) == ("before_training", "held_on")
    assert "10 novembre 2022" in str(error)
    # The last day itself is allowed: a relay may brief colleagues that very evening.
    assert record(trained, held_on=last_day).held_on == last_day


def test_a_date_in_the_future_is_refused(trained: Enrollment) -> None:
    error = refused(trained, held_on=timezone.localdate() + dt.timedelta(days=1))
    assert (error.code, error.field) == ("in_future", "held_on")
    assert record(trained, held_on=timezone.localdate()).pk


def test_a_large_audience_asks_to_confirm_then_is_stored_marked(trained: Enrollment) -> None:
    big = {"women": 60, "men": 190, "colleagues": 0, "leaders": 0, "population": 250}
    error = refused(trained, **big)
    assert (error.code, error.field) == ("large_audience", "confirm_large")
    assert "250 personnes" in str(error)
    restitution = record(trained, confirm_large=True, **big)
    assert restitution.large_confirmed


def test_more_colleagues_than_a_brigade_holds_asks_to_confirm(trained: Enrollment) -> None:
    brigade = UnitFactory(name="Brigade territoriale de Sévaré")
    many = {"women": 10, "men": 70, "colleagues": 80, "leaders": 0, "unit": brigade}
    error = refused(trained, **many)
    assert error.code == "large_audience"
    assert "Brigade territoriale de Sévaré" in str(error)
    # The same 80 colleagues in a commissariat: plausible, stored without asking.
    commissariat = UnitFactory(kind="commissariat")
    assert not record(trained, **{**many, "unit": commissariat}).large_confirmed


def test_an_absurd_audience_is_refused_even_confirmed(trained: Enrollment) -> None:
    error = refused(
        trained, women=0, men=5001, colleagues=0, leaders=0, population=5001, confirm_large=True
    )
    assert error.code == "absurd_audience"


@pytest.mark.parametrize("minutes", [0, 601])
def test_a_duration_outside_one_minute_to_ten_hours_is_refused(
    trained: Enrollment, minutes: int
) -> None:
    error = refused(trained, duration_minutes=minutes)
    assert (error.code, error.field) == ("duration", "duration_minutes")


def test_topics_must_be_objectives_of_the_relays_workshop(trained: Enrollment) -> None:
    other = ObjectiveFactory(workshop=WorkshopFactory(), text="Un autre atelier")
    error = refused(trained, objectives=[other])
    assert (error.code, error.field) == ("objective_of_another_workshop", "objectives")


def test_only_a_relay_reports_a_restitution(sevare_session: Session) -> None:
    absent = EnrollmentFactory(session=sevare_session)  # never marked present
    assert refused(absent).code == "not_a_relay"
    facilitator = relay(sevare_session)
    facilitator.role = Enrollment.Role.FACILITATOR
    facilitator.save()
    assert refused(facilitator).code == "not_a_relay"
    kept = relay(sevare_session)
    merged = relay(sevare_session)
    merged.superseded_by = kept
    merged.save()
    assert refused(merged).code == "not_a_relay"


def test_the_photo_is_re_encoded_without_its_gps_position(trained: Enrollment, media: Path) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    restitution = record(trained, photo=upload(original))
    stored = media / restitution.photo.name
    assert restitution.photo.name == f"restitutions/{restitution.uid}.jpg"
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert MAKE not in exif
        assert "comment" not in image.info
    assert b"PhoneMaker" not in stored.read_bytes()
    assert b"Sevare" not in stored.read_bytes()


def test_a_file_that_is_not_an_image_is_refused_at_the_photo_and_nothing_is_kept(
    trained: Enrollment, media: Path
) -> None:
    error = refused(trained, photo=upload(b"%PDF-1.4 une liste", "liste.pdf"))
    assert (error.code, error.field) == ("not_an_image", "photo")
    assert "liste.pdf" in str(error)
    assert not list(media.rglob("*.jpg"))


def test_the_photo_file_goes_when_the_transaction_fails(
    trained: Enrollment, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Restitution, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database gone")

    # The photo is written before the row: the row's save fails, the file must not stay.
    monkeypatch.setattr(Restitution, "save", broken)
    with pytest.raises(RuntimeError):
        record(trained, photo=upload(jpeg_with_gps()))
    assert not Restitution.objects.exists()
    assert not list(media.rglob("*.jpg"))


def test_an_update_checks_the_same_rules_and_replaces_the_photo(
    trained: Enrollment, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    restitution = record(trained, photo=upload(jpeg_with_gps()))
    first = restitution.photo.name
    values: dict[str, Any] = {
        "held_on": restitution.held_on,
        "unit": None,
        "place": None,
        "women": 1,
        "men": 1,
        "colleagues": 1,
        "families": 1,
        "leaders": 0,
        "population": 0,
        "others": 0,
        "duration_minutes": 45,
        "objectives": [],
        "note": "corrigé",
        "photo": None,
    }
    with pytest.raises(RelayError) as caught:
        restitution_update(restitution=restitution, **{**values, "women": 3})
    assert caught.value.code == "totals_disagree"
    restitution.refresh_from_db()
    assert restitution.women == 4
    with django_capture_on_commit_callbacks(execute=True):
        restitution_update(restitution=restitution, **{**values, "photo": upload(jpeg_with_gps())})
    restitution.refresh_from_db()
    assert (restitution.women, restitution.duration_minutes) == (1, 45)
    assert not restitution.objectives.exists()
    assert restitution.photo.name != first
    assert not (media / first).exists()
    assert (media / restitution.photo.name).exists()


def test_deleting_a_restitution_deletes_its_photo_once_committed(
    trained: Enrollment, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    restitution = record(trained, photo=upload(jpeg_with_gps()))
    path = media / restitution.photo.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        restitution_delete(restitution=restitution)
    assert path.exists()  # not before the commit: a rollback would leave a row without its file
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert not Restitution.objects.exists()
