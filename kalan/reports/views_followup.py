"""A workshop's follow-up in figures (``/ateliers/<pk>/chiffres-du-suivi/``): what its trained
officers did afterwards, aggregates only (``kalan.reports.figures_followup``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kalan.core.roles import requires, sees_assigned_sessions_only
from kalan.reports.figures import Scope
from kalan.reports.figures_followup import followup, followup_definitions
from kalan.workshops.selectors import workshops_visible


@requires("view_relays")
def workshop_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """A trainer sees the figures of the sessions assigned to them only."""
    workshop = get_object_or_404(workshops_visible(request.user), pk=pk)
    trainer_id = request.user.pk if sees_assigned_sessions_only(request.user) else None
    found = followup(scope=Scope(workshop_id=workshop.pk, trainer_id=trainer_id))
    return render(
        request,
        "reports/workshop_followup.html",
        {
            "workshop": workshop,
            "found": found,
            "assigned_only": trainer_id is not None,
            "definitions": followup_definitions(),
        },
    )
