"""Visits: the custody index, the list, a visit's page, record and correct one, its instrument
(the grid) and its photos (issue 14, points 2-4).

Reading requires ``view_custody``; writing, ``record_visits``. A photo is never public media:
``visit_photo`` serves it to a reader of custody only, and tells caches not to keep it.
"""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kalan.core.forms import form_add_error
from kalan.core.http import paginate, stored_jpeg
from kalan.core.models import User
from kalan.core.roles import requires
from kalan.custody import selectors
from kalan.custody import services_visits as service
from kalan.custody.errors import CustodyError
from kalan.custody.forms_visits import InstrumentForm, VisitForm, VisitPhotoForm
from kalan.custody.models import InstrumentItem, Visit
from kalan.custody.selectors_interviews import visit_interviews_context
from kalan.custody.selectors_recommendations import (
    recommendation_counts,
    visit_recommendations_context,
)


@requires("view_custody")
def custody_index(request: HttpRequest) -> HttpResponse:
    """Visits to come, recent visits, the recommendations still open and overdue."""
    return render(
        request,
        "custody/index.html",
        {
            "planned": list(selectors.visits_planned()[:20]),
            "recent": selectors.visits_recent(),
            "counts": recommendation_counts(),
        },
    )


@requires("view_custody")
def visits(request: HttpRequest) -> HttpResponse:
    """The visits, the latest first; ``?place=<uid>``, ``?status=`` and ``?year=`` filter."""
    place = None
    wanted = request.GET.get("place", "")
    if wanted:
        try:
            place = selectors.place_get_or_404(UUID(wanted))
        except (ValueError, Http404):
            place = None
    status = request.GET.get("status", "")
    if status not in Visit.Status.values:
        status = ""
    years = selectors.visit_years()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else None
    page, keep = paginate(request, selectors.visits_list(place=place, status=status, year=year))
    return render(
        request,
        "custody/visits.html",
        {
            "visits": page.object_list,
            "page": page,
            "keep": keep,
            "places": list(selectors.places_list()),
            "place": place,
            "statuses": Visit.Status.choices,
            "status": status,
            "years": years,
            "year": year,
        },
    )


@requires("view_custody")
def visit(request: HttpRequest, uid: UUID) -> HttpResponse:
    """A visit: its record, its answers to the instrument by theme, its photos, its interviews
    (codes for the NPM, counts for the others) and its recommendations."""
    found = selectors.visit_get_or_404(uid)
    return render(request, "custody/visit.html", _visit_context(request, found, VisitPhotoForm()))


def _visit_context(request: HttpRequest, found: Visit, form: VisitPhotoForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "visit": found,
        "team": list(found.team.order_by("last_name", "first_name")),
        "themes": selectors.visit_answered_by_theme(found),
        "photos": list(found.photos.all()),
        "photo_form": form,
        # A refused upload: the browser will not send the file again by itself.
        "photo_lost": bool(request.FILES.get("image")) and bool(form.errors),
    }
    context.update(visit_interviews_context(visit=found, user=request.user))
    context.update(visit_recommendations_context(visit=found, user=request.user))
    return context


@requires("record_visits")
def visit_create(request: HttpRequest) -> HttpResponse:
    """Record a visit; ``?lieu=<uid>`` chooses the place."""
    initial: dict[str, Any] = {"status": Visit.Status.PLANNED, "team": [request.user.pk]}
    wanted = request.GET.get("lieu", "")
    if wanted:
        with contextlib.suppress(ValueError, Http404):
            initial["place"] = selectors.place_get_or_404(UUID(wanted)).pk
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        try:
            saved = service.visit_save(by=user, **form.service_kwargs())
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Visite enregistrée."))
            return redirect("visit", uid=saved.uid)
    return _form_page(request, form, visit=None)


@requires("record_visits")
def visit_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = selectors.visit_get_or_404(uid)
    form = VisitForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            service.visit_save(visit=found, by=None, **form.service_kwargs())
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Visite modifiée."))
            return redirect("visit", uid=found.uid)
    return _form_page(request, form, visit=found)


def _form_page(request: HttpRequest, form: VisitForm, *, visit: Visit | None) -> HttpResponse:
    return render(
        request,
        "custody/visit_form.html",
        {"form": form, "visit": visit, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@requires("record_visits")
def visit_instrument(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The grid: every active item by theme, a radio group and a note each, and the register's
    counts next to the item that goes with them. Saved all together."""
    found = selectors.visit_get_or_404(uid)
    items = list(InstrumentItem.objects.filter(active=True).order_by("order", "pk"))
    form = InstrumentForm(request.POST or None, items=items, visit=found)
    if request.method == "POST" and form.is_valid():
        try:
            service.visit_answers_save(
                visit=found,
                answers=form.answers(),
                register_examined=form.cleaned_data.get("register_examined"),
                register_over_limit=form.cleaned_data.get("register_over_limit"),
                by=request.user,  # type: ignore[arg-type]
            )
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Grille de visite enregistrée."))
            return redirect("visit", uid=found.uid)
    themes = selectors.instrument_by_theme(items=items)
    for theme in themes:
        for view in theme.items:
            view.choice, view.note = form.item_fields(view.item)
    return render(
        request,
        "custody/instrument.html",
        {"visit": found, "form": form, "themes": themes},
        status=400 if request.method == "POST" else 200,
    )


@requires("record_visits")
@require_POST
def visit_photos(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Add a photo of the place; a refused one shows the visit's page again with the reasons."""
    found = selectors.visit_get_or_404(uid)
    form = VisitPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            service.visit_photo_add(
                visit=found,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                places_only=form.cleaned_data["places_only"],
                by=request.user,  # type: ignore[arg-type]
            )
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Photo ajoutée."))
            return redirect(reverse("visit", kwargs={"uid": found.uid}) + "#photos")
    return render(request, "custody/visit.html", _visit_context(request, found, form), status=400)


@require_GET
@requires("view_custody")
def visit_photo(request: HttpRequest, uid: UUID) -> FileResponse:
    """The photo (re-encoded, without metadata), for a reader of custody only."""
    return stored_jpeg(selectors.photo_get_or_404(uid).image)


@requires("record_visits")
@require_POST
def visit_photo_delete(request: HttpRequest, uid: UUID) -> HttpResponse:
    photo = selectors.photo_get_or_404(uid)
    visit_uid = photo.visit.uid
    service.visit_photo_delete(photo=photo)
    messages.success(request, _("Photo supprimée."))
    return redirect(reverse("visit", kwargs={"uid": visit_uid}) + "#photos")
