"""The « Référentiel » pages: corps and their ranks, units, places (localities) and the aliases
lists taught the registry; create, edit, delete when unused, merge two units or two ranks.

Thin: each page reads its form, calls one service of ``services_reference`` and shows its error
at the field (ValidationError) or above the page (PeopleError).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalan.core.errors import KalanError
from kalan.core.forms import form_add_error
from kalan.core.http import paginate
from kalan.core.models import Place
from kalan.core.roles import requires
from kalan.people import selectors_reference as selectors
from kalan.people import services_reference as services
from kalan.people.forms_reference import (
    AliasFilterForm,
    CorpsForm,
    MergeChoiceForm,
    PlaceForm,
    RankForm,
    UnitFilterForm,
    UnitForm,
)
from kalan.people.models import Corps, Rank, ReferenceAlias, Unit

UNITS_PER_PAGE = 50
ALIASES_PER_PAGE = 100
CORPS_FIELDS = ("name", "short_name", "name_en", "order", "number_prefixes")
RANK_FIELDS = ("order", "name", "abbreviation", "feminine", "variants", "group")
PLACE_FIELDS = ("name", "kind", "code", "parent")
UNIT_FIELDS = ("corps", "name", "kind", "place", "parent")


def _save(
    request: HttpRequest, form: forms.Form, save: Callable[..., models.Model], saved: str
) -> models.Model | None:
    """On a valid POST, the saved row (with a message); None when the form is to be shown."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        row = save(**form.cleaned_data)
    except ValidationError as error:
        form_add_error(form, error)
        return None
    messages.success(request, saved % {"name": services.reference_name(row)})
    return row


def _initial(row: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(row, field) for field in fields}


def _form_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"people/reference/{template}", context)


# --- corps ---------------------------------------------------------------------------------


@requires("manage_reference")
def corps_list(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "corps_list.html", corps_list=selectors.corps_list())


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def corps_create(request: HttpRequest) -> HttpResponse:
    form = CorpsForm(request.POST or None)
    if _save(request, form, services.corps_create, _("Corps « %(name)s » enregistré.")):
        return redirect("corps_list")
    return _form_page(request, "corps_form.html", form=form, corps=None)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def corps_edit(request: HttpRequest, pk: int) -> HttpResponse:
    corps = get_object_or_404(Corps, pk=pk)
    form = CorpsForm(request.POST or None, initial=_initial(corps, CORPS_FIELDS))

    def save(**data: Any) -> Corps:
        return services.corps_update(corps=corps, **data)

    if _save(request, form, save, _("Corps « %(name)s » enregistré.")):
        return redirect("corps_list")
    uses = services.reference_uses(obj=corps)
    return _form_page(request, "corps_form.html", form=form, corps=corps, uses=uses)


# --- ranks ---------------------------------------------------------------------------------


@requires("manage_reference")
def rank_list(request: HttpRequest, pk: int) -> HttpResponse:
    corps = get_object_or_404(Corps, pk=pk)
    return _form_page(
        request, "rank_list.html", corps=corps, ranks=selectors.rank_list(corps=corps)
    )


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def rank_create(request: HttpRequest, pk: int) -> HttpResponse:
    corps = get_object_or_404(Corps, pk=pk)
    initial = {"order": services.rank_next_order(corps=corps)}
    form = RankForm(request.POST or None, initial=initial)

    def save(**data: Any) -> Rank:
        return services.rank_create(corps=corps, **data)

    if _save(request, form, save, _("Grade « %(name)s » enregistré.")):
        return redirect("rank_list", pk=corps.pk)
    return _form_page(request, "rank_form.html", form=form, corps=corps, rank=None)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def rank_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rank = get_object_or_404(Rank.objects.select_related("corps"), pk=pk)
    form = RankForm(request.POST or None, initial=_initial(rank, RANK_FIELDS))

    def save(**data: Any) -> Rank:
        return services.rank_update(rank=rank, **data)

    if _save(request, form, save, _("Grade « %(name)s » enregistré.")):
        return redirect("rank_list", pk=rank.corps_id)
    return _form_page(
        request,
        "rank_form.html",
        form=form,
        corps=rank.corps,
        rank=rank,
        uses=services.reference_uses(obj=rank),
    )


