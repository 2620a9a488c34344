"""The programme's dashboard (``/tableau-de-bord/``) and its downloads, one CSV and XLSX a chart."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from kalan.core.render.spreadsheets import FORMATS, export_filename, export_response, xlsx_response
from kalan.core.roles import requires
from kalan.reports.dashboard import (
    CHARTS,
    chart_table,
    dashboard_chart,
    dashboard_get,
    filters_table,
)
from kalan.reports.figures_followup import followup_definitions
from kalan.reports.forms_dashboard import DashboardFilterForm


@requires("view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        # The filters are shown again with their errors; no figure for a scope not understood.
        return render(request, "reports/dashboard.html", {"form": form, "board": None})
    board = dashboard_get(scope=form.scope(), step=form.step())
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "board": board,
            "chart_data": board.chart_data(),
            "described": form.described(),
            "query": form.query(),
            "followup_definitions": followup_definitions(),
        },
    )


@requires("view_dashboard")
def dashboard_download(request: HttpRequest, chart: str, fmt: str) -> HttpResponseBase:
    """One chart's numbers with the page's filters: aggregates, never a person."""
    if chart not in CHARTS or fmt not in FORMATS:
        raise Http404
    form = DashboardFilterForm(request.GET)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    found = dashboard_chart(slug=chart, scope=form.scope(), step=form.step())
    if fmt == "csv":
        filename = export_filename(subject=f"tableau-de-bord-{chart}", fmt="csv")
        return export_response(table=chart_table(found, fmt="csv"), fmt="csv", filename=filename)
    return xlsx_response(
        filename=export_filename(subject=f"tableau-de-bord-{chart}", fmt="xlsx"),
        tables=[
            chart_table(found, fmt="xlsx"),
            filters_table(chart=found, filters=form.described()),
        ],
    )
