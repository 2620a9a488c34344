"""The English press release names things in English (issue 11, point 11): the UNDP, not the
« PNUD »; the workshop's, its objectives' and its axis's English texts, not the French. Where a
record has no English, the release quotes the French and the editor's page says which record to
complete. The Word and PDF files are read back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.press import PressSubject, press_draft
from kalan.workshops.models import Session, Workshop
from tests.documents.readers import docx_text, pdf_pages
from tests.factories import AttendanceFactory, FundingFactory, PartnerFactory

pytestmark = pytest.mark.django_db

UNDP_FR = "Programme des Nations unies pour le développement"


@pytest.fixture
def undp(db: None) -> Partner:
    return PartnerFactory(
        name=UNDP_FR,
        acronym="PNUD",
        name_en="United Nations Development Programme",
        acronym_en="UNDP",
    )


@pytest.fixture
def translated(sevare_session: Session, undp: Partner) -> Session:
    """A session whose workshop, objectives, axis and funder all have their English."""
    workshop = sevare_session.workshop
    workshop.title_en = "Human rights in judicial police investigations"
    workshop.general_objective_en = "Strengthen respect for human rights by judicial police."
    workshop.save()
    first, second = workshop.objectives.order_by("order")
    first.text_en = "Know the rights of a person in police custody."
    second.text_en = "Apply the safeguards of criminal procedure."
    for objective in (first, second):
        objective.save()
    axis = workshop.axis
    axis.title_en = "Reconciling respect for rights with security imperatives"
    axis.save()
    FundingFactory(workshop=workshop, partner=undp)
    AttendanceFactory(enrollment__session=sevare_session)
    return sevare_session


def english(session: Session) -> str:
    release = press_draft(subject=PressSubject.of_session(session), language="en")
    return f"{release.title}\n\n{release.body}"


def press_url(session: Session, name: str = "session_press", language: str = "en") -> str:
    return reverse(name, kwargs={"uid": session.uid, "language": language})


def test_the_english_files_say_undp_and_the_english_titles(
    translated: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    client = client_for(communication_officer)
    word = docx_text(client.get(press_url(translated, "session_press_docx")).content)
    pages = pdf_pages(client.get(press_url(translated, "session_press_pdf")).content)
    pdf = " ".join(" ".join(pages).split())

    for text in (word, pdf):
        assert "with financial support from UNDP" in text
        assert "PNUD" not in text and UNDP_FR not in text
        assert "the workshop “Human rights in judicial police investigations”" in text
        assert "“Strengthen respect for human rights by judicial police”" in text
        assert "“Know the rights of a person in police custody”" in text
        assert "“Apply the safeguards of criminal procedure”" in text
        assert "“Reconciling respect for rights with security imperatives”" in text
        for french in (
            Workshop.objects.get().title,
            "Connaître les droits",
            "Appliquer les garanties",
            "Concilier le respect",
        ):
            assert french not in text


def test_the_french_release_keeps_the_french_names(translated: Session) -> None:
    release = press_draft(subject=PressSubject.of_session(translated), language="fr")

    assert f"avec l’appui financier du {UNDP_FR}" in release.body
    assert "UNDP" not in release.body and "Human rights" not in release.body


def test_an_english_acronym_alone_or_an_english_name_alone_is_enough(
    translated: Session, undp: Partner
) -> None:
    undp.acronym_en = ""
    undp.save()
    assert "from United Nations Development Programme" in english(translated)

    undp.name_en, undp.acronym_en = "", "UNDP"
    undp.save()
    assert "from UNDP" in english(translated)


def test_the_editor_shows_no_note_when_every_english_text_is_there(
    translated: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    page = client_for(communication_officer).get(press_url(translated))

    assert page.context["english_missing"] == []
    assert 'id="english-missing"' not in page.content.decode()


def test_without_english_the_release_quotes_the_french_and_the_editor_says_what_to_complete(
    translated: Session, undp: Partner, client_for: Callable[[User], Client],
    programme_officer: User,
) -> None:  # fmt: skip
    workshop = translated.workshop
    workshop.title_en = ""
    workshop.save()
    workshop.objectives.filter(order=2).update(text_en="")
    Axis.objects.update(title_en="")
    undp.name_en = undp.acronym_en = ""
    undp.save()

    text = english(translated)
    page = client_for(programme_officer).get(press_url(translated)).content.decode()

    assert f"the workshop “{workshop.title}”" in text
    assert "“Appliquer les garanties de la procédure pénale”" in text
    assert "“Know the rights of a person in police custody”" in text
    assert "“Concilier le respect des droits et les impératifs sécuritaires”" in text
    assert "with financial support from PNUD" in text
    assert 'id="english-missing"' in page
    for note, link in (
        (
            "Intitulé anglais de l’atelier manquant : l’intitulé français est utilisé.",
            reverse("workshop_edit", kwargs={"pk": workshop.pk}),
        ),
        (
            "Objectifs spécifiques sans texte anglais (n° 2) : le texte français est utilisé.",
            reverse("workshop_edit", kwargs={"pk": workshop.pk}),
        ),
        (
            "Intitulé anglais de l’axe 1 manquant : l’intitulé français est utilisé.",
            reverse("axis_edit", kwargs={"pk": workshop.axis.pk}),
        ),
        (
            "Nom anglais du partenaire PNUD manquant : le nom français est utilisé.",
            reverse("partner_edit", kwargs={"pk": undp.pk}),
        ),
    ):
        assert note in page
        assert link in page
    # The general objective has its English: no note for it.
    assert "Objectif général en anglais manquant" not in page


def test_the_french_editor_shows_no_english_note(
    sevare_session: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    page = client_for(communication_officer).get(press_url(sevare_session, language="fr"))

    assert page.context["english_missing"] == []
    assert "Intitulé anglais" not in page.content.decode()


def test_the_communication_officer_sees_the_notes_without_links_to_pages_closed_to_them(
    sevare_session: Session, client_for: Callable[[User], Client], communication_officer: User
) -> None:
    page = client_for(communication_officer).get(press_url(sevare_session)).content.decode()

    assert "Intitulé anglais de l’atelier manquant" in page
    assert reverse("workshop_edit", kwargs={"pk": sevare_session.workshop.pk}) not in page
