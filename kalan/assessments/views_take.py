"""A participant takes a test on a phone at the venue: no account, no JavaScript, light pages.

The phone's Django session remembers which copy it is filling (never an id in the address), each
answer is saved the moment it is sent, and the services decide what a closed test, a copy already
sent or a tampered field means; these views only report it in plain French.

A phone also carries a random cookie of its own (``DEVICE_COOKIE``, kept a week, unlike the
session): the copy is filled by the phone that joined first, the same phone joins again without
asking after its session ended, and another phone waits for the trainer's approval
(``kalan.assessments.services_take``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalan.assessments import services, services_take
from kalan.assessments.errors import AssessmentError
from kalan.assessments.forms_take import JoinForm, answer_from_post
from kalan.assessments.models import Answer, QuestionKind, Submission, Test, TestQuestion
from kalan.assessments.selectors_tests import (
    question_for_take,
    submission_for_take,
    submission_progress,
)
from kalan.core.http import client_address

SESSION_KEY = "kalan_take"
SESSION_WAITING = "kalan_take_waiting"  # the copy this phone asked for, while the trainer decides
DEVICE_COOKIE = "kalan_phone"
DEVICE_COOKIE_AGE = dt.timedelta(days=7)
DEVICE_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
STATUS = {"tampered": 400, "test_closed": 403, "already_submitted": 409, "device_replaced": 409}
RATINGS = range(1, 6)


def _current(request: HttpRequest, *, person: bool = False) -> Submission | None:
    """The copy this phone fills; ``person``: with the participant, for a page naming them."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return submission_for_take(pk=pk, person=person)


def _message(
    request: HttpRequest, submission: Submission | None, message: str, *, status: int
) -> HttpResponse:
    return render(
        request,
        "assessments/take/message.html",
        {"submission": submission, "message": message},
        status=status,
    )


def _cookie_token(request: HttpRequest) -> str | None:
    """The phone's own random token from its cookie, or None when it has no valid one."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    return token if DEVICE_TOKEN.fullmatch(token) else None


def _device_token(request: HttpRequest) -> str:
    """The phone's token, or a new one for a phone that has none."""
    return _cookie_token(request) or secrets.token_urlsafe(24)


def _device(request: HttpRequest) -> str:
    """The fingerprint of the phone's token as a copy keeps it; "" when it has no cookie."""
    token = _cookie_token(request)
    return services_take.device_id(token) if token else ""


