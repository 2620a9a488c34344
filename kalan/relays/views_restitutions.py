"""Restitutions: the staff pages (a workshop's restitutions, record, correct, delete, the photo)
and the relay's own phone page (``/r/restitution/``, no account, no JavaScript).

The photo is never public media: ``restitution_photo`` serves it only to a user who may see the
relay (a trainer: the relays of their sessions), and tells caches not to keep it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kalan.core.forms import form_add_error
from kalan.core.http import stored_jpeg
from kalan.core.roles import requires
from kalan.relays import selectors_restitutions as selectors
from kalan.relays import services_restitutions as service
from kalan.relays.errors import RelayError
from kalan.relays.forms_restitutions import RestitutionForm
from kalan.relays.models import Restitution, Source
from kalan.relays.phone import relay_current
from kalan.workshops.models import Enrollment

FORM_TEMPLATE = "relays/restitutions/form.html"
PHONE_TEMPLATE = "relays/phone/restitution.html"


@requires("view_relays")
def workshop_restitutions(request: HttpRequest, pk: int) -> HttpResponse:
    """The restitutions of the workshop's relays the user may see, the latest first, with their
    totals; ``?session=<uid>`` keeps one session's."""
    workshop = selectors.workshop_for_restitutions(pk, user=request.user)
    sessions = list(selectors.workshop_sessions(workshop, user=request.user))
    wanted = request.GET.get("session", "")
    session = next((s for s in sessions if str(s.uid) == wanted), None)
    restitutions = selectors.workshop_restitutions(workshop, user=request.user, session=session)
    relays = []
    if request.user.has_perm("kalan.record_restitutions"):
        relays = list(selectors.workshop_relays(workshop, user=request.user))
    return render(
        request,
        "relays/restitutions/list.html",
        {
            "workshop": workshop,
            "sessions": sessions,
            "session": session,
            "restitutions": list(restitutions),
            "totals": selectors.restitution_totals(restitutions),
            "relays": relays,
        },
    )


def _list_url(enrollment: Enrollment) -> str:
    return reverse("workshop_restitutions", kwargs={"pk": enrollment.session.workshop_id})


def _refused(form: RestitutionForm, error: RelayError) -> None:
    form_add_error(form, error)
    if error.code == "large_audience":
        form.show_confirm = True


@requires("record_restitutions")
def restitution_create(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Record a restitution on behalf of a relay (``uid``: the relay's enrollment)."""
    relay = selectors.relay_get_or_404(uid, user=request.user)
    form = RestitutionForm(request.POST or None, request.FILES or None, enrollment=relay)
    if request.method == "POST" and form.is_valid():
        try:
            service.restitution_record(
                enrollment=relay,
                source=Source.STAFF,
                by=request.user,  # type: ignore[arg-type]
                **form.service_kwargs(),
            )
        except RelayError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Restitution enregistrée."))
            return redirect(_list_url(relay))
    return _form_page(request, form, relay=relay, restitution=None)


@requires("record_restitutions")
def restitution_edit(request: HttpRequest, uid: UUID) -> HttpResponse:
    restitution = selectors.restitution_get_or_404(uid, user=request.user)
    relay = restitution.enrollment
    form = RestitutionForm(
        request.POST or None, request.FILES or None, enrollment=relay, instance=restitution
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            service.restitution_update(
                restitution=restitution,
                remove_photo=bool(form.cleaned_data.get("remove_photo")),
                **kwargs,
            )
        except RelayError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Restitution modifiée."))
            return redirect(_list_url(relay))
    return _form_page(request, form, relay=relay, restitution=restitution)


def _form_page(
    request: HttpRequest,
    form: RestitutionForm,
    *,
    relay: Enrollment,
    restitution: Restitution | None,
) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "relay": relay,
            "restitution": restitution,
            "workshop": relay.session.workshop,
            "photo_lost": _photo_lost(request, form),
        },
        # A POST that lands here was refused (a stored one redirects): 400, with the reasons.
        status=400 if request.method == "POST" else 200,
    )


def _photo_lost(request: HttpRequest, form: RestitutionForm) -> bool:
    """A refused form that came with a photo: the browser will not send it again by itself."""
    return request.method == "POST" and bool(request.FILES.get("photo")) and bool(form.errors)


@requires("record_restitutions")
def restitution_delete(request: HttpRequest, uid: UUID) -> HttpResponse:
    """A page that asks first; the deletion itself is a POST."""
    restitution = selectors.restitution_get_or_404(uid, user=request.user)
    if request.method == "POST":
        url = _list_url(restitution.enrollment)
        service.restitution_delete(restitution=restitution)
        messages.success(request, _("Restitution supprimée."))
        return redirect(url)
    return render(
        request,
        "relays/restitutions/delete.html",
        {"restitution": restitution, "workshop": restitution.enrollment.session.workshop},
    )


@require_GET
@requires("view_relays")
def restitution_photo(request: HttpRequest, uid: UUID) -> FileResponse:
    """The restitution's photo (re-encoded, without metadata), for a user who sees the relay."""
    restitution = selectors.restitution_get_or_404(uid, user=request.user)
    return stored_jpeg(restitution.photo)


# --- the relay's phone page -------------------------------------------------------------------


@login_not_required
@never_cache
def relay_restitution(request: HttpRequest) -> HttpResponse:
    """The relay reports a restitution from their phone (after typing their personal code)."""
    relay = relay_current(request)
    if relay is None:
        return redirect("relay_join")
    form = RestitutionForm(
        request.POST or None, request.FILES or None, enrollment=relay, phone=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.restitution_record(
                enrollment=relay, source=Source.PHONE, by=None, **form.service_kwargs()
            )
        except RelayError as error:
            _refused(form, error)
        else:
            return redirect("relay_restitution_done")
    context: dict[str, Any] = {
        "form": form,
        "relay": relay,
        "photo_lost": _photo_lost(request, form),
    }
    return render(request, PHONE_TEMPLATE, context, status=400 if request.method == "POST" else 200)


@login_not_required
@never_cache
def relay_restitution_done(request: HttpRequest) -> HttpResponse:
    relay = relay_current(request)
    if relay is None:
        return redirect("relay_join")
    return render(request, "relays/phone/restitution_done.html", {"relay": relay})
