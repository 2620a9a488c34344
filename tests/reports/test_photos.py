"""A session's photos: what is stored of an upload (no metadata, upright, two sizes), what is
refused and why, the family photo, order and deletion, and who may upload or see the files.

Images are made here with Pillow, EXIF included, and the stored files are parsed back.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoAssertNumQueries, Settings

from kalan.core.models import AuditEntry, User
from kalan.core.roles import Role
from kalan.reports.models import Photo
from kalan.reports.photos import PhotoUploadError, photo_family_set, photos_upload
from kalan.workshops.models import Session
from tests.factories import SessionFactory, UserFactory
from tests.spreadsheets import body

pytestmark = pytest.mark.django_db

ORIENTATION, GPS_IFD, MAKE = 0x0112, 0x8825, 0x010F
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Sevare</rdf:Description></x:xmpmeta>'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10"/></svg>'


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    """Each test stores its files in a folder of its own, so a leftover file can be seen."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(
    size: tuple[int, int] = (2400, 1800),
    *,
    orientation: int | None = None,
    gps: bool = True,
    split_colours: bool = False,
) -> bytes:
    """A JPEG as a phone writes it: GPS position, maker, orientation, a comment, an ICC profile
    and XMP. With ``split_colours`` its left half is red and its right half blue."""
    image = Image.new("RGB", size, "green")
    if split_colours:
        image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
        image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        position = exif.get_ifd(GPS_IFD)
        position[1], position[2] = "N", (14.0, 29.0, 50.0)  # Sévaré
        position[3], position[4] = "W", (4.0, 5.0, 30.0)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        comment=b"taken at the venue",
        icc_profile=b"\0" * 128,
        xmp=XMP,
    )
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    struct.pack_into(">II", data, 16, width, height)  # IHDR's width and height
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def markers(data: bytes) -> list[int]:
    """The JPEG segment markers before the image data: 0xE0 is JFIF, 0xE1 EXIF or XMP, 0xE2 an
    ICC profile, 0xFE a comment."""
    assert data[:2] == b"\xff\xd8"
    found, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: the image data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return found


def stored(field: object) -> bytes:
    with field.open("rb") as handle:  # type: ignore[attr-defined]
        return handle.read()


def post_photos(client: Client, session: Session, *files: SimpleUploadedFile) -> object:
    return client.post(reverse("session_photos", kwargs={"uid": session.uid}), {"photos": files})


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- what is stored -----------------------------------------------------------------------------


