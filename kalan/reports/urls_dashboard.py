from django.urls import path, re_path

from kalan.reports import views_dashboard

urlpatterns = [
    path("tableau-de-bord/", views_dashboard.dashboard, name="dashboard"),
    re_path(
        r"^tableau-de-bord/(?P<chart>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        views_dashboard.dashboard_download,
        name="dashboard_download",
    ),
]
