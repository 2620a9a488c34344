"""The duplicates page: likely pairs side by side, merge, dismiss, and the merge history."""

from __future__ import annotations

import math
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalan.core.errors import KalanError
from kalan.core.roles import requires
from kalan.people import merge as services
from kalan.people.duplicates import duplicate_pairs, duplicate_rows, merge_history
from kalan.people.models import Person, PersonMerge

PAIRS_SHOWN = 100


@requires("merge_persons")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    pairs = duplicate_pairs(limit=PAIRS_SHOWN + 1)
    return render(
        request,
        "people/duplicate_list.html",
        {
            "rows": duplicate_rows(pairs=pairs[:PAIRS_SHOWN]),
            "more": len(pairs) > PAIRS_SHOWN,
            "shown": PAIRS_SHOWN,
            "merges": merge_history(),
        },
    )


def _person_or_404(uid: uuid.UUID) -> Person:
    # Merged persons too: a second click on "Fusionner" then gets the service's clear refusal.
    try:
        return Person.all_objects.get(uid=uid)
    except Person.DoesNotExist:
        raise Http404 from None


def _score(value: str | None) -> float | None:
    """The score the page showed, recorded with the merge for the history (informative only)."""
    try:
        score = float(value or "")
    except ValueError:
        return None
    return score if math.isfinite(score) and 0 <= score <= 100 else None


@require_http_methods(["GET", "POST"])
@requires("merge_persons")
def person_merge(request: HttpRequest, kept_uid: uuid.UUID, merged_uid: uuid.UUID) -> HttpResponse:
    """GET: what the merge would do (the rows that collide, what stays as it is), to confirm;
    POST: merge."""
    kept, merged = _person_or_404(kept_uid), _person_or_404(merged_uid)
    if request.method == "GET":
        return _merge_confirm(request, kept=kept, merged=merged)
    try:
        services.person_merge(
            kept=kept,
            merged=merged,
            by=request.user,  # type: ignore[arg-type]
            score=_score(request.POST.get("score")),
        )
    except KalanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(merged)s fusionné(e) dans %(kept)s. L’historique ci-dessous permet d’annuler.")
            % {"merged": merged, "kept": kept},
        )
    return redirect("duplicate_list")


def _merge_confirm(request: HttpRequest, *, kept: Person, merged: Person) -> HttpResponse:
    try:
        lines = services.person_merge_preview(kept=kept, merged=merged)
    except KalanError as error:
        messages.error(request, str(error))
        return redirect("duplicate_list")
    return render(
        request,
        "people/person_merge_confirm.html",
        {
            "kept": kept,
            "merged": merged,
            "lines": lines,
            "score": _score(request.GET.get("score")),
        },
    )


@require_POST
@requires("merge_persons")
def person_merge_undo(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        merge = PersonMerge.objects.select_related("kept", "merged").get(uid=uid)
    except PersonMerge.DoesNotExist:
        raise Http404 from None
    try:
        services.person_merge_undo(merge=merge, by=request.user)  # type: ignore[arg-type]
    except KalanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Fusion annulée : %(merged)s et %(kept)s sont de nouveau deux fiches.")
            % {"merged": merge.merged, "kept": merge.kept},
        )
    return redirect("duplicate_list")


@require_POST
@requires("merge_persons")
def duplicate_dismiss(
    request: HttpRequest, first_uid: uuid.UUID, second_uid: uuid.UUID
) -> HttpResponse:
    first, second = _person_or_404(first_uid), _person_or_404(second_uid)
    try:
        services.duplicate_dismiss(first=first, second=second, by=request.user)  # type: ignore[arg-type]
    except KalanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(first)s et %(second)s sont deux personnes différentes : paire écartée.")
            % {"first": first, "second": second},
        )
    return redirect("duplicate_list")
