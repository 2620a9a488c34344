"""A laptop at a venue has no Internet: every page must come whole from Kalan itself."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_ask_nothing_of_any_other_host(
    page: Any, page_errors: list[str], live_server: Any, officer: Any, sevare_session: Any
) -> None:
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(officer.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    navigation = page.get_by_role("navigation")
    for name in ("Plans", "Ateliers", "Personnes", "Accueil"):
        navigation.get_by_role("link", name=name).click()
        page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_label("Rechercher une personne déjà enregistrée").fill("konaté")
    expect(page.get_by_text("Aucune personne trouvée")).to_be_visible()  # all are enrolled
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state("networkidle")

    assert requested, "no request recorded"
    # data: URLs (inline images in the style sheet) name no host.
    elsewhere = [url for url in requested if not url.startswith((live_server.url + "/", "data:"))]
    assert elsewhere == []
    assert failed == []
    assert page_errors == []
