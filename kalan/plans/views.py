from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.core.roles import requires
from kalan.plans import selectors
from kalan.plans.models import Axis


@requires("view_programme")
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list()})


@requires("view_programme")
def axis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        axis = selectors.axis_detail(pk=pk, user=request.user)
    except Axis.DoesNotExist:
        raise Http404 from None
    return render(request, "plans/axis_detail.html", {"axis": axis})
