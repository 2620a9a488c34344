from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.core.roles import requires
from kalan.reports.figures import Scope, funded_workshops
from kalan.reports.figures_followup import FollowUp, followup_per


@requires("view_funded")
def funded_overview(request: HttpRequest) -> HttpResponse:
    """A donor viewer's page: the workshops its partner funds, in figures, never a person."""
    partner = getattr(request.user, "partner", None)
    if partner is None:  # the database ties a donor viewer to a partner; never reached
        raise Http404
    # The follow-up of each workshop, aggregates only (figures_followup: never a person).
    followup = followup_per(scope=Scope(partner_id=partner.pk), per="workshop")
    return render(
        request,
        "reports/funded_overview.html",
        {
            "partner": partner,
            "rows": [
                (item, followup.get(item.workshop_id, FollowUp()))
                for item in funded_workshops(partner_id=partner.pk)
            ],
        },
    )
