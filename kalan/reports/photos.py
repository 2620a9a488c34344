"""A session's photos: checked, turned upright, re-encoded without metadata, captioned, ordered.

The photos show security officers, in a conflict zone. An uploaded file is opened by Pillow from
its content (never trusted by its name or its content type), refused unless it is a JPEG, PNG or
WebP image of at most ``KALAN_PHOTO_MAX_PIXELS`` pixels and ``KALAN_PHOTO_MAX_BYTES`` bytes, turned
upright from its EXIF orientation, then re-encoded as a new JPEG that carries none of the original's
metadata: no EXIF (GPS position, device, date), no XMP, no ICC profile, no comment. Two copies are
kept, one for display and print (long side at most ``DISPLAY_SIZE``) and a thumbnail
(``THUMBNAIL_SIZE``); the original file is not stored. Files are served only through
``kalan.reports.views_photos.photo_image``, which checks the role and the session's scope.

Services raise ``PhotoError`` (a message naming the file, and a code):

- ``too_large``: over ``KALAN_PHOTO_MAX_BYTES``;
- ``not_an_image``: not an image Pillow can identify (a text file, an SVG, a PDF…);
- ``format_refused``: an image, but not JPEG, PNG or WebP (GIF, TIFF, BMP…);
- ``too_many_pixels``: its header claims more than ``KALAN_PHOTO_MAX_PIXELS`` pixels (a
  decompression bomb, or a panorama too big to handle);
- ``unreadable``: identified, but its content is truncated or corrupt;
- ``no_file``: an upload with no file in it.

``photos_upload`` raises ``PhotoUploadError`` with one ``PhotoError`` per refused file: several
files are stored all together or not at all.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kalan.core.errors import KalanError
from kalan.core.models import User
from kalan.reports.models import Photo
from kalan.workshops.models import Session

DISPLAY_SIZE = 1600  # long side of the stored copy, in pixels: sharp on a printed A4 half-page
THUMBNAIL_SIZE = 320
JPEG_QUALITY = 85
# Only the decoders of these formats are tried: fewer parsers exposed to uploaded bytes. Pillow
# reports some phones' JPEGs (with a depth map or a preview) as MPO.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})


class PhotoError(KalanError):
    """One file refused; the message names it."""


class PhotoUploadError(KalanError):
    """An upload refused as a whole, with what is wrong with each refused file."""

    def __init__(self, problems: Sequence[PhotoError]) -> None:
        super().__init__(" ".join(str(p) for p in problems), code="upload_refused")
        self.problems = list(problems)


@dataclass(frozen=True)
class ProcessedPhoto:
    """An image made safe to keep: two JPEGs with no metadata, and the display copy's size."""

    display: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse(name: str, message: str, code: str) -> PhotoError:
    return PhotoError(message % {"name": name}, code=code)


def photo_process(*, data: IO[bytes], name: str) -> ProcessedPhoto:
    """Check an image by its content and re-encode it upright, without any metadata.

    ``name`` is only used in the messages. Raises PhotoError (see the module's docstring).
    """
    limit = settings.KALAN_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: make that a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(data, formats=OPENED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, limit) from None
    except UnidentifiedImageError:
        raise _not_an_image(name) from None
    except (OSError, ValueError, SyntaxError):
        # A header cut short ("Truncated File Read") or corrupt: Pillow fails before any pixel.
        raise _damaged(name) from None
    with image:
        if image.format not in ACCEPTED_FORMATS:
            raise _refuse(
                name,
                _(
                    "« %(name)s » : ce format d’image n’est pas accepté ; envoyez un JPEG, un PNG "
                    "ou un WebP."
                ),
                "format_refused",
            )
        # The header's size, before a single pixel is decoded.
        if image.width * image.height > limit:
            raise _too_many_pixels(name, limit)
        try:
            display = _upright_copy(image, DISPLAY_SIZE)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise _damaged(name) from None
    thumbnail = display.copy()
    thumbnail.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        display=_jpeg(display),
        thumbnail=_jpeg(thumbnail),
        width=display.width,
        height=display.height,
    )


def _not_an_image(name: str) -> PhotoError:
    return _refuse(
        name,
        _(
            "« %(name)s » n’est pas une photo que Kalan peut lire : envoyez un fichier JPEG, "
            "PNG ou WebP."
        ),
        "not_an_image",
    )


def _damaged(name: str) -> PhotoError:
    return _refuse(
        name,
        _("« %(name)s » est incomplet ou endommagé : l’image ne se lit pas jusqu’au bout."),
        "unreadable",
    )


