from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.core.roles import requires
from kalan.plans import selectors


@requires("view_programme")
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list()})
