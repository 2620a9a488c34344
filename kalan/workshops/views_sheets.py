"""Downloads of a session's paper: sign-in sheets, badges, participant list, attendance summary.

Any signed-in user (LoginRequiredMiddleware sends the others to the login page); phones appear
only for ``kalan.view_contacts``. File names carry the workshop and session numbers, never a name.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.roles import requires
from kalan.workshops import badges, sheets
from kalan.workshops import word_lists as word
from kalan.workshops.models import Session
from kalan.workshops.selectors import session_get_or_404

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stem(session: Session, subject: str) -> str:
    return f"{subject}-atelier-{session.workshop_id}-session-{session.number}"


def _audited_attachment(
    data: bytes, *, content_type: str, filename: str, what: str, session: Session
) -> HttpResponse:
    """The file as an attachment; the audit trail records that a list of the session left."""
    audit_export(what=what, fmt=filename.rsplit(".", 1)[-1], obj=session)
    return attachment(data, filename=filename, content_type=content_type)


@require_GET
@requires("print_documents")
def sign_in_sheets(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = sheets.sign_in_sheets_pdf(session=session, user=request.user)
    return _audited_attachment(
        data,
        content_type=PDF,
        filename=f"{_stem(session, 'emargement')}.pdf",
        what="sign_in_sheets",
        session=session,
    )


@require_GET
@requires("print_documents")
def sign_in_sheet_day(request: HttpRequest, uid: object, day: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if date not in session.days:
        raise Http404
    data = sheets.sign_in_sheets_pdf(session=session, user=request.user, day=date)
    filename = f"{_stem(session, 'emargement')}-{date.isoformat()}.pdf"
    return _audited_attachment(
        data, content_type=PDF, filename=filename, what="sign_in_sheet", session=session
    )


@require_GET
@requires("print_documents")
def sign_in_sheets_blank(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = sheets.sign_in_sheets_pdf(session=session, user=request.user, blank=True)
    filename = f"{_stem(session, 'emargement-complementaire')}.pdf"
    return _audited_attachment(
        data, content_type=PDF, filename=filename, what="blank_sign_in_sheet", session=session
    )


@require_GET
@requires("print_documents")
def session_badges(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = badges.badges_pdf(session=session)
    return _audited_attachment(
        data,
        content_type=PDF,
        filename=f"{_stem(session, 'badges')}.pdf",
        what="badges",
        session=session,
    )


@require_GET
@requires("print_documents")
def participants_docx(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = word.participants_docx(session=session, user=request.user)
    return _audited_attachment(
        data,
        content_type=DOCX,
        filename=f"{_stem(session, 'participants')}.docx",
        what="participants",
        session=session,
    )


@require_GET
@requires("print_documents")
def attendance_docx(request: HttpRequest, uid: object) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    data = word.attendance_summary_docx(session=session)
    return _audited_attachment(
        data,
        content_type=DOCX,
        filename=f"{_stem(session, 'presences')}.docx",
        what="attendance_summary",
        session=session,
    )
