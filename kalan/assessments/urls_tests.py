"""Tests: the trainer's pages (logged in) and the participants' phone pages under ``t/``."""

from django.urls import path

from kalan.assessments import views_take, views_tests

urlpatterns = [
    path("sessions/<uuid:uid>/tests/", views_tests.session_tests, name="session_tests"),
    path(
        "sessions/<uuid:uid>/tests/banque/",
        views_tests.test_create_from_bank,
        name="test_create_from_bank",
    ),
    path(
        "sessions/<uuid:uid>/tests/post-test/",
        views_tests.test_create_post_from_pre,
        name="test_create_post_from_pre",
    ),
    path("sessions/<uuid:uid>/tests/copie/", views_tests.test_create_copy, name="test_create_copy"),
    path(
        "sessions/<uuid:uid>/tests/questionnaire/",
        views_tests.survey_create,
        name="survey_create",
    ),
    path("tests/<uuid:uid>/", views_tests.test_detail, name="test_detail"),
    path("tests/<uuid:uid>/ouvrir/", views_tests.test_open, name="test_open"),
    path("tests/<uuid:uid>/fermer/", views_tests.test_close, name="test_close"),
    path("tests/<uuid:uid>/en-direct/", views_tests.test_live, name="test_live"),
    # What a participant types: keep it short.
    path("t/", views_take.take_join, name="take_join"),
    path("t/q/<int:n>/", views_take.take_question, name="take_question"),
    path("t/recapitulatif/", views_take.take_summary, name="take_summary"),
    path("t/envoyer/", views_take.take_submit, name="take_submit"),
    path("t/merci/", views_take.take_done, name="take_done"),
]
