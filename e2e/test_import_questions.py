"""Issue 12 in the browser: a command's list whose corps, ranks and units partly differ from the
registry is imported without editing the file, and the same command's next list needs no
answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["N°", "Nom", "Prénoms", "Sexe", "Corps", "Grade", "Matricule", "Unité"]


def _list(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["LÉGION DE GENDARMERIE DE MOPTI — LISTE DES OPJ"])
    sheet.append(HEADER)
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    book.save(path)
    return path


FIRST = [
    ["SANGARÉ", "Oumou", "F", "GN", "Adjt ch.", "G-9001", "Brigade de Ségu"],
    ["TEMBELY", "Seydou", "M", "Gendarmes du Mali", "Adjt ch.", "G-9002", "Poste avancé X"],
    ["KONE", "Bakary", "M", "GN", "Capitaine", "G-9003", "Brigade de Ségu"],
]
NEXT = [
    ["DOLO", "Amadou", "M", "Gendarmes du Mali", "ADJT CH", "G-9101", "Brigade de Ségu"],
    ["GUINDO", "Awa", "F", "GN", "Adjt ch", "G-9102", "Poste avancé X"],
]


def _choose(fieldset: Any, option: str) -> None:
    """Pick, in the question's answer, the first option whose text starts with ``option``."""
    answer = fieldset.get_by_label("Réponse pour toutes ces lignes")
    value = answer.locator("option", has_text=re.compile("^" + re.escape(option))).first
    answer.select_option(value.get_attribute("value"))


def _upload(page: Any, live_server: Any, session: Any, path: Path) -> None:
    page.goto(f"{live_server.url}/sessions/{session.uid}/")
    page.get_by_role("link", name="Importer une liste (Excel, CSV)").click()
    page.get_by_label("Liste des participants").set_input_files(str(path))
    page.get_by_role("button", name="Voir l’aperçu").click()
    expect(page.get_by_role("heading", name=re.compile("Aperçu"))).to_be_visible()


def test_a_list_that_differs_from_the_registry_imports_without_editing_the_file(
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
    tmp_path: Path,
) -> None:
    from kalan.people.models import Person, ReferenceAlias, Unit

    log_in(page.context, live_server, officer)
    _upload(page, live_server, sevare_session, _list(tmp_path / "legion-mopti-1.xlsx", FIRST))
    questions = page.get_by_role("region", name="Valeurs à résoudre")
    expect(questions).to_be_visible()
    # The corps first: the rank and unit of its rows are looked for in it once it is answered.
    expect(page.locator("#question-count")).to_have_text("3")
    expect(page.get_by_role("button", name="Importer", exact=True)).to_be_disabled()

    corps = questions.locator("fieldset", has_text="Corps inconnu : « Gendarmes du Mali »")
    _choose(corps, "Gendarmerie nationale")
    rank = questions.locator("fieldset", has_text="Grade inconnu : « Adjt ch. »")
    _choose(rank, "Adjudant-chef")
    # The town is misspelled: Ségou is proposed, never taken silently.
    brigade = questions.locator("fieldset", has_text="Unité inconnue : « Brigade de Ségu »")
    _choose(brigade, "Nouvelle unité à Ségou")
    page.get_by_role("button", name="Appliquer les réponses").click()

    # The post names no town: created in place, with htmx, without leaving the preview.
    post = page.locator("fieldset", has_text="Unité inconnue : « Poste avancé X »")
    post.get_by_text("Créer cette unité").click()
    post.get_by_label("Nom").fill("Poste avancé de Konna")
    post.get_by_label("Type").select_option(label="poste")
    post.get_by_label("Lieu").fill("Konna")
    konna = page.locator("datalist#places option[value^='Konna (']").first.get_attribute("value")
    post.get_by_label("Lieu").fill(konna)
    post.get_by_role("button", name="Créer et choisir").click()
    expect(page.get_by_text("« Poste avancé de Konna » créé et choisi.")).to_be_visible()
    page.get_by_role("button", name="Appliquer les réponses").click()

    expect(page.locator("#question-count")).to_have_text("0")
    expect(page.locator("#error-count")).to_have_text("0")
    table = page.get_by_role("table", name="Lignes de la liste")
    expect(table.get_by_role("row", name=re.compile("TEMBELY"))).to_contain_text("réponse donnée")
    expect(table.get_by_role("row", name=re.compile("KONE"))).to_contain_text("colonne Corps")
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text(re.compile("Liste importée : 3 personnes créées"))).to_be_visible()

    sangare = Person.objects.get(service_number="G-9001")
    assert (sangare.rank.name, sangare.unit.place.name) == ("Adjudant-chef", "Ségou")
    tembely = Person.objects.get(service_number="G-9002")
    assert tembely.unit == Unit.objects.get(name="Poste avancé de Konna")
    assert tembely.corps.short_name == "Gendarmerie"
    learnt = set(ReferenceAlias.objects.values_list("kind", "text"))
    assert {
        ("corps", "Gendarmes du Mali"),
        ("rank", "Adjt ch."),
        ("unit", "Poste avancé X"),
    } <= learnt

    # The same command's next list: every value is known now, nothing to answer.
    _upload(page, live_server, sevare_session, _list(tmp_path / "legion-mopti-2.xlsx", NEXT))
    expect(page.get_by_role("region", name="Valeurs à résoudre")).to_have_count(0)
    expect(page.locator("#error-count")).to_have_text("0")
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text(re.compile("Liste importée : 2 personnes créées"))).to_be_visible()
    guindo = Person.objects.get(service_number="G-9102")
    assert (guindo.rank.name, guindo.unit.name) == ("Adjudant-chef", "Poste avancé de Konna")
    assert Person.objects.get(service_number="G-9101").unit.place.name == "Ségou"
    assert page_errors == []
