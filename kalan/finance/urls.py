"""Payment statements' URLs. One list per prefix; ``kalan/urls.py`` includes each under its
prefix."""

from django.urls import URLPattern, path

from kalan.finance import views, views_budget

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

# ateliers/<int:pk>/: a workshop's budget, expenses and funds received (views_budget).
workshop_patterns: list[URLPattern] = [
    path("budget/", views_budget.workshop_budget, name="workshop_budget"),
    path("budget/lignes/<int:line>/", views_budget.budget_line_edit, name="budget_line_edit"),
    path(
        "budget/lignes/<int:line>/supprimer/",
        views_budget.budget_line_delete,
        name="budget_line_delete",
    ),
    path("depenses/", views_budget.workshop_expenses, name="workshop_expenses"),
    path("depenses/nouvelle/", views_budget.expense_create, name="expense_create"),
    path("depenses/<int:expense>/verifier/", views_budget.expense_check, name="expense_check"),
    path("depenses/<int:expense>/supprimer/", views_budget.expense_delete, name="expense_delete"),
    path("depenses/<int:expense>/piece/", views_budget.expense_receipt, name="expense_receipt"),
    path("fonds/", views_budget.workshop_funds, name="workshop_funds"),
]
