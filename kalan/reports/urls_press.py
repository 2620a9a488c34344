"""Press releases of a session or of a whole workshop, in French (``fr``) or English (``en``)."""

from django.urls import URLPattern, path

from kalan.reports import views_press

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<uuid:uid>/communique/<str:language>/",
        views_press.session_press,
        name="session_press",
    ),
    path(
        "sessions/<uuid:uid>/communique/<str:language>/rediger/",
        views_press.session_press_redraft,
        name="session_press_redraft",
    ),
    path(
        "sessions/<uuid:uid>/communique/<str:language>/communique.docx",
        views_press.session_press_docx,
        name="session_press_docx",
    ),
    path(
        "sessions/<uuid:uid>/communique/<str:language>/communique.pdf",
        views_press.session_press_pdf,
        name="session_press_pdf",
    ),
    path(
        "ateliers/<int:pk>/communique/<str:language>/",
        views_press.workshop_press,
        name="workshop_press",
    ),
    path(
        "ateliers/<int:pk>/communique/<str:language>/rediger/",
        views_press.workshop_press_redraft,
        name="workshop_press_redraft",
    ),
    path(
        "ateliers/<int:pk>/communique/<str:language>/communique.docx",
        views_press.workshop_press_docx,
        name="workshop_press_docx",
    ),
    path(
        "ateliers/<int:pk>/communique/<str:language>/communique.pdf",
        views_press.workshop_press_pdf,
        name="workshop_press_pdf",
    ),
]