# --- units ---------------------------------------------------------------------------------


@requires("manage_reference")
def unit_list(request: HttpRequest) -> HttpResponse:
    filters = UnitFilterForm(request.GET or None)
    corps, query = None, ""
    if filters.is_valid():
        corps, query = filters.cleaned_data["corps"], filters.cleaned_data["q"].strip()
    units = selectors.unit_list(corps=corps, query=query)
    page, keep = paginate(request, units, UNITS_PER_PAGE)
    return _form_page(request, "unit_list.html", filters=filters, page=page, keep=keep)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, initial={"corps": request.GET.get("corps")})
    if _save(request, form, services.unit_create, _("Unité « %(name)s » enregistrée.")):
        return redirect("unit_list")
    return _form_page(request, "unit_form.html", form=form, unit=None)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("corps", "place"), pk=pk)
    form = UnitForm(request.POST or None, initial=_initial(unit, UNIT_FIELDS), unit=unit)

    def save(**data: Any) -> Unit:
        return services.unit_update(unit=unit, **data)

    if _save(request, form, save, _("Unité « %(name)s » enregistrée.")):
        return redirect("unit_list")
    return _form_page(
        request, "unit_form.html", form=form, unit=unit, uses=services.reference_uses(obj=unit)
    )


# --- places --------------------------------------------------------------------------------


@requires("manage_reference")
def place_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    region = None
    if request.GET.get("region", "").isdigit():
        region = Place.objects.filter(
            pk=request.GET["region"], kind__in=selectors.REGION_KINDS
        ).first()
    context: dict[str, Any] = {"query": query, "region": region}
    if query:
        context["found"] = selectors.place_search(query=query)
    elif region is not None:
        context["rows"] = selectors.place_rows(region=region)
    else:
        context["regions"] = selectors.region_list()
    return _form_page(request, "place_list.html", **context)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def place_create(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None, initial={"parent": request.GET.get("dans")})
    if _save(request, form, services.place_create, _("Lieu « %(name)s » enregistré.")):
        return redirect("place_list")
    return _form_page(request, "place_form.html", form=form, place=None)


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=pk)
    form = PlaceForm(request.POST or None, initial=_initial(place, PLACE_FIELDS))

    def save(**data: Any) -> Place:
        return services.place_update(place=place, **data)

    if _save(request, form, save, _("Lieu « %(name)s » enregistré.")):
        return redirect("place_list")
    return _form_page(
        request, "place_form.html", form=form, place=place, uses=services.reference_uses(obj=place)
    )


# --- aliases -------------------------------------------------------------------------------


@requires("manage_reference")
def alias_list(request: HttpRequest) -> HttpResponse:
    filters = AliasFilterForm(request.GET or None)
    kind, corps = "", None
    if filters.is_valid():
        kind, corps = filters.cleaned_data["kind"], filters.cleaned_data["corps"]
    aliases = selectors.alias_list(kind=kind, corps=corps)
    page, keep = paginate(request, aliases, ALIASES_PER_PAGE)
    return _form_page(request, "alias_list.html", filters=filters, page=page, keep=keep)


# --- deletions -----------------------------------------------------------------------------


def _delete(
    request: HttpRequest, obj: models.Model, *, done: str, back: HttpResponse, refused: HttpResponse
) -> HttpResponse:
    name = services.reference_name(obj)
    try:
        services.reference_delete(obj=obj)
    except KalanError as error:
        messages.error(request, str(error))
        return refused
    messages.success(request, done % {"name": name})
    return back


