"""The documents app's routes, one list per prefix (see ``kalan/urls.py``)."""

from django.urls import path

from kalan.documents import views
from kalan.documents import views_reference as ref

# Under /personnes/referentiel/destinataires/: a tab of the reference data.
addressee_patterns = [
    path("", ref.addressee_list, name="addressee_list"),
    path("nouveau/", ref.addressee_create, name="addressee_create"),
    path("<int:pk>/modifier/", ref.addressee_edit, name="addressee_edit"),
    path("<int:pk>/supprimer/", ref.addressee_delete, name="addressee_delete"),
]

# Under /sessions/<uuid:uid>/.
session_patterns = [
    path("lettres/", views.session_letters, name="session_letters"),
    path("ordres-de-mission/", views.session_mission_orders, name="session_mission_orders"),
]

# Under /lettres/.
letter_patterns = [
    path("<uuid:uid>.pdf", views.letter_pdf, name="letter_pdf"),
    path("<uuid:uid>.docx", views.letter_docx, name="letter_docx"),
    path("<uuid:uid>/modele-de-liste.xlsx", views.letter_template, name="letter_template"),
    path("envoi/<uuid:batch>.zip", views.letters_zip, name="letters_zip"),
]

# Under /ordres-de-mission/.
mission_order_patterns = [
    path("<uuid:uid>.pdf", views.mission_order_pdf, name="mission_order_pdf"),
    path("<uuid:uid>.docx", views.mission_order_docx, name="mission_order_docx"),
    path("envoi/<uuid:batch>.zip", views.mission_orders_zip, name="mission_orders_zip"),
]