def _with_device(response: HttpResponse, token: str) -> HttpResponse:
    """Give (or renew) the phone's cookie: for the participant pages only, unreadable by script."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_AGE,
        path=reverse("take_join"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _why_not(submission: Submission, *, device: str | None) -> tuple[str, int] | None:
    """Why the copy cannot change from here, with the status to answer; None when it can.

    Sent, or its test closed; or, when ``device`` is given, handed to another phone.
    """
    if submission.submitted_at is not None:
        sent = _("Vos réponses à ce test ont déjà été envoyées : la première copie est gardée.")
        return sent, 409
    if submission.test.status != Test.Status.OPEN:
        return _("Ce test est fermé : il n’accepte plus de réponses."), 403
    if device is not None and submission.device and submission.device != device:
        return _("Le formateur a confié cette copie à un autre téléphone."), 409
    return None


def _refusal(
    request: HttpRequest, submission: Submission, *, this_phone: bool = True
) -> HttpResponse | None:
    """The page to show instead of a question when the copy can no longer change here.

    ``this_phone=False``: whichever phone fills it (for a phone waiting to take it over).
    """
    device = _device(request) if this_phone else None
    why = _why_not(submission, device=device)
    if why is None:
        return None
    message, status = why
    return _message(request, None, message, status=status)


def _error_page(
    request: HttpRequest, submission: Submission | None, error: AssessmentError
) -> HttpResponse:
    return _message(request, submission, str(error), status=STATUS.get(error.code, 400))


@login_not_required
@never_cache
def take_join(request: HttpRequest) -> HttpResponse:
    token = _device_token(request)
    current = _current(request)
    retry_at: dt.datetime | None = None
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                join = services_take.submission_join(
                    access_code=form.cleaned_data["access_code"],
                    participant_code=form.cleaned_data["participant_code"],
                    address=client_address(request),
                    device=services_take.device_id(token),
                )
            except services_take.JoinThrottled as error:
                form.add_error(None, str(error))
                retry_at = error.until
            except AssessmentError as error:
                # "Already sent" concerns this participant: it shows at their code.
                form.add_error(error.field or "participant_code", str(error))
            else:
                return _with_device(_joined(request, join), token)
    else:
        code = request.GET.get("code", "")[:12]
        form = JoinForm(initial={"access_code": code} if code else None)
    if current is not None and _why_not(current, device=_device(request)) is not None:
        current = None
    response = render(
        request,
        "assessments/take/join.html",
        {"form": form, "current": current},
        status=429 if retry_at else 400 if form.errors else 200,
    )
    if retry_at is not None:
        wait = math.ceil((retry_at - timezone.now()).total_seconds())
        response["Retry-After"] = str(max(1, wait))
    return _with_device(response, token)


def _joined(request: HttpRequest, join: services_take.Join) -> HttpResponse:
    """To the first unanswered question, or to wait when another phone fills the copy."""
    if request.session.session_key:
        request.session.cycle_key()
    if join.waiting:
        request.session.pop(SESSION_KEY, None)
        request.session[SESSION_WAITING] = join.submission.pk
        return redirect("take_wait")
    request.session.pop(SESSION_WAITING, None)
    request.session[SESSION_KEY] = join.submission.pk
    return redirect("take_question", n=_resume_at(join.submission))


@login_not_required
@never_cache
def take_wait(request: HttpRequest) -> HttpResponse:
    """A second phone for a copy that another phone fills: until the trainer decides.

    The participant reloads it (« Actualiser ») once the trainer has decided; approved, it
    goes on to the copy; refused, it says the first phone keeps it. It never names the
    participant: whoever waits here may have read someone else's badge.
    """
    pk = request.session.get(SESSION_WAITING)
    submission = submission_for_take(pk=pk) if isinstance(pk, int) else None
    if submission is None:
        return redirect("take_join")
    closed = _refusal(request, submission, this_phone=False)
    if closed is not None:
        return closed
    device = _device(request)
    if device and submission.device == device:  # the trainer approved this phone
        request.session.cycle_key()
        request.session.pop(SESSION_WAITING, None)
        request.session[SESSION_KEY] = submission.pk
        return redirect("take_question", n=_resume_at(submission))
    if not device or submission.device_pending != device:
        request.session.pop(SESSION_WAITING, None)
        return _message(
            request,
            None,
            _("Le formateur a laissé cette copie sur le premier téléphone."),
            status=403,
        )
    return render(request, "assessments/take/wait.html", {"test": submission.test})


def _resume_at(submission: Submission) -> int:
    """The first question not answered yet: after a dropped connection, pick up from there."""
    questions, answered = submission_progress(submission=submission)
    for question in questions:
        if question.pk not in answered:
            return question.order
    return questions[0].order if questions else 1


@login_not_required
@never_cache
def take_question(request: HttpRequest, n: int) -> HttpResponse:
    if request.method == "POST":
        return _answer(request, n)
    # The first question's page names the participant.
    submission = _current(request, person=n == 1)
    if submission is None:
        return redirect("take_join")
    refused = _refusal(request, submission)
    if refused is not None:
        return refused
    return _question_page(request, submission, n)


def _answer(request: HttpRequest, n: int) -> HttpResponse:
    """Save the answer to question ``n`` and go on (or back, or to the summary).

    The request a thousand phones send every few seconds (bench/scale.py): the copy is read
    once, locked, with its test; the question comes from the process's memory; the answer is one
    INSERT … ON CONFLICT. An answer that fails its check shows the page again with the error.
    """
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return redirect("take_join")
    error = ""
    with transaction.atomic():
        submission = submission_for_take(pk=pk, lock=True)
        if submission is None:
            return redirect("take_join")
        refused = _refusal(request, submission)
        if refused is not None:
            return refused
        found = question_for_take(test=submission.test, order=n)
        if found is None:
            return _missing(request, submission)
        question, count = found
        try:
            choices, rating, text = answer_from_post(question.content, request.POST)
            services.answer_save(
                submission=submission,
                question=question,
                choices=choices,
                rating=rating,
                text=text,
                device=_device(request),
                locked=True,
            )
        except AssessmentError as failure:
            # The checks raise before anything is written: the transaction has nothing to undo.
            if failure.code != "tampered":
                return _error_page(request, submission, failure)
            error = str(failure)
    if error:
        return _question_page(request, submission, n, error=error)
    go = request.POST.get("go", "next")
    if go == "prev" and n > 1:
        return redirect("take_question", n=n - 1)
    if go == "summary" or n >= count:
        return redirect("take_summary")
    return redirect("take_question", n=n + 1)


def _missing(request: HttpRequest, submission: Submission) -> HttpResponse:
    return _message(request, submission, _("Cette question n’existe pas dans ce test."), status=404)


def _question_page(
    request: HttpRequest, submission: Submission, n: int, *, error: str = ""
) -> HttpResponse:
    """Question ``n`` with the answer given so far; ``error``: why the last one was refused."""
    found = question_for_take(test=submission.test, order=n)
    if found is None:
        return _missing(request, submission)
    question, count = found
    answer = Answer.objects.filter(submission=submission, question=question).first()
    return render(
        request,
        "assessments/take/question.html",
        {
            "submission": submission,
            "question": _shown(question),
            "n": n,
            "count": count,
            "answer": answer,
            "chosen": set(answer.choices) if answer else set(),
            "ratings": RATINGS,
            "error": error,
        },
        status=400 if error else 200,
    )


def _shown(question: TestQuestion) -> dict[str, Any]:
    """The question in the phone's language when the test froze a translation of it."""
    content = question.content
    english = get_language() == "en"

    def pick(item: dict[str, Any]) -> str:
        return str((english and item.get("text_en")) or item.get("text", ""))

    return {
        "order": question.order,
        "kind": content["kind"],
        "text": pick(content),
        "multiple": content["kind"] == QuestionKind.MULTIPLE,
        "choices": [{"key": c["key"], "text": pick(c)} for c in content.get("choices", [])],
    }


