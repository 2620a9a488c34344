"""Kalan's URL table: each app's ``urls.py`` holds one list of routes per prefix, and this file
only includes each list under its prefix, grouped by app in the order of the layers. No list is
included at the root and no app includes another's: a route's address reads as PREFIX + its
path in its app. Addresses and names never change (bookmarks, printed QR codes, ``t/`` for
participants); ``tests/core/test_urls.py`` checks them against ``tests/core/data/routes.txt``."""

from django.urls import include, path

from kalan.assessments import urls as assessments
from kalan.certificates import urls as certificates
from kalan.core import urls as core
from kalan.custody import urls as custody
from kalan.documents import urls as documents
from kalan.fieldkit import urls as fieldkit
from kalan.finance import urls as finance
from kalan.people import urls as people
from kalan.plans import urls as plans
from kalan.relays import urls as relays
from kalan.reports import urls as reports
from kalan.reports.views_home import home
from kalan.workshops import urls as workshops

# A refused htmx click gets a line in the page, not the whole « Accès refusé » page.
handler403 = "kalan.core.views_errors.permission_denied"

urlpatterns = [
    # The home page: the only route declared here.
    path("", home, name="home"),
    # core: signing in and out, language, account, users, journal, organisation
    path("connexion/", include(core.login_patterns)),
    path("deconnexion/", include(core.logout_patterns)),
    path("i18n/", include(core.language_patterns)),
    path("compte/", include(core.account_patterns)),
    path("utilisateurs/", include(core.user_patterns)),
    path("journal/", include(core.audit_patterns)),
    path("organisation/", include(core.organisation_patterns)),
    # people: the registry, its duplicates and export
    path("personnes/", include(people.urlpatterns)),
    # plans
    path("plans/", include(plans.urlpatterns)),
    # workshops: axes, workshops, sessions, list imports
    path("axes/", include(workshops.axis_patterns)),
    path("ateliers/", include(workshops.workshop_patterns)),
    path("sessions/<uuid:uid>/", include(workshops.session_patterns)),
    path("imports/", include(workshops.import_patterns)),
    # assessments: question bank, tests, participants' pages
    path("banque/", include(assessments.bank_patterns)),
    path("sessions/<uuid:uid>/tests/", include(assessments.session_patterns)),
    path("tests/<uuid:uid>/", include(assessments.test_patterns)),
    path("t/", include(assessments.take_patterns)),
    # certificates: a session's certificates, one certificate, public verification
    path("sessions/<uuid:uid>/", include(certificates.session_patterns)),
    path("attestations/", include(certificates.certificate_patterns)),
    path("v/", include(certificates.verify_patterns)),
    # finance: payment statements
    path("sessions/<uuid:uid>/", include(finance.session_patterns)),
    path("etats/", include(finance.statement_patterns)),
    # finance: a workshop's budget, expenses and their receipts, funds received
    path("ateliers/<int:pk>/", include(finance.workshop_patterns)),
    # documents: the commands written to, a session's invitation letters and mission orders
    path("personnes/referentiel/destinataires/", include(documents.addressee_patterns)),
    path("sessions/<uuid:uid>/", include(documents.session_patterns)),
    path("lettres/", include(documents.letter_patterns)),
    path("ordres-de-mission/", include(documents.mission_order_patterns)),
    # relays: commitments, restitutions, follow-up rounds; participants' and relays' phone pages
    path("relais/", include(relays.staff_patterns)),
    path("e/", include(relays.commitment_phone_patterns)),
    path("r/", include(relays.relay_phone_patterns)),
    # custody: places of detention, visits, instrument, interviews, recommendations (the NPM)
    path("garde-a-vue/", include(custody.urlpatterns)),
    # fieldkit: the field kits issued to venue laptops
    path("kits-de-terrain/", include(fieldkit.urlpatterns)),
    # reports: dashboard, partners, donor reports, photos, press releases, activity reports
    path("tableau-de-bord/", include(reports.dashboard_patterns)),
    path("partenaire/", include(reports.funded_patterns)),
    path("rapports/partenaires/", include(reports.donor_patterns)),
    path("rapports/garde-a-vue/", include(reports.custody_patterns)),
    path("sessions/<uuid:uid>/", include(reports.session_patterns)),
    path("ateliers/<int:pk>/", include(reports.workshop_patterns)),
    path("photos/<uuid:uid>/", include(reports.photo_patterns)),
    path("garde-a-vue/visites/<uuid:uid>/rapport/", include(reports.visit_report_patterns)),
]
