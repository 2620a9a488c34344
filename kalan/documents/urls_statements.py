"""Payment statement URLs, at the site root: ``sessions/<uid>/etats/``, ``etats/<uid>.pdf``."""

from django.urls import URLPattern, path

from kalan.documents import views_statements

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<uuid:uid>/etats/",
        views_statements.session_statements,
        name="session_statements",
    ),
    path(
        "sessions/<uuid:uid>/etats/apercu.xlsx",
        views_statements.session_statement_preview_xlsx,
        name="session_statement_preview_xlsx",
    ),
    path("etats/<uuid:uid>.pdf", views_statements.statement_pdf, name="statement_pdf"),
    path("etats/<uuid:uid>.xlsx", views_statements.statement_xlsx, name="statement_xlsx"),
]
