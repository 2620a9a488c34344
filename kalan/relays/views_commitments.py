"""The staff's pages of a session's commitments: who committed to what, the phone entry opened
and closed, a commitment typed from the paper form, the paper forms to print.

A trainer reaches only the sessions assigned to them (``session_get_or_404``: 404 for others).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kalan.assessments.views_tests import is_loopback
from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.models import User
from kalan.core.render.qr import qr_svg
from kalan.core.roles import requires
from kalan.relays import services_commitments as services
from kalan.relays.commitment_forms_pdf import commitment_forms_pdf as forms_pdf
from kalan.relays.errors import RelayError
from kalan.relays.forms_commitments import CommitmentForm, commitment_initial
from kalan.relays.models import Source
from kalan.relays.selectors_commitments import (
    commitment_of,
    commitment_participant_or_404,
)
from kalan.relays.selectors_commitments import (
    session_commitments as commitments_of_session,
)
from kalan.workshops.selectors import session_get_or_404


def _by(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


@require_GET
@requires("view_relays")
def session_commitments(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = commitments_of_session(session=session)
    context: dict[str, object] = {"session": session, "data": data}
    if data.window is not None and data.window.is_open:
        address = request.build_absolute_uri(reverse("commitment_join"))
        context.update(
            address=address,
            qr_svg=qr_svg(f"{address}?code={data.window.access_code}"),
            loopback=is_loopback(request.get_host()),
        )
    return render(request, "relays/commitments/session.html", context)


@require_POST
@requires("enter_commitments")
def commitment_window(request: HttpRequest, uid: object) -> HttpResponse:
    """Open or close the phone entry (the page's two buttons)."""
    session = session_get_or_404(uid, user=request.user)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.commitment_window_open(session=session, by=_by(request))
            messages.success(
                request, _("Saisie sur téléphone ouverte : les participants peuvent s’engager.")
            )
        elif action == "close":
            services.commitment_window_close(session=session, by=_by(request))
            messages.success(request, _("Saisie sur téléphone fermée."))
        else:
            return HttpResponseBadRequest()
    except RelayError as error:
        messages.error(request, str(error))
    return redirect("session_commitments", uid=session.uid)


@requires("enter_commitments")
def commitment_enter(request: HttpRequest, uid: object, pk: int) -> HttpResponse:
    """The trainer types (or corrects) a participant's commitment from the paper form."""
    session = session_get_or_404(uid, user=request.user)
    enrollment = commitment_participant_or_404(session=session, pk=pk)
    commitment = commitment_of(enrollment)
    if request.method == "POST":
        form = CommitmentForm(request.POST, session=session)
        if form.is_valid():
            try:
                services.commitment_save(
                    enrollment=enrollment,
                    source=Source.PAPER,
                    by=_by(request),
                    **form.service_arguments(),
                )
            except RelayError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                name = enrollment.person.full_name
                messages.success(request, _("Engagement de %(name)s enregistré.") % {"name": name})
                return redirect("session_commitments", uid=session.uid)
    else:
        form = CommitmentForm(initial=commitment_initial(commitment), session=session)
    return render(
        request,
        "relays/commitments/enter.html",
        {"session": session, "enrollment": enrollment, "commitment": commitment, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@requires("enter_commitments", "print_documents")
def commitment_forms_pdf(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = forms_pdf(session=session)
    audit_export(what="commitment_forms", fmt="pdf", obj=session)
    filename = f"engagements-atelier-{session.workshop_id}-session-{session.number}.pdf"
    return attachment(data, filename=filename, content_type="application/pdf")
