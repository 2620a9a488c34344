"""The plans' URLs, all under ``plans/`` (included once there by ``kalan/urls.py``)."""

from django.urls import URLPattern, path

from kalan.plans import views

urlpatterns: list[URLPattern] = [
    path("", views.plan_list, name="plan_list"),
    path("nouveau/", views.plan_create, name="plan_create"),
    path("<int:pk>/axes/nouveau/", views.axis_create, name="axis_create"),
    path("partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("axes/<int:pk>/modifier/", views.axis_edit, name="axis_edit"),
    path("partenaires/<int:pk>/modifier/", views.partner_edit, name="partner_edit"),
]
