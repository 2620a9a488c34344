"""Pages of the activity report of a workshop, of the reports to partners and of the targets.

Who may do what:

- ``write_reports`` (administrator, programme, monitoring): every activity report, every
  partner's report, their narratives;
- ``view_funded`` (a donor viewer): the report of its own partner only, read-only; any other
  partner's address answers 404, as if it did not exist;
- ``change_programme``: the targets of a workshop.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalan.core.formats import dates_phrase
from kalan.core.http import attachment
from kalan.core.models import Partner
from kalan.core.roles import requires
from kalan.reports.activity import LANGUAGES, activity_document, activity_filename
from kalan.reports.donor import (
    XLSX_TYPE,
    donor_document,
    donor_facts,
    donor_filename,
    donor_span,
)
from kalan.reports.forms_reports import (
    ActivityReportForm,
    DonorNarrativeForm,
    DonorPeriodForm,
    TargetsForm,
)
from kalan.reports.models import ActivityReport, DonorReport, Language, Target
from kalan.reports.services_reports import activity_report_save, donor_report_save, targets_set
from kalan.workshops.models import Workshop
from kalan.workshops.selectors import workshops_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX_TYPE,
}


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise Http404
    return language


# --- activity report ---------------------------------------------------------------------------


def _workshop(request: HttpRequest, pk: int) -> Workshop:
    return get_object_or_404(workshops_visible(request.user).select_related("axis__plan"), pk=pk)


@requires("write_reports")
def activity_report(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    written = {
        report.language: report for report in ActivityReport.objects.filter(workshop=workshop)
    }
    languages = [(code, label, written.get(code)) for code, label in Language.choices]
    return render(
        request,
        "reports/activity_report.html",
        {"workshop": workshop, "languages": languages},
    )


@requires("write_reports")
def activity_report_download(
    request: HttpRequest, pk: int, language: str, fmt: str
) -> HttpResponse:
    workshop = _workshop(request, pk)
    language = _language(language)
    if fmt not in ("pdf", "docx"):
        raise Http404
    data = activity_document(workshop=workshop, language=language, fmt=fmt)  # type: ignore[arg-type]
    return attachment(
        data,
        filename=activity_filename(workshop=workshop, language=language, fmt=fmt),  # type: ignore[arg-type]
        content_type=CONTENT_TYPES[fmt],
    )


@requires("write_reports")
def activity_report_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    workshop = _workshop(request, pk)
    language = _language(language)
    current = ActivityReport.objects.filter(workshop=workshop, language=language).first()
    if request.method == "POST":
        form = ActivityReportForm(request.POST)
        if form.is_valid():
            activity_report_save(
                workshop=workshop,
                language=language,
                observations=form.cleaned_data["observations"],
                recommendations=form.cleaned_data["recommendations"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, _("Observations et recommandations enregistrées."))
            return redirect("activity_report", pk=workshop.pk)
    else:
        form = ActivityReportForm(
            initial={
                "observations": current.observations if current else "",
                "recommendations": current.recommendations if current else "",
            }
        )
    return render(
        request,
        "reports/activity_report_edit.html",
        {"workshop": workshop, "form": form, "language": Language(language)},
    )


# --- targets -----------------------------------------------------------------------------------


@requires("change_programme")
def workshop_targets(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    current = dict(Target.objects.filter(workshop=workshop).values_list("indicator", "value"))
    form = TargetsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        targets_set(workshop=workshop, values=form.values())
        messages.success(request, _("Cibles enregistrées."))
        return redirect("workshop_targets", pk=workshop.pk)
    return render(request, "reports/workshop_targets.html", {"workshop": workshop, "form": form})


# --- reports to partners -----------------------------------------------------------------------


def partners_allowed(user: AnyUser) -> QuerySet[Partner]:
    """Every partner for the programme's staff; a donor viewer's own partner; else none."""
    if user.has_perm("kalan.write_reports"):
        return Partner.objects.all()
    partner_id = getattr(user, "partner_id", None)
    if partner_id is not None and user.has_perm("kalan.view_funded"):
        return Partner.objects.filter(pk=partner_id)
    return Partner.objects.none()


def _period_form(request: HttpRequest) -> DonorPeriodForm | None:
    """The form read from the address; 404 for a partner this user may not see."""
    partners = partners_allowed(request.user)
    if "partenaire" not in request.GET:
        return None
    if not partners.filter(pk=_int(request.GET.get("partenaire"))).exists():
        raise Http404
    return DonorPeriodForm(request.GET, partners=partners)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _this_year() -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _period(data: dict[str, Any], span: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date]:
    """The period asked for; a date left empty is the first or last day of the partner's data
    (``donor_span``), of this year when it has none."""
    first, last = span or _this_year()
    start: dt.date | None = data["du"]
    end: dt.date | None = data["au"]
    if start is None:
        start = min(first, end) if end else first
    if end is None:
        end = max(last, start)
    return start, end


def _period_query(partner: Partner, start: dt.date, end: dt.date, language: str) -> str:
    """The report's address: dates in ISO, which nobody can read the wrong way round."""
    return urlencode(
        {
            "partenaire": str(partner.pk),
            "du": start.isoformat(),
            "au": end.isoformat(),
            "langue": language,
        }
    )


