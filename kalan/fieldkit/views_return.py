"""The page « Retours de terrain » (issue 16, « Back »): a laptop's return bundle uploaded,
previewed with what it would change and what waits for a decision, then imported.

Administrators and programme officers only (``issue_field_kits``): those who send a kit take
its return back. The preview is ``bundle_import(dry_run=True)``: the whole import, counted, then
rolled back, with the same refusals as the import itself.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kalan.core.forms import form_add_error
from kalan.core.http import paginate
from kalan.core.roles import requires
from kalan.core.views_users import signed_in
from kalan.fieldkit.bundle import BundleError, ReturnResult, bundle_import
from kalan.fieldkit.forms_return import ReturnUploadForm
from kalan.fieldkit.returns import (
    decisions_described,
    field_returns,
    return_upload_discard,
    return_upload_path,
    return_upload_store,
)

# The uploads of this browser session: another officer's token opens nothing here.
SESSION_KEY = "field_returns"
DECISION = "decision:"


@requires("issue_field_kits")
def field_return_list(request: HttpRequest) -> HttpResponse:
    form = ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        try:
            token = return_upload_store(content=upload, filename=upload.name)
        except BundleError as error:
            error.field = "bundle"
            form_add_error(form, error)
        else:
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), token][-20:]
            return redirect("field_return_preview", token=token)
    page, query = paginate(request, field_returns())
    return render(
        request,
        "fieldkit/return_list.html",
        {"form": form, "page": page, "query": query},
        status=400 if form.errors else 200,
    )


@requires("issue_field_kits")
def field_return_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the preview. POST ``check``: the preview with the decisions taken; ``import``: the
    import, when the decisions are those the last preview showed clean; ``abandon``."""
    path = return_upload_path(token) if token in request.session.get(SESSION_KEY, []) else None
    if path is None:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "abandon":
        return _closed(request, token, _("Retour abandonné : rien n’a été importé."))
    decisions = _decisions(request)
    changed = action == "import" and request.POST.get("checked") != _fingerprint(decisions)
    try:
        if action == "import" and not changed:
            result = bundle_import(source=path, by=signed_in(request), decisions=decisions)
            if result.applied:
                return_upload_discard(token)
                return render(request, "fieldkit/return_done.html", {"result": result})
            # Headquarters changed a row meanwhile: more to decide, shown with the rest.
            preview, everything = result, bundle_import(source=path, dry_run=True)
        else:
            everything = bundle_import(source=path, dry_run=True)
            preview = (
                bundle_import(source=path, dry_run=True, decisions=decisions)
                if decisions and not everything.already
                else everything
            )
    except BundleError as error:
        return_upload_discard(token)
        messages.error(request, str(error))
        return redirect("field_return_list")
    if everything.already:
        return _closed(request, token, _("Ce retour est déjà importé : rien n’a changé."))
    if changed:
        messages.warning(request, _("Vos choix ont changé : vérifiez l’aperçu, puis importez."))
    return _preview_page(request, token, everything, preview, decisions)


def _decisions(request: HttpRequest) -> dict[str, str]:
    """The choices of the preview's form: ``decision:<key>`` → ``hq``, ``field``, ``new`` or a
    person's uid (``bundle_import`` checks each against what it asks)."""
    if request.method != "POST":
        return {}
    chosen: dict[str, str] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if name.startswith(DECISION) and value and len(value) <= 64:
            chosen[name.removeprefix(DECISION)] = value
    return chosen


def _fingerprint(decisions: dict[str, str]) -> str:
    """What the preview was checked with: an import sent with other choices is previewed first."""
    return hashlib.sha256(json.dumps(sorted(decisions.items())).encode()).hexdigest()


def _closed(request: HttpRequest, token: str, message: str) -> HttpResponse:
    return_upload_discard(token)
    messages.info(request, message)
    return redirect("field_return_list")


def _preview_page(
    request: HttpRequest,
    token: str,
    everything: ReturnResult,
    preview: ReturnResult,
    decisions: dict[str, str],
) -> HttpResponse:
    """Every decision the bundle asks, taken or not (a decision taken no longer comes back as
    pending: ``everything`` is the dry run without any), then those the choices brought."""
    asked = list(everything.pending)
    keys = {pending.key for pending in asked}
    asked += [pending for pending in preview.pending if pending.key not in keys]
    waiting = {pending.key for pending in preview.pending}
    return render(
        request,
        "fieldkit/return_preview.html",
        {
            "token": token,
            "result": preview,
            "decisions": decisions_described(asked, decisions),
            "waiting": len(waiting),
            "undecided": waiting,
            "ready": not preview.pending,
            "checked": _fingerprint(decisions),
        },
    )
