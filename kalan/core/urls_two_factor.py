"""Two-factor URLs: the account's page and the code asked after the password."""

from django.urls import URLPattern, path

from kalan.core import views_two_factor as views

urlpatterns: list[URLPattern] = [
    path("compte/double-authentification/", views.two_factor_settings, name="two_factor"),
    path(
        "compte/double-authentification/activer/",
        views.two_factor_enable,
        name="two_factor_enable",
    ),
    path(
        "compte/double-authentification/confirmer/",
        views.two_factor_confirm,
        name="two_factor_confirm",
    ),
    path(
        "compte/double-authentification/annuler/",
        views.two_factor_cancel,
        name="two_factor_cancel",
    ),
    path(
        "compte/double-authentification/desactiver/",
        views.two_factor_disable,
        name="two_factor_disable",
    ),
    path("connexion/code/", views.two_factor_verify, name="two_factor_verify"),
]
