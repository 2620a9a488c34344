"""The duplicates page and its actions, under ``personnes/``. Persons are addressed by uid."""

from django.urls import URLPattern, path

from kalan.people import views_duplicates

urlpatterns: list[URLPattern] = [
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
]
