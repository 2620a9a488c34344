"""The report of a custody visit: read and edit it, draft it again from the data, export it.

Reading and downloading require ``view_custody``; saving and drafting again ``record_visits``
(a reader without it sees the text, not the form). Exports print the saved report, or the draft
from the data before anyone saved it. An unknown visit answers 404.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.roles import requires
from kalan.custody.models import Visit
from kalan.reports.forms_visit_report import VisitReportForm
from kalan.reports.visit_report import (
    VisitReportError,
    visit_report_blocks,
    visit_report_current,
    visit_report_redraft,
    visit_report_save,
)
from kalan.reports.visit_report_files import visit_report_docx, visit_report_pdf

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _visit_get_or_404(uid: UUID) -> Visit:
    return get_object_or_404(Visit.objects.select_related("place__locality"), uid=uid)


def _can_write(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("kalan.record_visits"))


@requires("view_custody")
def visit_report(request: HttpRequest, uid: UUID) -> HttpResponse:
    visit = _visit_get_or_404(uid)
    can_write = _can_write(request)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    report = visit_report_current(visit=visit)
    initial = {"title": report.title, "body": report.body, "signature": report.signature}
    form = VisitReportForm(request.POST or None, initial=initial) if can_write else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_report_save(
                visit=visit,
                title=data["title"],
                body=data["body"],
                signature=data["signature"],
                by=request.user,  # type: ignore[arg-type]
            )
        except VisitReportError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            then = request.POST.get("then")
            if then in ("docx", "pdf"):
                return redirect(reverse(f"visit_report_{then}", kwargs={"uid": visit.uid}))
            messages.success(request, _("Rapport de visite enregistré."))
            return redirect("visit_report", uid=visit.uid)
    return render(
        request,
        "reports/visit_report.html",
        {
            "visit": visit,
            "report": report,
            "saved": report.pk is not None,
            "blocks": visit_report_blocks(report.body),
            "form": form,
            "can_write": can_write,
        },
    )


@requires("record_visits")
def visit_report_redraft_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    visit = _visit_get_or_404(uid)
    if request.method == "POST":
        visit_report_redraft(visit=visit, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Le rapport a été rédigé de nouveau à partir des données."))
        return redirect("visit_report", uid=visit.uid)
    return render(request, "reports/visit_report_redraft.html", {"visit": visit})


def _export(visit: Visit, fmt: str) -> HttpResponse:
    report = visit_report_current(visit=visit)
    audit_export(what="visit_report", fmt=fmt, obj=report if report.pk is not None else visit)
    if fmt == "docx":
        data, content_type = visit_report_docx(report=report), DOCX
    else:
        data, content_type = visit_report_pdf(report=report), PDF
    filename = f"rapport-de-visite-{visit.visited_on:%Y-%m-%d}-{str(visit.uid)[:8]}.{fmt}"
    return attachment(data, filename=filename, content_type=content_type)


@require_GET
@requires("view_custody")
def visit_report_docx_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    return _export(_visit_get_or_404(uid), "docx")


@require_GET
@requires("view_custody")
def visit_report_pdf_view(request: HttpRequest, uid: UUID) -> HttpResponse:
    return _export(_visit_get_or_404(uid), "pdf")
