"""The audit journal's URLs, at the site root: ``journal/``, ``journal/export.xlsx``."""

from django.urls import URLPattern, path

from kalan.core import views_audit

urlpatterns: list[URLPattern] = [
    path("journal/", views_audit.audit_list, name="audit_list"),
    path("journal/export.xlsx", views_audit.audit_export_xlsx, name="audit_export"),
]
