"""Payment statements' URLs. One list per prefix; ``kalan/urls.py`` includes each under its
prefix."""

from django.urls import URLPattern, path

from kalan.finance import views

# sessions/<uuid:uid>/: every view gets the session's ``uid``.
session_patterns: list[URLPattern] = [
    path("etats/", views.session_statements, name="session_statements"),
    path(
        "etats/apercu.xlsx",
        views.session_statement_preview_xlsx,
        name="session_statement_preview_xlsx",
    ),
]

# etats/
statement_patterns: list[URLPattern] = [
    path("<uuid:uid>.pdf", views.statement_pdf, name="statement_pdf"),
    path("<uuid:uid>.xlsx", views.statement_xlsx, name="statement_xlsx"),
]
