from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kalan.core.forms import form_add_error
from kalan.core.models import Partner
from kalan.core.roles import requires
from kalan.core.selectors import organisation_current
from kalan.plans import selectors, services
from kalan.plans.forms import AxisCreateForm, AxisForm, PartnerForm, PlanForm
from kalan.plans.models import Axis, StrategicPlan


@requires("view_programme")
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/plan_list.html",
        {"plans": selectors.plan_list(), "partners": selectors.partner_list()},
    )


@requires("change_programme")
def axis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    axis = get_object_or_404(Axis.objects.select_related("plan"), pk=pk)
    fields = ("title", "description", "title_en", "description_en")
    form = AxisForm(request.POST or None, initial={f: getattr(axis, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.axis_update(axis=axis, **form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Axe enregistré."))
            return redirect("plan_list")
    return render(request, "plans/axis_form.html", {"form": form, "axis": axis})


@requires("change_programme")
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    fields = ("name", "acronym", "website", "name_en", "acronym_en")
    form = PartnerForm(request.POST or None, initial={f: getattr(partner, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner=partner, **form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Partenaire enregistré."))
            return redirect("plan_list")
    return render(request, "plans/partner_form.html", {"form": form, "partner": partner})


@require_http_methods(["GET", "POST"])
@requires("change_programme")
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    organisation = organisation_current()
    if organisation is None:
        form.add_error(None, _("Enregistrez d’abord l’institution (page « Institution »)."))
    elif request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Plan « %(plan)s » enregistré.") % {"plan": plan})
            return redirect("plan_list")
    return render(request, "plans/plan_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@requires("change_programme")
def axis_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(StrategicPlan, pk=pk)
    form = AxisCreateForm(
        request.POST or None, initial={"number": services.axis_next_number(plan=plan)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            axis = services.axis_create(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("%(axis)s enregistré.") % {"axis": axis})
            return redirect("plan_list")
    return render(request, "plans/axis_create.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
@requires("change_programme")
def partner_create(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(**form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Partenaire « %(name)s » enregistré.") % {"name": partner})
            return redirect(f"{reverse('plan_list')}#partenaires")
    return render(request, "plans/partner_form.html", {"form": form, "partner": None})
