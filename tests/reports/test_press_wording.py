"""What a press release says of its participants, and how its French is typeset, on a small
workshop built here: the corps sentence says only what is true (issue 11, point 11), French text
has typographic apostrophes in the draft and in the files, and the workshop-level release puts
no colon before its places."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.formats import plain_spaces
from kalan.core.models import User
from kalan.people.models import Corps
from kalan.reports.press import PressSubject, press_draft
from kalan.workshops.models import Session, Workshop
from tests.documents.readers import docx_text, pdf_pages
from tests.factories import AttendanceFactory, PersonFactory, SessionFactory, corps, place

pytestmark = pytest.mark.django_db


def trained(session: Session, *, corps: Corps | None, count: int) -> None:
    """``count`` participants of ``corps`` (None: no corps recorded), present on the first day."""
    for _n in range(count):
        AttendanceFactory(
            enrollment__session=session, enrollment__person=PersonFactory(corps=corps)
        )


def draft(session: Session, language: str, *, workshop_level: bool = False) -> str:
    subject = (
        PressSubject.of_workshop(session.workshop)
        if workshop_level
        else PressSubject.of_session(session)
    )
    release = press_draft(subject=subject, language=language)
    return plain_spaces(f"{release.title}\n\n{release.body}")


# --- the corps sentence ---------------------------------------------------------------------


def test_all_belong_to_a_corps_only_when_every_participant_has_it(sevare_session: Session) -> None:
    trained(sevare_session, corps=corps("Police"), count=3)

    assert "Tous appartiennent à la Police nationale." in draft(sevare_session, "fr")
    assert "All belong to the Police nationale." in draft(sevare_session, "en")


def test_participants_without_a_corps_are_counted_apart_not_put_in_the_one_corps(
    sevare_session: Session,
) -> None:
    trained(sevare_session, corps=corps("Police"), count=3)
    trained(sevare_session, corps=None, count=2)

    french, english = draft(sevare_session, "fr"), draft(sevare_session, "en")

    assert "Tous appartiennent" not in french
    assert (
        "Trois (3) d’entre eux appartiennent à la Police nationale ; "
        "deux (2) sont sans corps renseigné."
    ) in french
    assert "All belong" not in english
    assert "Three (3) of them belong to the Police nationale; two (2) have no corps recorded." in (
        english
    )


def test_mixed_corps_and_one_without_are_each_counted(sevare_session: Session) -> None:
    trained(sevare_session, corps=corps("Gendarmerie"), count=2)
    trained(sevare_session, corps=corps("Police"), count=1)
    trained(sevare_session, corps=None, count=1)

    french = draft(sevare_session, "fr", workshop_level=True)

    assert (
        "Deux (2) d’entre eux appartiennent à la Gendarmerie nationale et un (1) à la Police "
        "nationale ; un (1) est sans corps renseigné."
    ) in french
    assert "; one (1) has no corps recorded." in draft(sevare_session, "en", workshop_level=True)


def test_nothing_is_said_of_corps_when_none_is_recorded(sevare_session: Session) -> None:
    trained(sevare_session, corps=None, count=2)

    french, english = draft(sevare_session, "fr"), draft(sevare_session, "en")

    assert "deux (2) participants" in french
    assert "appartien" not in french and "corps" not in french
    assert "belong" not in english and "corps" not in english


# --- French typography ----------------------------------------------------------------------


@pytest.fixture
def typed_straight(sevare_session: Session) -> Session:
    """A workshop whose records were typed with the typewriter apostrophe."""
    workshop = sevare_session.workshop
    workshop.title = "Atelier sur les droits de l'homme et l'enquête"
    workshop.general_objective = "Renforcer l'intégrité des OPJ."
    workshop.save()
    workshop.objectives.update(text="Respecter l'intégrité physique de la personne gardée à vue.")
    trained(sevare_session, corps=corps("Gendarmerie"), count=2)
    return sevare_session


def test_the_french_draft_has_typographic_apostrophes_only(typed_straight: Session) -> None:
    for workshop_level in (False, True):
        text = draft(typed_straight, "fr", workshop_level=workshop_level)

        assert "'" not in text
        assert "droits de l’homme et l’enquête" in text
        assert "respecter l’intégrité physique" in text


def test_the_french_files_print_typographic_apostrophes_even_when_typed_straight(
    typed_straight: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    client = client_for(communication_officer)
    kwargs = {"uid": typed_straight.uid, "language": "fr"}
    client.post(
        reverse("session_press", kwargs=kwargs),
        {"title": "L'atelier de Sévaré", "body": "Aujourd'hui, l'atelier s'ouvre.", "photo": ""},
    )

    word = docx_text(client.get(reverse("session_press_docx", kwargs=kwargs)).content)
    pdf = " ".join(pdf_pages(client.get(reverse("session_press_pdf", kwargs=kwargs)).content))

    for text in (word, pdf):
        assert "L’atelier de Sévaré" in text
        assert "Aujourd’hui, l’atelier s’ouvre." in text
        assert "'" not in text


def test_an_english_release_keeps_its_apostrophes_as_typed(typed_straight: Session) -> None:
    assert "droits de l'homme" in draft(typed_straight, "en")


def test_the_workshop_release_puts_no_colon_before_its_places(sevare_session: Session) -> None:
    trained(sevare_session, corps=corps("Police"), count=2)
    one = draft(sevare_session, "fr", workshop_level=True)
    SessionFactory(workshop=sevare_session.workshop, place=place("Ségou"), venue="Hôtel Djoliba")
    two = draft(sevare_session, "fr", workshop_level=True)

    title = " ".join(Workshop.objects.get().title.split())
    assert f"l’atelier « {title} », à Sévaré (région de Mopti), à l’Hôtel La Palmeraie" in one
    assert "en deux (2) sessions, l’atelier" in two
    assert "novembre 2022 et à Ségou (région de Ségou), à l’Hôtel Djoliba" in two
    for text in (one, two):
        assert not re.search(r":\s*à Sévaré", text)
