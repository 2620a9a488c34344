"""Import a participant list into a session: upload, preview and correct, commit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kalan.core.forms import form_add_error
from kalan.core.http import HtmxHttpRequest
from kalan.core.roles import requires
from kalan.people.models import Corps, Rank, Unit
from kalan.workshops.forms_import import (
    CorpsQuickForm,
    RankQuickForm,
    UnitQuickForm,
    place_labels,
)
from kalan.workshops.importing.plan import DUPLICATE, ERROR, SKIPPED, ImportPlan
from kalan.workshops.importing.questions import CORPS, RANK, UNIT
from kalan.workshops.importing.service import (
    ImportRefused,
    batch_abandon,
    batch_choices_set,
    batch_plan,
    batch_reference_create,
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
        if request.POST.get("action") == "abandon":
            return _abandon(request, batch)
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
    values: dict[str, str] = {}
    for key in post:
        value = post.get(key, "")
        if key.startswith("col_") and key[4:].isdigit() and value in FIELDS:
            mapping[int(key[4:])] = value
        elif key.startswith("dup_") and key[4:].isdigit():
            rows[key[4:]] = value
        elif key.startswith("answer_") and post.get(f"key_{key[7:]}"):
            values[post[f"key_{key[7:]}"]] = value
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
        values=values,
    )


def _abandon(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    try:
        kept = batch_abandon(batch=batch)
    except ImportFileError as error:
        messages.error(request, str(error))
    else:
        message = _("Import abandonné : rien n’a été importé, le fichier est effacé.")
        if kept:
            message += " " + _("Créés pendant l’aperçu et gardés (déjà utilisés) : %(names)s.") % {
                "names": ", ".join(kept)
            }
        messages.info(request, message)
    return redirect("session_detail", uid=batch.session.uid)


QUICK_FORMS: dict[str, Any] = {CORPS: CorpsQuickForm, RANK: RankQuickForm, UNIT: UnitQuickForm}


@requires("enroll")
@require_POST
def import_create(request: HtmxHttpRequest, uid: str) -> HttpResponse:
    """Create in place the corps, rank or unit question ``n`` asks about, and answer it.

    With htmx only the question's own fields come (``hx-include``) and its block comes back,
    answered; without, the whole preview form comes (``formaction``), its choices are kept,
    and the preview is shown again.
    """
    if not request.user.has_perm("kalan.manage_reference"):
        raise PermissionDenied
    batch = _batch(request, uid)
    n = request.POST.get("create", "")
    key = request.POST.get(f"key_{n}", "")
    kind = key.partition("|")[0]
    if batch.status != ImportBatch.Status.PREVIEW or kind not in QUICK_FORMS:
        return redirect("import_preview", uid=batch.uid)
    if not request.htmx:
        _choices_save(request, batch)
    places = place_labels() if kind == UNIT else {}
    extra = {"places": places} if kind == UNIT else {}
    form = QUICK_FORMS[kind](request.POST, prefix=f"q{n}", **extra)
    made = None
    if form.is_valid():
        try:
            made = batch_reference_create(batch=batch, key=key, fields=form.cleaned_data)
        except ValidationError as error:
            form_add_error(form, error)
    if not request.htmx:
        if made is not None:
            messages.success(request, _("« %(name)s » créé.") % {"name": made})
        else:
            errors = "; ".join(str(e) for field in form.errors.values() for e in field)
            messages.error(request, _("Rien n’a été créé : %(errors)s") % {"errors": errors})
        return redirect("import_preview", uid=batch.uid)
    batch.refresh_from_db()
    plan = batch_plan(batch=batch)
    question = next((q for q in plan.questions if q.key == key), None)
    context = {**_question_context(plan, places), "question": question, "n": n, "batch": batch}
    context["can_create"] = True
    context["form"] = None if made is not None else form
    context["created"] = made
    return render(request, "workshops/_import_question.html", context)


def _question_context(plan: ImportPlan, places: dict[str, int]) -> dict[str, Any]:
    """What the blocks of the questions need besides their question."""
    return {
        "corps_names": plan.corps_names,
        "rank_groups": Rank.Group.choices,
        "unit_kinds": Unit.Kind.choices,
    }


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
        if n < PREVIEW_ROWS
        or row.outcome in (ERROR, DUPLICATE, SKIPPED)
        or row.changes
        or row.notes
    ]
    options = batch.decisions or {}
    needs_place = any(q.kind == UNIT for q in plan.questions)
    places = place_labels() if needs_place else {}
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
            "places": places,
            "can_create": request.user.has_perm("kalan.manage_reference"),
            **_question_context(plan, places),
        },
    )
