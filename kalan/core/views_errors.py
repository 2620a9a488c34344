"""Error pages that answer htmx differently from a browser's page load (``handler403``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

from kalan.core.http import htmx_message


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The « Accès refusé » page, or for a click sent by htmx a line in the page's messages.

    A role's pages offer only what it may do, but an address typed or a page left open while
    the role changed still reaches a refused action: it must say so, not do nothing.
    """
    if request.headers.get("HX-Request") == "true":
        message = _("Action refusée : votre rôle ne permet pas cette action.")
        return htmx_message(request, message, status=403)
    return defaults.permission_denied(request, exception)
