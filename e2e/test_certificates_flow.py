"""An officer issues and prints a session's certificates; a stranger verifies one by its code."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_prints_certificates_and_a_visitor_verifies_one(
    browser: Any,
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
) -> None:
    from kalan.certificates.models import Certificate
    from kalan.workshops import services

    # Four of the twelve officers attend all three days: the rule (100 %) gives them a
    # certificate; the others came on the first day at most.
    earners = list(sevare_session.enrollments.order_by("person__last_name")[:4])
    for enrollment in earners:
        for day in sevare_session.days:
            services.attendance_set(enrollment=enrollment, day=day, present=True, by=officer)

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(officer.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_role("link", name=re.compile("Attestations de participation")).click()
    expect(page.get_by_role("heading", name="Attestations de participation")).to_be_visible()
    expect(page.locator("#eligible-count")).to_have_text("4")

    page.get_by_role("button", name="Délivrer les attestations").click()
    expect(page.get_by_role("status")).to_contain_text("Attestations délivrées : 4")
    expect(page.locator("#issued-count")).to_have_text("4")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Imprimer toutes les attestations (PDF)").click()
    download = download_info.value
    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(pdf.pages) == 4
    certificate = Certificate.objects.select_related("enrollment__person").order_by("number")[0]
    assert certificate.number in pdf.pages[0].extract_text()
    assert page_errors == []

    # A visitor with no account (a new browser profile) types the code printed on the paper.
    visitor = browser.new_context(locale="fr-FR")
    try:
        stranger = visitor.new_page()
        stranger.goto(f"{live_server.url}/v/")
        stranger.get_by_label("Code de vérification").fill(certificate.short_code.lower())
        stranger.get_by_role("button", name="Vérifier").click()
        expect(stranger).to_have_url(re.compile(f"/v/{certificate.short_code}/$"))
        person = certificate.enrollment.person
        expect(stranger.locator("#verify-name")).to_have_text(
            f"{person.first_names} {person.last_name.upper()}"
        )
        expect(stranger.locator("#verify-state")).to_contain_text("valide")
        expect(stranger.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    finally:
        visitor.close()
