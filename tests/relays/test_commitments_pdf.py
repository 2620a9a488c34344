"""The paper commitment forms, read back: one page per participant with their name, badge code
and relay code, the audiences and the workshop's objectives to tick; no phone."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kalan.core.models import AuditEntry, User
from kalan.relays.models import RelayCode
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory, OrganisationFactory, SessionFactory, WorkshopFactory
from tests.relays.factories import relay


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_one_page_per_participant_with_name_codes_and_objectives(
    sevare_session: Session, trainer: User, client_for: Callable[[User], Client]
) -> None:
    OrganisationFactory(name="Commission nationale des droits de l’homme", acronym="CNDH")
    sevare_session.trainers.add(trainer)
    awa = relay(sevare_session, last_name="Diarra", first_names="Awa", phone="+223 76 11 22 33")
    moussa = relay(sevare_session, last_name="Traoré", first_names="Moussa")
    EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    EnrollmentFactory(session=sevare_session, status=Enrollment.Status.WITHDRAWN)

    url = reverse("commitment_forms_pdf", kwargs={"uid": sevare_session.uid})
    response = client_for(trainer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]

    pages = [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) == 2  # the facilitator and the withdrawn participant get none
    for page, enrollment in zip(pages, (awa, moussa), strict=True):  # roster order
        code = RelayCode.objects.get(enrollment=enrollment).code
        assert enrollment.person.full_name in page
        assert enrollment.code in page
        assert code in page
        assert "Commission nationale des droits de l’homme" in page
        assert "Session 1 — Sévaré" in page
        assert "son unité" in page and "la population" in page
        assert "1. Connaître les droits de la personne gardée à vue." in page
        assert "2. Appliquer les garanties de la procédure pénale." in page
        assert "Signature du participant" in page
    assert "TRAORÉ" not in pages[0] and "DIARRA" not in pages[1]
    assert "76 11 22 33" not in " ".join(pages)
    assert AuditEntry.objects.filter(detail__list="commitment_forms").exists()


def test_printing_twice_keeps_the_relay_codes(
    sevare_session: Session, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    relay(sevare_session)
    url = reverse("commitment_forms_pdf", kwargs={"uid": sevare_session.uid})
    client = client_for(programme_officer)
    first = client.get(url)
    codes = list(RelayCode.objects.values_list("code", flat=True))
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert list(RelayCode.objects.values_list("code", flat=True)) == codes
    text = PdfReader(io.BytesIO(second.content)).pages[0].extract_text()
    assert codes[0] in text


def test_a_workshop_without_objectives_prints_its_forms_too(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    session = SessionFactory(workshop=WorkshopFactory(objectives=[]))
    awa = relay(session, last_name="Diarra", first_names="Awa")
    url = reverse("commitment_forms_pdf", kwargs={"uid": session.uid})
    response = client_for(programme_officer).get(url)
    assert response.status_code == 200
    [page] = PdfReader(io.BytesIO(response.content)).pages
    text = _flat(page.extract_text())
    assert awa.person.full_name in text and "objectifs de l’atelier" not in text
