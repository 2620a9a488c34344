"""Certificates of a session (staff) and the public page that verifies one by its short code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kalan.certificates import services as service
from kalan.certificates.models import Certificate
from kalan.core.audit import audit_export
from kalan.core.errors import KalanError
from kalan.core.http import attachment, client_address
from kalan.core.ratelimit import rate_limit_allows
from kalan.core.roles import requires
from kalan.workshops.selectors import get_in_scope_or_404, session_get_or_404

# Public page: look-ups per client address and per minute, counted in the cache every process
# of the install shares (kalan.core.ratelimit): N gunicorn workers allow VERIFY_LIMIT in all.
VERIFY_LIMIT = 30
VERIFY_WINDOW_S = 60
PDF = "application/pdf"


@requires("view_certificates")
def session_certificates(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    rows = service.certificate_eligibility(session=session)
    context = {
        "session": session,
        "rows": rows,
        "eligible_count": sum(1 for row in rows if row.eligible),
        "issued_count": sum(1 for row in rows if row.certificate is not None),
        "valid_count": sum(1 for row in rows if row.certificate and row.certificate.valid),
        "waiting_count": sum(1 for row in rows if row.eligible and row.certificate is None),
        "languages": Certificate.Language.choices,
    }
    return render(request, "certificates/session_certificates.html", context)


@require_POST
@requires("issue_certificates")
def certificates_issue(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    user = request.user if request.user.is_authenticated else None
    try:
        issued = service.certificates_issue(
            session=session, by=user, language=request.POST.get("language", "fr")
        )
    except KalanError as error:
        messages.error(request, str(error))
    else:
        if issued:
            messages.success(
                request, _("Attestations délivrées : %(count)s.") % {"count": len(issued)}
            )
        else:
            messages.info(request, _("Aucune nouvelle attestation à délivrer."))
    return redirect("session_certificates", uid=session.uid)


@require_POST
@requires("issue_certificates")
def certificate_revoke(request: HttpRequest, uid: str) -> HttpResponse:
    certificate = get_in_scope_or_404(
        Certificate.objects.select_related("enrollment__session"),
        user=request.user,
        session="enrollment__session",
        uid=uid,
    )
    user = request.user if request.user.is_authenticated else None
    try:
        service.certificate_revoke(
            certificate=certificate, by=user, reason=request.POST.get("reason", "")
        )
    except KalanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Attestation %(number)s révoquée.") % {"number": certificate.number}
        )
    return redirect("session_certificates", uid=certificate.enrollment.session.uid)


@require_GET
@requires("view_certificates")
def certificates_download(request: HttpRequest, uid: str) -> HttpResponse:
    """All the session's valid certificates in one PDF, to print."""
    session = session_get_or_404(uid, user=request.user)
    certificates = service.certificates_of_session(session=session)
    if not certificates:
        messages.error(request, _("Aucune attestation valide à imprimer."))
        return redirect("session_certificates", uid=session.uid)
    content = service.certificates_pdf(certificates=certificates)
    audit_export(what="certificates", fmt="pdf", obj=session, rows=len(certificates))
    filename = f"attestations-session-{session.number}-{session.start_date:%Y%m%d}.pdf"
    return attachment(content, filename=filename, content_type=PDF)


@require_GET
@requires("view_certificates")
def certificate_download(request: HttpRequest, uid: str) -> HttpResponse:
    """One certificate alone, to hand or send to its holder."""
    certificate = get_in_scope_or_404(
        service.certificates_for_pdf(Certificate.objects.all()),
        user=request.user,
        session="enrollment__session",
        uid=uid,
    )
    if not certificate.valid:
        messages.error(request, _("Une attestation révoquée ne s’imprime plus."))
        return redirect("session_certificates", uid=certificate.enrollment.session.uid)
    audit_export(what="certificate", fmt="pdf", obj=certificate)
    return attachment(
        service.certificate_pdf(certificate=certificate),
        filename=f"{certificate.number}.pdf",
        content_type=PDF,
    )


def _client_key(request: HttpRequest) -> str:
    # X-Forwarded-For only from the trusted proxies (client_address), so that behind a proxy
    # each visitor has a limit of their own. Keyed with the secret key: the cache holds no
    # address, nor a plain hash of one (the 2³² IPv4 addresses are quickly hashed all).
    address = client_address(request) or ""
    return "kalan:verify:" + salted_hmac("kalan.verify", address).hexdigest()[:32]


def _over_limit(request: HttpRequest) -> bool:
    return not rate_limit_allows(_client_key(request), limit=VERIFY_LIMIT, window_s=VERIFY_WINDOW_S)


def _quiet(response: HttpResponse) -> HttpResponse:
    """Keep Django from logging this 404 or 429 with its path: the path holds the short code, a
    key to a person's name, and logs name what failed, never who."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@login_not_required
@never_cache
@require_GET
def certificate_verify_form(request: HttpRequest) -> HttpResponse:
    """A box to type the code printed on a certificate; sends to its verification page."""
    code = "".join(c for c in request.GET.get("code", "").upper() if c.isalnum())
    if code:
        return redirect("certificate_verify", code=code)
    return render(request, "certificates/certificate_verify.html", {"state": "form"})


@login_not_required
@never_cache
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the holder's name, the workshop, its dates, and valid or revoked. Nothing else —
    not the rank, the unit, the number, nor why a certificate was revoked (see the template)."""
    if _over_limit(request):
        response = render(
            request, "certificates/certificate_verify.html", {"state": "limited"}, status=429
        )
        response["Retry-After"] = str(VERIFY_WINDOW_S)
        return _quiet(response)
    certificate = service.certificate_by_code(code=code)
    if certificate is None:
        return _quiet(
            render(
                request, "certificates/certificate_verify.html", {"state": "unknown"}, status=404
            )
        )
    session = certificate.enrollment.session
    person = certificate.enrollment.person
    context = {
        "state": "valid" if certificate.valid else "revoked",
        "name": f"{person.first_names} {person.last_name.upper()}".strip(),
        "workshop": session.workshop.title,
        "start_date": session.start_date,
        "end_date": session.end_date,
    }
    return render(request, "certificates/certificate_verify.html", context)
