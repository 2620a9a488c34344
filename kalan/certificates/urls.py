"""Certificates' URLs: a session's certificates, one certificate's file, and the public
verification page ``v/<code>/`` printed as a QR code on every certificate (never change it).
One list per prefix; ``kalan/urls.py`` includes each under its prefix."""

from django.urls import URLPattern, path

from kalan.certificates import views

# sessions/<uuid:uid>/: every view gets the session's ``uid``.
session_patterns: list[URLPattern] = [
    path("attestations/", views.session_certificates, name="session_certificates"),
    path("attestations/delivrer/", views.certificates_issue, name="certificates_issue"),
    path("attestations.pdf", views.certificates_download, name="certificates_download"),
]

# attestations/
certificate_patterns: list[URLPattern] = [
    path("<uuid:uid>.pdf", views.certificate_download, name="certificate_download"),
    path("<uuid:uid>/revoquer/", views.certificate_revoke, name="certificate_revoke"),
]

# v/: public, printed on the certificates.
verify_patterns: list[URLPattern] = [
    path("", views.certificate_verify_form, name="certificate_verify_form"),
    path("<str:code>/", views.certificate_verify, name="certificate_verify"),
]
