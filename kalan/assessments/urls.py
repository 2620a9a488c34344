"""Assessments' URLs: the question bank, a session's tests, a test's pages and results, and
the participants' phone pages under ``t/``. One list per prefix; ``kalan/urls.py`` includes
each under its prefix."""

from django.urls import URLPattern, path

from kalan.assessments import views_bank, views_results, views_take, views_tests

# banque/
bank_patterns: list[URLPattern] = [
    path("", views_bank.bank_list, name="bank_list"),
    path("questions/nouvelle/", views_bank.question_create, name="question_create"),
    path("questions/<uuid:uid>/", views_bank.question_edit, name="question_edit"),
]

# sessions/<uuid:uid>/tests/: every view gets the session's ``uid``.
session_patterns: list[URLPattern] = [
    path("", views_tests.session_tests, name="session_tests"),
    path("banque/", views_tests.test_create_from_bank, name="test_create_from_bank"),
    path("post-test/", views_tests.test_create_post_from_pre, name="test_create_post_from_pre"),
    path("copie/", views_tests.test_create_copy, name="test_create_copy"),
    path("questionnaire/", views_tests.survey_create, name="survey_create"),
]

# tests/<uuid:uid>/: every view gets the test's ``uid``.
test_patterns: list[URLPattern] = [
    path("", views_tests.test_detail, name="test_detail"),
    path("ouvrir/", views_tests.test_open, name="test_open"),
    path("fermer/", views_tests.test_close, name="test_close"),
    path("en-direct/", views_tests.test_live, name="test_live"),
    path("telephone/", views_tests.test_device_decide, name="test_device_decide"),
    path("resultats/", views_results.test_results, name="test_results"),
    path("resultats.xlsx", views_results.results_export, name="results_export"),
    path("imprimer/", views_results.test_print, name="test_print"),
    path("saisie/", views_results.test_paper_entry, name="test_paper_entry"),
]

# t/: what a participant types on a phone, so keep it short.
take_patterns: list[URLPattern] = [
    path("", views_take.take_join, name="take_join"),
    path("attente/", views_take.take_wait, name="take_wait"),
    path("q/<int:n>/", views_take.take_question, name="take_question"),
    path("recapitulatif/", views_take.take_summary, name="take_summary"),
    path("envoyer/", views_take.take_submit, name="take_submit"),
    path("merci/", views_take.take_done, name="take_done"),
]
