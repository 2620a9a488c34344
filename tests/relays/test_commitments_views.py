"""The staff's commitments page of a session: scoped like the session, flat in queries, with the
phone entry's buttons and the paper form typed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.relays import services_commitments as services
from kalan.relays.models import Commitment, CommitmentWindow, Source
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory
from tests.relays.factories import CommitmentFactory, relay

Clients = Callable[[User], Client]


def _page(session: Session) -> str:
    return reverse("session_commitments", kwargs={"uid": session.uid})


def _enter(enrollment: Enrollment) -> str:
    return reverse("commitment_enter", kwargs={"uid": enrollment.session.uid, "pk": enrollment.pk})


@pytest.fixture
def assigned(sevare_session: Session, trainer: User) -> Session:
    sevare_session.trainers.add(trainer)
    return sevare_session


def test_the_page_lists_participants_with_their_commitment_or_none(
    assigned: Session, trainer: User, client_for: Clients
) -> None:
    moussa = relay(assigned, last_name="Traoré", first_names="Moussa")
    awa = relay(assigned, last_name="Diarra", first_names="Awa")
    CommitmentFactory(enrollment=moussa, people_planned=35, audiences=["own_unit", "population"])
    EnrollmentFactory(session=assigned, role=Enrollment.Role.FACILITATOR)
    page = client_for(trainer).get(_page(assigned)).content.decode()
    assert 'id="commitments-entered">1 / 2<' in page  # the facilitator is not counted
    assert "TRAORÉ Moussa" in page and "DIARRA Awa" in page
    assert "son unité, la population" in page
    assert ">35<" in page
    assert "aucun engagement" in page
    assert _enter(awa) in page and _enter(moussa) in page


def test_a_trainer_not_assigned_to_the_session_gets_404(
    sevare_session: Session, trainer: User, client_for: Clients
) -> None:
    enrollment = relay(sevare_session)
    client = client_for(trainer)
    assert client.get(_page(sevare_session)).status_code == 404
    assert client.get(_enter(enrollment)).status_code == 404
    url = reverse("commitment_window", kwargs={"uid": sevare_session.uid})
    assert client.post(url, {"action": "open"}).status_code == 404
    assert not CommitmentWindow.objects.exists()


@pytest.mark.parametrize("who", ["finance_officer", "communication_officer", "donor_viewer"])
def test_roles_without_relays_are_refused(
    who: str, sevare_session: Session, client_for: Clients, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    enrollment = relay(sevare_session)
    assert client.get(_page(sevare_session)).status_code == 403
    assert client.get(_enter(enrollment)).status_code == 403
    pdf = reverse("commitment_forms_pdf", kwargs={"uid": sevare_session.uid})
    assert client.get(pdf).status_code == 403


def test_the_monitoring_officer_reads_but_offers_no_button(
    sevare_session: Session, monitoring_officer: User, client_for: Clients
) -> None:
    enrollment = relay(sevare_session)
    client = client_for(monitoring_officer)
    page = client.get(_page(sevare_session)).content.decode()
    assert "Engagements des participants" in page
    assert _enter(enrollment) not in page
    assert "saisie-telephone" not in page
    assert client.get(_enter(enrollment)).status_code == 403


def test_the_page_costs_the_same_queries_for_2_or_20_participants(
    assigned: Session,
    trainer: User,
    client_for: Clients,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(trainer)
    for _n in range(2):
        CommitmentFactory(enrollment=relay(assigned))
    services.commitment_window_open(session=assigned, by=trainer)
    client.get(_page(assigned))  # warm the session and the permissions
    with django_assert_max_num_queries(50) as small:
        assert client.get(_page(assigned)).status_code == 200
    for n in range(18):
        enrollment = relay(assigned)
        if n % 2:
            CommitmentFactory(enrollment=enrollment)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(_page(assigned)).content.decode()
    assert 'id="commitments-entered">11 / 20<' in page


def test_the_trainer_opens_and_closes_the_phone_entry(
    assigned: Session, trainer: User, client_for: Clients
) -> None:
    client = client_for(trainer)
    url = reverse("commitment_window", kwargs={"uid": assigned.uid})
    assert client.get(url).status_code == 405
    response = client.post(url, {"action": "open"}, follow=True)
    window = CommitmentWindow.objects.get(session=assigned)
    page = response.content.decode()
    assert window.is_open
    assert f'id="access-code">{window.access_code}<' in page
    assert 'id="room-address">http://testserver/e/<' in page
    response = client.post(url, {"action": "close"}, follow=True)
    window.refresh_from_db()
    assert not window.is_open
    assert window.access_code not in response.content.decode()
    assert client.post(url, {"action": "else"}).status_code == 400


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "audiences": ["own_unit", "neighbours"],
        "people_planned": "30",
        "due_on": "15/02/2023",
        "objectives": [],
        "note": "Lors du rassemblement du lundi.",
    }
    data.update(changes)
    return data


def test_the_trainer_types_a_paper_form(
    assigned: Session, trainer: User, client_for: Clients
) -> None:
    enrollment = relay(assigned, last_name="Traoré", first_names="Moussa")
    objective = assigned.workshop.objectives.order_by("order").first()
    assert objective is not None
    client = client_for(trainer)
    page = client.get(_enter(enrollment)).content.decode()
    assert "Engagement de TRAORÉ Moussa" in page
    response = client.post(_enter(enrollment), _form(objectives=[str(objective.pk)]))
    assert response.status_code == 302
    commitment = Commitment.objects.get(enrollment=enrollment)
    assert commitment.source == Source.PAPER
    assert commitment.entered_by == trainer
    assert commitment.due_on == dt.date(2023, 2, 15)
    assert list(commitment.objectives.all()) == [objective]
    # The form opens again with what was typed, to correct it.
    page = client.get(_enter(enrollment)).content.decode()
    assert 'value="30"' in page and "Lors du rassemblement du lundi." in page


def test_a_bad_paper_form_shows_the_error_at_its_field_and_saves_nothing(
    assigned: Session, trainer: User, client_for: Clients
) -> None:
    enrollment = relay(assigned)
    objective = assigned.workshop.objectives.first()
    assert objective is not None
    client = client_for(trainer)
    response = client.post(
        _enter(enrollment), _form(people_planned="9000", objectives=[str(objective.pk)])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nombre de personnes : 9000" in page
    assert 'id="id_people_planned_error"' in page
    response = client.post(_enter(enrollment), _form(due_on="01/01/2020"))
    assert response.status_code == 400
    assert "Échéance" in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_facilitator_has_no_commitment_form(
    assigned: Session, trainer: User, client_for: Clients
) -> None:
    facilitator = EnrollmentFactory(session=assigned, role=Enrollment.Role.FACILITATOR)
    assert client_for(trainer).get(_enter(facilitator)).status_code == 404


def test_the_session_page_links_to_the_commitments_for_relay_roles_only(
    assigned: Session, trainer: User, finance_officer: User, client_for: Clients
) -> None:
    session_page = reverse("session_detail", kwargs={"uid": assigned.uid})
    assert _page(assigned) in client_for(trainer).get(session_page).content.decode()
    assert _page(assigned) not in client_for(finance_officer).get(session_page).content.decode()
