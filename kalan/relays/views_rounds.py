"""Staff pages of the follow-up rounds: the relays index, a workshop's follow-up, a round's
call list, one call, and an officer's departure from the follow-up.

``view_relays`` reads (a trainer, the relays of their sessions); ``run_followup`` plans, opens,
closes, calls and types the answers. Phones show only to users with ``view_contacts``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kalan.core.models import User
from kalan.core.roles import requires
from kalan.people.models import Person
from kalan.relays import selectors_rounds as selectors
from kalan.relays import services_calls, services_rounds
from kalan.relays.errors import RelayError
from kalan.relays.forms_rounds import (
    AttemptForm,
    DepartureForm,
    PlanForm,
    answers_from_post,
    questionnaire_fields,
)
from kalan.relays.models import CallAttempt, Departure, Respondent, Round, Source
from kalan.relays.selectors import relays_visible
from kalan.relays.services_rounds import person_first_training


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the capability checked it
    return request.user


def followup_url(pk: int) -> str:
    return reverse("workshop_followup", kwargs={"pk": pk})


@requires("view_relays")
def relays_index(request: HttpRequest) -> HttpResponse:
    rows = [
        (row, followup_url(row.workshop.pk)) for row in selectors.relays_index(user=request.user)
    ]
    return render(request, "relays/index.html", {"rows": rows})


@requires("view_relays")
def workshop_followup(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.workshop_followup(pk=pk, user=request.user)
    return render(request, "relays/rounds/workshop.html", {"page": page, "form": PlanForm()})


@requires("run_followup")
@require_POST
def rounds_plan(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.workshop_followup(pk=pk, user=request.user)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            made = services_rounds.rounds_plan(
                workshop=page.workshop, months=form.cleaned_data["months"], by=_user(request)
            )
        except RelayError as error:
            form.add_error("months", str(error))
        else:
            messages.success(
                request,
                ngettext("%(n)s tour de suivi prévu.", "%(n)s tours de suivi prévus.", len(made))
                % {"n": len(made)},
            )
            return redirect(followup_url(pk))
    context = {"page": page, "form": form}
    return render(request, "relays/rounds/workshop.html", context, status=400)


@requires("run_followup")
@require_POST
def round_open(request: HttpRequest, uid: Any) -> HttpResponse:
    round = selectors.round_get(uid=uid, user=request.user)
    try:
        opening = services_rounds.round_open(round=round, by=_user(request))
    except RelayError as error:
        messages.error(request, str(error))
        return redirect(followup_url(round.workshop_id))
    if opening.early:
        messages.warning(
            request,
            _("Tour ouvert avant sa date prévue (%(date)s).")
            % {"date": date_format(round.opens_on, "j F Y")},
        )
    messages.success(
        request,
        ngettext(
            "%(n)s relais ajouté à la liste d’appel.",
            "%(n)s relais ajoutés à la liste d’appel.",
            opening.added,
        )
        % {"n": opening.added},
    )
    return redirect("round_calls", uid=round.uid)


@requires("run_followup")
@require_POST
def round_close(request: HttpRequest, uid: Any) -> HttpResponse:
    round = selectors.round_get(uid=uid, user=request.user)
    try:
        services_rounds.round_close(round=round, by=_user(request))
    except RelayError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tour de suivi clos."))
    return redirect(followup_url(round.workshop_id))


@requires("view_relays")
def round_calls(request: HttpRequest, uid: Any) -> HttpResponse:
    round = selectors.round_get(uid=uid, user=request.user)
    show = request.GET.get("voir", "today" if round.status == Round.Status.OPEN else "all")
    if show not in selectors.FILTERS:
        show = "all"
    every = selectors.call_list(round=round, user=request.user)
    rows = every if show == "all" else [r for r in every if _shown(r, show)]
    context = {
        "round": round,
        "rows": rows,
        "counts": selectors.call_counts(every),
        "total": len(every),
        "show": show,
        "show_phones": request.user.has_perm("kalan.view_contacts"),
        "followup_url": followup_url(round.workshop_id),
    }
    return render(request, "relays/rounds/calls.html", context)


def _shown(row: selectors.CallRow, show: str) -> bool:
    return row.due if show == "today" else row.status == selectors.ANSWERED


@requires("view_relays")
def round_call(request: HttpRequest, uid: Any, pk: int) -> HttpResponse:
    if request.method == "POST" and not request.user.has_perm("kalan.run_followup"):
        raise PermissionDenied  # reading the list is not calling
    round = selectors.round_get(uid=uid, user=request.user)
    page = selectors.call_page(round=round, pk=pk, user=request.user)
    respondent = page.row.respondent
    may_call = request.user.has_perm("kalan.run_followup") and round.status == Round.Status.OPEN
    error, status = "", 200
    attempt_form, values = AttemptForm(), page.answers
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "release":
            services_calls.respondent_release(respondent=respondent, by=_user(request))
            return redirect("round_calls", uid=round.uid)
        done = _post_call(request, round, respondent, action)
        if isinstance(done, HttpResponse):
            return done
        attempt_form, values, error = done
        status = 400
        page = selectors.call_page(round=round, pk=pk, user=request.user)
    elif may_call and page.row.status in (selectors.TO_CALL, selectors.IN_CALL):
        try:
            services_calls.respondent_claim(respondent=respondent, by=_user(request))
        except RelayError as refused:
            error = str(refused)
        page = selectors.call_page(round=round, pk=pk, user=request.user)
    return render(
        request,
        "relays/rounds/call.html",
        {
            "round": round,
            "page": page,
            "row": page.row,
            "attempt_form": attempt_form,
            "fields": questionnaire_fields(page.questions, values),
            "error": error,
            "may_call": may_call and _is_mine(page.row.respondent, request),
            "show_phones": request.user.has_perm("kalan.view_contacts"),
            "reached": page.attempts and page.attempts[0].outcome == CallAttempt.Outcome.REACHED,
        },
        status=status,
    )


def _is_mine(respondent: Respondent, request: HttpRequest) -> bool:
    return respondent.claimed_by_id == request.user.pk and respondent.answered_at is None


def _post_call(
    request: HttpRequest, round: Round, respondent: Respondent, action: str | None
) -> HttpResponse | tuple[AttemptForm, dict[int, Any], str]:
    """An attempt recorded or the answers saved (a redirect), or the form back with the error."""
    attempt_form, values = AttemptForm(), {}
    try:
        if action == "answers":
            questions = selectors.call_page(round=round, pk=respondent.pk, user=request.user)
            values = answers_from_post(questions.questions, request.POST)
            services_calls.responses_save(
                respondent=respondent, answers=values, via=Source.CALL, by=_user(request)
            )
            messages.success(request, _("Réponses enregistrées."))
            return _to_next(request, round)
        attempt_form = AttemptForm(request.POST)
        if not attempt_form.is_valid():
            return attempt_form, values, _("Corrigez le résultat de l’appel.")
        data = attempt_form.cleaned_data
        services_calls.call_record(
            respondent=respondent,
            by=_user(request),
            outcome=data["outcome"],
            note=data["note"],
            next_call_on=data["next_call_on"],
        )
    except RelayError as refused:
        return attempt_form, values, str(refused)
    if attempt_form.cleaned_data["outcome"] == CallAttempt.Outcome.REACHED:
        url = reverse("round_call", kwargs={"uid": round.uid, "pk": respondent.pk})
        return redirect(f"{url}#questionnaire")
    messages.success(request, _("Appel noté."))
    return _to_next(request, round)


def _to_next(request: HttpRequest, round: Round) -> HttpResponse:
    """Back to the call list, at the next officer to call."""
    url = reverse("round_calls", kwargs={"uid": round.uid})
    following = selectors.next_to_call(round=round, user=request.user)
    return redirect(f"{url}?voir=today#r{following.pk}" if following else url)


@requires("run_followup")
def relay_departure(request: HttpRequest, uid: Any) -> HttpResponse:
    person = Person.objects.filter(
        uid=uid, pk__in=relays_visible(request.user).values("person_id")
    ).first()
    if person is None:
        raise Http404
    departure = Departure.objects.filter(person=person).first()
    back = request.GET.get("retour", "") or request.POST.get("retour", "")
    if not back.startswith("/relais/"):
        back = reverse("relays_index")
    initial = None
    if departure is not None:
        initial = {"reason": departure.reason, "since": departure.since, "note": departure.note}
    form = DepartureForm(initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            services_rounds.departure_clear(person=person, by=_user(request))
            messages.success(request, _("L’officier est de nouveau suivi."))
            return redirect(back)
        form = DepartureForm(request.POST)
        if form.is_valid():
            try:
                services_rounds.departure_set(person=person, by=_user(request), **form.cleaned_data)
            except RelayError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("Sortie du suivi enregistrée."))
                return redirect(back)
    context = {
        "person": person,
        "departure": departure,
        "form": form,
        "back": back,
        "first_training": person_first_training(person=person),
    }
    return render(
        request, "relays/rounds/departure.html", context, status=400 if form.errors else 200
    )
