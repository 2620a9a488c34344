"""Core's URLs: signing in and out, the language, the account, users, the journal, the
organisation. One list per prefix; ``kalan/urls.py`` includes each under its prefix."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.views.i18n import set_language

from kalan.core import (
    views_account,
    views_audit,
    views_organisation,
    views_two_factor,
    views_users,
)
from kalan.core.forms import LoginForm
from kalan.core.roles import any_user

# connexion/: the password, then the code of the second factor.
login_patterns: list[URLPattern] = [
    path(
        "",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("code/", views_two_factor.two_factor_verify, name="two_factor_verify"),
]

# deconnexion/
logout_patterns: list[URLPattern] = [
    path("", any_user(auth_views.LogoutView.as_view()), name="logout"),
]

# i18n/
language_patterns: list[URLPattern] = [
    path("setlang/", login_not_required(set_language), name="set_language"),
]

# compte/: my account (everyone signed in) and its two-factor settings.
account_patterns: list[URLPattern] = [
    path("", views_account.account, name="account"),
    path(
        "deconnecter-partout/",
        views_account.account_sessions_end,
        name="account_sessions_end",
    ),
    path("double-authentification/", views_two_factor.two_factor_settings, name="two_factor"),
    path(
        "double-authentification/activer/",
        views_two_factor.two_factor_enable,
        name="two_factor_enable",
    ),
    path(
        "double-authentification/confirmer/",
        views_two_factor.two_factor_confirm,
        name="two_factor_confirm",
    ),
    path(
        "double-authentification/annuler/",
        views_two_factor.two_factor_cancel,
        name="two_factor_cancel",
    ),
    path(
        "double-authentification/desactiver/",
        views_two_factor.two_factor_disable,
        name="two_factor_disable",
    ),
]

# utilisateurs/: user management (administrators).
user_patterns: list[URLPattern] = [
    path("", views_users.user_list, name="user_list"),
    path("nouveau/", views_users.user_create, name="user_create"),
    path("<int:pk>/", views_users.user_edit, name="user_edit"),
    path("<int:pk>/mot-de-passe/", views_users.user_password, name="user_password"),
    path("<int:pk>/deconnecter/", views_users.user_sessions_end, name="user_sessions_end"),
]

# journal/: the audit journal.
audit_patterns: list[URLPattern] = [
    path("", views_audit.audit_list, name="audit_list"),
    path("export.xlsx", views_audit.audit_export_xlsx, name="audit_export"),
]

# organisation/: the institution's settings page.
organisation_patterns: list[URLPattern] = [
    path("", views_organisation.organisation_settings, name="organisation_settings"),
]