@requires("write_reports", "view_funded")
def donor_reports(request: HttpRequest) -> HttpResponse:
    partners = partners_allowed(request.user)
    if not partners.exists():
        raise Http404
    form = _period_form(request)
    if form is None:
        # Opened from the menu: the first partner over the span of its data, so that past
        # work shows, not this year's only.
        partner = partners.first()
        assert partner is not None
        start, end = donor_span(partner=partner) or _this_year()
        form = DonorPeriodForm(
            partners=partners,
            initial={"partenaire": partner, "du": start, "au": end, "langue": "fr"},
        )
        return _donor_page(request, form=form, partners=partners)
    if not form.is_valid():
        return _donor_page(request, form=form, partners=partners)
    data = form.cleaned_data
    span = donor_span(partner=data["partenaire"])
    start, end = _period(data, span)
    query = _period_query(data["partenaire"], start, end, data["langue"])
    if data["du"] is None or data["au"] is None:
        # The address names the period shown, for the downloads, the text and a bookmark.
        return redirect(f"{reverse('donor_reports')}?{query}")
    facts = donor_facts(partner=data["partenaire"], start=start, end=end, language=data["langue"])
    narrative_form = None
    if request.user.has_perm("kalan.write_reports"):
        narrative = facts.narrative
        narrative_form = DonorNarrativeForm(
            initial={
                "introduction": narrative.introduction if narrative else "",
                "conclusions": narrative.conclusions if narrative else "",
            }
        )
    extra: dict[str, Any] = {"facts": facts, "query": query, "narrative_form": narrative_form}
    if span is not None and (start > span[0] or end < span[1]):
        # The period leaves out some of the partner's sessions: say so, and offer them all.
        extra["span_text"] = dates_phrase(*span)
        extra["span_query"] = _period_query(data["partenaire"], *span, data["langue"])
    return _donor_page(request, form=form, partners=partners, **extra)


def _donor_page(
    request: HttpRequest, *, form: DonorPeriodForm, partners: QuerySet[Partner], **extra: Any
) -> HttpResponse:
    saved = DonorReport.objects.filter(partner__in=partners).select_related("partner")
    context = {"facts": None, "query": "", "narrative_form": None, **extra}
    return render(
        request,
        "reports/donor_reports.html",
        {"form": form, "saved": saved.order_by("-end", "partner__name")[:20], **context},
    )


@requires("write_reports", "view_funded")
def donor_report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    form = _period_form(request)
    if form is None or not form.is_valid():
        raise Http404
    data = form.cleaned_data
    start, end = _period(data, donor_span(partner=data["partenaire"]))
    document = donor_document(
        partner=data["partenaire"],
        start=start,
        end=end,
        language=data["langue"],
        fmt=fmt,  # type: ignore[arg-type]
    )
    filename = donor_filename(
        partner=data["partenaire"],
        start=start,
        end=end,
        language=data["langue"],
        fmt=fmt,  # type: ignore[arg-type]
    )
    return attachment(document, filename=filename, content_type=CONTENT_TYPES[fmt])


@require_POST
@requires("write_reports")
def donor_report_narrative(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    if form is None or not form.is_valid():
        raise Http404
    narrative = DonorNarrativeForm(request.POST)
    data = form.cleaned_data
    start, end = _period(data, donor_span(partner=data["partenaire"]))
    if narrative.is_valid():
        donor_report_save(
            partner=data["partenaire"],
            start=start,
            end=end,
            language=data["langue"],
            introduction=narrative.cleaned_data["introduction"],
            conclusions=narrative.cleaned_data["conclusions"],
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Texte du rapport enregistré."))
    query = _period_query(data["partenaire"], start, end, data["langue"])
    return redirect(f"{reverse('donor_reports')}?{query}")
