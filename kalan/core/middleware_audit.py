from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kalan.core.audit import audit_request


class AuditContextMiddleware:
    """Every journal entry written while a request is served names its user and address.

    Placed right after AuthenticationMiddleware: the user is read when an entry is written, not
    here, so that a login in the middle of the request is seen and a request that writes
    nothing never loads its user. A CSV export streams after this returns, but writes nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_request(request):
            return self.get_response(request)
