from django.urls import path

from kalan.reports import views_funded

urlpatterns = [
    path("partenaire/", views_funded.funded_overview, name="funded_overview"),
]
