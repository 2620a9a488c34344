"""User management (administrators) and "my account" (everyone signed in)."""

from django.urls import path

from kalan.core import views_account, views_users

urlpatterns = [
    path("utilisateurs/", views_users.user_list, name="user_list"),
    path("utilisateurs/nouveau/", views_users.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/", views_users.user_edit, name="user_edit"),
    path("utilisateurs/<int:pk>/mot-de-passe/", views_users.user_password, name="user_password"),
    path(
        "utilisateurs/<int:pk>/deconnecter/",
        views_users.user_sessions_end,
        name="user_sessions_end",
    ),
    path("compte/", views_account.account, name="account"),
    path(
        "compte/deconnecter-partout/",
        views_account.account_sessions_end,
        name="account_sessions_end",
    ),
]
