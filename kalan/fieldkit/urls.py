"""The field kits' routes, under ``/kits-de-terrain/`` (kalan/urls.py includes the list)."""

from django.urls import path

from kalan.fieldkit import views, views_return

urlpatterns: list = [
    path("", views.field_kit_list, name="field_kit_list"),
    path("nouveau/", views.field_kit_create, name="field_kit_create"),
    path("retours/", views_return.field_return_list, name="field_return_list"),
    path("retours/<str:token>/", views_return.field_return_preview, name="field_return_preview"),
]
