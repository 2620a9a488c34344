"""The trainer's test pages: a session's tests, building them, and the room display of an open test
with the live list of who has sent their answers."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kalan.assessments import selectors_tests as selectors
from kalan.assessments import services, services_take
from kalan.assessments.bank import survey_contents
from kalan.assessments.errors import AssessmentError
from kalan.assessments.forms_tests import SurveyForm, TestCopyForm, TestFromBankForm
from kalan.assessments.models import Test
from kalan.core.forms import form_add_error
from kalan.core.render.qr import qr_svg
from kalan.core.roles import requires
from kalan.workshops.models import Session
from kalan.workshops.selectors import session_get_or_404


@requires("run_tests", "view_results")
def session_tests(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    return _session_tests_page(request, session)


def _session_tests_page(
    request: HttpRequest,
    session: Session,
    *,
    bank_form: TestFromBankForm | None = None,
    copy_form: TestCopyForm | None = None,
    survey_form: SurveyForm | None = None,
    error: str = "",
) -> HttpResponse:
    tests = selectors.session_tests(session=session)
    by_kind = {test.kind: test for test in tests}
    bound = bank_form or copy_form or survey_form or error
    return render(
        request,
        "assessments/session_tests.html",
        {
            "session": session,
            "pre": by_kind.get(Test.Kind.PRE),
            "post": by_kind.get(Test.Kind.POST),
            "survey": by_kind.get(Test.Kind.SURVEY),
            "bank_form": bank_form or TestFromBankForm(),
            "copy_form": copy_form or TestCopyForm(session=session),
            "survey_form": survey_form or SurveyForm(),
            "error": error,
        },
        status=400 if bound else 200,
    )


def _default_title(kind: str, session: Session) -> str:
    return f"{Test.Kind(kind).label.capitalize()} — {session.workshop}"


@require_POST
@requires("run_tests")
def test_create_from_bank(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    form = TestFromBankForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        questions = services.bank_questions_for(
            objective_codes=[objective.code for objective in data["objectives"]],
            per_objective=data["per_objective"],
        )
        try:
            test = services.test_create(
                session=session,
                kind=data["kind"],
                title=data["title"] or _default_title(data["kind"], session),
                questions=questions,
                pass_mark=data["pass_mark"],
                scoring=data["scoring"],
            )
        except (AssessmentError, ValidationError) as error:
            if isinstance(error, AssessmentError) and error.code == "no_questions":
                error = AssessmentError(
                    _("La banque n’a aucune question active pour ces objectifs."),
                    code="no_questions",
                    field="objectives",
                )
            form_add_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(title)s créé : %(count)s question.",
                    "%(title)s créé : %(count)s questions.",
                    len(questions),
                )
                % {"title": test.title, "count": len(questions)},
            )
            return redirect("test_detail", uid=test.uid)
    return _session_tests_page(request, session, bank_form=form)


@require_POST
@requires("run_tests")
def test_create_post_from_pre(request: HttpRequest, uid: str) -> HttpResponse:
    """The post-test asks the very questions of the pre-test, so that the gain compares like
    with like."""
    session = session_get_or_404(uid, user=request.user)
    pre = session.tests.filter(kind=Test.Kind.PRE).first()
    if pre is None:
        return _session_tests_page(
            request, session, error=_("Créez d’abord le pré-test de la session.")
        )
    try:
        test = services.test_copy(source=pre, session=session, kind=Test.Kind.POST)
    except AssessmentError as error:
        return _session_tests_page(request, session, error=str(error))
    messages.success(request, _("Post-test créé avec les questions du pré-test."))
    return redirect("test_detail", uid=test.uid)


@require_POST
@requires("run_tests")
def test_create_copy(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    form = TestCopyForm(request.POST, session=session)
    if form.is_valid():
        try:
            test = services.test_copy(
                source=form.cleaned_data["source"],
                session=session,
                kind=form.cleaned_data["kind"] or None,
            )
        except (AssessmentError, ValidationError) as error:
            if isinstance(error, AssessmentError) and error.field == "kind":
                error.field = "kind" if form.cleaned_data["kind"] else "source"
            form_add_error(form, error)
        else:
            messages.success(request, _("%(title)s copié.") % {"title": test.title})
            return redirect("test_detail", uid=test.uid)
    return _session_tests_page(request, session, copy_form=form)


@require_POST
@requires("run_tests")
def survey_create(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            test = services.test_create(
                session=session,
                kind=Test.Kind.SURVEY,
                title=form.cleaned_data["title"] or _default_title(Test.Kind.SURVEY, session),
                contents=survey_contents(),
                pass_mark=0,
            )
        except (AssessmentError, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Questionnaire de satisfaction créé."))
            return redirect("test_detail", uid=test.uid)
    return _session_tests_page(request, session, survey_form=form)


@requires("run_tests", "view_results")
def test_detail(request: HttpRequest, uid: str) -> HttpResponse:
    test = selectors.test_get_or_404(uid=uid, user=request.user)
    context: dict[str, Any] = {
        "test": test,
        "session": test.session,
        "questions": selectors.test_questions(test=test),
        "live": selectors.test_live(test=test),
        "results_url": results_url(test),
    }
    if test.status == Test.Status.OPEN:
        address = request.build_absolute_uri(reverse("take_join"))
        context.update(
            address=address,
            qr_svg=qr_svg(f"{address}?code={test.access_code}"),
            loopback=is_loopback(request.get_host()),
        )
    return render(request, "assessments/test_detail.html", context)


@requires("run_tests")
def test_live(request: HttpRequest, uid: str) -> HttpResponse:
    """The live list alone, polled by the room display every few seconds."""
    test = selectors.test_get_or_404(uid=uid, user=request.user)
    return render(
        request,
        "assessments/_test_live.html",
        {"test": test, "live": selectors.test_live(test=test)},
    )


@require_POST
@requires("run_tests")
def test_device_decide(request: HttpRequest, uid: str) -> HttpResponse:
    """The trainer lets a second phone take over a participant's copy, or keeps it on the first
    (the live panel's buttons). The copy's change of phone goes to the journal."""
    test = selectors.test_get_or_404(uid=uid, user=request.user)
    submission = selectors.submission_of_test_or_404(
        test=test, uid=request.POST.get("submission", "")
    )
    decision = request.POST.get("decision")
    name = submission.enrollment.person.full_name
    try:
        if decision == "approve":
            services_take.device_approve(submission=submission)
            done = _("Le nouveau téléphone de %(name)s reprend sa copie.") % {"name": name}
        elif decision == "refuse":
            services_take.device_refuse(submission=submission)
            done = _("%(name)s garde sa copie sur son premier téléphone.") % {"name": name}
        else:
            return HttpResponseBadRequest()
    except AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("test_detail", uid=test.uid)


@require_POST
@requires("run_tests")
def test_open(request: HttpRequest, uid: str) -> HttpResponse:
    test = selectors.test_get_or_404(uid=uid, user=request.user)
    services.test_open(test=test)
    messages.success(request, _("Test ouvert : les participants peuvent répondre."))
    return redirect("test_detail", uid=test.uid)


@require_POST
@requires("run_tests")
def test_close(request: HttpRequest, uid: str) -> HttpResponse:
    test = selectors.test_get_or_404(uid=uid, user=request.user)
    services.test_close(test=test)
    messages.success(request, _("Test fermé : il n’accepte plus de réponses."))
    return redirect("test_detail", uid=test.uid)


def results_url(test: Test) -> str:
    """The results page, which another part of Kalan serves; its path if not routed yet."""
    try:
        return reverse("test_results", kwargs={"uid": test.uid})
    except NoReverseMatch:
        return f"/tests/{test.uid}/resultats/"


def is_loopback(host: str) -> bool:
    """True when the trainer reached Kalan as localhost: phones cannot use that address."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
