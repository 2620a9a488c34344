"""The paperwork before a workshop, in a browser: the programme officer drafts the terms of
reference of the Sévaré workshop, edits a section, downloads the Word file and marks the version
sent to the donor; the invitation letters to the commands."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep screenshots of the pages for a person to look at (none unless set).
SCREENSHOTS = os.environ.get("KALAN_SCREENSHOTS", "")
CONTEXT = "Les OPJ de Mopti demandent une formation sur la garde à vue depuis 2021."


def _screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def test_the_programme_officer_drafts_the_tdr_downloads_it_and_marks_it_sent(
    page: Any, context: Any, page_errors: list[str], live_server: Any, sevare_session: Any,
    officer: Any, settings: Any, tmp_path: Path,
) -> None:  # fmt: skip
    import docx

    from kalan.core.formats import plain_spaces
    from kalan.core.models import Partner
    from kalan.finance.models import BudgetLine
    from kalan.reports.models import TermsOfReference
    from kalan.workshops.models import Funding

    settings.MEDIA_ROOT = tmp_path / "media"
    workshop = sevare_session.workshop
    eucap = Partner.objects.create(name="Mission EUCAP Sahel Mali", acronym="EUCAP")
    Funding.objects.create(workshop=workshop, partner=eucap, amount=11_500_000)
    BudgetLine.objects.create(
        workshop=workshop, category="per_diem", partner=eucap, planned=900_000
    )
    log_in(context, live_server, officer)

    page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
    page.get_by_role("link", name="Termes de référence").click()
    expect(page.get_by_role("heading", name="Termes de référence", exact=True)).to_be_visible()
    # Drafted from the data: the session, the funder, the budget.
    sessions = plain_spaces(page.get_by_label("Sessions : lieux et dates").input_value())
    assert "Sévaré (région de Mopti)" in sessions and "les 8, 9 et 10 novembre 2022" in sessions
    assert "Mission EUCAP Sahel Mali" in page.get_by_label("Financement").input_value()
    budget = plain_spaces(page.get_by_label("Budget prévisionnel").input_value())
    assert "- Per diem (EUCAP) : 900 000 FCFA" in budget

    page.get_by_label("Contexte et justification").fill(CONTEXT)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Termes de référence enregistrés")
    _screenshot(page, "tdr-edit.png")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Enregistrer et télécharger en Word").click()
    download = download_info.value
    assert download.suggested_filename == f"tdr-atelier-{workshop.pk}-v1-fr.docx"
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = plain_spaces("\n".join(p.text for p in document.paragraphs))
    assert CONTEXT in text
    assert "Hôtel La Palmeraie" in text
    assert "Mission EUCAP Sahel Mali" in text

    page.get_by_role("link", name="Marquer comme envoyé").click()
    page.get_by_label("Envoyé à").select_option(label="Mission EUCAP Sahel Mali (EUCAP)")
    page.get_by_label("Date d’envoi").fill(dt.date(2022, 10, 3).strftime("%d/%m/%Y"))
    _screenshot(page, "tdr-send.png")
    page.get_by_role("button", name="Marquer comme envoyé").click()
    expect(page.get_by_role("status")).to_contain_text("marquée comme envoyée")
    expect(page.locator("#version-1")).to_contain_text("Mission EUCAP Sahel Mali")
    expect(page.locator("#version-1")).to_contain_text("3 octobre 2022")
    sent = TermsOfReference.objects.get(workshop=workshop, version=1)
    assert sent.status == "sent" and sent.sent_to == eucap and sent.sections["context"] == CONTEXT

    # An edit after sending makes version 2; version 1 stays as sent.
    page.get_by_label("Contexte et justification").fill(CONTEXT + " Deuxième version.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("version 2")
    sent.refresh_from_db()
    assert sent.sections["context"] == CONTEXT
    _screenshot(page, "tdr-versions.png")
    assert page_errors == []


# --- the invitation letters (helper "letters") -------------------------------------------------

LETTER_ROUNDS = (
    # The demo's two sessions, each with its region's two commands.
    ("Sévaré", ("Direction régionale de la Police de Mopti", "Région de gendarmerie de Mopti")),
    ("Ségou", ("Direction régionale de la Police de Ségou", "Région de gendarmerie de Ségou")),
)


def test_the_programme_officer_sends_the_invitation_letters_of_both_demo_sessions(
    page: Any, context: Any, page_errors: list[str], live_server: Any, reference_data: None,
    settings: Any, tmp_path: Path,
) -> None:  # fmt: skip
    import zipfile

    from pypdf import PdfReader

    from kalan.core.formats import plain_spaces
    from kalan.core.models import User
    from kalan.custody.instrument import instrument_load
    from kalan.demo.programme import demo_load
    from kalan.documents.models import Letter
    from kalan.workshops.models import Session

    settings.MEDIA_ROOT = tmp_path / "media"
    instrument_load()
    demo_load()
    log_in(context, live_server, User.objects.get(username="programme"))
    number = 0
    for town, commands in LETTER_ROUNDS:
        session = Session.objects.get(place__name=town)
        page.goto(f"{live_server.url}/sessions/{session.uid}/")
        page.get_by_role("link", name="Lettres d’invitation aux commandements").click()
        expect(
            page.get_by_role("heading", name="Lettres d’invitation aux commandements")
        ).to_be_visible()
        for command in commands:
            page.get_by_label(command).check()
        page.get_by_label("Agents demandés à chaque commandement").fill("10")
        page.get_by_label("Date limite de la liste").fill(
            (session.start_date - dt.timedelta(days=10)).strftime("%d/%m/%Y")
        )
        page.get_by_label("Date de la lettre").fill(
            (session.start_date - dt.timedelta(days=25)).strftime("%d/%m/%Y")
        )
        page.get_by_role("button", name="Émettre et numéroter les lettres").click()
        expect(page.get_by_role("status")).to_contain_text("2 lettres émises")
        _screenshot(page, f"letters-{town}.png")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Télécharger les lettres émises").click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
        pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
        assert len(pdfs) == 2 and sum(n.endswith(".xlsx") for n in archive.namelist()) == 2
        for name in pdfs:
            number += 1
            data = archive.read(name)
            text = " ".join(
                plain_spaces(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages
            )
            flat = " ".join(text.split())
            assert f"N° {number:04d}/CNDH/SG/2022" in flat
            assert "dix (10) agents" in flat and session.venue in flat
            assert any(command in flat for command in commands)
            assert "Le Président" in flat
            if SCREENSHOTS and number == 1:
                (Path(SCREENSHOTS) / "letter-0001.pdf").write_bytes(data)
        for command in commands:
            expect(page.locator("#letters")).to_contain_text(command)
    assert Letter.objects.count() == 4
    assert page_errors == []
