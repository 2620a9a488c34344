from django.urls import URLPattern, path

from kalan.documents import views_certificates as views

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<uuid:uid>/attestations/",
        views.session_certificates,
        name="session_certificates",
    ),
    path(
        "sessions/<uuid:uid>/attestations/delivrer/",
        views.certificates_issue,
        name="certificates_issue",
    ),
    path(
        "sessions/<uuid:uid>/attestations.pdf",
        views.certificates_download,
        name="certificates_download",
    ),
    path("attestations/<uuid:uid>.pdf", views.certificate_download, name="certificate_download"),
    path("attestations/<uuid:uid>/revoquer/", views.certificate_revoke, name="certificate_revoke"),
    path("v/", views.certificate_verify_form, name="certificate_verify_form"),
    path("v/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