def test_a_photo_with_gps_exif_is_stored_with_no_metadata_at_all(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    original = jpeg()
    assert b"PhoneMaker" in original and b"taken at the venue" in original

    response = post_photos(
        client_for(communication_officer), sevare_session, upload("IMG_0042.jpg", original)
    )

    assert response.status_code == 302
    photo = Photo.objects.get(session=sevare_session)
    assert photo.uploaded_by == communication_officer
    for field in (photo.image, photo.thumbnail):
        data = stored(field)
        # Only JFIF (E0) among the application segments, and no comment (FE).
        assert [m for m in markers(data) if 0xE0 <= m <= 0xEF or m == 0xFE] == [0xE0]
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert image.getexif().get_ifd(GPS_IFD) == {}
            for key in ("exif", "icc_profile", "xmp", "comment"):
                assert key not in image.info
        for trace in (b"PhoneMaker", b"taken at the venue", b"Sevare", b"GPS"):
            assert trace not in data


def test_the_original_name_is_kept_nowhere(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    media: Path,
) -> None:  # fmt: skip
    post_photos(
        client_for(communication_officer), sevare_session, upload("Kone_Moussa_Sevare.jpg", jpeg())
    )

    photo = Photo.objects.get()
    names = [str(p.relative_to(media)) for p in files_in(media)]
    assert sorted(names) == sorted([photo.image.name, photo.thumbnail.name])
    assert all("Kone" not in name for name in names)
    assert len(names) == 2  # the display copy and the thumbnail; no original


def test_a_large_photo_is_kept_at_1600_pixels_with_a_320_pixel_thumbnail(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    post_photos(
        client_for(communication_officer), sevare_session, upload("large.jpg", jpeg((4000, 3000)))
    )

    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1600, 1200)
    with Image.open(io.BytesIO(stored(photo.image))) as image:
        assert image.size == (1600, 1200)
    with Image.open(io.BytesIO(stored(photo.thumbnail))) as image:
        assert image.size == (320, 240)


def test_a_small_photo_is_not_enlarged(sevare_session: Session) -> None:
    (photo,) = photos_upload(
        session=sevare_session, uploads=[upload("small.jpg", jpeg((800, 600)))], by=None
    )
    assert (photo.width, photo.height) == (800, 600)
    with Image.open(io.BytesIO(stored(photo.thumbnail))) as image:
        assert image.size == (320, 240)


def test_the_exif_orientation_is_applied_to_the_pixels(sevare_session: Session) -> None:
    # Orientation 6: the camera was turned; the picture must be turned 90° clockwise to be seen
    # upright, which brings its left (red) half to the top.
    data = jpeg((2000, 1000), orientation=6, split_colours=True)

    (photo,) = photos_upload(session=sevare_session, uploads=[upload("turned.jpg", data)], by=None)

    assert (photo.width, photo.height) == (800, 1600)
    with Image.open(io.BytesIO(stored(photo.image))) as image:
        assert image.size == (800, 1600)
        assert ORIENTATION not in image.getexif()
        red, _green, blue = image.convert("RGB").getpixel((400, 200))
        assert red > 200 and blue < 60
        red, _green, blue = image.convert("RGB").getpixel((400, 1400))
        assert blue > 200 and red < 60


def test_a_png_with_transparency_is_laid_on_white(sevare_session: Session) -> None:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    (photo,) = photos_upload(
        session=sevare_session,
        uploads=[upload("logo.png", buffer.getvalue(), "image/png")],
        by=None,
    )

    with Image.open(io.BytesIO(stored(photo.image))) as stored_image:
        assert stored_image.format == "JPEG"
        assert min(stored_image.convert("RGB").getpixel((200, 150))) > 240


# --- what is refused ----------------------------------------------------------------------------


def test_a_text_file_named_photo_jpg_is_refused_by_its_content(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    media: Path,
) -> None:  # fmt: skip
    text = upload("photo.jpg", b"Liste des participants\nKONE Moussa\n", "image/jpeg")

    response = post_photos(client_for(communication_officer), sevare_session, text)

    assert response.status_code == 400
    assert "« photo.jpg » n’est pas une photo que Kalan peut lire" in response.content.decode()
    assert not Photo.objects.exists()
    assert files_in(media) == []


@pytest.mark.parametrize(
    ("name", "cut"),
    [
        ("moitie.jpg", lambda data: data[: len(data) // 2]),  # the pixels stop halfway
        ("entete.jpg", lambda data: data[:200]),  # cut inside the header: Image.open fails
        ("entete-court.jpg", lambda data: data[:30]),
    ],
)
def test_a_truncated_jpeg_is_refused_with_a_french_400_and_nothing_stored(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    media: Path, name: str, cut: Callable[[bytes], bytes],
) -> None:  # fmt: skip
    broken = upload(name, cut(jpeg()))

    response = post_photos(client_for(communication_officer), sevare_session, broken)

    assert response.status_code == 400
    assert f"« {name} » est incomplet ou endommagé" in response.content.decode()
    assert not Photo.objects.exists()
    assert files_in(media) == []


def test_an_svg_is_refused(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    response = post_photos(
        client_for(communication_officer), sevare_session, upload("logo.svg", SVG, "image/svg+xml")
    )

    assert "« logo.svg » n’est pas une photo que Kalan peut lire" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_gif_is_refused_with_the_formats_that_are_accepted(sevare_session: Session) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")

    with pytest.raises(PhotoUploadError, match=r"« anim\.gif ».*JPEG, PNG ou WebP") as refused:
        photos_upload(
            session=sevare_session, uploads=[upload("anim.gif", buffer.getvalue())], by=None
        )

    assert [problem.code for problem in refused.value.problems] == ["not_an_image"]


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (30_000, 30_000),  # past Pillow's own bomb limit
        (9_000, 8_000),  # 72 million pixels: under Pillow's, over Kalan's 64 million
    ],
)
def test_an_image_claiming_huge_dimensions_is_refused_before_it_is_decoded(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    width: int, height: int,
) -> None:  # fmt: skip
    bomb = upload("panorama.png", png_claiming(width, height), "image/png")

    response = post_photos(client_for(communication_officer), sevare_session, bomb)

    assert (
        "« panorama.png » est une image trop grande (plus de 64 millions de pixels)"
        in response.content.decode()
    )
    assert not Photo.objects.exists()


def test_a_file_over_the_size_limit_is_refused_without_being_read(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    settings: Settings,
) -> None:  # fmt: skip
    settings.KALAN_PHOTO_MAX_BYTES = 2 * 1024 * 1024
    heavy = upload("heavy.jpg", b"\xff\xd8" + b"\0" * (2 * 1024 * 1024 + 1))

    response = post_photos(client_for(communication_officer), sevare_session, heavy)

    assert "« heavy.jpg » pèse plus de 2 Mo" in response.content.decode()
    assert not Photo.objects.exists()


def test_several_photos_are_stored_all_together_or_not_at_all(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    media: Path,
) -> None:  # fmt: skip
    client = client_for(communication_officer)

    refused = post_photos(
        client,
        sevare_session,
        upload("famille.jpg", jpeg()),
        upload("notes.jpg", b"not an image"),
        upload("salle.jpg", jpeg()),
        upload("plan.svg", SVG, "image/svg+xml"),
    )

    page = refused.content.decode()
    assert "« notes.jpg »" in page and "« plan.svg »" in page
    assert "« famille.jpg »" not in page
    assert not Photo.objects.exists()
    assert files_in(media) == []

    accepted = post_photos(
        client, sevare_session, upload("famille.jpg", jpeg()), upload("salle.jpg", jpeg())
    )

    assert accepted.status_code == 302
    assert list(Photo.objects.order_by("order").values_list("order", flat=True)) == [1, 2]
    assert len(files_in(media)) == 4


# --- family photo, captions, order, deletion ------------------------------------------------------


def _photos(session: Session, count: int) -> list[Photo]:
    return photos_upload(
        session=session,
        uploads=[upload(f"p{n}.jpg", jpeg((640, 480), gps=False)) for n in range(count)],
        by=None,
    )


def test_a_session_has_only_one_family_photo(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    first, second = _photos(sevare_session, 2)
    client = client_for(communication_officer)

    client.post(reverse("photo_family", kwargs={"uid": first.uid}), {"family": "1"})
    client.post(reverse("photo_family", kwargs={"uid": second.uid}), {"family": "1"})

    assert list(Photo.objects.filter(is_family=True)) == [second]
    # The database holds the rule whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Photo.objects.filter(pk=first.pk).update(is_family=True)

    client.post(reverse("photo_family", kwargs={"uid": second.uid}), {"family": "0"})
    assert not Photo.objects.filter(is_family=True).exists()


def test_family_photos_of_two_sessions_do_not_clash(sevare_session: Session) -> None:
    other = SessionFactory(workshop=sevare_session.workshop)
    (mine,), (theirs,) = _photos(sevare_session, 1), _photos(other, 1)

    photo_family_set(photo=mine)
    photo_family_set(photo=theirs)

    assert Photo.objects.filter(is_family=True).count() == 2


def test_captions_are_set_in_french_and_english(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    (photo,) = _photos(sevare_session, 1)
    prefix = str(photo.uid)

    client_for(communication_officer).post(
        reverse("photo_captions", kwargs={"uid": photo.uid}),
        {
            f"{prefix}-caption": "Photo de famille des participants, Sévaré",
            f"{prefix}-caption_en": "Group photo of the participants, Sévaré",
        },
    )

    photo.refresh_from_db()
    assert photo.caption == "Photo de famille des participants, Sévaré"
    assert photo.caption_en == "Group photo of the participants, Sévaré"


def test_a_photo_moves_one_place_and_the_order_closes_its_gaps(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    a, b, c = _photos(sevare_session, 3)
    client = client_for(communication_officer)

    client.post(reverse("photo_move", kwargs={"uid": c.uid}), {"direction": "up"})
    assert list(Photo.objects.order_by("order").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]

    client.post(reverse("photo_delete", kwargs={"uid": a.uid}))
    client.post(reverse("photo_move", kwargs={"uid": b.uid}), {"direction": "down"})  # already last
    assert list(Photo.objects.order_by("order").values_list("order", "pk")) == [
        (1, c.pk),
        (2, b.pk),
    ]


def test_deleting_a_photo_asks_first_then_removes_its_files(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    media: Path, django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:  # fmt: skip
    (photo,) = _photos(sevare_session, 1)
    client = client_for(communication_officer)
    url = reverse("photo_delete", kwargs={"uid": photo.uid})

    assert "Supprimer cette photo" in client.get(url).content.decode()
    assert Photo.objects.exists() and len(files_in(media)) == 2

    # The files go once the deletion is committed, never before.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert files_in(media) == []


def test_the_photos_page_runs_the_same_queries_for_one_photo_or_six(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:  # fmt: skip
    client = client_for(communication_officer)
    url = reverse("session_photos", kwargs={"uid": sevare_session.uid})
    _photos(sevare_session, 1)
    client.get(url)
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    _photos(sevare_session, 5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="photo-card') == 6


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["communication_officer", "programme_officer", "administrator"])
def test_the_communication_and_programme_staff_may_upload(
    request: pytest.FixtureRequest, client_for: Callable[[User], Client], sevare_session: Session,
    role: str,
) -> None:  # fmt: skip
    client = client_for(request.getfixturevalue(role))

    assert (
        client.get(reverse("session_photos", kwargs={"uid": sevare_session.uid})).status_code == 200
    )
    assert post_photos(client, sevare_session, upload("a.jpg", jpeg((300, 200)))).status_code == 302
    assert Photo.objects.count() == 1


@pytest.mark.parametrize("role", ["trainer", "finance_officer", "donor_viewer", "outsider"])
def test_the_other_roles_may_not_upload(
    request: pytest.FixtureRequest, client_for: Callable[[User], Client], sevare_session: Session,
    role: str,
) -> None:  # fmt: skip
    user = request.getfixturevalue(role)
    sevare_session.trainers.add(user)  # even a trainer of this very session
    client = client_for(user)
    (photo,) = _photos(sevare_session, 1)

    assert (
        client.get(reverse("session_photos", kwargs={"uid": sevare_session.uid})).status_code == 403
    )
    assert post_photos(client, sevare_session, upload("a.jpg", jpeg((300, 200)))).status_code == 403
    for name in ("photo_family", "photo_move", "photo_delete", "photo_captions"):
        assert client.post(reverse(name, kwargs={"uid": photo.uid})).status_code == 403
    assert Photo.objects.count() == 1


def test_a_trainer_of_the_session_sees_its_photos_and_another_trainer_gets_404(
    client_for: Callable[[User], Client], trainer: User, sevare_session: Session
) -> None:
    (photo,) = _photos(sevare_session, 1)
    sevare_session.trainers.add(trainer)
    other = UserFactory(username="other_trainer", role=Role.TRAINER)

    for variant in ("image", "vignette"):
        url = reverse("photo_image", kwargs={"uid": photo.uid, "variant": variant})
        seen = client_for(trainer).get(url)
        assert seen.status_code == 200
        assert seen["Content-Type"] == "image/jpeg"
        assert seen["Cache-Control"].startswith("private")
        assert body(seen) == stored(photo.image if variant == "image" else photo.thumbnail)
        assert client_for(other).get(url).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("donor_viewer", 403), ("outsider", 403)])
def test_a_donor_or_an_outsider_never_gets_a_photo(
    request: pytest.FixtureRequest, client_for: Callable[[User], Client], sevare_session: Session,
    role: str, status: int,
) -> None:  # fmt: skip
    (photo,) = _photos(sevare_session, 1)
    url = reverse("photo_image", kwargs={"uid": photo.uid, "variant": "image"})

    assert client_for(request.getfixturevalue(role)).get(url).status_code == status


def test_photos_are_not_served_as_public_media(
    client_for: Callable[[User], Client], administrator: User, sevare_session: Session
) -> None:
    (photo,) = _photos(sevare_session, 1)

    assert client_for(administrator).get(f"/media/{photo.image.name}").status_code == 404
    assert (
        Client()
        .get(reverse("photo_image", kwargs={"uid": photo.uid, "variant": "image"}))
        .status_code
        == 302
    )


def test_the_download_names_no_one(
    client_for: Callable[[User], Client], communication_officer: User, sevare_session: Session
) -> None:
    (photo,) = photos_upload(
        session=sevare_session, uploads=[upload("Kone_Moussa.jpg", jpeg((300, 200)))], by=None
    )
    url = reverse("photo_image", kwargs={"uid": photo.uid, "variant": "image"})

    response = client_for(communication_officer).get(url + "?telecharger=1")

    assert body(response) == stored(photo.image)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"session-{sevare_session.number}-1.jpg" in disposition
    assert "Kone" not in disposition
    # A photo leaving Kalan is an export; viewing it in the page is not.
    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, detail__list="photo")
    assert list(exported.values_list("object_uid", flat=True)) == [photo.uid]
