"""A participant takes a test on a phone at the venue: no account, no JavaScript, light pages.

The phone's Django session remembers which copy it is filling (never an id in the address), each
answer is saved the moment it is sent, and the services decide what a closed test, a copy already
sent or a tampered field means; these views only report it in plain French.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalan.assessments import services
from kalan.assessments.errors import AssessmentError
from kalan.assessments.forms_take import JoinForm, answer_from_post
from kalan.assessments.models import Answer, QuestionKind, Submission, Test, TestQuestion
from kalan.assessments.selectors_tests import submission_for_take, submission_progress

SESSION_KEY = "kalan_take"
STATUS = {"tampered": 400, "test_closed": 403, "already_submitted": 409}
RATINGS = range(1, 6)


def _current(request: HttpRequest) -> Submission | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return submission_for_take(pk=pk)


def _message(
    request: HttpRequest, submission: Submission | None, message: str, *, status: int
) -> HttpResponse:
    return render(
        request,
        "assessments/take/message.html",
        {"submission": submission, "message": message},
        status=status,
    )


def _refusal(request: HttpRequest, submission: Submission) -> HttpResponse | None:
    """The page to show instead of a question when the copy can no longer change."""
    if submission.submitted_at is not None:
        return _message(
            request,
            submission,
            _("Vos réponses à ce test ont déjà été envoyées : la première copie est gardée."),
            status=409,
        )
    if submission.test.status != Test.Status.OPEN:
        return _message(
            request,
            submission,
            _("Ce test est fermé : il n’accepte plus de réponses."),
            status=403,
        )
    return None


def _error_page(
    request: HttpRequest, submission: Submission | None, error: AssessmentError
) -> HttpResponse:
    return _message(request, submission, str(error), status=STATUS.get(error.code, 400))


@login_not_required
@never_cache
def take_join(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                submission = services.submission_start(
                    access_code=form.cleaned_data["access_code"],
                    participant_code=form.cleaned_data["participant_code"],
                )
            except AssessmentError as error:
                # "Already sent" concerns this participant: it shows at their code.
                form.add_error(error.field or "participant_code", str(error))
            else:
                if request.session.session_key:
                    request.session.cycle_key()
                request.session[SESSION_KEY] = submission.pk
                return redirect("take_question", n=_resume_at(submission))
    else:
        code = request.GET.get("code", "")[:12]
        form = JoinForm(initial={"access_code": code} if code else None)
    if current is not None and (current.submitted_at or current.test.status != Test.Status.OPEN):
        current = None
    return render(
        request,
        "assessments/take/join.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


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
    submission = _current(request)
    if submission is None:
        return redirect("take_join")
    refused = _refusal(request, submission)
    if refused is not None:
        return refused
    question = TestQuestion.objects.filter(test_id=submission.test_id, order=n).first()
    if question is None:
        return _message(
            request, submission, _("Cette question n’existe pas dans ce test."), status=404
        )
    count = TestQuestion.objects.filter(test_id=submission.test_id).count()
    error = ""
    if request.method == "POST":
        try:
            choices, rating, text = answer_from_post(question.content, request.POST)
            services.answer_save(
                submission=submission, question=question, choices=choices, rating=rating, text=text
            )
        except AssessmentError as failure:
            if failure.code != "tampered":
                return _error_page(request, submission, failure)
            error = str(failure)
        else:
            go = request.POST.get("go", "next")
            if go == "prev" and n > 1:
                return redirect("take_question", n=n - 1)
            if go == "summary" or n >= count:
                return redirect("take_summary")
            return redirect("take_question", n=n + 1)
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
    submission = _current(request)
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
        services.submission_submit(submission=Submission(pk=pk))
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
