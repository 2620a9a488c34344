"""Roles in the browser: a trainer reaches their own session only, a donor viewer sees figures
and no person. Both log in through the login page, as they would at a venue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/k")  # noqa: S108 (looked at by hand after the run; nothing secret)


@pytest.fixture
def segou_session(sevare_session: Any, officer: Any) -> Any:
    """Another trainer's session, in Ségou, with its own participants."""
    from kalan.core.models import Place
    from kalan.people.models import Corps
    from kalan.people.services import person_create
    from kalan.workshops import services

    session = services.session_create(
        workshop=sevare_session.workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Ségou"),
        venue="Centre Ségou",
        start_date=dt.date(2022, 11, 15),
        end_date=dt.date(2022, 11, 17),
        capacity=40,
        per_diem_rate=25_000,
        transport_rate=15_000,
    )
    police = Corps.objects.get(name="Police nationale")
    for n, (last_name, first_names) in enumerate(
        [("Ouologuem", "Fatoumata"), ("Kanouté", "Seydou"), ("Tapily", "Rokia")]
    ):
        person = person_create(
            last_name=last_name,
            first_names=first_names,
            sex="F" if n % 2 == 0 else "M",
            corps=police,
            rank=police.ranks.order_by("order").first(),
            service_number=f"P-7000{n}",
        )
        services.enrollment_create(session=session, person=person, by=officer)
    return session


def _account(username: str, role: str, **fields: Any) -> Any:
    from kalan.core.models import User

    first_name, last_name = username.split(".")
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first_name.capitalize(),
        last_name=last_name.capitalize(),
        role=role,
        **fields,
    )


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_trainer_opens_their_session_and_finds_nothing_at_another_ones(
    page: Any, page_errors: list[str], live_server: Any, sevare_session: Any, segou_session: Any
) -> None:
    from kalan.core.roles import Role

    trainer = _account("moussa.coulibaly", Role.TRAINER)
    sevare_session.trainers.add(trainer)
    _account("awa.traore", Role.TRAINER).assigned_sessions.add(segou_session)
    _log_in(page, live_server, "moussa.coulibaly")

    # The home page lists their session, and only theirs.
    sessions = page.get_by_role("table")
    expect(sessions.get_by_role("row", name=re.compile("Hôtel La Palmeraie"))).to_be_visible()
    expect(page.get_by_text("Centre Ségou")).to_have_count(0)
    sessions.get_by_role("link", name=re.compile("novembre 2022")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"Session 1 — Sévaré"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("KONATÉ-DEMBÉLÉ 00"))).to_be_visible()

    # The address of the other trainer's session, typed: the page does not exist for them.
    response = page.goto(f"{live_server.url}/sessions/{segou_session.uid}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    content = page.content()
    for name in ("Ouologuem", "Kanouté", "Tapily", "Centre Ségou"):
        assert name.lower() not in content.lower(), name
    assert page_errors == []


def test_a_donor_viewer_sees_the_figures_of_what_its_partner_funds_and_no_person(
    page: Any, page_errors: list[str], live_server: Any, sevare_session: Any, segou_session: Any
) -> None:
    from kalan.core.models import Partner
    from kalan.core.roles import Role
    from kalan.people.models import Person
    from kalan.workshops.models import Funding

    partner = Partner.objects.create(name="EUCAP Sahel Mali", acronym="EUCAP")
    Funding.objects.create(workshop=sevare_session.workshop, partner=partner, amount=12_000_000)
    _account("claire.martin", Role.DONOR, partner=partner)
    _log_in(page, live_server, "claire.martin")

    # Logged in, the donor viewer lands on the page of what its partner funds.
    expect(page).to_have_url(re.compile(r"/partenaire/$"))
    expect(page.get_by_role("heading", name="Ateliers financés par EUCAP")).to_be_visible()
    figures = page.locator("dl.figures")
    # Six of the twelve officers of Sévaré were marked present on the first day.
    expect(figures.locator("div", has_text="Personnes distinctes").locator("dd")).to_have_text("6")
    # Ségou's participants were enrolled but nobody was marked present: it is not held.
    expect(figures.locator("div", has_text="Sessions tenues").locator("dd")).to_have_text("1")
    expect(
        figures.locator("div", has_text="Sessions sans présence enregistrée").locator("dd")
    ).to_have_text("1")
    page.screenshot(path=SCREENSHOTS / "donor.png", full_page=True)
    text = page.content().lower()
    for person in Person.objects.all():
        assert person.last_name.lower() not in text, person.last_name
        assert person.service_number.lower() not in text, person.service_number

    # The registry of persons is not for this role.
    response = page.goto(live_server.url + "/personnes/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "403.png", full_page=True)
    assert "konaté" not in page.content().lower()
    assert page_errors == []
