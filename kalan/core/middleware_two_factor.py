"""The second step of the login: with two-factor on, a code before any page.

Django's LoginView checks the password and opens the session as before; django-otp's
OTPMiddleware (just above this one) then tells whether this session has also given a code
(``user.is_verified()``). Until it has, a user with two-factor on is sent to the code page
(``kalan.core.views_two_factor.two_factor_verify``) from every page but that one and logout.
Pages open without an account (``login_not_required``: login, language switch, participants'
tests, certificate verification) stay open: they give a half-signed-in session nothing that
a stranger would not get. Static files never get here (WhiteNoise answers them first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from kalan.core.two_factor import totp_device_confirmed

SESSION_KEY = "kalan_two_factor_on"
LET_THROUGH = frozenset({"two_factor_verify", "logout"})


def two_factor_on(request: HttpRequest) -> bool:
    """Whether the signed-in user has two-factor on, asked once per session.

    Kept in the session so that the users without two-factor (most of them) pay no query per
    page. It cannot go stale unnoticed: turning two-factor on or off ends the user's other
    sessions (``kalan.core.two_factor``), and the code page corrects it if the device is gone.
    """
    on = request.session.get(SESSION_KEY)
    if on is None:
        on = totp_device_confirmed(user=request.user) is not None
        request.session[SESSION_KEY] = on
    return bool(on)


def two_factor_remember(request: HttpRequest, *, on: bool) -> None:
    """Tell this session that its user has just turned two-factor on or off."""
    request.session[SESSION_KEY] = on


class TwoFactorMiddleware:
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
        if not request.user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in LET_THROUGH:
            return None
        # In this order: the session answers for most users, the device query only for the rest.
        # is_verified() is set on the user by OTPMiddleware.
        if not two_factor_on(request) or request.user.is_verified():  # type: ignore[attr-defined]
            return None
        target = reverse("two_factor_verify")
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
