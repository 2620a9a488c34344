"""Reports' URLs: the dashboard, the funded partner's overview, donor reports, a session's
photos and press releases, a workshop's press releases, activity report and targets, a custody
visit's report. One list per prefix; ``kalan/urls.py`` includes each under its prefix (the home
page, at the root, is the one route it declares itself)."""

from django.urls import URLPattern, path, re_path

from kalan.reports import (
    views_dashboard,
    views_evidence,
    views_financial,
    views_followup,
    views_funded,
    views_photos,
    views_press,
    views_reports,
    views_tdr,
    views_visit_report,
)

# tableau-de-bord/
dashboard_patterns: list[URLPattern] = [
    path("", views_dashboard.dashboard, name="dashboard"),
    re_path(
        r"^(?P<chart>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        views_dashboard.dashboard_download,
        name="dashboard_download",
    ),
]

# partenaire/: what a funded partner sees.
funded_patterns: list[URLPattern] = [
    path("", views_funded.funded_overview, name="funded_overview"),
]

# rapports/partenaires/: reports to donors.
donor_patterns: list[URLPattern] = [
    path("", views_reports.donor_reports, name="donor_reports"),
    path("texte/", views_reports.donor_report_narrative, name="donor_report_narrative"),
    path(
        "fichier/<slug:fmt>/",
        views_reports.donor_report_download,
        name="donor_report_download",
    ),
    # The financial report (views_financial): beside the reports, from the same figures' page.
    path("financier/", views_financial.financial_report, name="financial_report"),
    path(
        "financier/fichier/<slug:fmt>/",
        views_financial.financial_report_download,
        name="financial_report_download",
    ),
]

# rapports/garde-a-vue/: the evidence of change from the custody visits (aggregates only).
custody_patterns: list[URLPattern] = [
    path("", views_evidence.custody_evidence, name="custody_evidence"),
]

# sessions/<uuid:uid>/: every view gets the session's ``uid``. Press releases are in French
# (``fr``) or English (``en``).
session_patterns: list[URLPattern] = [
    path("photos/", views_photos.session_photos, name="session_photos"),
    path("communique/<str:language>/", views_press.session_press, name="session_press"),
    path(
        "communique/<str:language>/rediger/",
        views_press.session_press_redraft,
        name="session_press_redraft",
    ),
    path(
        "communique/<str:language>/communique.docx",
        views_press.session_press_docx,
        name="session_press_docx",
    ),
    path(
        "communique/<str:language>/communique.pdf",
        views_press.session_press_pdf,
        name="session_press_pdf",
    ),
]

# ateliers/<int:pk>/: every view gets the workshop's ``pk``.
workshop_patterns: list[URLPattern] = [
    path("communique/<str:language>/", views_press.workshop_press, name="workshop_press"),
    path(
        "communique/<str:language>/rediger/",
        views_press.workshop_press_redraft,
        name="workshop_press_redraft",
    ),
    path(
        "communique/<str:language>/communique.docx",
        views_press.workshop_press_docx,
        name="workshop_press_docx",
    ),
    path(
        "communique/<str:language>/communique.pdf",
        views_press.workshop_press_pdf,
        name="workshop_press_pdf",
    ),
    # Terms of reference (« termes de référence »), in French (``fr``) or English (``en``).
    path("termes-de-reference/<str:language>/", views_tdr.workshop_tdr, name="workshop_tdr"),
    path(
        "termes-de-reference/<str:language>/rediger/",
        views_tdr.workshop_tdr_redraft,
        name="workshop_tdr_redraft",
    ),
    path(
        "termes-de-reference/<str:language>/apercu/",
        views_tdr.workshop_tdr_preview,
        name="workshop_tdr_preview",
    ),
    path(
        "termes-de-reference/<str:language>/envoyer/",
        views_tdr.workshop_tdr_send,
        name="workshop_tdr_send",
    ),
    path(
        "termes-de-reference/<str:language>/tdr.docx",
        views_tdr.workshop_tdr_docx,
        name="workshop_tdr_docx",
    ),
    path(
        "termes-de-reference/<str:language>/tdr.pdf",
        views_tdr.workshop_tdr_pdf,
        name="workshop_tdr_pdf",
    ),
    path(
        "termes-de-reference/<str:language>/version-<int:version>.<slug:fmt>",
        views_tdr.workshop_tdr_version,
        name="workshop_tdr_version",
    ),
    path("rapport/", views_reports.activity_report, name="activity_report"),
    # ``modifier/`` before ``<fmt>/``: both would match ``rapport/fr/modifier/``.
    path(
        "rapport/<slug:language>/modifier/",
        views_reports.activity_report_edit,
        name="activity_report_edit",
    ),
    path(
        "rapport/<slug:language>/<slug:fmt>/",
        views_reports.activity_report_download,
        name="activity_report_download",
    ),
    path("cibles/", views_reports.workshop_targets, name="workshop_targets"),
    path("chiffres-du-suivi/", views_followup.workshop_followup, name="workshop_followup_figures"),
]

# garde-a-vue/visites/<uuid:uid>/rapport/: the report of a custody visit (``uid``: the visit's).
visit_report_patterns: list[URLPattern] = [
    path("", views_visit_report.visit_report, name="visit_report"),
    path("rediger/", views_visit_report.visit_report_redraft_view, name="visit_report_redraft"),
    path("rapport.docx", views_visit_report.visit_report_docx_view, name="visit_report_docx"),
    path("rapport.pdf", views_visit_report.visit_report_pdf_view, name="visit_report_pdf"),
]

# photos/<uuid:uid>/: every view gets the photo's ``uid``; its files are served after a
# scope check.
photo_patterns: list[URLPattern] = [
    path("legendes/", views_photos.photo_captions, name="photo_captions"),
    path("famille/", views_photos.photo_family, name="photo_family"),
    path("deplacer/", views_photos.photo_move, name="photo_move"),
    path("supprimer/", views_photos.photo_delete, name="photo_delete"),
    path("<str:variant>.jpg", views_photos.photo_image, name="photo_image"),
]
