"""User management: accounts, roles, passwords and sessions. Administrators only
(``manage_users``): 403 for every other role, on every page and action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalan.core import selectors_users, services_users
from kalan.core.errors import KalanError
from kalan.core.forms import form_add_error
from kalan.core.forms_users import PasswordSetForm, UserCreateForm, UserEditForm
from kalan.core.models import User
from kalan.core.roles import Role, requires


def signed_in(request: HttpRequest) -> User:
    """The account behind the request: a view behind ``requires`` or ``any_user`` has one."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _account_fields(form: UserCreateForm | UserEditForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "username": data["username"],
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"],
        "role": data["role"],
        "partner": data["partner"],
    }


@requires("manage_users")
def user_list(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    return render(
        request,
        "core/user_list.html",
        {"users": selectors_users.user_list(role=role), "roles": Role.choices, "role": role},
    )


@requires("manage_users")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services_users.user_create(
                **_account_fields(form), password=form.cleaned_data["password"]
            )
        except KalanError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, _("Le compte « %(name)s » est créé.") % {"name": created.username}
            )
            return redirect("user_list")
    return render(
        request,
        "core/user_form.html",
        {"form": form, "roles": selectors_users.roles_described()},
        status=400 if form.errors else 200,
    )


@requires("manage_users")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edited = selectors_users.user_get_or_404(pk=pk)
    initial = {
        "username": edited.username,
        "first_name": edited.first_name,
        "last_name": edited.last_name,
        "email": edited.email,
        "role": edited.role,
        "partner": edited.partner,
        "is_active": edited.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_users.user_update(
                user=edited,
                actor=signed_in(request),
                **_account_fields(form),
                is_active=form.cleaned_data["is_active"],
            )
        except KalanError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Le compte est enregistré."))
            return redirect("user_list")
    return render(
        request,
        "core/user_form.html",
        {"form": form, "edited": edited, "roles": selectors_users.roles_described()},
        status=400 if form.errors else 200,
    )


@requires("manage_users")
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    edited = selectors_users.user_get_or_404(pk=pk)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_users.user_password_set(
                user=edited, password=form.cleaned_data["password"]
            )
        except KalanError as error:
            form_add_error(form, error)
        else:
            if saved.pk == request.user.pk:
                update_session_auth_hash(request, saved)  # their other sessions end, not this one
            messages.success(
                request,
                _("Le mot de passe est changé ; les sessions ouvertes de ce compte ont pris fin."),
            )
            return redirect("user_edit", pk=edited.pk)
    return render(
        request,
        "core/user_password.html",
        {"form": form, "edited": edited},
        status=400 if form.errors else 200,
    )


@requires("manage_users")
@require_POST
def user_sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    edited = selectors_users.user_get_or_404(pk=pk)
    services_users.user_sessions_end(user=edited)
    if edited.pk == request.user.pk:
        logout(request)
        return redirect("login")
    messages.success(
        request,
        _(
            "Toutes les sessions de « %(name)s » ont pris fin : une nouvelle connexion lui "
            "sera demandée."
        )
        % {"name": edited.username},
    )
    return redirect("user_edit", pk=edited.pk)
