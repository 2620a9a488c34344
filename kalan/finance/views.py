"""Payment statements of a session: the figures as attendance gives them now, the statements
issued, and their downloads.

The stored PDF is served only through ``statement_pdf`` (login required by the middleware):
media files have no public URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kalan.core.audit import audit_export
from kalan.core.http import attachment
from kalan.core.render import spreadsheets as exports
from kalan.core.roles import requires
from kalan.core.selectors import organisation_current
from kalan.finance import signatures, statements
from kalan.finance.errors import StatementError
from kalan.finance.models import PaymentStatement
from kalan.workshops.selectors import get_in_scope_or_404, session_get_or_404


def _statement_or_404(request: HttpRequest, uid: str) -> PaymentStatement:
    return get_in_scope_or_404(
        PaymentStatement.objects.select_related("session__workshop", "session__place"),
        user=request.user,
        session="session",
        uid=uid,
    )


@require_http_methods(["GET", "POST"])
@requires("view_statements")
def session_statements(request: HttpRequest, uid: str) -> HttpResponse:
    """GET: the preview and the issued statements. POST: issue a new statement."""
    session = session_get_or_404(uid, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("kalan.issue_statements"):
            raise PermissionDenied
        try:
            statement = statements.statement_issue(
                session=session,
                by=request.user,  # type: ignore[arg-type]
            )
        except StatementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("État %(number)s émis.") % {"number": statement.number})
        return redirect("session_statements", uid=session.uid)
    lines = statements.statement_lines(session=session)
    current = statements.statement_fingerprint(session=session)
    issued = [
        (statement, statements.statement_outdated(statement, current=current))
        for statement in session.payment_statements.select_related("issued_by").order_by(
            "-created_at", "-pk"
        )
    ]
    # Who the next statement will name in its approval block; the page warns when nobody.
    signers = signatures.statement_signers(organisation=organisation_current())
    return render(
        request,
        "finance/session_statements.html",
        {
            "session": session,
            "lines": lines,
            "totals": statements.statement_sums(lines),
            "closing": statements.statement_closing(statements.statement_total(lines)),
            "issued": issued,
            "up_to_date": bool(issued) and not issued[0][1],
            "signers": signers,
            "no_signer": all(box.blank for box in signers),
        },
    )


@require_GET
@requires("view_statements")
def statement_pdf(request: HttpRequest, uid: str) -> FileResponse:
    """The PDF exactly as it was issued."""
    statement = _statement_or_404(request, uid)
    audit_export(what="payment_statement", fmt="pdf", obj=statement)
    return attachment(
        statement.pdf.open("rb"),
        filename=f"etat-de-paiement-{statement.number}.pdf",
        content_type="application/pdf",
    )


@require_GET
@requires("view_statements")
def statement_xlsx(request: HttpRequest, uid: str) -> FileResponse:
    """An issued statement's lines, as stored when it was issued, in a workbook."""
    statement = _statement_or_404(request, uid)
    table = statements.statement_table(
        session=statement.session,
        lines=statements.statement_stored_lines(statement),
        number=statement.number,
        issued_on=timezone.localtime(statement.created_at).date(),
    )
    response = exports.xlsx_response(
        tables=[table], filename=f"etat-de-paiement-{statement.number}.xlsx"
    )
    audit_export(what="payment_statement", fmt="xlsx", obj=statement)
    return response


@require_GET
@requires("view_statements")
def session_statement_preview_xlsx(request: HttpRequest, uid: str) -> FileResponse:
    """The lines as attendance gives them now, not issued: a working copy for finance."""
    session = session_get_or_404(uid, user=request.user)
    table = statements.statement_table(
        session=session, lines=statements.statement_lines(session=session)
    )
    filename = f"etat-de-paiement-apercu-session-{str(session.uid)[:8]}.xlsx"
    response = exports.xlsx_response(tables=[table], filename=filename)
    audit_export(what="payment_statement_preview", fmt="xlsx", obj=session)
    return response
