"""Evidence of change (``/rapports/garde-a-vue/``): compliance at the custody visits of units
with a trained officer against the others, and before against after the trainings
(``kalan.reports.figures_custody``). Aggregates only: no unit is named on this page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kalan.core.roles import requires
from kalan.reports.evidence_text import comparison_head, comparison_row, did_row
from kalan.reports.figures_custody import MIN_VISITS, evidence, evidence_method
from kalan.reports.forms_evidence import EvidenceForm
from kalan.workshops.selectors import workshops_visible


@requires("view_custody")
def custody_evidence(request: HttpRequest) -> HttpResponse:
    """A role that may not see the programme (the NPM) picks no workshop: every training."""
    form = EvidenceForm(request.GET, workshops=workshops_visible(request.user))
    context: dict = {"form": form, "found": None, "min_visits": MIN_VISITS}
    if form.is_valid():
        found = evidence(scope=form.scope(), cutoff=form.cutoff())
        context.update(
            found=found,
            comparison_head=comparison_head(),
            comparisons=[
                row
                for theme, items in found.items_by_theme()
                for row in [
                    comparison_row(theme, theme=True),
                    *(comparison_row(item, theme=False) for item in items),
                ]
            ],
            dids=[
                row
                for theme, items in found.did_by_theme()
                for row in [did_row(theme, theme=True), *(did_row(i, theme=False) for i in items)]
            ],
            method=evidence_method(),
        )
    return render(request, "reports/custody_evidence.html", context)
