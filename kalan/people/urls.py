"""The registry's URLs, all under ``personnes/`` (included once there by ``kalan/urls.py``).
Persons are addressed by uid."""

from django.urls import URLPattern, path

from kalan.people import views, views_duplicates, views_exports
from kalan.people import views_reference as ref

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
    # The reference data: corps and ranks, units, places, aliases (issue 12).
    path("referentiel/", ref.corps_list, name="corps_list"),
    path("referentiel/corps/nouveau/", ref.corps_create, name="corps_create"),
    path("referentiel/corps/<int:pk>/modifier/", ref.corps_edit, name="corps_edit"),
    path("referentiel/corps/<int:pk>/supprimer/", ref.corps_delete, name="corps_delete"),
    path("referentiel/corps/<int:pk>/grades/", ref.rank_list, name="rank_list"),
    path("referentiel/corps/<int:pk>/grades/nouveau/", ref.rank_create, name="rank_create"),
    path("referentiel/grades/<int:pk>/modifier/", ref.rank_edit, name="rank_edit"),
    path("referentiel/grades/<int:pk>/supprimer/", ref.rank_delete, name="rank_delete"),
    path("referentiel/grades/<int:pk>/fusionner/", ref.rank_merge, name="rank_merge"),
    path("referentiel/unites/", ref.unit_list, name="unit_list"),
    path("referentiel/unites/nouvelle/", ref.unit_create, name="unit_create"),
    path("referentiel/unites/<int:pk>/modifier/", ref.unit_edit, name="unit_edit"),
    path("referentiel/unites/<int:pk>/supprimer/", ref.unit_delete, name="unit_delete"),
    path("referentiel/unites/<int:pk>/fusionner/", ref.unit_merge, name="unit_merge"),
    path("referentiel/lieux/", ref.place_list, name="place_list"),
    path("referentiel/lieux/nouveau/", ref.place_create, name="place_create"),
    path("referentiel/lieux/<int:pk>/modifier/", ref.place_edit, name="place_edit"),
    path("referentiel/lieux/<int:pk>/supprimer/", ref.place_delete, name="place_delete"),
    path("referentiel/ecritures/", ref.alias_list, name="alias_list"),
    path("referentiel/ecritures/<int:pk>/retirer/", ref.alias_remove, name="alias_remove"),
]
