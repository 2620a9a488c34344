"""Results of a test, on the page and in XLSX, and paper mode: the printed test with its answer
grid, and the keyboard grid that enters the paper copies.

The results page refreshes itself while the test is open: htmx fetches the page's body again
every 5 seconds (``?partial=body``); without JavaScript a ``<meta refresh>`` inside
``<noscript>`` reloads the page every 30 seconds instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from kalan.assessments import exports, selectors, services
from kalan.assessments.errors import AssessmentError
from kalan.assessments.forms_paper import PaperGridForm
from kalan.assessments.models import Test
from kalan.assessments.selectors_tests import test_get_or_404
from kalan.core.audit import audit_export
from kalan.core.http import HtmxHttpRequest
from kalan.core.render.spreadsheets import export_filename, xlsx_response
from kalan.core.roles import requires

POLL_SECONDS = 5
NOSCRIPT_REFRESH_SECONDS = 30


@require_GET
@requires("view_results")
def test_results(request: HtmxHttpRequest, uid: str) -> HttpResponse:
    test = test_get_or_404(uid=uid, user=request.user)
    results = selectors.session_results(session=test.session)
    context: dict[str, Any] = {
        "test": test,
        "session": test.session,
        "results": results,
        "outcome": results.for_test(test),
        "polling": test.status == Test.Status.OPEN,
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": NOSCRIPT_REFRESH_SECONDS,
    }
    if request.htmx and request.GET.get("partial") == "body":
        return render(request, "assessments/_results_body.html", context)
    return render(request, "assessments/test_results.html", context)


@require_GET
@requires("export_persons")
def results_export(request: HttpRequest, uid: str) -> FileResponse:
    """The session's results in one workbook. It names participants, so it needs the permission
    that lets lists of persons leave Kalan, as the person exports do."""
    test = test_get_or_404(uid=uid, user=request.user)
    results = selectors.session_results(session=test.session)
    audit_export(what="results", fmt="xlsx", obj=test, session=str(test.session.uid))
    filename = export_filename(
        subject=f"session-{str(test.session.uid)[:8]}-resultats", fmt="xlsx", dated=False
    )
    return xlsx_response(tables=exports.results_tables(results), filename=filename)


@require_GET
@requires("run_tests")
def test_print(request: HttpRequest, uid: str) -> HttpResponse:
    """The test ready to print on A4, then its answer grid: one blank grid, or with
    ``?grilles=nominatives`` one grid per participant with name and code already written."""
    test = test_get_or_404(uid=uid, user=request.user)
    named = request.GET.get("grilles") == "nominatives"
    grid = selectors.paper_grid(test=test) if named else None
    return render(
        request,
        "assessments/test_print.html",
        {
            "test": test,
            "session": test.session,
            "questions": list(test.questions.order_by("order")),
            "named_rows": grid.rows if grid else None,
            "gradable": test.kind != Test.Kind.SURVEY,
        },
    )


@requires("run_tests")
def test_paper_entry(request: HttpRequest, uid: str) -> HttpResponse:
    """One row per participant, one cell per question; one POST saves the whole grid or nothing.

    A participant who already sent a copy (on a phone, or an earlier paper entry) is shown
    read-only. An impossible entry is shown at its cell and nothing is saved.
    """
    test = test_get_or_404(uid=uid, user=request.user)
    if test.kind == Test.Kind.SURVEY:
        return render(
            request,
            "assessments/test_paper_entry.html",
            {"test": test, "session": test.session, "form": None},
            status=400 if request.method == "POST" else 200,
        )
    grid = selectors.paper_grid(test=test)
    form = PaperGridForm(grid, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.paper_answers_save(
                    test=test, rows=form.rows, by_enrollment=form.by_enrollment
                )
            except AssessmentError as error:
                form.error = str(error)
            else:
                if saved:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s copie papier enregistrée et notée.",
                            "%(count)s copies papier enregistrées et notées.",
                            saved,
                        )
                        % {"count": saved},
                    )
                else:
                    messages.info(request, _("Aucune réponse saisie : rien à enregistrer."))
                return redirect("test_paper_entry", uid=test.uid)
        return render(
            request,
            "assessments/test_paper_entry.html",
            {"test": test, "session": test.session, "form": form},
            status=400,
        )
    return render(
        request,
        "assessments/test_paper_entry.html",
        {"test": test, "session": test.session, "form": form},
    )
