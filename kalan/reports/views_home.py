from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kalan.core.roles import any_user, sees_assigned_sessions_only
from kalan.custody.selectors import visits_planned
from kalan.reports.figures import Participation, Scope, participation
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
            "headline": _headline(request),
            # The NPM's members open the custody pages from here (a few planned visits shown).
            "custody_planned": (
                list(visits_planned()[:5]) if request.user.has_perm("kalan.view_custody") else []
            ),
        },
    )


def _headline(request: HttpRequest) -> Participation | None:
    """The key figures of what this user may open: the programme's for its staff, a trainer's
    own sessions for a trainer, none for an account without a role. They come from the reports'
    own figures, so the home page and the reports agree."""
    user = request.user
    if not user.has_perm("kalan.view_programme"):
        return None
    scope = Scope(trainer_id=user.pk) if sees_assigned_sessions_only(user) else Scope()
    return participation(scope=scope)
