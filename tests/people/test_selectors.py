"""Reads of persons: the search box and a person's page."""

from __future__ import annotations

import pytest

from kalan.people import selectors
from kalan.people.models import Person
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_person_search_needs_every_word_of_the_query() -> None:
    aissata = PersonFactory(last_name="Traoré", first_names="Aïssata")
    PersonFactory(last_name="Traoré", first_names="Moussa")
    PersonFactory(last_name="Diarra", first_names="Aïssata")

    assert list(selectors.person_search(query="traoré aïssata")) == [aissata]


def test_person_search_finds_an_exact_service_number() -> None:
    person = PersonFactory(service_number="G-0423")
    PersonFactory(service_number="G-04231")

    assert list(selectors.person_search(query="g-0423")) == [person]


def test_person_search_counts_sessions_and_sorts_by_name() -> None:
    traore = PersonFactory(last_name="Traoré")
    cisse = PersonFactory(last_name="Cissé")
    for session in SessionFactory.create_batch(2):
        EnrollmentFactory(session=session, person=traore)

    results = list(selectors.person_search())

    assert results == [cisse, traore]
    assert [p.session_count for p in results] == [0, 2]


def test_person_get_finds_a_person_by_uid() -> None:
    person = PersonFactory()

    assert selectors.person_get(uid=str(person.uid)) == person


def test_person_get_raises_for_an_unknown_uid() -> None:
    with pytest.raises(Person.DoesNotExist):
        selectors.person_get(uid="00000000-0000-0000-0000-000000000000")
