"""Download of the registry as filtered on the person list, in XLSX or CSV.

Both need ``kalan.export_persons`` (403 without it; LoginRequiredMiddleware has already sent
anonymous visitors to the login page). Nothing personal is logged: not the query, not a name.
The audit journal, which only administrators read, records who exported which list (the
registry's search included), never its rows.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kalan.core.audit import CountedRows, audit_export
from kalan.core.render.spreadsheets import Format, export_filename, export_response
from kalan.core.roles import requires
from kalan.people import exports


@require_GET
@requires("export_persons")
def person_export(request: HttpRequest, fmt: Format) -> StreamingHttpResponse | FileResponse:
    """The registry as on the person list, with the same ``q`` filter."""
    query = request.GET.get("q", "").strip()
    table = exports.person_export_table(user=request.user, query=query)
    # An XLSX is written before the response leaves, so its rows are counted by then; a CSV
    # streams afterwards and its entry goes without a count.
    rows = CountedRows(table.rows)
    table.rows = rows
    response = export_response(
        table=table, fmt=fmt, filename=export_filename(subject="personnes", fmt=fmt)
    )
    audit_export(
        what="persons",
        fmt=fmt,
        object_type="people.person",
        rows=rows.count if fmt == "xlsx" else None,
        query=query,
    )
    return response
