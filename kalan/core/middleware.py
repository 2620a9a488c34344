from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.cache import patch_vary_headers

from kalan.core.http import never_stored


class FrenchFirstLocaleMiddleware:
    """French unless the user chose another language with the switch (kept in a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and the laptops at a
    venue often run an English system: Kalan speaks the institution's language until asked not to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


class CapabilityMiddleware:
    """Closed by default: a view opens only if it says who may see it.

    A view must be marked ``login_not_required`` (participants' pages, public verification) or
    carry ``kalan.core.roles.requires(...)`` / ``any_user``; any other view answers 403 to
    everyone, so a page added without a thought for roles leaks nothing. The decorator itself
    checks the user's capabilities; this only refuses what declares none.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None
        if hasattr(view_func, "kalan_capabilities"):
            return None
        raise PermissionDenied


class NulCharacterMiddleware:
    """Refuse (400) a request whose address, query, form fields or cookies hold a NUL character.

    PostgreSQL can neither store nor compare text holding one: every search box, filter and
    free-text field given ``%00`` ended in a database error (500), and on SQLite, whose LIKE stops
    at it, a search for "%00" found everyone. No honest request carries one. Django's forms refuse
    it field by field, but the views that read ``request.GET`` or ``request.POST`` themselves, and
    the session cookie's lookup, do not: hence one check here, before any other middleware reads
    the request. The bytes of uploaded files are not looked at (the import reader judges them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            # Logged by Django as "<this message>: <path>": it names what failed, never who.
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST":
        # A body that does not read is left to CsrfViewMiddleware, which then refuses it.
        with contextlib.suppress(UnreadablePostError, MultiPartParserError):
            fields.append(request.POST)
    for data in fields:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())


class NeverStoredMiddleware:
    """``Cache-Control: private, no-store`` on every response Kalan's views make.

    The pages hold officers' names, units, service numbers and phones, and a venue laptop is
    shared: neither its browser cache nor a proxy may keep them. Every page, not only the logged-in
    ones: the participant pages name the participant, the login and error pages carry a CSRF
    token, a certificate's public page names its holder. It sits after WhiteNoise, which answers
    the static files itself (they name no one, and are cached for ever under hashed names).
    Directives a view sets itself (``never_cache``) are kept and completed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return never_stored(self.get_response(request))
