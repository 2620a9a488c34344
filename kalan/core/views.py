from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.workshops import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "current": selectors.sessions_current_and_coming(),
            "recent": selectors.sessions_recent(),
            "headline": selectors.headline_numbers(),
        },
    )
