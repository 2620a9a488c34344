"""A programme officer imports a command's Excel list into a session from the browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _command_list(path: Path) -> Path:
    """The way a legion sends it: a merged title, a header Kalan cannot guess ("Agent")."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["GENDARMERIE NATIONALE — LÉGION DE MOPTI"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["N°", "Agent", "Prénoms", "Grade", "N° Mle", "Sexe"])
    sheet.append([1, "SANGARÉ", "Oumou", "Adjudant", "G-9001", "F"])
    sheet.append([2, "TEMBELY", "Seydou", "Major", "G-9002", "M"])
    sheet.append(["TOTAL", "=COUNTA(B4:B5)"])
    book.save(path)
    return path


def test_an_officer_imports_a_list_fixes_a_column_and_sees_the_roster(
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
    tmp_path: Path,
) -> None:
    from kalan.people.models import Person

    log_in(page.context, live_server, officer)
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_role("link", name="Importer une liste (Excel, CSV)").click()
    page.get_by_label("Liste des participants").set_input_files(
        str(_command_list(tmp_path / "liste-legion-mopti.xlsx"))
    )
    page.get_by_role("button", name="Voir l’aperçu").click()

    # The names column was not recognised: the preview says so and will not import yet.
    expect(page.get_by_role("heading", name=re.compile("Aperçu"))).to_be_visible()
    expect(page.get_by_text("Aucune colonne n’est reconnue comme le nom")).to_be_visible()
    expect(page.get_by_role("button", name="Importer", exact=True)).to_be_disabled()

    page.get_by_label("Agent").select_option("last_name")
    page.get_by_label("Corps des lignes qui n’en indiquent pas").select_option(
        label="Gendarmerie nationale"
    )
    page.get_by_role("button", name="Mettre à jour l’aperçu").click()
    table = page.get_by_role("table", name="Lignes de la liste")
    expect(table.get_by_role("row", name=re.compile("SANGARÉ.*Oumou"))).to_contain_text(
        "nouvelle personne"
    )
    expect(page.locator("#error-count")).to_have_text("0")

    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text(re.compile("Liste importée : 2 personne"))).to_be_visible()
    roster = page.get_by_role("table", name="Liste des participants et présences")
    expect(roster.get_by_role("row", name=re.compile("SANGARÉ Oumou"))).to_be_visible()
    expect(roster.get_by_role("row", name=re.compile("TEMBELY Seydou"))).to_be_visible()
    assert Person.objects.get(service_number="G-9001").corps.short_name == "Gendarmerie"
    assert page_errors == []
