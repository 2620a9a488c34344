"""Import a participant list into a session: upload, preview and correct, commit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kalan.core.roles import requires
from kalan.people.models import Corps
from kalan.workshops.importing.plan import DUPLICATE, ERROR, ImportPlan
from kalan.workshops.importing.service import (
    ImportRefused,
    batch_choices_set,
    batch_plan,
    import_batch_create,
    import_commit,
)
from kalan.workshops.importing.types import FIELDS, ImportFileError
from kalan.workshops.models import ImportBatch
from kalan.workshops.selectors import get_in_scope_or_404, session_get_or_404

PREVIEW_ROWS = 300  # rows shown in full; errors and duplicates are always all shown


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Liste des participants"),
        help_text=gettext_lazy(
            "Fichier Excel (.xlsx, .xls) ou CSV, tel que le commandement l’a envoyé."
        ),
    )


@requires("enroll")
def import_upload(request: HttpRequest, uid: str) -> HttpResponse:
    session = session_get_or_404(uid, user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                session=session,
                filename=upload.name,
                content=upload,
                by=request.user,  # type: ignore[arg-type]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("import_preview", uid=batch.uid)
    return render(request, "workshops/import_upload.html", {"session": session, "form": form})


def _batch(request: HttpRequest, uid: str) -> ImportBatch:
    return get_in_scope_or_404(
        ImportBatch.objects.select_related("session__workshop", "session__place"),
        user=request.user,
        session="session",
        uid=uid,
    )


@requires("enroll")
def import_preview(request: HttpRequest, uid: str) -> HttpResponse:
    batch = _batch(request, uid)
    if batch.status != ImportBatch.Status.PREVIEW:
        messages.info(request, _("Cette liste est déjà importée."))
        return redirect("session_detail", uid=batch.session.uid)
    if request.method == "POST":
        _choices_save(request, batch)
        if request.POST.get("action") == "commit":
            return _commit(request, batch)
        return redirect("import_preview", uid=batch.uid)
    try:
        plan = batch_plan(batch=batch)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("import_upload", uid=batch.session.uid)
    return _preview_page(request, batch, plan)


def _choices_save(request: HttpRequest, batch: ImportBatch) -> None:
    post = request.POST
    mapping: dict[int, str] = {}
    rows: dict[str, str] = {}
    for key in post:
        value = post.get(key, "")
        if key.startswith("col_") and key[4:].isdigit() and value in FIELDS:
            mapping[int(key[4:])] = value
        elif key.startswith("dup_") and key[4:].isdigit():
            rows[key[4:]] = value
    chosen = post.get("corps", "")
    corps = None
    if chosen.isdigit():
        corps = Corps.objects.filter(pk=int(chosen)).values_list("pk", flat=True).first()
    batch_choices_set(
        batch=batch,
        sheet=post.get("sheet", batch.sheet),
        mapping=mapping,
        rows=rows,
        corps_id=corps,
        over_capacity=post.get("over_capacity") == "on",
        apply_changes=post.get("apply_changes") == "on",
    )


def _commit(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    try:
        plan = batch_plan(batch=batch)
        result = import_commit(plan=plan, by=request.user, batch=batch)  # type: ignore[arg-type]
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("import_preview", uid=batch.uid)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("import_upload", uid=batch.session.uid)
    messages.success(
        request,
        _imported_message(
            created=result.counts["created"],
            matched=result.counts["matched"],
            enrolled=result.enrolled,
        ),
    )
    return redirect("session_detail", uid=batch.session.uid)


def _imported_message(*, created: int, matched: int, enrolled: int) -> str:
    """« Liste importée : 2 personnes créées, 1 retrouvée, 3 inscriptions. », each word agreeing
    with its own number."""
    return _("Liste importée : %(created)s, %(matched)s, %(enrolled)s.") % {
        "created": ngettext("%(count)s personne créée", "%(count)s personnes créées", created)
        % {"count": created},
        "matched": ngettext("%(count)s retrouvée", "%(count)s retrouvées", matched)
        % {"count": matched},
        "enrolled": ngettext("%(count)s inscription", "%(count)s inscriptions", enrolled)
        % {"count": enrolled},
    }


def _preview_page(request: HttpRequest, batch: ImportBatch, plan: ImportPlan) -> HttpResponse:
    table = plan.table
    columns: list[dict[str, Any]] = [
        {"index": index, "header": header, "field": plan.mapping.get(index, "")}
        for index, header in enumerate(table.headers)
    ]
    shown = [
        row
        for n, row in enumerate(plan.rows)
        if n < PREVIEW_ROWS or row.outcome in (ERROR, DUPLICATE) or row.changes or row.notes
    ]
    options = batch.decisions or {}
    return render(
        request,
        "workshops/import_preview.html",
        {
            "batch": batch,
            "session": batch.session,
            "plan": plan,
            "counts": plan.counts(),
            "columns": columns,
            "fields": list(FIELDS.items()),
            "fields_labels": FIELDS,
            "mapped_fields": [plan.mapping[i] for i in sorted(plan.mapping)],
            "rows": shown,
            "hidden_rows": len(plan.rows) - len(shown),
            "corps_list": Corps.objects.all(),
            "corps_chosen": options.get("corps"),
            "over_capacity": bool(options.get("over_capacity")),
            "apply_changes": bool(options.get("apply_changes")),
            "decisions": {int(k): v for k, v in options.get("rows", {}).items() if k.isdigit()},
        },
    )
