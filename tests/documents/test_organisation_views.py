from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django import Settings

from kalan.core.models import Organisation, User
from kalan.workshops.models import Session
from tests.factories import EnrollmentFactory

ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), "darkgreen").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# --- Session documents ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "content_type"),
    [
        ("sign_in_sheets", {}, "application/pdf"),
        ("sign_in_sheet_day", {"day": "2022-11-09"}, "application/pdf"),
        ("sign_in_sheets_blank", {}, "application/pdf"),
        ("session_badges", {}, "application/pdf"),
        (
            "session_participants_docx",
            {},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "session_attendance_docx",
            {},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_session_documents_download(
    client_for: ClientFor,
    trainer: User,
    sevare_session: Session,
    organisation: Organisation,
    name: str,
    kwargs: dict[str, str],
    content_type: str,
) -> None:
    sevare_session.trainers.add(trainer)
    enrollment = EnrollmentFactory(session=sevare_session)
    url = reverse(name, kwargs={"uid": sevare_session.uid, **kwargs})
    response = client_for(trainer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"atelier-{sevare_session.workshop_id}-session-1" in disposition
    assert enrollment.person.last_name.lower() not in disposition.lower()
    assert response.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_a_day_outside_the_session_is_not_found(
    client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)
    inside = reverse("sign_in_sheet_day", kwargs={"uid": sevare_session.uid, "day": "2022-11-09"})
    assert client_for(trainer).get(inside).status_code == 200
    for day in ["2022-11-11", "demain"]:
        url = reverse("sign_in_sheet_day", kwargs={"uid": sevare_session.uid, "day": day})
        assert client_for(trainer).get(url).status_code == 404


def test_a_trainer_gets_no_document_of_a_session_not_assigned_to_them(
    client_for: ClientFor, trainer: User, sevare_session: Session
) -> None:
    EnrollmentFactory(session=sevare_session)
    for name in ["sign_in_sheets", "session_badges", "session_participants_docx"]:
        url = reverse(name, kwargs={"uid": sevare_session.uid})
        assert client_for(trainer).get(url).status_code == 404


def test_session_documents_need_a_login(client: Client, sevare_session: Session) -> None:
    response = client.get(reverse("session_badges", kwargs={"uid": sevare_session.uid}))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_session_page_links_to_its_documents(
    client_for: ClientFor, trainer: User, sevare_session: Session, organisation: Organisation
) -> None:
    sevare_session.trainers.add(trainer)
    response = client_for(trainer).get(
        reverse("session_detail", kwargs={"uid": sevare_session.uid})
    )
    page = response.content.decode()
    for name in ["sign_in_sheets", "sign_in_sheets_blank", "session_badges"]:
        assert reverse(name, kwargs={"uid": sevare_session.uid}) in page
    for day in sevare_session.days:
        url = reverse(
            "sign_in_sheet_day", kwargs={"uid": sevare_session.uid, "day": day.isoformat()}
        )
        assert url in page
    assert reverse("session_participants_docx", kwargs={"uid": sevare_session.uid}) in page
    assert reverse("session_attendance_docx", kwargs={"uid": sevare_session.uid}) in page
    assert dt.date(2022, 11, 8).isoformat() in page


# --- Organisation settings --------------------------------------------------------------------


def test_only_administrators_open_the_organisation_page(
    client_for: ClientFor, administrator: User, programme_officer: User, organisation: Organisation
) -> None:
    url = reverse("organisation_settings")
    assert client_for(programme_officer).get(url).status_code == 403
    response = client_for(administrator).get(url)
    assert response.status_code == 200
    assert "Commission nationale des droits de l’homme" in response.content.decode()


def test_header_links_to_the_organisation_page_for_administrators_only(
    client_for: ClientFor, administrator: User, programme_officer: User, organisation: Organisation
) -> None:
    url = reverse("organisation_settings")
    assert url in client_for(administrator).get(reverse("home")).content.decode()
    assert url not in client_for(programme_officer).get(reverse("home")).content.decode()


def test_organisation_page_saves_name_logo_and_signatories(
    client_for: ClientFor, administrator: User, organisation: Organisation
) -> None:
    data = {
        "name": "Commission nationale des droits de l’homme du Mali",
        "acronym": "CNDH-Mali",
        "logo": png(),
        **management("signatories", total=2),
        "signatories-0-name": "Aguibou Bouaré",
        "signatories-0-title": "Président",
        "signatories-0-order": "1",
        "signatories-0-signs_certificates": "on",
        "signatories-1-name": "Mariam Diallo",
        "signatories-1-title": "Directrice administrative et financière",
        "signatories-1-order": "2",
        "signatories-1-statement_role": "approved",
    }
    response = client_for(administrator).post(reverse("organisation_settings"), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Commission nationale des droits de l’homme du Mali"
    assert organisation.acronym == "CNDH-Mali"
    assert organisation.logo.name.endswith(".png")
    signatories = list(organisation.signatories.order_by("order"))
    assert [(s.name, s.signs_certificates, s.statement_role) for s in signatories] == [
        ("Aguibou Bouaré", True, ""),
        ("Mariam Diallo", False, "approved"),
    ]


def _signatory_rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    """Two signatories (name, title, box of the statement) as the organisation form sends them."""
    data = {"name": "Commission nationale des droits de l’homme", **management("signatories", 2)}
    for n, (name, title, role) in enumerate(rows):
        data |= {
            f"signatories-{n}-name": name,
            f"signatories-{n}-title": title,
            f"signatories-{n}-order": str(n + 1),
            f"signatories-{n}-statement_role": role,
        }
    return data


def test_organisation_page_refuses_two_signatories_in_one_box_of_the_statement(
    client_for: ClientFor, administrator: User, organisation: Organisation
) -> None:
    data = _signatory_rows(
        ("Mariam Diallo", "Directrice financière", "checked"),
        ("Awa Sissoko", "Comptable", "checked"),
    )

    response = client_for(administrator).post(reverse("organisation_settings"), data)

    assert response.status_code != 302
    assert "« Vérifié par » est choisi deux fois" in response.content.decode()
    assert not organisation.signatories.exists()


def test_organisation_page_swaps_two_signatories_boxes_in_one_save(
    client_for: ClientFor, administrator: User, organisation: Organisation
) -> None:
    client = client_for(administrator)
    mariam, awa = ("Mariam Diallo", "Directrice financière"), ("Awa Sissoko", "Comptable")
    data = _signatory_rows((*mariam, "prepared"), (*awa, "checked"))
    assert client.post(reverse("organisation_settings"), data).status_code == 302
    ids = organisation.signatories.order_by("order").values_list("pk", flat=True)

    data = _signatory_rows((*mariam, "checked"), (*awa, "prepared"))
    data |= {f"signatories-{n}-id": str(pk) for n, pk in enumerate(ids)}
    data["signatories-INITIAL_FORMS"] = "2"
    response = client.post(reverse("organisation_settings"), data)

    assert response.status_code == 302
    roles = organisation.signatories.order_by("order").values_list("statement_role", flat=True)
    assert list(roles) == ["checked", "prepared"]


def test_organisation_page_refuses_a_logo_that_is_not_an_image(
    client_for: ClientFor, administrator: User, organisation: Organisation
) -> None:
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    data = {"name": "Autre nom", "acronym": "", "logo": fake, **management("signatories")}
    response = client_for(administrator).post(reverse("organisation_settings"), data)
    assert response.status_code == 400
    assert "PNG ou JPEG" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Commission nationale des droits de l’homme"
    assert not organisation.logo


def test_organisation_page_refuses_a_gif(
    client_for: ClientFor, administrator: User, organisation: Organisation
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "GIF")
    gif = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    data = {"name": "Autre nom", "logo": gif, **management("signatories")}
    response = client_for(administrator).post(reverse("organisation_settings"), data)
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert not organisation.logo
