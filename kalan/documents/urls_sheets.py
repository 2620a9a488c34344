"""Sign-in sheets, badges and DOCX lists of a session; the organisation's settings page."""

from django.urls import URLPattern, path

from kalan.core import views_organisation
from kalan.documents import views_sheets

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<uuid:uid>/emargement.pdf",
        views_sheets.sign_in_sheets,
        name="sign_in_sheets",
    ),
    path(
        "sessions/<uuid:uid>/emargement/<str:day>.pdf",
        views_sheets.sign_in_sheet_day,
        name="sign_in_sheet_day",
    ),
    path(
        "sessions/<uuid:uid>/emargement-vierge.pdf",
        views_sheets.sign_in_sheets_blank,
        name="sign_in_sheets_blank",
    ),
    path("sessions/<uuid:uid>/badges.pdf", views_sheets.session_badges, name="session_badges"),
    path(
        "sessions/<uuid:uid>/participants.docx",
        views_sheets.participants_docx,
        name="session_participants_docx",
    ),
    path(
        "sessions/<uuid:uid>/presences.docx",
        views_sheets.attendance_docx,
        name="session_attendance_docx",
    ),
    path("organisation/", views_organisation.organisation_settings, name="organisation_settings"),
]