def _too_many_pixels(name: str, limit: int) -> PhotoError:
    return PhotoError(
        _(
            "« %(name)s » est une image trop grande (plus de %(megapixels)s millions de pixels) : "
            "réduisez-la avant de l’envoyer."
        )
        % {"name": name, "megapixels": limit // 1_000_000},
        code="too_many_pixels",
    )


def _upright_copy(image: Image.Image, size: int) -> Image.Image:
    """An RGB copy, at most ``size`` pixels on its long side, turned as its EXIF orientation says.

    Shrinking first lets the JPEG decoder skip most pixels of a large photo (Pillow's draft mode);
    the box is square, so turning the copy afterwards keeps it inside.
    """
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        # JPEG has no transparency: lay the image on white rather than on black.
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode == "I;16":
        upright = upright.point(lambda value: value / 256).convert("L")
    return upright.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    # Pillow copies some of ``info`` (a JPEG comment, for one) into what it saves: start empty.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _process_upload(upload: File) -> ProcessedPhoto:
    name = (upload.name or _("sans nom")).rsplit("/", 1)[-1]
    limit = settings.KALAN_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PhotoError(
            _("« %(name)s » pèse plus de %(megabytes)s Mo : réduisez la photo avant de l’envoyer.")
            % {"name": name, "megabytes": limit // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    return photo_process(data=upload, name=name)


def photos_upload(*, session: Session, uploads: Sequence[File], by: User | None) -> list[Photo]:
    """Store the photos of an upload after the session's last one, all of them or none.

    Every file is checked before anything is written, so one refused file names itself and
    leaves the session as it was. Raises PhotoUploadError (with one PhotoError per refused file),
    or PhotoError ``no_file`` for an empty upload.
    """
    if not uploads:
        raise PhotoError(_("Choisissez au moins une photo."), code="no_file")
    processed: list[ProcessedPhoto] = []
    problems: list[PhotoError] = []
    for upload in uploads:
        try:
            processed.append(_process_upload(upload))
        except PhotoError as error:
            problems.append(error)
    if problems:
        raise PhotoUploadError(problems)

    written: list[str] = []
    try:
        with transaction.atomic():
            # One upload at a time per session: the order numbers follow each other.
            Session.objects.select_for_update().filter(pk=session.pk).first()
            last = Photo.objects.filter(session=session).aggregate(last=Max("order"))["last"] or 0
            photos = []
            for n, item in enumerate(processed, start=1):
                photo = Photo(
                    session=session,
                    width=item.width,
                    height=item.height,
                    order=last + n,
                    uploaded_by=by,
                )
                photo.image.save("photo.jpg", ContentFile(item.display), save=False)
                written.append(photo.image.name)
                photo.thumbnail.save("vignette.jpg", ContentFile(item.thumbnail), save=False)
                written.append(photo.thumbnail.name)
                photo.full_clean()
                photo.save()
                photos.append(photo)
    except BaseException:
        _files_delete(written)
        raise
    return photos


def _files_delete(names: Sequence[str]) -> None:
    storage = Photo._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)


def photo_captions_set(*, photo: Photo, caption: str, caption_en: str) -> Photo:
    """Set the French and English captions. Raises ValidationError for a caption too long."""
    photo.caption = caption.strip()
    photo.caption_en = caption_en.strip()
    photo.full_clean(exclude=["image", "thumbnail"])
    photo.save(update_fields=["caption", "caption_en", "updated_at"])
    return photo


def photo_family_set(*, photo: Photo, family: bool = True) -> Photo:
    """Make this the session's family photo (the previous one stops being it), or stop it.

    The database holds one family photo per session: the other is unmarked first, in the same
    transaction, with the session locked so that two clicks at once cannot both win.
    """
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=photo.session_id).first()
        if family:
            # One by one rather than update(): each change goes to the audit trail.
            previous = Photo.objects.filter(session_id=photo.session_id, is_family=True)
            for other in previous.exclude(pk=photo.pk):
                other.is_family = False
                other.save(update_fields=["is_family", "updated_at"])
        photo.is_family = family
        photo.save(update_fields=["is_family", "updated_at"])
    return photo


def photos_of(session: Session) -> QuerySet[Photo]:
    """The session's photos in the order people set (the family photo is marked, not moved)."""
    return Photo.objects.filter(session=session).order_by("order", "created_at", "pk")


def photo_move(*, photo: Photo, offset: int) -> Photo:
    """Move a photo ``offset`` places (-1: one place earlier, 1: one later) among its session's.

    The photos are numbered again 1, 2, 3… so that gaps left by deletions close.
    """
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=photo.session_id).first()
        ordered = list(photos_of(photo.session))
        index = next(n for n, p in enumerate(ordered) if p.pk == photo.pk)
        target = min(max(index + offset, 0), len(ordered) - 1)
        ordered.insert(target, ordered.pop(index))
        for number, item in enumerate(ordered, start=1):
            if item.order != number:
                # A few dozen photos at most: saved one by one, each in the audit trail.
                item.order = number
                item.save(update_fields=["order", "updated_at"])
    photo.refresh_from_db(fields=["order"])
    return photo


def photo_delete(*, photo: Photo) -> None:
    """Delete the photo and, once the deletion is committed, its two files.

    A press release that printed it keeps its text and loses the photo (``SET_NULL``).
    """
    names = [photo.image.name, photo.thumbnail.name]
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: _files_delete(names))
