"""The report of a custody visit: what the draft says (and never says: an interview's code or
notes), the edited text in the Word and PDF exports, drafting again, and who may read or edit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import docx
import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import AuditEntry, Organisation, User
from kalan.custody.models import (
    DetentionPlace,
    InstrumentItem,
    Interview,
    ItemAnswer,
    Recommendation,
    RecommendationCheck,
    Visit,
)
from kalan.reports.models import VisitReport
from kalan.reports.visit_report import (
    VisitReportError,
    visit_report_blocks,
    visit_report_draft,
    visit_report_redraft,
    visit_report_save,
)
from kalan.reports.visit_report_files import visit_report_docx, visit_report_pdf
from tests.documents.readers import docx_text, pdf_pages
from tests.factories import UnitFactory, place

pytestmark = pytest.mark.django_db

NOTE = "Il dit avoir été frappé à l’arrivée par l’agent de garde Coulibaly."
CODE = "SEV-23-07"
NNBSP = "\u202f"


def _item(key: str) -> InstrumentItem:
    return InstrumentItem.objects.get(key=key)


def _answers(visit: Visit, values: dict[str, tuple[str, str]]) -> None:
    for key, (value, note) in values.items():
        ItemAnswer.objects.create(visit=visit, item=_item(key), value=value, note=note)


@pytest.fixture
def visit(organisation: Organisation, npm_monitor: User, administrator: User) -> Visit:
    """An unannounced visit to the Sévaré brigade: three persons held, the register checked,
    the instrument answered in part, two interviews (one allegation), two recommendations, and
    the check of a recommendation made at an earlier visit."""
    unit = UnitFactory(name="Brigade territoriale de Sévaré", place=place("Sévaré"))
    detention = DetentionPlace.objects.create(
        unit=unit, name=unit.name, kind=DetentionPlace.Kind.BRIGADE, locality=unit.place
    )
    earlier = Visit.objects.create(
        place=detention,
        kind=Visit.Kind.ANNOUNCED,
        status=Visit.Status.DONE,
        visited_on=dt.date(2022, 6, 2),
    )
    older = Recommendation.objects.create(
        visit=earlier,
        unit=unit,
        text="Installer un point d’eau potable dans la chambre de sûreté.",
        priority=Recommendation.Priority.MEDIUM,
        status=Recommendation.Status.IMPLEMENTED,
    )
    visit = Visit.objects.create(
        place=detention,
        kind=Visit.Kind.UNANNOUNCED,
        status=Visit.Status.DONE,
        visited_on=dt.date(2023, 2, 14),
        arrived_at=dt.time(9, 30),
        left_at=dt.time(12, 5),
        received_by="le commandant de brigade, adjudant-chef",
        held_men=2,
        held_women=1,
        held_boys=0,
        register_examined=40,
        register_over_limit=3,
        summary="Accueil coopératif ; accès à tous les locaux.",
    )
    visit.team.add(npm_monitor, administrator)
    items = InstrumentItem.objects.filter(active=True).order_by("order")
    keys = [item.key for item in items]
    _answers(
        visit,
        {
            keys[0]: ("yes", "Registre coté et paraphé."),
            keys[1]: ("partly", "Heures de fin de garde à vue manquantes."),
            keys[2]: ("no", "Aucune mention de la notification des droits."),
            keys[3]: ("not_seen", "Pas vérifié : registre médical absent."),
        },
    )
    Interview.objects.create(visit=visit, code=CODE, consent=True, allegation=True, notes=NOTE)
    Interview.objects.create(
        visit=visit, code="SEV-23-08", consent=True, allegation=False, notes="Rien à signaler."
    )
    Recommendation.objects.create(
        visit=visit,
        unit=unit,
        text="Mentionner au registre l’heure de fin de chaque garde à vue.",
        priority=Recommendation.Priority.HIGH,
        due_on=dt.date(2023, 4, 30),
    )
    Recommendation.objects.create(
        visit=visit,
        authority="Procureur de la République près le tribunal de Mopti",
        text="Contrôler les prolongations de garde à vue.",
        priority=Recommendation.Priority.LOW,
    )
    RecommendationCheck.objects.create(
        recommendation=older, visit=visit, finding="implemented", note="Fontaine installée."
    )
    return visit


def _plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace("\u00a0", " ")


def test_the_draft_says_what_the_visit_found(visit: Visit) -> None:
    draft = visit_report_draft(visit=visit)
    text = _plain(f"{draft.title}\n{draft.body}")

    assert draft.title.startswith("Rapport de visite")
    assert "Brigade territoriale de Sévaré" in draft.title
    assert "14 février 2023" in draft.title
    assert "La CNDH, en sa qualité de Mécanisme national de prévention" in text
    assert "visite inopinée à la Brigade territoriale de Sévaré" in text
    assert "mardi 14 février 2023, de 9 h 30 à 12 h 05" in text
    assert "Équipe de visite : Aminata Keïta et Boubacar Keïta." in text
    assert "L’équipe a été reçue par le commandant de brigade, adjudant-chef." in text
    assert "trois (3) personnes étaient gardées à vue" in text
    assert "- hommes majeurs : 2" in text
    assert "- femmes majeures : 1" in text
    assert "garçons mineurs" not in text  # zero: not listed
    assert "quarante (40) inscriptions" in text
    assert "trois (3) font apparaître une garde à vue au-delà du délai légal" in text
    assert "Constat : en partie. Heures de fin de garde à vue manquantes." in text
    assert "Constat : non. Aucune mention de la notification des droits." in text
    # A compliant item and one not seen are counted, not detailed.
    assert "Registre coté et paraphé." not in text
    assert "registre médical absent" not in text
    assert "deux (2) personnes privées de liberté" in text
    assert "Une (1) d’entre elles a fait état de mauvais traitements" in text
    assert "Accueil coopératif" in text
    assert (
        "Mentionner au registre l’heure de fin de chaque garde à vue. (destinataire : "
        "Brigade territoriale de Sévaré ; priorité haute ; échéance : 30 avril 2023)"
    ) in text
    assert "destinataire : Procureur de la République près le tribunal de Mopti ; " in text
    assert "priorité basse)" in text
    assert "Installer un point d’eau potable" in text
    assert "(visite du 2 juin 2022) : mise en œuvre constatée. Fontaine installée." in text


def test_the_draft_never_holds_an_interview_code_or_note(visit: Visit) -> None:
    draft = visit_report_draft(visit=visit)
    text = _plain(f"{draft.title}\n{draft.body}")

    assert CODE not in text and "SEV-23-08" not in text
    assert "frappé" not in text and "Coulibaly" not in text and "Rien à signaler" not in text


def test_the_draft_has_french_typography_and_sections(visit: Visit) -> None:
    draft = visit_report_draft(visit=visit)
    blocks = visit_report_blocks(draft.body)
    headings = [b.text for b in blocks if b.kind == "heading"]

    assert f"Rapport de visite{NNBSP}:" in draft.title
    assert "'" not in draft.body
    assert headings == [
        "Présentation de la visite",
        "Personnes gardées à vue à l’arrivée de l’équipe",
        "Registre de garde à vue",
        "Constats",
        "Entretiens individuels",
        "Observations générales",
        "Recommandations",
        "Suivi des recommandations antérieures",
    ]
    assert [b.text for b in blocks if b.kind == "subheading"][:1] == ["Registre de garde à vue"]


def test_a_visit_with_nothing_recorded_says_so(visit: Visit) -> None:
    bare = Visit.objects.create(
        place=visit.place, kind=Visit.Kind.ANNOUNCED, visited_on=dt.date(2023, 5, 2)
    )
    text = _plain(visit_report_draft(visit=bare).body)

    assert "n’a pas été relevé" in text
    assert "n’a pas fait l’objet d’un décompte" in text
    assert "La grille de visite n’a pas été renseignée" in text
    assert "Aucun entretien individuel" in text
    assert "Aucune recommandation" in text
    assert "Suivi des recommandations" not in text


def test_the_exports_print_what_was_saved_never_an_interview_note(
    visit: Visit, npm_monitor: User
) -> None:
    draft = visit_report_draft(visit=visit)
    report = visit_report_save(
        visit=visit,
        title="Rapport de la visite inopinée de Sévaré",
        body=draft.body + "\n\n# Conclusion\n\nL'équipe remercie le commandant : accueil cordial.",
        signature="Le chef de mission",
        by=npm_monitor,
    )

    word = docx_text(visit_report_docx(report=report))
    pdf = "\n".join(pdf_pages(visit_report_pdf(report=report)))
    document = docx.Document(io.BytesIO(visit_report_docx(report=report)))
    styles = {p.style.name for p in document.paragraphs}

    for text in (word, " ".join(pdf.split())):
        assert "Rapport de la visite inopinée de Sévaré" in text
        assert "Visite inopinée du 14 février 2023 · brigade de gendarmerie · Sévaré" in text
        assert "L’équipe remercie le commandant : accueil cordial." in text
        assert "Heures de fin de garde à vue manquantes." in text
        assert "Le chef de mission" in text
        assert CODE not in text and "frappé" not in text
    assert "Commission nationale des droits de l’homme" in word
    assert {"Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= styles
    conclusion = next(p for p in document.paragraphs if p.text.startswith("L’équipe remercie"))
    assert f"commandant{NNBSP}: accueil" in conclusion.text


def test_saving_keeps_what_the_monitor_wrote_and_redrafting_replaces_it(
    visit: Visit, npm_monitor: User
) -> None:
    visit_report_save(
        visit=visit, title="Titre à la main", body="Texte à la main.", signature="MNP", by=None
    )
    report = visit_report_redraft(visit=visit, by=npm_monitor)

    assert VisitReport.objects.count() == 1
    assert report.title.startswith("Rapport de visite")
    assert "Texte à la main" not in report.body
    assert report.signature == "MNP"
    assert report.updated_by == npm_monitor


def test_an_empty_title_is_refused_and_nothing_saved(visit: Visit) -> None:
    with pytest.raises(VisitReportError) as error:
        visit_report_save(visit=visit, title="  ", body="Texte.", signature="", by=None)

    assert error.value.code == "invalid"
    assert error.value.field == "title"
    assert not VisitReport.objects.exists()


def test_the_monitor_edits_and_downloads_the_report(
    visit: Visit, npm_monitor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(npm_monitor)
    url = reverse("visit_report", kwargs={"uid": visit.uid})

    page = client.get(url)
    saved = client.post(url, {"title": "Mon titre", "body": "Mon texte.", "signature": "MNP"})
    pdf = client.get(reverse("visit_report_pdf", kwargs={"uid": visit.uid}))

    assert page.status_code == 200
    assert "Registre de garde à vue" in page.content.decode()
    assert saved.status_code == 302
    report = VisitReport.objects.get(visit=visit)
    assert (report.title, report.body, report.updated_by) == (
        "Mon titre",
        "Mon texte.",
        npm_monitor,
    )
    assert pdf.status_code == 200
    assert "Mon texte." in " ".join(pdf_pages(pdf.content))
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, detail__list="visit_report"
    ).exists()


def test_save_then_download_goes_to_the_file(
    visit: Visit, npm_monitor: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("visit_report", kwargs={"uid": visit.uid})
    response = client_for(npm_monitor).post(
        url, {"title": "T", "body": "B.", "signature": "", "then": "docx"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("visit_report_docx", kwargs={"uid": visit.uid})


def test_the_redraft_page_asks_then_replaces(
    visit: Visit, npm_monitor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(npm_monitor)
    url = reverse("visit_report_redraft", kwargs={"uid": visit.uid})
    visit_report_save(visit=visit, title="T", body="B.", signature="", by=None)

    assert client.get(url).status_code == 200
    assert VisitReport.objects.get().body == "B."
    assert client.post(url).status_code == 302
    assert VisitReport.objects.get().title.startswith("Rapport de visite")


def test_a_programme_officer_reads_the_report_but_may_not_edit_it(
    visit: Visit, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(programme_officer)
    url = reverse("visit_report", kwargs={"uid": visit.uid})

    page = client.get(url)
    refused = client.post(url, {"title": "X", "body": "Y", "signature": ""})

    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()
    assert "Registre de garde à vue" in page.content.decode()
    assert refused.status_code == 403
    assert (
        client.post(reverse("visit_report_redraft", kwargs={"uid": visit.uid})).status_code == 403
    )
    assert not VisitReport.objects.exists()
    assert client.get(reverse("visit_report_docx", kwargs={"uid": visit.uid})).status_code == 200


@pytest.mark.parametrize("who", ["trainer", "finance_officer", "donor_viewer", "outsider"])
def test_roles_without_custody_see_nothing(
    who: str, visit: Visit, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(who))
    for name in ("visit_report", "visit_report_docx", "visit_report_pdf"):
        assert client.get(reverse(name, kwargs={"uid": visit.uid})).status_code == 403


def test_an_unknown_visit_answers_404(
    organisation: Organisation, npm_monitor: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("visit_report", kwargs={"uid": "00000000-0000-4000-8000-000000000000"})

    assert client_for(npm_monitor).get(url).status_code == 404
