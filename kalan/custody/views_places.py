"""Places of detention: the list, a place's page, record and correct one, and create at once
the places of the registry's units with custody cells (issue 14, point 1).

Reading requires ``view_custody``; writing, ``record_visits``.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kalan.core.forms import form_add_error
from kalan.core.http import paginate
from kalan.core.roles import requires
from kalan.custody import selectors
from kalan.custody import services_places as service
from kalan.custody.errors import CustodyError
from kalan.custody.forms_places import DetentionPlaceForm
from kalan.custody.models import DetentionPlace


@requires("view_custody")
def detention_places(request: HttpRequest) -> HttpResponse:
    """The places, with their visits' count and last visit; ``?kind=`` and ``?region=`` filter."""
    kind = request.GET.get("kind", "")
    if kind not in DetentionPlace.Kind.values:
        kind = ""
    regions = list(selectors.regions())
    wanted = request.GET.get("region", "")
    region = next((r for r in regions if str(r.pk) == wanted), None)
    page, keep = paginate(request, selectors.places_list(kind=kind, region=region))
    return render(
        request,
        "custody/places.html",
        {
            "places": page.object_list,
            "page": page,
            "keep": keep,
            "kinds": DetentionPlace.Kind.choices,
            "kind": kind,
            "regions": regions,
            "region": region,
            "units_without_place": selectors.units_without_place().count(),
        },
    )


@requires("view_custody")
def detention_place(request: HttpRequest, uid: UUID) -> HttpResponse:
    """A place: its visits and its recommendations still open."""
    place = selectors.place_get_or_404(uid)
    return render(
        request,
        "custody/place.html",
        {
            "place": place,
            "visits": list(selectors.place_visits(place)),
            "recommendations": list(selectors.place_open_recommendations(place)),
        },
    )


@requires("record_visits")
def detention_place_create(request: HttpRequest) -> HttpResponse:
    form = DetentionPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = service.detention_place_save(**form.service_kwargs())
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Lieu de privation de liberté enregistré."))
            return redirect("detention_place", uid=place.uid)
    return _form_page(request, form, place=None)


@requires("record_visits")
def detention_place_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    place = selectors.place_get_or_404(uid)
    form = DetentionPlaceForm(request.POST or None, instance=place)
    if request.method == "POST" and form.is_valid():
        try:
            service.detention_place_save(place=place, **form.service_kwargs())
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Lieu de privation de liberté modifié."))
            return redirect("detention_place", uid=place.uid)
    return _form_page(request, form, place=place)


def _form_page(
    request: HttpRequest, form: DetentionPlaceForm, *, place: DetentionPlace | None
) -> HttpResponse:
    return render(
        request,
        "custody/place_form.html",
        {"form": form, "place": place},
        status=400 if request.method == "POST" else 200,
    )


@requires("record_visits")
@require_POST
def detention_places_from_units(request: HttpRequest) -> HttpResponse:
    """Create the places of the registry's brigades, commissariats and posts that have none."""
    created = service.detention_places_from_units()
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)s lieu créé depuis les unités du registre.",
                "%(count)s lieux créés depuis les unités du registre.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(
            request, _("Aucun lieu à créer : chaque brigade, commissariat et poste a déjà le sien.")
        )
    return redirect("detention_places")
