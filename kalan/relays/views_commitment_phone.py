"""A participant states a commitment on a phone at the close of the session (``/e/``): no
account, no JavaScript, light pages, like the test pages (``/t/``).

The phone types the window's code and the badge code; its Django session then remembers the
enrollment (``SESSION_KEY``, never an id in the address). While the window is open the
participant may come back and correct what they stated.
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kalan.core.http import client_address
from kalan.relays import services_commitments as services
from kalan.relays.errors import RelayError, RelayThrottled
from kalan.relays.forms_commitments import CommitmentForm, CommitmentJoinForm, commitment_initial
from kalan.relays.models import Audience, CommitmentWindow, Source
from kalan.relays.selectors_commitments import commitment_of
from kalan.relays.services import relay_code_for
from kalan.workshops.models import Enrollment

SESSION_KEY = "kalan_commit"


def _current(request: HttpRequest) -> Enrollment | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return Enrollment.objects.select_related("session__workshop", "person").filter(pk=pk).first()


def _window_open(enrollment: Enrollment) -> bool:
    window = CommitmentWindow.objects.filter(session_id=enrollment.session_id).first()
    return window is not None and window.is_open


def _message(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(
        request, "relays/phone/commitment_message.html", {"message": message}, status=status
    )


@login_not_required
@never_cache
def commitment_join(request: HttpRequest) -> HttpResponse:
    retry_after = 0
    if request.method == "POST":
        form = CommitmentJoinForm(request.POST)
        if form.is_valid():
            try:
                enrollment = services.commitment_join(
                    access_code=form.cleaned_data["access_code"],
                    participant_code=form.cleaned_data["participant_code"],
                    address=client_address(request),
                )
            except RelayThrottled as error:
                form.add_error(None, str(error))
                wait = (error.until - timezone.now()).total_seconds()
                retry_after = max(1, math.ceil(wait))
            except RelayError as error:
                form.add_error(error.field or "participant_code", str(error))
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = enrollment.pk
                return redirect("commitment_form")
    else:
        code = request.GET.get("code", "")[:12]
        form = CommitmentJoinForm(initial={"access_code": code} if code else None)
    status = 429 if retry_after else 400 if form.errors else 200
    response = render(request, "relays/phone/commitment_join.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_not_required
@never_cache
def commitment_form(request: HttpRequest) -> HttpResponse:
    enrollment = _current(request)
    if enrollment is None:
        return redirect("commitment_join")
    if not _window_open(enrollment):
        message = _("La saisie des engagements de cette session est fermée : voyez le formateur.")
        return _message(request, message, status=403)
    commitment = commitment_of(enrollment)
    if request.method == "POST":
        form = CommitmentForm(request.POST, session=enrollment.session)
        if form.is_valid():
            try:
                services.commitment_save(
                    enrollment=enrollment, source=Source.PHONE, by=None, **form.service_arguments()
                )
            except RelayError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                return redirect("commitment_done")
    else:
        form = CommitmentForm(initial=commitment_initial(commitment), session=enrollment.session)
    return render(
        request,
        "relays/phone/commitment_form.html",
        {"form": form, "enrollment": enrollment, "commitment": commitment},
        status=400 if form.errors else 200,
    )


@login_not_required
@never_cache
def commitment_done(request: HttpRequest) -> HttpResponse:
    enrollment = _current(request)
    if enrollment is None:
        return redirect("commitment_join")
    commitment = commitment_of(enrollment)
    if commitment is None:
        return redirect("commitment_form")
    labels = dict(Audience.choices)
    return render(
        request,
        "relays/phone/commitment_done.html",
        {
            "enrollment": enrollment,
            "commitment": commitment,
            "audiences": [str(labels[a]) for a in commitment.audiences if a in labels],
            "relay_code": relay_code_for(enrollment=enrollment).code,
            "may_correct": _window_open(enrollment),
        },
    )
