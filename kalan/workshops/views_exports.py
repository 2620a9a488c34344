"""Download of a session's roster with its daily attendance, in XLSX or CSV.

Needs ``kalan.export_persons`` and the session in the user's scope; the audit journal records
who exported which roster, never its rows.
"""

from __future__ import annotations

from collections.abc import Sized

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kalan.core.audit import audit_export
from kalan.core.render.spreadsheets import Format, export_filename, export_response
from kalan.core.roles import requires
from kalan.workshops.exports import session_export_table
from kalan.workshops.selectors import session_get_or_404


@require_GET
@requires("export_persons")
def session_export(
    request: HttpRequest, uid: str, fmt: Format
) -> StreamingHttpResponse | FileResponse:
    """A session's roster with its daily attendance."""
    session = session_get_or_404(uid, user=request.user)
    table = session_export_table(user=request.user, session=session)
    # The roster is read whole before it is written (a few hundred rows): its count is known.
    rows = len(table.rows) if isinstance(table.rows, Sized) else None
    audit_export(what="roster", fmt=fmt, obj=session, rows=rows)
    filename = export_filename(
        subject=f"session-{str(session.uid)[:8]}-presences", fmt=fmt, dated=False
    )
    return export_response(table=table, fmt=fmt, filename=filename)
