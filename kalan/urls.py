from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from kalan.core import views as core_views
from kalan.core.forms import LoginForm
from kalan.core.roles import any_user
from kalan.people import views as people_views
from kalan.people import views_import as import_views
from kalan.plans import views as plan_views
from kalan.workshops import views as workshop_views

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", any_user(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", core_views.home, name="home"),
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("axes/<int:pk>/", plan_views.axis_detail, name="axis_detail"),
    path("ateliers/", workshop_views.workshop_list, name="workshop_list"),
    path("ateliers/nouveau/", workshop_views.workshop_create, name="workshop_create"),
    path("ateliers/<int:pk>/", workshop_views.workshop_detail, name="workshop_detail"),
    path("ateliers/<int:pk>/modifier/", workshop_views.workshop_edit, name="workshop_edit"),
    path(
        "ateliers/<int:pk>/sessions/nouvelle/",
        workshop_views.session_create,
        name="session_create",
    ),
    path("sessions/<uuid:uid>/", workshop_views.session_detail, name="session_detail"),
    path("sessions/<uuid:uid>/modifier/", workshop_views.session_edit, name="session_edit"),
    path("sessions/<uuid:uid>/inscrire/", workshop_views.enroll_existing, name="enroll_existing"),
    path("sessions/<uuid:uid>/inscrire-nouveau/", workshop_views.enroll_new, name="enroll_new"),
    path(
        "sessions/<uuid:uid>/presences/<uuid:enrollment_uid>/",
        workshop_views.attendance_toggle,
        name="attendance_toggle",
    ),
    path("sessions/<uuid:uid>/importer/", import_views.import_upload, name="import_upload"),
    path("imports/<uuid:uid>/", import_views.import_preview, name="import_preview"),
    path("personnes/", people_views.person_list, name="person_list"),
    path("personnes/", include("kalan.people.urls_duplicates")),
    path("", include("kalan.assessments.urls_bank")),
    path("", include("kalan.assessments.urls_tests")),
    path("", include("kalan.assessments.urls_results")),
    path("", include("kalan.documents.urls_sheets")),
    path("", include("kalan.documents.urls_statements")),
    path("", include("kalan.documents.urls_certificates")),
    path("", include("kalan.people.urls_exports")),
    path("", include("kalan.core.urls_audit")),
    path("", include("kalan.core.urls_users")),
    path("", include("kalan.core.urls_two_factor")),
    path("", include("kalan.reports.urls_funded")),
    path("", include("kalan.reports.urls_photos")),
    path("", include("kalan.reports.urls_press")),
    path("", include("kalan.reports.urls_dashboard")),
    path("", include("kalan.reports.urls_reports")),
    path("personnes/<uuid:uid>/", people_views.person_detail, name="person_detail"),
]
