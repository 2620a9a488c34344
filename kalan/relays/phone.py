"""The relay's phone pages (``/r/``) share one thing: which relay this phone is, kept in the
phone's Django session after the personal code was typed (never an id in the address)."""

from __future__ import annotations

from django.http import HttpRequest

from kalan.workshops.models import Enrollment

SESSION_KEY = "kalan_relay"


def relay_remember(request: HttpRequest, *, enrollment: Enrollment) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = enrollment.pk


def relay_current(request: HttpRequest) -> Enrollment | None:
    """The relay this phone typed the code of, or None. A relay whose enrollment a merge has
    since superseded is the kept one."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    enrollment = (
        Enrollment.objects.select_related("session__workshop", "person").filter(pk=pk).first()
    )
    if enrollment is not None and enrollment.superseded_by_id is not None:
        enrollment = (
            Enrollment.objects.select_related("session__workshop", "person")
            .filter(pk=enrollment.superseded_by_id)
            .first()
        )
    return enrollment


def relay_forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
