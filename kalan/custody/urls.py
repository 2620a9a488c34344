"""The custody monitoring's routes: staff pages under ``/garde-a-vue/`` (kalan/urls.py includes
the list)."""

from django.urls import path

from kalan.custody import views_interviews, views_places, views_recommendations, views_visits

# Places of detention, visits, the instrument, photos, the index (issue 14, points 1-4).
urlpatterns: list = [
    path("", views_visits.custody_index, name="custody_index"),
    path("lieux/", views_places.detention_places, name="detention_places"),
    path("lieux/nouveau/", views_places.detention_place_create, name="detention_place_create"),
    path(
        "lieux/depuis-les-unites/",
        views_places.detention_places_from_units,
        name="detention_places_from_units",
    ),
    path("lieux/<uuid:uid>/", views_places.detention_place, name="detention_place"),
    path(
        "lieux/<uuid:uid>/modifier/",
        views_places.detention_place_edit,
        name="detention_place_edit",
    ),
    path("visites/", views_visits.visits, name="visits"),
    path("visites/nouvelle/", views_visits.visit_create, name="visit_create"),
    path("visites/<uuid:uid>/", views_visits.visit, name="visit"),
    path("visites/<uuid:uid>/modifier/", views_visits.visit_edit, name="visit_edit"),
    path("visites/<uuid:uid>/grille/", views_visits.visit_instrument, name="visit_instrument"),
    path("visites/<uuid:uid>/photos/", views_visits.visit_photos, name="visit_photos"),
    path("photos/<uuid:uid>/", views_visits.visit_photo, name="visit_photo"),
    path(
        "photos/<uuid:uid>/supprimer/", views_visits.visit_photo_delete, name="visit_photo_delete"
    ),
]

urlpatterns += [
    # Anonymous interviews and recommendations (issue 14, points 4-5).
    path(
        "visites/<uuid:uid>/entretiens/nouveau/",
        views_interviews.interview_create,
        name="interview_create",
    ),
    path("entretiens/<uuid:uid>/", views_interviews.interview, name="interview"),
    path("entretiens/<uuid:uid>/modifier/", views_interviews.interview_edit, name="interview_edit"),
    path("recommandations/", views_recommendations.recommendations, name="recommendations"),
    path(
        "visites/<uuid:uid>/recommandations/nouvelle/",
        views_recommendations.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "recommandations/<uuid:uid>/",
        views_recommendations.recommendation,
        name="recommendation",
    ),
    path(
        "recommandations/<uuid:uid>/modifier/",
        views_recommendations.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommandations/<uuid:uid>/reponse/",
        views_recommendations.recommendation_response,
        name="recommendation_response",
    ),
    path(
        "recommandations/<uuid:uid>/etat/",
        views_recommendations.recommendation_status,
        name="recommendation_status",
    ),
    path(
        "recommandations/<uuid:uid>/verification/",
        views_recommendations.recommendation_check,
        name="recommendation_check",
    ),
]
