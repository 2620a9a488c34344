"""Terms of reference of a workshop: what the draft says (against counts made here from the
records, never through ``kalan.reports.tdr``), in French and in English; the Word and PDF files
parsed back; versions (a sent version never changes, the next edit makes version 2); bad input;
who may.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from kalan.assessments.models import CurriculumObjective, Module
from kalan.core.formats import plain_spaces
from kalan.core.models import AuditEntry, Organisation, Partner, User
from kalan.finance.models import BudgetLine
from kalan.reports.models import TermsOfReference
from kalan.reports.tdr import (
    SECTION_KEYS,
    TdrError,
    tdr_current,
    tdr_draft,
    tdr_redraft,
    tdr_save,
    tdr_send,
    tdr_sent_file,
)
from kalan.reports.tdr_files import tdr_docx, tdr_pdf
from kalan.workshops.models import Enrollment, Session, Workshop
from tests.documents.readers import docx_text, pdf_pages
from tests.factories import (
    EnrollmentFactory,
    FundingFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    corps,
    place,
)

pytestmark = pytest.mark.django_db

MANDATE = "Promouvoir et protéger les droits de l’homme au Mali."
SENT_ON = dt.date(2022, 10, 3)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ddc(db: None) -> Partner:
    return PartnerFactory(name="Coopération suisse", acronym="DDC", name_en="Swiss Cooperation")


@pytest.fixture
def prepared(
    organisation: Organisation,
    workshop: Workshop,
    sevare_session: Session,
    funder: Partner,
    ddc: Partner,
    trainer: User,
) -> Workshop:
    """The conftest's workshop with a second session, participants of two corps (one withdrawn),
    a facilitator, a trainer, a module, two funders and a budget of three lines."""
    organisation.mandate = MANDATE
    organisation.save()
    workshop.title_en = "Human rights in judicial police investigations"
    workshop.save()
    first = workshop.objectives.order_by("order").first()
    assert first is not None
    first.text_en = "Know the rights of a person in police custody."
    first.save()
    SessionFactory(workshop=workshop, place=place("Ségou"), venue="Hôtel Djoliba", capacity=30,
                   start_date=dt.date(2022, 11, 14))  # fmt: skip
    gendarmerie, police = corps("Gendarmerie"), corps("Police")
    for body in (gendarmerie, gendarmerie, gendarmerie, police, police):
        EnrollmentFactory(session=sevare_session, person=PersonFactory(corps=body))
    EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(corps=police),
        status=Enrollment.Status.WITHDRAWN,
    )
    EnrollmentFactory(
        session=sevare_session,
        person=PersonFactory(last_name="Sidibé", first_names="Nana", corps=None),
        role=Enrollment.Role.FACILITATOR,
    )
    sevare_session.trainers.add(trainer)
    objective = CurriculumObjective.objects.create(code="OBJ-T1", text="Droits en garde à vue")
    objective.workshop_objectives.add(first)
    Module.objects.create(
        code="M-T1",
        title="Garde à vue : durée et registre",
        title_en="Custody: length and register",
        objective=objective,
    )
    FundingFactory(workshop=workshop, partner=funder, amount=12_000_000)
    FundingFactory(workshop=workshop, partner=ddc, amount=500_000)
    BudgetLine.objects.create(
        workshop=workshop, category="venue", partner=funder, planned=2_000_000
    )
    BudgetLine.objects.create(
        workshop=workshop, category="per_diem", partner=funder, planned=3_000_000
    )
    BudgetLine.objects.create(workshop=workshop, category="transport", partner=ddc, planned=500_000)
    return workshop


def lines(text: str) -> list[str]:
    return [plain_spaces(line) for line in text.splitlines()]


# --- the draft ----------------------------------------------------------------------------------


def test_french_draft_states_objectives_sessions_and_numbers_by_corps(prepared: Workshop) -> None:
    draft = tdr_draft(workshop=prepared, language="fr")
    assert set(draft) == set(SECTION_KEYS)
    objectives = [o.text for o in prepared.objectives.order_by("order")]
    assert lines(draft["specific_objectives"]) == [f"- {text}" for text in objectives]
    assert plain_spaces(draft["general_objective"]) == prepared.general_objective
    capacity = sum(s.capacity for s in prepared.sessions.all())
    assert capacity == 70
    audience = lines(draft["audience"])
    assert f"Effectif prévu : {capacity} participants (40 à Sévaré et 30 à Ségou)." in audience
    # Counted here: participants enrolled and not withdrawn, by corps; the facilitator is not one.
    enrolled = Enrollment.objects.filter(session__workshop=prepared, role="participant").exclude(
        status="withdrawn"
    )
    by_corps = {
        name: enrolled.filter(person__corps__name=name).count()
        for name in (corps("Gendarmerie").name, corps("Police").name)
    }
    assert by_corps == {corps("Gendarmerie").name: 3, corps("Police").name: 2}
    assert f"Inscrits à ce jour : {enrolled.count()}, dont :" in audience
    for name, count in by_corps.items():
        assert f"- {name} : {count}" in audience
    sessions = lines(draft["sessions"])
    assert sessions == [
        "- Session 1 : Sévaré (région de Mopti), à l’Hôtel La Palmeraie, "
        "les 8, 9 et 10 novembre 2022 (40 places)",
        "- Session 2 : Ségou (région de Ségou), à l’Hôtel Djoliba, "
        "les 14, 15 et 16 novembre 2022 (30 places)",
    ]
    agenda = lines(draft["agenda"])
    assert sum(1 for line in agenda if line.startswith("- Jour ")) == 6  # 3 days x 2 sessions
    assert (
        "- Jour 1, mardi 8 novembre 2022 : cérémonie d’ouverture, pré-test, premiers modules"
        in (agenda)
    )
    assert "- Garde à vue : durée et registre" in lines(draft["methodology"])
    assert lines(draft["facilitators"]) == ["- Nana Sidibé", "- Moussa Coulibaly"]
    assert MANDATE in plain_spaces(draft["context"])
    assert f"Axe {prepared.axis.number}" in draft["context"]


def test_french_draft_budget_and_funders_are_the_budget_lines_and_fundings(
    prepared: Workshop,
) -> None:
    draft = tdr_draft(workshop=prepared, language="fr")
    planned = sum(line.planned for line in BudgetLine.objects.filter(workshop=prepared))
    assert planned == 5_500_000
    assert lines(draft["budget"]) == [
        "Budget prévisionnel total : 5 500 000 FCFA.",
        "- Salle et logistique (EUCAP) : 2 000 000 FCFA",
        "- Per diem (EUCAP) : 3 000 000 FCFA",
        "- Transport (DDC) : 500 000 FCFA",
    ]
    assert lines(draft["funders"]) == [
        "L’atelier est financé par :",
        "- EUCAP Sahel Mali : 12 000 000 FCFA",
        "- Coopération suisse : 500 000 FCFA",
    ]


def test_english_draft_takes_the_english_fields(prepared: Workshop) -> None:
    draft = tdr_draft(workshop=prepared, language="en")
    assert draft["title"] == (
        "Terms of reference of the workshop “Human rights in judicial police investigations”"
    )
    first, second = prepared.objectives.order_by("order")
    # The second objective has no English text: the French is quoted.
    assert lines(draft["specific_objectives"]) == [f"- {first.text_en}", f"- {second.text}"]
    assert "- Custody: length and register" in lines(draft["methodology"])
    assert "Planned number: 70 participants (40 in Sévaré and 30 in Ségou)." in lines(
        draft["audience"]
    )
    assert "Total planned budget: 5,500,000 FCFA." in lines(draft["budget"])
    assert "- Swiss Cooperation: 500,000 FCFA" in lines(draft["funders"])
    assert "- Day 1, Tuesday 8 November 2022: opening ceremony, pre-test, first modules" in lines(
        draft["agenda"]
    )


def test_draft_without_budget_lines_says_so(workshop: Workshop, sevare_session: Session) -> None:
    draft = tdr_draft(workshop=workshop, language="fr")
    assert lines(draft["budget"]) == ["Le budget prévisionnel détaillé n’est pas encore saisi."]
    assert lines(draft["funders"]) == ["Le financement reste à trouver."]


def test_unknown_language_is_refused(workshop: Workshop) -> None:
    with pytest.raises(TdrError) as raised:
        tdr_draft(workshop=workshop, language="de")
    assert raised.value.code == "language_unknown"


# --- the files ----------------------------------------------------------------------------------


def _edited(workshop: Workshop, language: str = "fr") -> dict[str, str]:
    sections = dict(tdr_current(workshop=workshop, language=language).sections)
    sections["context"] = "Contexte réécrit à la main.\n- premier point\n- second point"
    return sections


def test_word_and_pdf_print_the_saved_sections(prepared: Workshop, programme_officer: User) -> None:
    tdr = tdr_save(
        workshop=prepared, language="fr", sections=_edited(prepared), by=programme_officer
    )
    text = docx_text(tdr_docx(tdr=tdr))
    pdf = "\n".join(pdf_pages(tdr_pdf(tdr=tdr)))
    for printed in (text, pdf):
        assert "Commission nationale des droits de l’homme" in printed
        assert "Version 1" in printed
        assert "1. Contexte et justification" in printed
        assert "Contexte réécrit à la main." in printed
        assert "premier point" in printed
        assert "11. Financement" in printed
        assert "EUCAP Sahel Mali : 12 000 000 FCFA" in printed
        assert "Per diem (EUCAP) : 3 000 000 FCFA" in printed
        assert "Session 2 : Ségou (région de Ségou)" in printed
        assert "Nana Sidibé" in printed
    # The items are Word list items, not paragraphs starting with « - ».
    document = docx.Document(io.BytesIO(tdr_docx(tdr=tdr)))
    items = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "premier point" in items
    assert not any(p.text.startswith("- ") for p in document.paragraphs)


def test_english_files_have_english_headings(prepared: Workshop, programme_officer: User) -> None:
    tdr = tdr_save(
        workshop=prepared,
        language="en",
        sections=dict(tdr_current(workshop=prepared, language="en").sections),
        by=programme_officer,
    )
    for printed in (docx_text(tdr_docx(tdr=tdr)), "\n".join(pdf_pages(tdr_pdf(tdr=tdr)))):
        assert "1. Background and rationale" in printed
        assert "Total planned budget: 5,500,000 FCFA." in printed
        assert "Contexte et justification" not in printed


# --- versions -----------------------------------------------------------------------------------


def test_a_sent_version_never_changes_and_the_next_edit_makes_version_2(
    prepared: Workshop, programme_officer: User, funder: Partner
) -> None:
    tdr_save(workshop=prepared, language="fr", sections=_edited(prepared), by=programme_officer)
    sent = tdr_send(
        workshop=prepared, language="fr", partner=funder, sent_on=SENT_ON, by=programme_officer,
        today=dt.date(2022, 10, 4),
    )  # fmt: skip
    sections, docx_bytes, pdf_bytes = (
        dict(sent.sections),
        tdr_sent_file(tdr=sent, fmt="docx"),
        tdr_sent_file(tdr=sent, fmt="pdf"),
    )
    assert "Version 1 — envoyée le 3 octobre 2022 à EUCAP Sahel Mali" in docx_text(docx_bytes)
    assert "Contexte réécrit à la main." in "\n".join(pdf_pages(pdf_bytes))
    # After sending, the page starts from the text sent, as version 2.
    current = tdr_current(workshop=prepared, language="fr")
    assert (current.pk, current.version, current.sections) == (None, 2, sections)
    edited = dict(sections, context="Nouveau contexte.")
    second = tdr_save(workshop=prepared, language="fr", sections=edited, by=programme_officer)
    assert second.version == 2 and second.pk != sent.pk
    # The data change and the draft is written again: version 1 stays as sent.
    prepared.title = "Un autre intitulé"
    prepared.save()
    tdr_redraft(workshop=prepared, language="fr", by=programme_officer)
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.sections == sections
    assert (sent.sent_on, sent.sent_to, sent.sent_by) == (SENT_ON, funder, programme_officer)
    assert tdr_sent_file(tdr=sent, fmt="docx") == docx_bytes
    assert tdr_sent_file(tdr=sent, fmt="pdf") == pdf_bytes
    versions = TermsOfReference.objects.filter(workshop=prepared, language="fr")
    assert sorted(versions.values_list("version", "status")) == [(1, "sent"), (2, "draft")]
    assert "Un autre intitulé" in versions.get(version=2).sections["title"]


def test_languages_have_their_own_versions(prepared: Workshop, programme_officer: User) -> None:
    tdr_save(workshop=prepared, language="fr", sections=_edited(prepared), by=programme_officer)
    english = tdr_save(
        workshop=prepared, language="en", sections=_edited(prepared, "en"), by=programme_officer
    )
    assert english.version == 1


@pytest.mark.parametrize(
    ("partner", "sent_on", "code"),
    [
        (False, SENT_ON, "partner_required"),
        (True, dt.date(2022, 10, 5), "sent_on_future"),
    ],
)
def test_sending_refuses_bad_input_and_changes_nothing(
    prepared: Workshop,
    programme_officer: User,
    funder: Partner,
    partner: bool,
    sent_on: dt.date,
    code: str,
) -> None:
    draft = tdr_save(
        workshop=prepared, language="fr", sections=_edited(prepared), by=programme_officer
    )
    with pytest.raises(TdrError) as raised:
        tdr_send(
            workshop=prepared, language="fr", partner=funder if partner else None,
            sent_on=sent_on, by=programme_officer, today=dt.date(2022, 10, 4),
        )  # fmt: skip
    assert raised.value.code == code
    draft.refresh_from_db()
    assert (draft.status, draft.sent_on, draft.docx_file.name) == ("draft", None, "")


def test_sending_what_nobody_saved_is_refused(prepared: Workshop, funder: Partner) -> None:
    with pytest.raises(TdrError) as raised:
        tdr_send(workshop=prepared, language="fr", partner=funder, sent_on=SENT_ON, by=None)
    assert raised.value.code == "not_saved"
    assert not TermsOfReference.objects.exists()


def test_an_empty_title_is_refused(prepared: Workshop) -> None:
    sections = dict(_edited(prepared), title="   ")
    with pytest.raises(TdrError) as raised:
        tdr_save(workshop=prepared, language="fr", sections=sections, by=None)
    assert (raised.value.code, raised.value.field) == ("title_required", "title")
    assert not TermsOfReference.objects.exists()


def test_the_database_refuses_a_sent_version_without_its_files(
    prepared: Workshop, funder: Partner
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsOfReference.objects.create(
            workshop=prepared, language="fr", version=1, sections={}, status="sent",
            sent_on=SENT_ON, sent_to=funder, drafted_at=dt.datetime(2022, 10, 1, tzinfo=dt.UTC),
        )  # fmt: skip


def test_the_database_refuses_two_drafts_of_one_language(prepared: Workshop) -> None:
    when = dt.datetime(2022, 10, 1, tzinfo=dt.UTC)
    TermsOfReference.objects.create(workshop=prepared, language="fr", version=1, drafted_at=when)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsOfReference.objects.create(
            workshop=prepared, language="fr", version=2, drafted_at=when
        )


# --- the pages ----------------------------------------------------------------------------------


def _url(name: str, workshop: Workshop, language: str = "fr", **extra: object) -> str:
    return reverse(name, kwargs={"pk": workshop.pk, "language": language, **extra})


def test_officer_edits_previews_sends_and_downloads_the_version_as_sent(
    prepared: Workshop,
    programme_officer: User,
    funder: Partner,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(programme_officer)
    page = client.get(_url("workshop_tdr", prepared))
    assert page.status_code == 200
    assert "Nana Sidibé" in page.content.decode()
    data = dict(_edited(prepared), then="preview")
    response = client.post(_url("workshop_tdr", prepared), data)
    assert response.status_code == 302
    assert response["Location"] == _url("workshop_tdr_preview", prepared)
    preview = client.get(response["Location"]).content.decode()
    assert "Contexte réécrit à la main." in preview and "<li>premier point</li>" in preview
    response = client.post(
        _url("workshop_tdr_send", prepared),
        {"sent_to": funder.pk, "sent_on": SENT_ON.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    sent = TermsOfReference.objects.get(workshop=prepared, version=1)
    assert sent.status == "sent" and sent.sent_to == funder
    download = client.get(_url("workshop_tdr_version", prepared, version=1, fmt="docx"))
    assert download.status_code == 200
    assert download.content == tdr_sent_file(tdr=sent, fmt="docx")
    assert "no-store" in download["Cache-Control"]
    assert AuditEntry.objects.filter(action="export", detail__list="terms_of_reference").exists()
    page = client.get(_url("workshop_tdr", prepared)).content.decode()
    assert 'id="version-1"' in page and "EUCAP Sahel Mali" in page
    assert "Aïssata Traoré" in page  # who sent it


def test_the_page_shows_errors_in_french_and_saves_nothing(
    prepared: Workshop, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(programme_officer)
    response = client.post(_url("workshop_tdr", prepared), dict(_edited(prepared), title=""))
    assert response.status_code == 200
    assert "Le titre est obligatoire." in response.content.decode()
    assert not TermsOfReference.objects.exists()
    client.post(_url("workshop_tdr", prepared), _edited(prepared))
    response = client.post(
        _url("workshop_tdr_send", prepared), {"sent_to": "", "sent_on": "32/13/2022"}
    )
    page = response.content.decode()
    assert "Choisissez le partenaire destinataire." in page
    assert "Date invalide" in page
    assert TermsOfReference.objects.get().status == "draft"


def test_a_future_sending_date_is_refused_at_its_field(
    prepared: Workshop,
    programme_officer: User,
    funder: Partner,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(programme_officer)
    client.post(_url("workshop_tdr", prepared), _edited(prepared))
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = client.post(
        _url("workshop_tdr_send", prepared),
        {"sent_to": funder.pk, "sent_on": tomorrow.strftime("%d/%m/%Y")},
    )
    assert (
        "La date d’envoi ne peut pas être postérieure à aujourd’hui." in response.content.decode()
    )
    assert TermsOfReference.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("administrator", 200),
        ("programme_officer", 200),
        ("trainer", 403),
        ("monitoring_officer", 403),
        ("finance_officer", 403),
        ("communication_officer", 403),
        ("donor_viewer", 403),
        ("npm_monitor", 403),
        ("outsider", 403),
    ],
)
def test_only_who_writes_correspondence_may_open_the_tdr(
    prepared: Workshop,
    client_for: Callable[[User], Client],
    request: pytest.FixtureRequest,
    user: str,
    status: int,
) -> None:
    client = client_for(request.getfixturevalue(user))
    for name in ("workshop_tdr", "workshop_tdr_preview", "workshop_tdr_pdf"):
        assert client.get(_url(name, prepared)).status_code == status
    response = client.post(_url("workshop_tdr", prepared), _edited(prepared))
    assert response.status_code == (302 if status == 200 else 403)


def test_the_workshop_page_links_to_the_tdr_for_who_may_only(
    prepared: Workshop,
    programme_officer: User,
    communication_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    link = _url("workshop_tdr", prepared)
    detail = reverse("workshop_detail", kwargs={"pk": prepared.pk})
    assert link in client_for(programme_officer).get(detail).content.decode()
    assert link not in client_for(communication_officer).get(detail).content.decode()
