"""My account: who I am, what my role lets me do, my password, and ending my sessions.

Open to every signed-in user whatever the role (``any_user``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalan.core import selectors_users, services_users
from kalan.core.errors import KalanError
from kalan.core.forms import form_add_error
from kalan.core.roles import any_user
from kalan.core.views_users import signed_in


@any_user
def account(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    form = PasswordChangeForm(user=me, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_users.user_password_set(
                user=me, password=form.cleaned_data["new_password1"]
            )
        except KalanError as error:
            form_add_error(form, error)
        else:
            # The new key has ended every session of the account; this one goes on.
            update_session_auth_hash(request, saved)
            messages.success(
                request,
                _(
                    "Votre mot de passe est changé ; vos sessions sur les autres appareils "
                    "ont pris fin."
                ),
            )
            return redirect("account")
    return render(
        request,
        "core/account.html",
        {
            "form": form,
            "role": me.get_role_display(),
            "may": selectors_users.account_capabilities(user=me),
        },
        status=400 if form.errors else 200,
    )


@any_user
@require_POST
def account_sessions_end(request: HttpRequest) -> HttpResponse:
    services_users.user_sessions_end(user=signed_in(request))
    logout(request)
    messages.success(request, _("Vous êtes déconnecté de tous les appareils."))
    return redirect("login")


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What django-axes answers to a login attempt while the account or the address is locked.

    429 Too Many Requests, with the page saying how long to wait; the account name is not echoed.
    """
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request,
        "core/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
