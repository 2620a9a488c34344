"""The registry's URLs, all under ``personnes/`` (included once there by ``kalan/urls.py``).
Persons are addressed by uid."""

from django.urls import URLPattern, path

from kalan.people import views, views_duplicates, views_exports

urlpatterns: list[URLPattern] = [
    path("", views.person_list, name="person_list"),
    path("doublons/", views_duplicates.duplicate_list, name="duplicate_list"),
    path(
        "doublons/fusionner/<uuid:kept_uid>/<uuid:merged_uid>/",
        views_duplicates.person_merge,
        name="person_merge",
    ),
    path(
        "doublons/ecarter/<uuid:first_uid>/<uuid:second_uid>/",
        views_duplicates.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path(
        "fusions/<uuid:uid>/annuler/",
        views_duplicates.person_merge_undo,
        name="person_merge_undo",
    ),
    # ``export.xlsx`` or ``export.csv``: the converter is registered by the core app.
    path("export.<export_format:fmt>", views_exports.person_export, name="person_export"),
    path("<uuid:uid>/", views.person_detail, name="person_detail"),
]
