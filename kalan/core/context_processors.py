from __future__ import annotations

from django.http import HttpRequest

from kalan.core.selectors import organisation_current


def organisation(request: HttpRequest) -> dict[str, object]:
    return {"organisation": organisation_current() if request.user.is_authenticated else None}
