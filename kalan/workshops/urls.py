"""Workshops' URLs: axes, workshops, sessions (enrolment, attendance, list import, sign-in
sheets, badges, DOCX lists, roster export) and import previews. One list per prefix;
``kalan/urls.py`` includes each under its prefix."""

from django.urls import URLPattern, path

from kalan.workshops import views, views_exports, views_import, views_sheets

# axes/
axis_patterns: list[URLPattern] = [
    path("<int:pk>/", views.axis_detail, name="axis_detail"),
]

# ateliers/
workshop_patterns: list[URLPattern] = [
    path("", views.workshop_list, name="workshop_list"),
    path("nouveau/", views.workshop_create, name="workshop_create"),
    path("<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("<int:pk>/modifier/", views.workshop_edit, name="workshop_edit"),
    path("<int:pk>/sessions/nouvelle/", views.session_create, name="session_create"),
]

# sessions/<uuid:uid>/: every view gets the session's ``uid``.
session_patterns: list[URLPattern] = [
    path("", views.session_detail, name="session_detail"),
    path("modifier/", views.session_edit, name="session_edit"),
    path("inscrire/", views.enroll_existing, name="enroll_existing"),
    path("inscrire-nouveau/", views.enroll_new, name="enroll_new"),
    # The cell (person and column) comes in the POST body: the roster is one form.
    path("presences/", views.attendance_toggle, name="attendance_toggle"),
    path("importer/", views_import.import_upload, name="import_upload"),
    # ``export.xlsx`` or ``export.csv``: the converter is registered by the core app.
    path("export.<export_format:fmt>", views_exports.session_export, name="session_export"),
    path("emargement.pdf", views_sheets.sign_in_sheets, name="sign_in_sheets"),
    path("emargement/<str:day>.pdf", views_sheets.sign_in_sheet_day, name="sign_in_sheet_day"),
    path(
        "emargement-vierge.pdf",
        views_sheets.sign_in_sheets_blank,
        name="sign_in_sheets_blank",
    ),
    path("badges.pdf", views_sheets.session_badges, name="session_badges"),
    path(
        "participants.docx",
        views_sheets.participants_docx,
        name="session_participants_docx",
    ),
    path("presences.docx", views_sheets.attendance_docx, name="session_attendance_docx"),
]

# imports/
import_patterns: list[URLPattern] = [
    path("<uuid:uid>/", views_import.import_preview, name="import_preview"),
    path("<uuid:uid>/creer/", views_import.import_create, name="import_create"),
]
