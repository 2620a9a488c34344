"""The relays' routes: staff pages under ``/relais/``, the commitment phone pages under ``/e/``
and the relay's own phone pages under ``/r/`` (kalan/urls.py includes each list)."""

from django.urls import path

from kalan.relays import (
    views_commitment_phone,
    views_commitments,
    views_relay_phone,
    views_restitutions,
    views_rounds,
)

staff_patterns: list = [
    # Follow-up rounds and call lists (issue 13, point 3), departures, the relays index.
    path("", views_rounds.relays_index, name="relays_index"),
    path("ateliers/<int:pk>/suivi/", views_rounds.workshop_followup, name="workshop_followup"),
    path("ateliers/<int:pk>/suivi/tours/", views_rounds.rounds_plan, name="rounds_plan"),
    path("tours/<uuid:uid>/", views_rounds.round_calls, name="round_calls"),
    path("tours/<uuid:uid>/ouvrir/", views_rounds.round_open, name="round_open"),
    path("tours/<uuid:uid>/clore/", views_rounds.round_close, name="round_close"),
    path("tours/<uuid:uid>/appel/<int:pk>/", views_rounds.round_call, name="round_call"),
    path("personnes/<uuid:uid>/sortie/", views_rounds.relay_departure, name="relay_departure"),
    # Commitments of a session (issue 13, point 1).
    path(
        "sessions/<uuid:uid>/engagements/",
        views_commitments.session_commitments,
        name="session_commitments",
    ),
    path(
        "sessions/<uuid:uid>/engagements/<int:pk>/",
        views_commitments.commitment_enter,
        name="commitment_enter",
    ),
    path(
        "sessions/<uuid:uid>/engagements/formulaires.pdf",
        views_commitments.commitment_forms_pdf,
        name="commitment_forms_pdf",
    ),
    path(
        "sessions/<uuid:uid>/engagements/saisie-telephone/",
        views_commitments.commitment_window,
        name="commitment_window",
    ),
    path(
        "ateliers/<int:pk>/restitutions/",
        views_restitutions.workshop_restitutions,
        name="workshop_restitutions",
    ),
    path(
        "restitutions/nouvelle/<uuid:uid>/",
        views_restitutions.restitution_create,
        name="restitution_create",
    ),
    path(
        "restitutions/<uuid:uid>/modifier/",
        views_restitutions.restitution_edit,
        name="restitution_edit",
    ),
    path(
        "restitutions/<uuid:uid>/supprimer/",
        views_restitutions.restitution_delete,
        name="restitution_delete",
    ),
    path(
        "restitutions/<uuid:uid>/photo/",
        views_restitutions.restitution_photo,
        name="restitution_photo",
    ),
]

# A participant states a commitment at the close of the session (test code + badge code).
commitment_phone_patterns: list = [
    path("", views_commitment_phone.commitment_join, name="commitment_join"),
    path("engagement/", views_commitment_phone.commitment_form, name="commitment_form"),
    path("merci/", views_commitment_phone.commitment_done, name="commitment_done"),
]

# A relay's own phone pages: personal code, questionnaire of an open round, a restitution.
relay_phone_patterns: list = [
    path("", views_relay_phone.relay_join, name="relay_join"),
    path("accueil/", views_relay_phone.relay_home, name="relay_home"),
    path("suivi/<uuid:uid>/", views_relay_phone.relay_followup, name="relay_followup"),
    path("merci/", views_relay_phone.relay_done, name="relay_done"),
    path("restitution/", views_restitutions.relay_restitution, name="relay_restitution"),
    path(
        "restitution/merci/",
        views_restitutions.relay_restitution_done,
        name="relay_restitution_done",
    ),
]
