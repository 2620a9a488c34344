"""The person page's section « Relais des droits de l’Homme » (kalan.relays.receivers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kalan.core.models import User
from kalan.people.models import Person
from kalan.relays.models import Departure
from kalan.relays.receivers import person_relay_section
from kalan.workshops.models import Session, Workshop
from kalan.workshops.services import session_trainers_set
from tests.factories import PersonFactory, SessionFactory
from tests.relays.factories import (
    CommitmentFactory,
    DepartureFactory,
    RespondentFactory,
    RestitutionFactory,
    RoundFactory,
    relay,
)

pytestmark = pytest.mark.django_db


def trained(person: Person, workshop: Workshop, start: dt.date) -> Session:
    session = SessionFactory(workshop=workshop, start_date=start, end_date=start)
    enrollment = relay(session)
    enrollment.person = person
    enrollment.save()
    return session


def a_relay_with_a_story(workshop: Workshop, sessions: int = 1) -> Person:
    """A relay of ``sessions`` trainings, each with a commitment, two restitutions (12 and 5
    people) and two rounds, the first answered."""
    person = PersonFactory(last_name="Dembélé")
    for n in range(sessions):
        session = trained(person, workshop, dt.date(2022, 11, 8) + dt.timedelta(days=7 * n))
        enrollment = session.enrollments.get()
        CommitmentFactory(
            enrollment=enrollment, people_planned=25, audiences=["own_unit", "leaders"]
        )
        RestitutionFactory(enrollment=enrollment, men=10, women=2, colleagues=12)
        RestitutionFactory(enrollment=enrollment, men=5, colleagues=5)
        for number in (1, 2):
            found = workshop.followup_rounds.filter(number=number).first()
            RespondentFactory(
                round=found or RoundFactory(workshop=workshop, number=number, months=number * 2),
                enrollment=enrollment,
                answered_at=timezone.now() if number == 1 else None,
            )
    return person


def page(client: Client, person: Person) -> str:
    response = client.get(reverse("person_detail", kwargs={"uid": person.uid}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_commitment_restitutions_rounds_and_departure(
    workshop: Workshop, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    person = a_relay_with_a_story(workshop)
    DepartureFactory(person=person, reason=Departure.Reason.TRANSFERRED, since=dt.date(2023, 5, 2))
    body = page(client_for(monitoring_officer), person)
    assert "Relais des droits de l’Homme" in body
    assert "25 personnes d’ici le" in body
    assert "son unité, les autorités et leaders communautaires" in body
    assert '<td class="num">2</td>' in body and '<td class="num">17</td>' in body
    assert "Tour 1 (+2 mois) : répondu le" in body
    assert "Tour 2 (+4 mois) : sans réponse" in body
    assert "Sorti(e) du suivi des relais depuis le 02/05/2023 : muté hors de portée" in body


def test_a_relay_without_commitment_says_so(
    workshop: Workshop, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    person = PersonFactory()
    trained(person, workshop, dt.date(2022, 11, 8))
    body = page(client_for(programme_officer), person)
    assert "aucun engagement" in body


def test_a_person_never_trained_as_a_relay_has_no_section(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    body = page(client_for(programme_officer), PersonFactory())
    assert "Relais des droits de l’Homme" not in body


def test_a_user_without_view_relays_gets_no_section(
    workshop: Workshop, finance_officer: User
) -> None:
    person = a_relay_with_a_story(workshop)
    assert person_relay_section(person=person, user=finance_officer) is None


def test_a_trainer_sees_only_the_trainings_of_their_sessions(
    workshop: Workshop, trainer: User
) -> None:
    person = a_relay_with_a_story(workshop, sessions=2)
    first, second = Session.objects.order_by("start_date")
    session_trainers_set(session=second, trainers=[trainer])
    section = person_relay_section(person=person, user=trainer)
    assert section is not None
    assert [line.enrollment.session for line in section.context["lines"]] == [second]
    assert first not in [line.enrollment.session for line in section.context["lines"]]


def test_the_section_costs_the_same_queries_for_one_training_or_four(
    workshop: Workshop, monitoring_officer: User
) -> None:
    one = a_relay_with_a_story(workshop)
    four = a_relay_with_a_story(workshop, sessions=4)
    counts = []
    for person in (one, four):
        with CaptureQueriesContext(connection) as queries:
            section = person_relay_section(person=person, user=monitoring_officer)
            assert section is not None
            # What the template reads: the rounds' names, the commitments' fields.
            for line in section.context["lines"]:
                str([str(r.round) for r in line.rounds]), line.commitment, line.audiences
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4