@login_not_required
@never_cache
def take_summary(request: HttpRequest) -> HttpResponse:
    submission = _current(request, person=True)
    if submission is None:
        return redirect("take_join")
    refused = _refusal(request, submission)
    if refused is not None:
        return refused
    questions, answered = submission_progress(submission=submission)
    rows = [(_shown(q), q.pk in answered) for q in questions]
    return render(
        request,
        "assessments/take/summary.html",
        {
            "submission": submission,
            "rows": rows,
            "unanswered": sum(1 for _row, done in rows if not done),
        },
    )


@login_not_required
@require_POST
def take_submit(request: HttpRequest) -> HttpResponse:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return redirect("take_join")
    # The service reads and locks the copy itself: a whole room presses "send" at the same
    # moment, so this request does no read of its own before it.
    try:
        services.submission_submit(submission=Submission(pk=pk), device=_device(request))
    except Submission.DoesNotExist:
        return redirect("take_join")
    except AssessmentError as error:
        return _error_page(request, submission_for_take(pk=pk), error)
    return redirect("take_done")


@login_not_required
@never_cache
def take_done(request: HttpRequest) -> HttpResponse:
    submission = _current(request)
    if submission is None:
        return redirect("take_join")
    if submission.submitted_at is None:
        return redirect("take_summary")
    return render(request, "assessments/take/done.html", {"submission": submission})
