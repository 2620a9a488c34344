"""A custody visit, in a browser, on a tablet (768 px wide): the NPM monitor records an
unannounced visit, answers the instrument, adds an anonymous interview and a recommendation,
then drafts the visit report and downloads it; and the evidence page shows the demo's
difference between units with trained officers and the others, and cells with too few visits."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
NOTE = "Dit avoir été giflé pendant l’interrogatoire de la nuit ; aucune trace visible."


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport=TABLET)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def instrument(reference_data: None) -> None:
    """The visit instrument, which migration custody.0002 loads and the flush takes away."""
    from kalan.custody.instrument import instrument_load

    instrument_load()


@pytest.fixture
def monitor(transactional_db: None) -> Any:
    from kalan.core.models import User
    from kalan.core.roles import Role

    return User.objects.create_user(
        username="aminata.keita",
        password=PASSWORD,
        first_name="Aminata",
        last_name="Keïta",
        role=Role.NPM,
    )


@pytest.fixture
def brigade(programme: Any, instrument: None) -> Any:
    """The Sévaré brigade's custody cells, a place of detention of the registry's unit."""
    from kalan.core.models import Place
    from kalan.custody.models import DetentionPlace
    from kalan.people.models import Corps, Unit

    unit = Unit.objects.create(
        corps=Corps.objects.get(short_name="Gendarmerie"),
        name="Brigade territoriale de Sévaré",
        kind=Unit.Kind.BRIGADE,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré"),
    )
    return DetentionPlace.objects.create(
        unit=unit, name=unit.name, kind=DetentionPlace.Kind.BRIGADE, locality=unit.place
    )


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]


def _record_visit(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/garde-a-vue/visites/nouvelle/")
    expect(page.get_by_role("heading", name="Nouvelle visite")).to_be_visible()
    _fits(page)
    page.get_by_label("Lieu visité").select_option(label="Brigade territoriale de Sévaré")
    page.get_by_label("Date de la visite").fill("14/02/2023")
    page.get_by_label("État").select_option(label="effectuée")
    page.get_by_label("inopinée").check()
    page.get_by_label("Arrivée de l’équipe").fill("09:30")
    page.get_by_label("Départ de l’équipe").fill("12:05")
    page.get_by_label("Aminata Keïta").check()
    page.get_by_label("Équipe reçue par (fonction, grade)").fill("le commandant de brigade")
    page.get_by_label("Hommes majeurs").fill("3")
    page.get_by_label("Femmes majeures").fill("0")
    screenshot(page, "custody-visit-form.png")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Visite enregistrée.")).to_be_visible()


def _answer_instrument(page: Any) -> None:
    from kalan.custody.models import InstrumentItem

    page.get_by_role("link", name="Remplir la grille").click()
    expect(page.get_by_role("heading", name="Grille de visite")).to_be_visible()
    _fits(page)
    items = {item.key: item.pk for item in InstrumentItem.objects.filter(active=True)}
    answers = {
        "register_kept": ("oui", ""),
        "register_complete": ("en partie", "Heures de fin de garde à vue manquantes."),
        "right_lawyer": ("non", "Le droit à l’avocat n’est pas notifié."),
        "minors_separated": ("non vu", ""),
    }
    for key, (value, note) in answers.items():
        question = page.locator(f"#item-{items[key]}")
        question.get_by_label(value, exact=True).check()
        if note:
            question.get_by_label("Note").fill(note)
    page.get_by_label("Inscriptions du registre examinées").fill("30")
    page.get_by_label("Dont au-delà du délai légal").fill("2")
    screenshot(page, "custody-instrument.png")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Grille de visite enregistrée.")).to_be_visible()


def _add_interview(page: Any) -> None:
    page.get_by_role("link", name="Ajouter un entretien").click()
    page.get_by_label("Code anonyme").fill("E-SEV1")
    page.get_by_label("La personne a donné son consentement éclairé").check()
    page.get_by_label("La personne fait état de mauvais traitements").check()
    page.get_by_label("Notes de l’entretien").fill(NOTE)
    _fits(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Entretien E-SEV1 enregistré.")).to_be_visible()


def _add_recommendation(page: Any) -> None:
    page.get_by_role("link", name="Ajouter une recommandation").click()
    page.get_by_label("Recommandation").fill(
        "Notifier par écrit le droit à l’assistance d’un avocat."
    )
    page.get_by_label("Priorité").select_option(label="haute")
    page.get_by_label("Échéance").fill("30/04/2023")
    _fits(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Notifier par écrit le droit à l’assistance d’un avocat.")
    ).to_be_visible()


def test_the_monitor_records_a_visit_and_drafts_its_report_on_a_tablet(
    tablet: Any, page_errors: list[str], live_server: Any, monitor: Any, brigade: Any
) -> None:
    from pypdf import PdfReader

    from kalan.custody.models import Interview, ItemAnswer, Recommendation, Visit
    from kalan.reports.models import VisitReport

    page = tablet.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    log_in(tablet, live_server, monitor)

    _record_visit(page, live_server)
    _answer_instrument(page)
    _add_interview(page)
    _add_recommendation(page)
    visit = Visit.objects.get()
    assert visit.register_over_limit == 2
    assert ItemAnswer.objects.filter(visit=visit).count() == 4
    assert Interview.objects.get().allegation
    assert Recommendation.objects.get().priority == "high"

    page.goto(f"{live_server.url}/garde-a-vue/visites/{visit.uid}/")
    page.get_by_role("link", name="Rapport de visite").click()
    expect(page.get_by_role("heading", name="Rapport de visite", exact=True)).to_be_visible()
    body = page.get_by_label("Texte")
    expect(body).to_contain_text("Heures de fin de garde à vue manquantes.")
    expect(body).to_contain_text("une (1) personne privée de liberté")
    expect(body).to_contain_text("Notifier par écrit le droit à l’assistance d’un avocat.")
    assert "E-SEV1" not in body.input_value() and "giflé" not in body.input_value()
    _fits(page)
    screenshot(page, "custody-visit-report.png")
    page.get_by_label("Signature").fill("Le chef de mission du MNP")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Rapport de visite enregistré.")).to_be_visible()
    assert VisitReport.objects.get().signature == "Le chef de mission du MNP"

    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport en PDF").click()
    data = Path(download.value.path()).read_bytes()
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(data)).pages)
    assert "Le chef de mission du MNP" in text
    assert "E-SEV1" not in text and "giflé" not in text
    assert not page_errors


def test_the_evidence_page_shows_the_demo_difference_and_too_few_visits(
    tablet: Any, live_server: Any, instrument: None
) -> None:
    from kalan.core.models import User
    from kalan.demo.programme import demo_load
    from kalan.reports.evidence_text import gap_text
    from kalan.reports.figures_custody import evidence

    demo_load()
    found = evidence()
    rights = next(row for row in found.themes if row.line.key == "rights")
    assert rights.difference is not None and rights.difference > 0
    page = tablet.new_page()
    log_in(tablet, live_server, User.objects.get(username="mnp"))

    page.goto(f"{live_server.url}/rapports/garde-a-vue/")
    table = page.locator("#comparison")
    row = table.locator("tr", has_text="Notification des droits")
    expect(row).to_contain_text(gap_text(rights.difference, rights.trained, rights.others))
    expect(table).to_contain_text("pas assez de visites pour conclure")
    expect(page.locator("#did")).to_contain_text("pas assez de visites pour conclure")
    screenshot(page, "custody-evidence.png")
