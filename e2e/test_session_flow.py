"""A programme officer prepares and runs a session from a browser, from login to attendance."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known_person(reference_data: None) -> Any:
    """An officer recorded at an earlier workshop, found again through the search."""
    from kalan.people.models import Corps
    from kalan.people.services import person_create

    police = Corps.objects.get(name="Police nationale")
    return person_create(
        last_name="Diarra",
        first_names="Aïssata",
        sex="F",
        corps=police,
        rank=police.ranks.order_by("order").first(),
        service_number="P-48213",
    )


def test_an_officer_runs_a_session_from_login_to_attendance(
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    programme: Any,
    known_person: Any,
) -> None:
    from kalan.people.models import Corps, Person
    from kalan.workshops.models import Attendance, Enrollment, Session

    # The browser of this laptop speaks English (the context's locale): Kalan still opens in
    # French until someone asks otherwise, and sends whoever is not logged in to the login page.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/connexion/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("Identifiant").fill(officer.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # A workshop, from the list of workshops.
    page.get_by_role("navigation").get_by_role("link", name="Ateliers").click()
    page.get_by_role("link", name="Nouvel atelier").click()
    page.get_by_label("Axe stratégique").select_option(str(programme.pk))
    page.get_by_role("textbox", name="Intitulé", exact=True).fill(
        "Droits de l’homme et garde à vue"
    )
    page.get_by_role("textbox", name="Objectif général", exact=True).fill(
        "Renforcer le respect des droits de la personne gardée à vue."
    )
    page.get_by_role("textbox", name="Objectifs spécifiques", exact=True).fill(
        "Connaître les délais de la garde à vue.\nPrévenir la torture et les mauvais traitements."
    )
    page.get_by_label("Public cible").fill("OPJ de la gendarmerie et de la police")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Droits de l’homme et garde à vue")).to_be_visible()

    # A session of it: Sévaré, 8-10 November 2022, as in the CNDH's press release.
    page.get_by_role("link", name="Nouvelle session").click()
    page.get_by_label("Localité").select_option(label="Sévaré")
    page.get_by_label("Lieu de la session").fill("Hôtel La Palmeraie")
    page.get_by_label("Date de début").fill("08/11/2022")
    page.get_by_label("Date de fin").fill("10/11/2022")
    page.get_by_label("Capacité").fill("40")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name=re.compile(r"Session 1 — Sévaré"))).to_be_visible()
    session = Session.objects.get()
    assert session.venue == "Hôtel La Palmeraie"
    assert (session.start_date.isoformat(), session.end_date.isoformat()) == (
        "2022-11-08",
        "2022-11-10",
    )

    # An officer already recorded, found through the search.
    page.get_by_label("Rechercher une personne déjà enregistrée").fill("diarra")
    page.get_by_role("button", name="Inscrire DIARRA Aïssata").click()
    roster = page.get_by_role("table", name="Liste des participants et présences")
    expect(roster.get_by_role("row", name=re.compile("DIARRA Aïssata"))).to_be_visible()

    # A new officer, recorded and enrolled in one step.
    page.get_by_text("Nouvelle personne", exact=True).click()
    new_person = page.locator("form").filter(
        has=page.get_by_role("button", name="Enregistrer et inscrire")
    )
    gendarmerie = Corps.objects.get(name="Gendarmerie nationale")
    new_person.get_by_role("textbox", name="Nom", exact=True).fill("Sangaré")
    new_person.get_by_label("Prénoms").fill("Oumar")
    new_person.get_by_role("radio", name="homme", exact=True).check()
    new_person.get_by_label("Corps").select_option(str(gendarmerie.pk))
    new_person.get_by_label("Grade").select_option(
        str(gendarmerie.ranks.get(name="Maréchal des logis").pk)
    )
    new_person.get_by_label("Matricule").fill("G-20221108")
    new_person.get_by_role("button", name="Enregistrer et inscrire").click()
    expect(roster.get_by_role("row", name=re.compile("SANGARÉ Oumar"))).to_be_visible()
    assert Enrollment.objects.filter(session=session).count() == 2
    sangare = Person.objects.get(last_name="Sangaré")
    assert (sangare.corps, sangare.service_number) == (gendarmerie, "G-20221108")

    # Day 1 attendance in one click, without reloading the page.
    page.evaluate("window.kalanNoReload = 'still here'")
    mark = page.get_by_role("button", name="SANGARÉ Oumar mar 8/11")
    expect(mark).to_have_attribute("aria-pressed", "false")
    mark.click()
    expect(mark).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.kalanNoReload") == "still here"
    expect(page.locator("#total-20221108-day")).to_have_text("1")
    assert Attendance.objects.filter(enrollment__person=sangare).count() == 1

    # It was saved: after a reload the mark and the totals are still there.
    page.reload()
    assert page.evaluate("window.kalanNoReload") is None
    expect(mark).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#total-20221108-day")).to_have_text("1")
    row = roster.get_by_role("row", name=re.compile("SANGARÉ Oumar"))
    expect(row.get_by_role("cell").last).to_have_text("1")
    diarra = roster.get_by_role("row", name=re.compile("DIARRA Aïssata"))
    expect(diarra.get_by_role("cell").last).to_have_text("0")

    # English for a visiting trainer, then back to French.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation").get_by_role("link", name="Workshops")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Session 1 — Sévaré"))).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("navigation").get_by_role("link", name="Ateliers")).to_be_visible()

    assert page_errors == []
