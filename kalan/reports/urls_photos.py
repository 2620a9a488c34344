"""A session's photos: the page that manages them, and the files, served after a scope check."""

from django.urls import URLPattern, path

from kalan.reports import views_photos

urlpatterns: list[URLPattern] = [
    path("sessions/<uuid:uid>/photos/", views_photos.session_photos, name="session_photos"),
    path("photos/<uuid:uid>/legendes/", views_photos.photo_captions, name="photo_captions"),
    path("photos/<uuid:uid>/famille/", views_photos.photo_family, name="photo_family"),
    path("photos/<uuid:uid>/deplacer/", views_photos.photo_move, name="photo_move"),
    path("photos/<uuid:uid>/supprimer/", views_photos.photo_delete, name="photo_delete"),
    path("photos/<uuid:uid>/<str:variant>.jpg", views_photos.photo_image, name="photo_image"),
]
