"""A session's photos: upload, captions, family photo, order, deletion; and the image files.

The files are never served as public media: ``photo_image`` checks the role and the session's
scope (a trainer sees only the photos of the sessions assigned to them) and tells browsers and
proxies not to keep them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kalan.core.audit import audit_export
from kalan.core.http import attachment, stored_file, stored_jpeg
from kalan.core.roles import requires
from kalan.reports import photos as service
from kalan.reports.forms_photos import PhotoCaptionForm, PhotoUploadForm
from kalan.reports.models import Photo
from kalan.workshops.selectors import get_in_scope_or_404, session_get_or_404


def _photo(request: HttpRequest, uid: object) -> Photo:
    return get_in_scope_or_404(
        Photo.objects.select_related("session__workshop"),
        user=request.user,
        session="session",
        uid=uid,
    )


@requires("manage_photos")
def session_photos(request: HttpRequest, uid: object) -> HttpResponse:
    """The session's photos as thumbnails, with the upload form."""
    session = session_get_or_404(uid, user=request.user)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = service.photos_upload(
                session=session,
                uploads=form.cleaned_data["photos"],
                by=request.user,  # type: ignore[arg-type]
            )
        except service.PhotoUploadError as error:
            for problem in error.problems:
                form.add_error("photos", str(problem))
        except service.PhotoError as error:
            form.add_error("photos", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s photo ajoutée, sans ses métadonnées.",
                    "%(count)s photos ajoutées, sans leurs métadonnées.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect("session_photos", uid=session.uid)
    photos = list(service.photos_of(session))
    return render(
        request,
        "reports/photos.html",
        {
            "session": session,
            "form": form,
            "max_megabytes": settings.KALAN_PHOTO_MAX_BYTES // (1024 * 1024),
            "photos": [
                (photo, PhotoCaptionForm(instance=photo, prefix=str(photo.uid))) for photo in photos
            ],
        },
        # A POST that lands here was refused (a stored upload redirects): 400, with the reasons.
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("manage_photos")
def photo_captions(request: HttpRequest, uid: object) -> HttpResponse:
    photo = _photo(request, uid)
    form = PhotoCaptionForm(request.POST, instance=photo, prefix=str(photo.uid))
    if form.is_valid():
        try:
            service.photo_captions_set(
                photo=photo,
                caption=form.cleaned_data["caption"],
                caption_en=form.cleaned_data["caption_en"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Légendes enregistrées."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{_list_url(photo)}#photo-{photo.uid}")


def _list_url(photo: Photo) -> str:
    return reverse("session_photos", kwargs={"uid": photo.session.uid})


@require_POST
@requires("manage_photos")
def photo_family(request: HttpRequest, uid: object) -> HttpResponse:
    """Make it the family photo (``family=1``) or stop it being one (``family=0``)."""
    photo = _photo(request, uid)
    family = request.POST.get("family", "1") == "1"
    service.photo_family_set(photo=photo, family=family)
    if family:
        messages.success(request, _("C’est désormais la photo de famille de la session."))
    else:
        messages.success(request, _("La session n’a plus de photo de famille."))
    return redirect(f"{_list_url(photo)}#photo-{photo.uid}")


@require_POST
@requires("manage_photos")
def photo_move(request: HttpRequest, uid: object) -> HttpResponse:
    photo = _photo(request, uid)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        raise Http404
    service.photo_move(photo=photo, offset=offset)
    return redirect(f"{_list_url(photo)}#photo-{photo.uid}")


@requires("manage_photos")
def photo_delete(request: HttpRequest, uid: object) -> HttpResponse:
    """A page that asks first; the deletion itself is a POST."""
    photo = _photo(request, uid)
    if request.method == "POST":
        url = _list_url(photo)
        service.photo_delete(photo=photo)
        messages.success(request, _("Photo supprimée."))
        return redirect(url)
    return render(request, "reports/photos_delete.html", {"photo": photo, "session": photo.session})


@require_GET
# Faces of security officers: for those who publish them (photos, press), write the reports that
# print them, or run the session (a trainer, in their own sessions only); not for finance.
@requires("manage_photos", "write_press", "write_reports", "run_tests")
def photo_image(request: HttpRequest, uid: object, variant: str) -> FileResponse:
    """The display copy (``image``) or the thumbnail (``vignette``) of a photo in the user's scope.

    ``?telecharger=1`` offers the display copy as a download.
    """
    photo = _photo(request, uid)
    field = {"image": photo.image, "vignette": photo.thumbnail}.get(variant)
    if field is None:
        raise Http404
    if not request.GET.get("telecharger"):
        return stored_jpeg(field)
    handle = stored_file(field)
    # A face leaving Kalan: recorded like any other export (viewing in the page is not).
    audit_export(what="photo", fmt="jpg", obj=photo, session=str(photo.session.uid))
    session = photo.session
    name = f"photo-atelier-{session.workshop_id}-session-{session.number}-{photo.order}.jpg"
    return attachment(handle, filename=name, content_type="image/jpeg")
