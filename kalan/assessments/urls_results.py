"""Results and paper mode of a test, at the site root: ``tests/<uid>/resultats/``…"""

from django.urls import URLPattern, path

from kalan.assessments import views_results

urlpatterns: list[URLPattern] = [
    path("tests/<uuid:uid>/resultats/", views_results.test_results, name="test_results"),
    path("tests/<uuid:uid>/resultats.xlsx", views_results.results_export, name="results_export"),
    path("tests/<uuid:uid>/imprimer/", views_results.test_print, name="test_print"),
    path("tests/<uuid:uid>/saisie/", views_results.test_paper_entry, name="test_paper_entry"),
]
