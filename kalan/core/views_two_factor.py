"""Two-factor pages: turning it on and off (``/compte/double-authentification/``), and the code
asked after the password (``/connexion/code/``). The rules are in ``kalan.core.two_factor``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalan.core import two_factor
from kalan.core.forms import form_add_error
from kalan.core.forms_two_factor import TotpCodeForm
from kalan.core.middleware_two_factor import two_factor_remember
from kalan.core.models import User
from kalan.core.render.qr import qr_svg
from kalan.core.roles import any_user
from kalan.core.views_account import locked_out


def offered_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 unless the user's role is offered two-factor (``two_factor.two_factor_offered``).

    With ``any_user`` rather than ``requires``: capabilities say what a user may do, and no
    capability says "may protect their own account"; the roles it is offered to are the rule.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not two_factor.two_factor_offered(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _account(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # these pages are for signed-in users only
    return user


@any_user
@offered_only
@never_cache  # the page shows the key while two-factor is being set up
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    return _settings_page(request, TotpCodeForm())


def _settings_page(request: HttpRequest, form: TotpCodeForm) -> HttpResponse:
    user = _account(request)
    confirmed = two_factor.totp_device_confirmed(user=user)
    pending = None if confirmed else two_factor.totp_device_pending(user=user)
    context: dict[str, Any] = {"on": confirmed is not None, "pending": pending, "form": form}
    if pending is not None:
        context["qr_svg"] = qr_svg(pending.config_url)
        context["secret"] = two_factor.totp_secret_for_typing(pending)
    return render(request, "core/two_factor_settings.html", context)


@any_user
@offered_only
@require_POST
def two_factor_enable(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.two_factor_start(user=_account(request))
    except two_factor.TwoFactorError as error:
        messages.error(request, str(error))
    return redirect("two_factor")


@any_user
@offered_only
@require_POST
def two_factor_cancel(request: HttpRequest) -> HttpResponse:
    two_factor.two_factor_cancel(user=_account(request))
    return redirect("two_factor")


@any_user
@offered_only
@require_POST
@never_cache
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        try:
            device = two_factor.two_factor_confirm(user=user, token=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form_add_error(form, error)
        else:
            update_session_auth_hash(request, user)  # this session stays open, the others end
            django_otp.login(request, device)  # it has just given a code
            two_factor_remember(request, on=True)
            messages.success(
                request,
                _(
                    "Double authentification activée : Kalan demandera un code à chaque "
                    "connexion. Vos autres sessions ont été fermées."
                ),
            )
            return redirect("two_factor")
    return _settings_page(request, form)


@any_user
@offered_only
@require_POST
@never_cache
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(user=user, token=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form_add_error(form, error)
        else:
            update_session_auth_hash(request, user)
            two_factor_remember(request, on=False)
            messages.success(
                request,
                _("Double authentification désactivée. Vos autres sessions ont été fermées."),
            )
            return redirect("two_factor")
    return _settings_page(request, form)


@any_user
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password. TwoFactorMiddleware lets a half-signed-in user reach only this
    page (and logout); a user with nothing to verify goes on to where they were going."""
    user = _account(request)
    next_url = _next_url(request)
    device = two_factor.totp_device_confirmed(user=user)
    if device is None or user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware
        two_factor_remember(request, on=device is not None)
        return HttpResponseRedirect(next_url)
    form = TotpCodeForm(request.POST) if request.method == "POST" else TotpCodeForm()
    if form.is_valid():
        try:
            two_factor.totp_token_check(device=device, token=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form_add_error(form, error)
            if error.code == "wrong_code" and _counted_as_failed_login(request, user):
                logout(request)
                return locked_out(request)
        else:
            request.session.cycle_key()  # a new session id for the now fully signed-in session
            django_otp.login(request, device)
            return HttpResponseRedirect(next_url)
    return render(request, "core/two_factor_verify.html", {"form": form, "next": next_url})


def _counted_as_failed_login(request: HttpRequest, user: User) -> bool:
    """Count a wrong code as a failed login for django-axes; True if that locks the account.

    Then the half-open session ends too, and the password is refused until the lock-out expires.
    A code that the throttle refused unchecked is not counted. django-otp's throttle remains the
    real brake: a right password resets axes' count, not the throttle's.
    """
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is given: a path of this site (not this page), else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or target.startswith(reverse("two_factor_verify")):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return target
