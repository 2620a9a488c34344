"""Anonymous interviews: record one during a visit, read it, correct it. Every page requires
``view_interviews`` (the NPM, administrators); a reader of the custody pages without it sees the
counts only (``custody/_visit_interviews.html``).

Each opening of an interview's page, or of its correction form, is journaled
(``AuditEntry.Action.VIEW``); the journal never holds the notes
(``Interview.audit_secret_fields``). Like every page, these answer with
``Cache-Control: private, no-store`` (``kalan.core.middleware.NeverStoredMiddleware``).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kalan.core.audit import audit_record
from kalan.core.forms import form_add_error
from kalan.core.models import AuditEntry
from kalan.core.roles import requires
from kalan.custody import services_interviews as service
from kalan.custody.errors import CustodyError
from kalan.custody.forms_interviews import InterviewForm
from kalan.custody.models import Interview, Visit

FORM_TEMPLATE = "custody/interview_form.html"


def _visit_url(visit: Visit) -> str:
    return reverse("visit", kwargs={"uid": visit.uid})


def _interview_get_or_404(uid: UUID) -> Interview:
    return get_object_or_404(
        Interview.objects.select_related("visit__place", "recorded_by"), uid=uid
    )


@requires("view_interviews")
def interview_create(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Record an interview of the visit ``uid``, under a code the page suggests."""
    visit = get_object_or_404(Visit.objects.select_related("place"), uid=uid)
    form = InterviewForm(request.POST or None, initial={"code": service.interview_code_suggest()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview = service.interview_record(
                visit=visit,
                code=data["code"],
                consent=data["consent"],
                allegation=data["allegation"],
                notes=data["notes"],
                by=request.user,  # type: ignore[arg-type]
            )
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, _("Entretien %(code)s enregistré.") % {"code": interview.code}
            )
            return redirect(_visit_url(visit))
    return _form_page(request, form, visit=visit, interview=None)


@requires("view_interviews")
def interview_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Correct an interview. The form shows the notes: opening it is a reading, journaled."""
    interview = _interview_get_or_404(uid)
    if request.method != "POST":
        audit_record(action=AuditEntry.Action.VIEW, obj=interview)
    form = InterviewForm(request.POST or None, instance=interview)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.interview_update(
                interview=interview,
                code=data["code"],
                allegation=data["allegation"],
                notes=data["notes"],
            )
        except CustodyError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Entretien modifié."))
            return redirect("interview", uid=interview.uid)
    return _form_page(request, form, visit=interview.visit, interview=interview)


def _form_page(
    request: HttpRequest, form: InterviewForm, *, visit: Visit, interview: Interview | None
) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "visit": visit, "interview": interview},
        status=400 if request.method == "POST" else 200,
    )


@requires("view_interviews")
def interview(request: HttpRequest, uid: UUID) -> HttpResponse:
    """The interview's notes; each opening is journaled (who read which interview, when)."""
    found = _interview_get_or_404(uid)
    audit_record(action=AuditEntry.Action.VIEW, obj=found)
    return render(request, "custody/interview.html", {"interview": found, "visit": found.visit})
