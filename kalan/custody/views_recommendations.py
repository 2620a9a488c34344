"""Recommendations: the list (filters: status, priority, overdue), one recommendation with its
responses and checks, create (from a visit), edit, add a response, change the status, and the
check a later visit records (from the visit's page).

Reading requires ``view_custody``; writing requires ``record_visits``. A refused POST without a
page of its own (response, status, check) goes back where it came from with the reason as a
message, nothing saved.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalan.core.forms import form_add_error
from kalan.core.http import paginate
from kalan.core.roles import requires
from kalan.custody import selectors_recommendations as selectors
from kalan.custody import services_recommendations as service
from kalan.custody.errors import CustodyError
from kalan.custody.forms_recommendations import (
    RecommendationForm,
    ResponseForm,
    StatusForm,
)
from kalan.custody.models import (
    Recommendation,
    RecommendationCheck,
    RecommendationResponse,
    Visit,
)

FORM_TEMPLATE = "custody/recommendation_form.html"


def _recommendation_get_or_404(uid: UUID) -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.select_related("visit__place", "unit", "created_by"), uid=uid
    )


@requires("view_custody")
def recommendations(request: HttpRequest) -> HttpResponse:
    """The recommendations, filtered by ``?status=``, ``?priority=`` and ``?overdue=1`` (open or
    in progress, past their due date); an unknown value filters nothing."""
    status = request.GET.get("status", "")
    priority = request.GET.get("priority", "")
    overdue = request.GET.get("overdue", "") not in ("", "0")
    found = selectors.recommendations_filtered(status=status, priority=priority, overdue=overdue)
    chosen = {"status": status, "priority": priority, "overdue": overdue}
    page, keep = paginate(request, found)
    return render(
        request,
        "custody/recommendations.html",
        {
            "chosen": chosen,
            "statuses": Recommendation.Status.choices,
            "priorities": Recommendation.Priority.choices,
            "recommendations": page.object_list,
            "page": page,
            "keep": keep,
            "counts": selectors.recommendation_counts(),
            "today": timezone.localdate(),
        },
    )


@requires("view_custody")
def recommendation(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = _recommendation_get_or_404(uid)
    can_write = request.user.has_perm("kalan.record_visits")
    return render(
        request,
        "custody/recommendation.html",
        {
            "rec": found,
            "visit": found.visit,
            "responses": list(
                RecommendationResponse.objects.filter(recommendation=found).order_by(
                    "received_on", "pk"
                )
            ),
            "checks": list(
                RecommendationCheck.objects.filter(recommendation=found)
                .select_related("visit")
                .order_by("visit__visited_on")
            ),
            "can_write": can_write,
            "response_form": ResponseForm(initial={"received_on": timezone.localdate()})
            if can_write
            else None,
            "status_form": StatusForm(initial={"status": found.status}) if can_write else None,
            "today": timezone.localdate(),
        },
    )


@requires("record_visits")
def recommendation_create(request: HttpRequest, uid: UUID) -> HttpResponse:
    """A recommendation of the visit ``uid``; its addressee defaults to the place's unit."""
    visit = get_object_or_404(Visit.objects.select_related("place"), uid=uid)
    form = RecommendationForm(
        request.POST or None,
        initial={"unit": visit.place.unit_id, "priority": Recommendation.Priority.MEDIUM},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.recommendation_create(
                visit=visit,
                by=request.user,  # type: ignore[arg-type]
                **form.service_kwargs(),
            )
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Recommandation enregistrée."))
            return redirect(reverse("visit", kwargs={"uid": visit.uid}))
    return _form_page(request, form, visit=visit, rec=None)


@requires("record_visits")
def recommendation_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = _recommendation_get_or_404(uid)
    form = RecommendationForm(
        request.POST or None,
        initial={
            "text": found.text,
            "unit": found.unit_id,
            "authority": found.authority,
            "priority": found.priority,
            "due_on": found.due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.recommendation_update(recommendation=found, **form.service_kwargs())
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Recommandation modifiée."))
            return redirect("recommendation", uid=found.uid)
    return _form_page(request, form, visit=found.visit, rec=found)


def _form_page(
    request: HttpRequest, form: RecommendationForm, *, visit: Visit, rec: Recommendation | None
) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "visit": visit, "rec": rec},
        status=400 if request.method == "POST" else 200,
    )


def _refused(request: HttpRequest, form_errors: list[str]) -> None:
    for message in form_errors:
        messages.error(request, message)


def _errors_of(form: ResponseForm | StatusForm) -> list[str]:
    return [
        f"{form.fields[name].label} : {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


@require_POST
@requires("record_visits")
def recommendation_response(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Add a response of the addressee (from the recommendation's page)."""
    found = _recommendation_get_or_404(uid)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            service.recommendation_response_add(
                recommendation=found,
                by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except CustodyError as error:
            form_add_error(form, error)
    if form.errors:
        _refused(request, _errors_of(form))
    else:
        messages.success(request, _("Réponse enregistrée."))
    return redirect("recommendation", uid=found.uid)


@require_POST
@requires("record_visits")
def recommendation_status(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = _recommendation_get_or_404(uid)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            service.recommendation_status_set(
                recommendation=found, status=form.cleaned_data["status"]
            )
        except CustodyError as error:
            form_add_error(form, error)
    if form.errors:
        _refused(request, _errors_of(form))
    else:
        messages.success(
            request,
            _("État de la recommandation : %(status)s.") % {"status": found.get_status_display()},
        )
    return redirect("recommendation", uid=found.uid)


@require_POST
@requires("record_visits")
def recommendation_check(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Record what the visit given in the POST (``visit``: its uid) found of the recommendation;
    back to that visit's page."""
    found = _recommendation_get_or_404(uid)
    visit = get_object_or_404(Visit, uid=_uuid_or_404(request.POST.get("visit", "")))
    try:
        service.recommendation_check_record(
            recommendation=found,
            visit=visit,
            finding=request.POST.get("finding", ""),
            note=request.POST.get("note", ""),
        )
    except CustodyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Constat enregistré."))
    return redirect(reverse("visit", kwargs={"uid": visit.uid}) + "#visit-recommendations-check")


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None
