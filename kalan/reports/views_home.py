from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kalan.core.roles import any_user
from kalan.reports.figures import Scope, participation
from kalan.workshops import selectors


@any_user
def home(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm("kalan.view_funded"):
        # A donor viewer's home is the page of what its partner funds.
        return redirect("funded_overview")
    return render(
        request,
        "reports/home.html",
        {
            "current": selectors.sessions_current_and_coming(user=request.user),
            "recent": selectors.sessions_recent(user=request.user),
            # Programme totals are for its staff; an account without a role sees none. They
            # come from the reports' own figures, so the home page and the reports agree.
            "headline": (
                participation(scope=Scope())
                if request.user.has_perm("kalan.view_programme")
                else None
            ),
        },
    )