@require_POST
@requires("manage_reference")
def corps_delete(request: HttpRequest, pk: int) -> HttpResponse:
    corps = get_object_or_404(Corps, pk=pk)
    return _delete(
        request,
        corps,
        done=_("Corps « %(name)s » supprimé."),
        back=redirect("corps_list"),
        refused=redirect("corps_edit", pk=pk),
    )


@require_POST
@requires("manage_reference")
def rank_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rank = get_object_or_404(Rank, pk=pk)
    return _delete(
        request,
        rank,
        done=_("Grade « %(name)s » supprimé."),
        back=redirect("rank_list", pk=rank.corps_id),
        refused=redirect("rank_edit", pk=pk),
    )


@require_POST
@requires("manage_reference")
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    return _delete(
        request,
        unit,
        done=_("Unité « %(name)s » supprimée."),
        back=redirect("unit_list"),
        refused=redirect("unit_edit", pk=pk),
    )


@require_POST
@requires("manage_reference")
def place_delete(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=pk)
    return _delete(
        request,
        place,
        done=_("Lieu « %(name)s » supprimé."),
        back=redirect("place_list"),
        refused=redirect("place_edit", pk=pk),
    )


@require_POST
@requires("manage_reference")
def alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alias = get_object_or_404(ReferenceAlias, pk=pk)
    url, keep = reverse("alias_list"), request.POST.get("keep", "")
    back = redirect(f"{url}?{keep}" if keep else url)
    return _delete(
        request, alias, done=_("Écriture « %(name)s » retirée."), back=back, refused=back
    )


# --- merges --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose the unit to keep, then what the merge would move, to confirm; POST: merge."""
    merged = get_object_or_404(Unit.objects.select_related("corps", "place"), pk=pk)
    others = Unit.objects.filter(corps=merged.corps).exclude(pk=merged.pk).select_related("place")
    return _merge(
        request,
        merged=merged,
        others=others,
        label=_("Unité à garder"),
        preview=services.unit_merge_preview,
        merge=services.unit_merge,
        done=redirect("unit_list"),
        back=redirect("unit_edit", pk=pk),
    )


@require_http_methods(["GET", "POST"])
@requires("manage_reference")
def rank_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """As unit_merge, for two ranks of one corps."""
    merged = get_object_or_404(Rank.objects.select_related("corps"), pk=pk)
    return _merge(
        request,
        merged=merged,
        others=Rank.objects.filter(corps=merged.corps).exclude(pk=merged.pk).order_by("order"),
        label=_("Grade à garder"),
        preview=services.rank_merge_preview,
        merge=services.rank_merge,
        done=redirect("rank_list", pk=merged.corps_id),
        back=redirect("rank_edit", pk=pk),
    )


def _merge(
    request: HttpRequest,
    *,
    merged: Unit | Rank,
    others: Any,
    label: str,
    preview: Callable[..., list[services.Use]],
    merge: Callable[..., list[services.Use]],
    done: HttpResponse,
    back: HttpResponse,
) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = MergeChoiceForm(data if "kept" in data else None, queryset=others, label=label)
    context: dict[str, Any] = {"merged": merged, "form": form, "is_unit": isinstance(merged, Unit)}
    if not form.is_valid():
        return _form_page(request, "merge.html", **context)
    kept = form.cleaned_data["kept"]
    try:
        if request.method == "POST":
            moves = merge(merged=merged, kept=kept, by=request.user)
        else:
            moves = preview(merged=merged, kept=kept)
    except KalanError as error:
        messages.error(request, str(error))
        return back
    if request.method == "POST":
        moved = sum(move.count for move in moves)
        messages.success(
            request,
            _("« %(merged)s » fusionné dans « %(kept)s » : %(count)s lien(s) déplacé(s).")
            % {"merged": merged, "kept": kept, "count": moved},
        )
        return done
    return _form_page(request, "merge_confirm.html", kept=kept, moves=moves, **context)
