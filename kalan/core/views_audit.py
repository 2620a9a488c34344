"""The audit journal: browse it, filter it, export it. Administrators only (``view_audit``).

There is no page to change or delete an entry, and the model refuses both (``AuditEntry``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kalan.core.audit import CountedRows, audit_export
from kalan.core.forms_audit import AuditFilterForm
from kalan.core.models import AuditEntry
from kalan.core.render.spreadsheets import export_filename, xlsx_response
from kalan.core.roles import requires
from kalan.core.selectors_audit import audit_export_table, audit_filter, audit_lines

PAGE_SIZE = 50


@require_GET
@requires("view_audit")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(audit_filter(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in form.dates_iso().items():
        query[name] = value
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "lines": audit_lines(
                list(page.object_list),
                show_contacts=request.user.has_perm("kalan.view_contacts"),
            ),
            "query": query.urlencode(),
        },
    )


@require_GET
@requires("view_audit")
def audit_export_xlsx(request: HttpRequest) -> FileResponse:
    """The journal as filtered on the page, every page of it, in one workbook."""
    filters = AuditFilterForm(request.GET).filters()
    table = audit_export_table(filters=filters)
    rows = CountedRows(table.rows)
    table.rows = rows
    response = xlsx_response(
        tables=[table], filename=export_filename(subject="journal", fmt="xlsx")
    )
    # Recorded once written, so that the export does not list itself.
    audit_export(
        what="audit",
        fmt="xlsx",
        object_type=AuditEntry._meta.label_lower,
        rows=rows.count,
        filters=filters.as_detail(),
    )
    return response
