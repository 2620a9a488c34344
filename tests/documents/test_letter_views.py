"""The pages: a session's letters and mission orders, and the commands of the reference data."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import AuditEntry, Signatory, User
from kalan.documents.models import Addressee, Letter, MissionOrder
from kalan.workshops.models import Session
from tests.documents.correspondence import (  # noqa: F401
    gendarmerie_segou,
    media,
    police_mopti,
    president,
)

pytestmark = pytest.mark.usefixtures("media")

Clients = Callable[[User], Client]


def _letters_form(*addressees: Addressee, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "addressees": [a.pk for a in addressees],
        "officers": "5",
        "deadline": "28/10/2022",
        "dated": "14/10/2022",
        "profile": "OPJ de la gendarmerie et de la police",
        "paid": "un per diem de 25 000 francs CFA par jour",
    }
    data.update(changes)
    return data


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def test_a_programme_officer_issues_the_letters_and_downloads_them_all(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    gendarmerie_segou: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
    programme_officer: User,
    client_for: Clients,
) -> None:
    client = client_for(programme_officer)
    url = reverse("session_letters", kwargs={"uid": sevare_session.uid})
    page = client.get(url)
    assert page.status_code == 200
    # The profile is the workshop's target audience until changed.
    assert page.context["form"].initial["profile"] == sevare_session.workshop.target_audience
    response = client.post(url, _letters_form(police_mopti, gendarmerie_segou), follow=True)
    letters = list(Letter.objects.order_by("sequence"))
    assert [x.number for x in letters] == ["0001/CNDH/SG/2022", "0002/CNDH/SG/2022"]
    assert all(x.issued_by == programme_officer and x.officers_requested == 5 for x in letters)
    html = response.content.decode()
    assert "0001/CNDH/SG/2022" in html and "Direction régionale de la Police de Mopti" in html
    batch_url = reverse("letters_zip", kwargs={"batch": letters[0].batch})
    assert batch_url in html
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(batch_url))))
    names = sorted(archive.namelist())
    assert len(names) == 6
    assert sum(n.endswith(".pdf") for n in names) == 2
    assert sum(n.endswith(".xlsx") for n in names) == 2
    with letters[0].pdf.open("rb") as stored:
        kept = stored.read()
    first_pdf = next(n for n in names if n.startswith("0001") and n.endswith(".pdf"))
    assert archive.read(first_pdf) == kept  # the file as issued, not a new one
    again = client.get(reverse("letter_pdf", kwargs={"uid": letters[0].uid}))
    assert _body(again) == kept
    template = client.get(reverse("letter_template", kwargs={"uid": letters[0].uid}))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    # Issuing and downloading are in the journal.
    assert AuditEntry.objects.filter(object_type="documents.letter", action="create").count() == 2
    assert AuditEntry.objects.filter(action="export", detail__list="letters").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"officers": "0"}, "officers", "Demandez au moins un agent."),
        ({"deadline": "09/11/2022"}, "deadline", "avant le début de la session"),
        ({"addressees": []}, "addressees", "Choisissez au moins un commandement."),
    ],
)
def test_bad_input_shows_a_french_error_at_the_field_and_issues_nothing(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
    programme_officer: User,
    client_for: Clients,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    url = reverse("session_letters", kwargs={"uid": sevare_session.uid})
    data = _letters_form(police_mopti)
    data.update(changes)
    response = client_for(programme_officer).post(url, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Letter.objects.exists()


def test_without_a_signatory_the_page_says_how_to_set_one(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    programme_officer: User,
    client_for: Clients,
) -> None:
    url = reverse("session_letters", kwargs={"uid": sevare_session.uid})
    response = client_for(programme_officer).post(url, _letters_form(police_mopti))
    assert "Institution et signataires" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
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
def test_only_those_who_write_correspondence_open_the_letters_and_mission_orders(
    sevare_session: Session,
    who: str,
    status: int,
    request: pytest.FixtureRequest,
    client_for: Clients,
) -> None:
    client = client_for(request.getfixturevalue(who))
    for name in ("session_letters", "session_mission_orders"):
        response = client.get(reverse(name, kwargs={"uid": sevare_session.uid}))
        assert response.status_code == status, name
    detail = client.get(reverse("session_detail", kwargs={"uid": sevare_session.uid}))
    if detail.status_code == 200:
        shown = reverse("session_letters", kwargs={"uid": sevare_session.uid}) in (
            detail.content.decode()
        )
        assert shown == (status == 200)


def test_the_mission_orders_page_offers_the_session_s_trainers_and_issues_theirs(
    sevare_session: Session,
    president: Signatory,  # noqa: F811
    trainer: User,
    programme_officer: User,
    client_for: Clients,
) -> None:
    sevare_session.trainers.add(trainer)
    client = client_for(programme_officer)
    url = reverse("session_mission_orders", kwargs={"uid": sevare_session.uid})
    formset = client.get(url).context["formset"]
    first = formset.forms[0].initial
    assert first["user_id"] == trainer.pk and first["include"] is True
    assert (first["departure"], first["return_on"]) == (
        sevare_session.start_date.replace(day=7),
        sevare_session.end_date.replace(day=11),
    )
    data = {
        "dated": "02/11/2022",
        "travellers-TOTAL_FORMS": "2",
        "travellers-INITIAL_FORMS": "0",
        "travellers-0-include": "on",
        "travellers-0-user_id": str(trainer.pk),
        "travellers-0-name": "Ibrahim Maïga",
        "travellers-0-function": "Formateur",
        "travellers-0-transport": "Véhicule de service",
        "travellers-0-departure": "07/11/2022",
        "travellers-0-return_on": "11/11/2022",
        "travellers-1-name": "Pas coché",
        "travellers-1-departure": "07/11/2022",
        "travellers-1-return_on": "11/11/2022",
    }
    response = client.post(url, data, follow=True)
    [order] = MissionOrder.objects.all()
    assert (order.traveller_name, order.user) == ("Ibrahim Maïga", trainer)
    assert reverse("mission_orders_zip", kwargs={"batch": order.batch}) in (
        response.content.decode()
    )


def test_travel_dates_that_do_not_cover_the_session_are_shown_at_the_row(
    sevare_session: Session,
    president: Signatory,  # noqa: F811
    programme_officer: User,
    client_for: Clients,
) -> None:
    url = reverse("session_mission_orders", kwargs={"uid": sevare_session.uid})
    data = {
        "dated": "02/11/2022",
        "travellers-TOTAL_FORMS": "1",
        "travellers-INITIAL_FORMS": "0",
        "travellers-0-include": "on",
        "travellers-0-name": "Awa Diarra",
        "travellers-0-function": "Comptable",
        "travellers-0-transport": "Car",
        "travellers-0-departure": "11/11/2022",
        "travellers-0-return_on": "07/11/2022",
    }
    response = client_for(programme_officer).post(url, data)
    form = response.context["formset"].forms[0]
    assert "Le départ doit avoir lieu au plus tard" in " ".join(form.errors["departure"])
    assert form.errors["return_on"]
    assert not MissionOrder.objects.exists()


def test_commands_are_added_edited_and_kept_once_written_to(
    police_mopti: Addressee,  # noqa: F811
    programme_officer: User,
    client_for: Clients,
) -> None:
    client = client_for(programme_officer)
    response = client.post(
        reverse("addressee_create"),
        {
            "name": "Région de gendarmerie de Mopti",
            "head_title": "Monsieur le Commandant de la Région de gendarmerie de Mopti",
            "active": "on",
        },
    )
    assert response.status_code == 302
    created = Addressee.objects.get(name="Région de gendarmerie de Mopti")
    twice = client.post(
        reverse("addressee_create"), {"name": created.name, "head_title": "Monsieur"}
    )
    assert twice.status_code == 200 and twice.context["form"].errors["name"]
    listed = client.get(reverse("addressee_list")).content.decode()
    assert "Région de gendarmerie de Mopti" in listed
    client.post(reverse("addressee_delete", kwargs={"pk": created.pk}))
    assert not Addressee.objects.filter(pk=created.pk).exists()
    assert AuditEntry.objects.filter(object_type="documents.addressee", action="delete").exists()
