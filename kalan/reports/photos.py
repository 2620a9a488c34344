"""A session's photos: checked, turned upright, re-encoded without metadata, captioned, ordered.

The checks and the re-encoding are ``kalan.core.images``'s (no EXIF, GPS, XMP, ICC profile or
comment survives; the original file is not stored): its docstring lists the ``PhotoError`` codes.
Two copies are kept, one for display and print and a thumbnail. Files are served only through
``kalan.reports.views_photos.photo_image``, which checks the role and the session's scope.

Services raise ``PhotoError`` (see ``kalan.core.images``), ``no_file`` for an upload with no file
in it; ``photos_upload`` raises ``PhotoUploadError`` with one ``PhotoError`` per refused file:
several files are stored all together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from kalan.core.errors import KalanError
from kalan.core.images import PhotoError, ProcessedPhoto, image_upload_process
from kalan.core.models import User
from kalan.reports.models import Photo
from kalan.workshops.models import Session


class PhotoUploadError(KalanError):
    """An upload refused as a whole, with what is wrong with each refused file."""

    def __init__(self, problems: Sequence[PhotoError]) -> None:
        super().__init__(" ".join(str(p) for p in problems), code="upload_refused")
        self.problems = list(problems)


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
            processed.append(image_upload_process(upload))
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
