"""The financial report's page, beside the reports to partners: a funder, a period, the figures
previewed, and the three files.

Who may do what:

- ``view_budget`` (administrator, programme, monitoring, finance): every funder's report, and
  the programme's (all funders);
- ``view_funded`` (a donor viewer): the report of its own partner only (aggregates; the list of
  supporting documents names nobody); any other partner's address answers 404, as if it did not
  exist, and so does the programme's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kalan.core.http import attachment
from kalan.core.models import Partner
from kalan.core.roles import requires
from kalan.reports.figures_finance import finance_span
from kalan.reports.financial import (
    FinancialReportError,
    financial_check,
    financial_document,
    financial_facts,
    financial_filename,
)
from kalan.reports.forms_financial import FinancialPeriodForm
from kalan.reports.views_reports import CONTENT_TYPES

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


def financial_partners(user: AnyUser) -> tuple[QuerySet[Partner], bool]:
    """The funders this user may choose, and whether it may see all of them at once."""
    if user.has_perm("kalan.view_budget"):
        return Partner.objects.all(), True
    partner_id = getattr(user, "partner_id", None)
    if partner_id is not None and user.has_perm("kalan.view_funded"):
        return Partner.objects.filter(pk=partner_id), False
    return Partner.objects.none(), False


def _form(request: HttpRequest) -> FinancialPeriodForm:
    """The form read from the address; 404 for a funder (or all of them) this user may not
    see."""
    partners, everyone = financial_partners(request.user)
    asked = request.GET.get("bailleur", "")
    if asked:
        if not partners.filter(pk=_int(asked)).exists():
            raise Http404
    elif not everyone:
        raise Http404
    return FinancialPeriodForm(request.GET, partners=partners, everyone=everyone)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _query(partner: Partner | None, start: dt.date, end: dt.date, language: str) -> str:
    return urlencode(
        {
            "bailleur": str(partner.pk) if partner else "",
            "du": start.isoformat(),
            "au": end.isoformat(),
            "langue": language,
        }
    )


def _first_address(request: HttpRequest) -> str:
    """Opened from a link: the donor's own partner (every funder for the staff) over the
    calendar years of its workshops' sessions (``finance_span``), this year when none."""
    partners, everyone = financial_partners(request.user)
    partner = None if everyone else partners.first()
    if partner is None and not everyone:
        raise Http404
    span = finance_span(partner_id=partner.pk if partner else None)
    if span is None:
        year = timezone.localdate().year
        span = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return f"{reverse('financial_report')}?{_query(partner, *span, 'fr')}"


@requires("view_budget", "view_funded")
def financial_report(request: HttpRequest) -> HttpResponse:
    if "du" not in request.GET:
        return redirect(_first_address(request))
    form = _form(request)
    context: dict[str, Any] = {"form": form, "found": None}
    if form.is_valid():
        data = form.cleaned_data
        found = financial_facts(
            partner=data["bailleur"], start=data["du"], end=data["au"], language=data["langue"]
        )
        try:
            financial_check(found)
        except FinancialReportError as error:
            context["refusal"] = str(error)
        context.update(
            found=found,
            query=_query(data["bailleur"], data["du"], data["au"], data["langue"]),
            missing=found.missing_notes(),
        )
    return render(request, "reports/financial/report.html", context)


@requires("view_budget", "view_funded")
def financial_report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    arguments = {
        "partner": data["bailleur"],
        "start": data["du"],
        "end": data["au"],
        "language": data["langue"],
        "fmt": fmt,
    }
    try:
        document = financial_document(**arguments)
    except FinancialReportError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('financial_report')}?{request.GET.urlencode()}")
    return attachment(
        document, filename=financial_filename(**arguments), content_type=CONTENT_TYPES[fmt]
    )
