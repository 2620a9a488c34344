from django.urls import path

from kalan.reports import views_reports

urlpatterns = [
    path("ateliers/<int:pk>/rapport/", views_reports.activity_report, name="activity_report"),
    path(
        "ateliers/<int:pk>/rapport/<slug:language>/modifier/",
        views_reports.activity_report_edit,
        name="activity_report_edit",
    ),
    path(
        "ateliers/<int:pk>/rapport/<slug:language>/<slug:fmt>/",
        views_reports.activity_report_download,
        name="activity_report_download",
    ),
    path("ateliers/<int:pk>/cibles/", views_reports.workshop_targets, name="workshop_targets"),
    path("rapports/partenaires/", views_reports.donor_reports, name="donor_reports"),
    path(
        "rapports/partenaires/texte/",
        views_reports.donor_report_narrative,
        name="donor_report_narrative",
    ),
    path(
        "rapports/partenaires/fichier/<slug:fmt>/",
        views_reports.donor_report_download,
        name="donor_report_download",
    ),
]
