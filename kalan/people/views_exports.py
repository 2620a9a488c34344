"""Downloads of person lists: the filtered registry and a session's roster, in XLSX or CSV.

Both need ``kalan.export_persons`` (403 without it; LoginRequiredMiddleware has already sent
anonymous visitors to the login page). Nothing personal is logged: not the query, not a name.
The audit journal, which only administrators read, records who exported which list (the
registry's search included), never its rows.
"""

from __future__ import annotations

from collections.abc import Sized

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kalan.core.audit import CountedRows, audit_export
from kalan.core.roles import requires
from kalan.people import exports
from kalan.workshops.selectors import session_get_or_404


@require_GET
@requires("export_persons")
def person_export(
    request: HttpRequest, fmt: exports.Format
) -> StreamingHttpResponse | FileResponse:
    """The registry as on the person list, with the same ``q`` filter."""
    query = request.GET.get("q", "").strip()
    table = exports.person_export_table(user=request.user, query=query)
    # An XLSX is written before the response leaves, so its rows are counted by then; a CSV
    # streams afterwards and its entry goes without a count.
    rows = CountedRows(table.rows)
    table.rows = rows
    response = exports.export_response(
        table=table, fmt=fmt, filename=exports.export_filename(subject="personnes", fmt=fmt)
    )
    audit_export(
        what="persons",
        fmt=fmt,
        object_type="people.person",
        rows=rows.count if fmt == "xlsx" else None,
        query=query,
    )
    return response


@require_GET
@requires("export_persons")
def session_export(
    request: HttpRequest, uid: str, fmt: exports.Format
) -> StreamingHttpResponse | FileResponse:
    """A session's roster with its daily attendance."""
    session = session_get_or_404(uid, user=request.user)
    table = exports.session_export_table(user=request.user, session=session)
    # The roster is read whole before it is written (a few hundred rows): its count is known.
    rows = len(table.rows) if isinstance(table.rows, Sized) else None
    audit_export(what="roster", fmt=fmt, obj=session, rows=rows)
    filename = exports.export_filename(
        subject=f"session-{str(session.uid)[:8]}-presences", fmt=fmt, dated=False
    )
    return exports.export_response(table=table, fmt=fmt, filename=filename)
