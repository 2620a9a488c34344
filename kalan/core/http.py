from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for views that answer htmx."""

    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str | None:
    """The address a login attempt came from, which django-axes counts failures by.

    Behind a reverse proxy (KALAN_BEHIND_PROXY) every request comes from the proxy: the client is
    the last entry of X-Forwarded-For, the one the proxy itself appended (earlier entries are
    whatever the client sent, so they cannot be trusted).
    """
    if settings.KALAN_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")
