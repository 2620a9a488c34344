"""Downloads of person lists: the filtered registry and a session's roster, in XLSX or CSV.

Both need ``people.export_persons`` (403 without it; LoginRequiredMiddleware has already sent
anonymous visitors to the login page). Nothing personal is logged: not the query, not a name.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kalan.people import exports
from kalan.workshops.models import Session
from kalan.workshops.selectors import session_get


@require_GET
@permission_required("people.export_persons", raise_exception=True)
def person_export(
    request: HttpRequest, fmt: exports.Format
) -> StreamingHttpResponse | FileResponse:
    """The registry as on the person list, with the same ``q`` filter."""
    query = request.GET.get("q", "").strip()
    table = exports.person_export_table(user=request.user, query=query)
    # Audit: record the export (who, which list, format, not its content) here.
    return exports.export_response(
        table=table, fmt=fmt, filename=exports.export_filename(subject="personnes", fmt=fmt)
    )


@require_GET
@permission_required("people.export_persons", raise_exception=True)
def session_export(
    request: HttpRequest, uid: str, fmt: exports.Format
) -> StreamingHttpResponse | FileResponse:
    """A session's roster with its daily attendance."""
    try:
        session = session_get(uid=str(uid))
    except (Session.DoesNotExist, ValidationError):
        raise Http404 from None
    table = exports.session_export_table(user=request.user, session=session)
    # Audit: record the export (who, which session, format, not its content) here.
    filename = exports.export_filename(
        subject=f"session-{str(session.uid)[:8]}-presences", fmt=fmt, dated=False
    )
    return exports.export_response(table=table, fmt=fmt, filename=filename)
