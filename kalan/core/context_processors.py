from __future__ import annotations

from django.http import HttpRequest

from kalan.core.selectors import organisation_current


def organisation(request: HttpRequest) -> dict[str, object]:
    # A request refused early (a 400 before AuthenticationMiddleware) has no user.
    user = getattr(request, "user", None)
    return {"organisation": organisation_current() if user and user.is_authenticated else None}
