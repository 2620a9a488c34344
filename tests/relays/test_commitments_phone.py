"""A participant states a commitment on a phone (``/e/``): two codes, one form, a thanks page
with the relay's personal code. No account, no id in the address, wrong codes refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kalan.assessments.models import JoinRefusal
from kalan.relays import services_commitments as services
from kalan.relays.models import Commitment, CommitmentWindow, RelayCode, Source
from kalan.relays.views_commitment_phone import SESSION_KEY
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory, SessionFactory, WorkshopFactory
from tests.relays.factories import relay

JOIN, FORM, DONE = "/e/", "/e/engagement/", "/e/merci/"
PAGE_LIMIT = 30_000


@pytest.fixture
def moussa(sevare_session: Session) -> Enrollment:
    return relay(sevare_session, last_name="Traoré", first_names="Moussa")


@pytest.fixture
def window(sevare_session: Session) -> CommitmentWindow:
    return services.commitment_window_open(session=sevare_session, by=None)


@pytest.fixture
def phone(window: CommitmentWindow, moussa: Enrollment) -> Client:
    client = Client()
    response = client.post(
        JOIN, {"access_code": window.access_code.lower(), "participant_code": moussa.code}
    )
    assert response.status_code == 302
    assert response["Location"] == FORM
    return client


def _answer(moussa: Enrollment, **changes: object) -> dict[str, object]:
    objectives = [str(o.pk) for o in moussa.session.workshop.objectives.all()]
    data: dict[str, object] = {
        "audiences": ["own_unit", "families"],
        "people_planned": "18",
        "due_on": "2023-01-31",
        "objectives": objectives,
        "note": "",
    }
    data.update(changes)
    return data


def test_the_urls_are_the_routes_names() -> None:
    assert reverse("commitment_join") == JOIN
    assert reverse("commitment_form") == FORM
    assert reverse("commitment_done") == DONE


def test_a_participant_commits_and_gets_the_relay_code(
    phone: Client, moussa: Enrollment, sevare_session: Session
) -> None:
    form = phone.get(FORM)
    page = form.content.decode()
    assert form.status_code == 200
    assert "TRAORÉ Moussa" in page
    assert "Connaître les droits de la personne gardée à vue." in page
    assert "<script" not in page and len(form.content) < PAGE_LIMIT
    response = phone.post(FORM, _answer(moussa))
    assert response.status_code == 302 and response["Location"] == DONE
    commitment = Commitment.objects.get(enrollment=moussa)
    assert commitment.source == Source.PHONE and commitment.entered_by is None
    assert commitment.audiences == ["own_unit", "families"]
    assert commitment.due_on == dt.date(2023, 1, 31)
    assert commitment.objectives.count() == 2
    done = phone.get(DONE).content.decode()
    code = RelayCode.objects.get(enrollment=moussa).code
    assert f'id="relay-code">{code}<' in done
    assert "/r/" in done and "restitutions" in done
    assert "les familles des personnes gardées à vue" in done


def test_no_id_is_ever_in_the_address(phone: Client, moussa: Enrollment) -> None:
    response = phone.post(FORM, _answer(moussa), follow=True)
    for url, _status in response.redirect_chain:
        assert str(moussa.pk) not in url and moussa.code not in url
    assert phone.session[SESSION_KEY] == moussa.pk


def test_the_participant_corrects_while_the_window_is_open(
    phone: Client, moussa: Enrollment
) -> None:
    phone.post(FORM, _answer(moussa))
    page = phone.get(FORM).content.decode()
    assert "Corriger mon engagement" in page and 'value="18"' in page
    phone.post(FORM, _answer(moussa, people_planned="60"))
    assert Commitment.objects.filter(enrollment=moussa).count() == 1
    commitment = Commitment.objects.get(enrollment=moussa)
    assert commitment.people_planned == 60 and commitment.source == Source.PHONE


def test_a_closed_window_refuses_the_form_and_the_join(
    phone: Client, moussa: Enrollment, sevare_session: Session, window: CommitmentWindow
) -> None:
    phone.post(FORM, _answer(moussa))
    services.commitment_window_close(session=sevare_session, by=None)
    response = phone.post(FORM, _answer(moussa, people_planned="99"))
    assert response.status_code == 403
    assert "fermée" in response.content.decode()
    assert Commitment.objects.get(enrollment=moussa).people_planned == 18
    done = phone.get(DONE).content.decode()
    assert "Corriger mon engagement" not in done  # seen, not changed
    response = Client().post(
        JOIN, {"access_code": window.access_code, "participant_code": moussa.code}
    )
    assert response.status_code == 400
    assert "fermée" in response.content.decode()


def test_wrong_codes_get_a_french_error_at_their_field(
    window: CommitmentWindow, moussa: Enrollment
) -> None:
    client = Client()
    response = client.post(JOIN, {"access_code": "ZZZZZZ", "participant_code": moussa.code})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_access_code_error"' in page and "Code des engagements inconnu" in page
    response = client.post(
        JOIN, {"access_code": window.access_code, "participant_code": "9" + moussa.code}
    )
    page = response.content.decode()
    assert 'id="id_participant_code_error"' in page and "Code participant inconnu" in page
    assert SESSION_KEY not in client.session
    assert sum(JoinRefusal.objects.values_list("count", flat=True)) == 2


def test_a_facilitator_badge_gets_no_form(
    window: CommitmentWindow, sevare_session: Session
) -> None:
    facilitator = EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    response = Client().post(
        JOIN, {"access_code": window.access_code, "participant_code": facilitator.code}
    )
    assert response.status_code == 400
    assert "Seuls les participants" in response.content.decode()


def test_too_many_wrong_codes_answer_429(
    window: CommitmentWindow, moussa: Enrollment, settings: object
) -> None:
    settings.KALAN_JOIN_FAILURES_PER_ADDRESS = 2  # type: ignore[attr-defined]
    client = Client()
    for _n in range(2):
        client.post(JOIN, {"access_code": "ZZZZZZ", "participant_code": "1"})
    response = client.post(
        JOIN, {"access_code": window.access_code, "participant_code": moussa.code}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de codes erronés" in response.content.decode()


def test_a_bad_answer_is_shown_at_its_field_and_saves_nothing(
    phone: Client, moussa: Enrollment
) -> None:
    response = phone.post(FORM, _answer(moussa, audiences=[], people_planned="7000"))
    assert response.status_code == 400
    assert "Publics visés : cochez au moins un public." in response.content.decode()
    response = phone.post(FORM, _answer(moussa, due_on="2022-11-09"))
    assert "Échéance" in response.content.decode()
    response = phone.post(FORM, _answer(moussa, objectives=["999999"]))
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_pages_without_a_joined_phone_go_back_to_the_join_page() -> None:
    client = Client()
    assert client.get(FORM)["Location"] == JOIN
    assert client.get(DONE)["Location"] == JOIN


def test_the_join_page_takes_the_code_from_the_qr_address(window: CommitmentWindow) -> None:
    page = Client().get(f"{JOIN}?code={window.access_code}").content.decode()
    assert f'value="{window.access_code}"' in page
    assert "Code des engagements" in page and "Votre code participant" in page


def test_a_workshop_without_objectives_asks_for_none(db: None) -> None:
    session = SessionFactory(workshop=WorkshopFactory(objectives=[]))
    enrollment = relay(session)
    window = services.commitment_window_open(session=session, by=None)
    client = Client()
    client.post(JOIN, {"access_code": window.access_code, "participant_code": enrollment.code})
    assert "objectifs de l’atelier" not in client.get(FORM).content.decode()
    response = client.post(FORM, _answer(enrollment, objectives=[]))
    assert response.status_code == 302
    assert Commitment.objects.get(enrollment=enrollment).objectives.count() == 0
