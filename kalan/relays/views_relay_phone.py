"""A relay's own phone pages (``/r/``): the personal code, the questionnaires of the rounds in
progress, thanks. No account, no JavaScript, light pages (the test pages' base).

The phone's Django session remembers the relay (``kalan.relays.phone``), never an id in the
address; the round's uid in ``/r/suivi/<uid>/`` opens only a round this relay is listed in.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalan.core.http import client_address
from kalan.relays import services_calls
from kalan.relays.errors import RelayError, RelayThrottled
from kalan.relays.forms_rounds import RelayJoinForm, answers_from_post, questionnaire_fields
from kalan.relays.models import RoundQuestion, Source
from kalan.relays.phone import relay_current, relay_remember
from kalan.relays.selectors_rounds import relay_open_rounds

SESSION_DONE = "kalan_relay_done"


@login_not_required
@never_cache
def relay_join(request: HttpRequest) -> HttpResponse:
    retry_at = None
    if request.method == "POST":
        form = RelayJoinForm(request.POST)
        if form.is_valid():
            try:
                enrollment = services_calls.relay_join(
                    code=form.cleaned_data["code"], address=client_address(request)
                )
            except RelayThrottled as error:
                form.add_error(None, str(error))
                retry_at = error.until
            except RelayError as error:
                form.add_error("code", str(error))
            else:
                relay_remember(request, enrollment=enrollment)
                return redirect("relay_home")
    else:
        form = RelayJoinForm()
    status = 429 if retry_at else 400 if form.errors else 200
    response = render(request, "relays/phone/relay_join.html", {"form": form}, status=status)
    if retry_at is not None:
        wait = math.ceil((retry_at - timezone.now()).total_seconds())
        response["Retry-After"] = str(max(1, wait))
    return response


@login_not_required
@never_cache
def relay_home(request: HttpRequest) -> HttpResponse:
    enrollment = relay_current(request)
    if enrollment is None:
        return redirect("relay_join")
    listed = relay_open_rounds(enrollment=enrollment)
    first_name = (enrollment.person.first_names.split() or [""])[0]
    context = {
        "first_name": first_name,
        "to_answer": [r for r in listed if r.answered_at is None],
        "answered": [r for r in listed if r.answered_at is not None],
    }
    return render(request, "relays/phone/relay_home.html", context)


def _message(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    context = {"message": message}
    return render(request, "relays/phone/followup_message.html", context, status=status)


@login_not_required
@never_cache
def relay_followup(request: HttpRequest, uid: Any) -> HttpResponse:
    enrollment = relay_current(request)
    if enrollment is None:
        return redirect("relay_join")
    respondent = next(
        (r for r in relay_open_rounds(enrollment=enrollment) if r.round.uid == uid), None
    )
    if respondent is None:
        return _message(request, _("Ce questionnaire n’est pas ouvert pour vous."), status=404)
    if respondent.answered_at is not None:
        return _message(request, services_calls.answered_message(respondent), status=409)
    questions = list(RoundQuestion.objects.filter(round=respondent.round).order_by("order"))
    values: dict[int, Any] = {}
    error = ""
    if request.method == "POST":
        values = answers_from_post(questions, request.POST)
        try:
            services_calls.responses_save(
                respondent=respondent, answers=values, via=Source.PHONE, by=None
            )
        except RelayError as refused:
            if refused.code == "already_answered":
                return _message(request, str(refused), status=409)
            error = str(refused)
        else:
            request.session[SESSION_DONE] = str(respondent.round.uid)
            return redirect("relay_done")
    context = {
        "round": respondent.round,
        "fields": questionnaire_fields(questions, values),
        "error": error,
    }
    return render(request, "relays/phone/followup_form.html", context, status=400 if error else 200)


@login_not_required
@never_cache
def relay_done(request: HttpRequest) -> HttpResponse:
    if relay_current(request) is None:
        return redirect("relay_join")
    return render(request, "relays/phone/relay_done.html")
