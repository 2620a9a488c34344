"""A person's page shows the history of their record: created, changed, merged, by whom, when."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.audit import audit_request
from kalan.core.models import AuditEntry, User
from kalan.people.merge import person_merge
from kalan.people.models import Person
from tests.factories import PersonFactory, corps, rank
from tests.spreadsheets import user_with

pytestmark = pytest.mark.django_db


def acting_as(user: User) -> AbstractContextManager[None]:
    """Changes made inside are attributed to ``user``, as if made on a page."""
    request = RequestFactory().get("/")
    request.user = user
    return audit_request(request)


@pytest.fixture
def keita(programme_officer: User, administrator: User) -> Person:
    """Created by the programme officer, then promoted and given a new phone by the admin."""
    with acting_as(programme_officer):
        person = PersonFactory(
            last_name="Keïta",
            first_names="Oumar",
            corps=corps("Gendarmerie"),
            phone="+223 70 11 11 11",
        )
    with acting_as(administrator):
        person.rank = rank("Gendarmerie", "Adjudant-chef")
        person.phone = "+223 70 22 22 22"
        person.save()
    return person


def _page(client: Client, person: Person) -> str:
    response = client.get(reverse("person_detail", kwargs={"uid": person.uid}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_who_created_and_changed_the_record_newest_first(
    keita: Person, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(monitoring_officer).get(
        reverse("person_detail", kwargs={"uid": keita.uid})
    )
    lines = response.context["changes"]
    assert [(line.entry.action, line.entry.actor_name) for line in lines] == [
        (AuditEntry.Action.UPDATE, "administrator"),
        (AuditEntry.Action.CREATE, "programme_officer"),
    ]
    body = response.content.decode()
    assert "Historique des modifications" in body
    assert "Grade : Gendarme → Adjudant-chef" in body  # names, not ids
    # monitoring_officer may see contacts: the phone's old and new values are shown.
    assert "Téléphone : +223 70 11 11 11 → +223 70 22 22 22" in body


def test_contacts_are_masked_for_a_role_that_may_not_see_them(
    keita: Person, client_for: Callable[[User], Client]
) -> None:
    reader = user_with("view_persons", username="reader")
    body = _page(client_for(reader), keita)
    assert "Grade : Gendarme → Adjudant-chef" in body
    assert "Téléphone : ••• → •••" in body
    assert "70 11 11 11" not in body
    assert "70 22 22 22" not in body


def test_a_merge_shows_on_the_kept_person_s_page_naming_the_other_record(
    programme_officer: User, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    kept = PersonFactory(last_name="Diarra", first_names="Awa")
    merged = PersonFactory(last_name="Diara", first_names="Awa", service_number="")
    with acting_as(programme_officer):
        person_merge(kept=kept, merged=merged, by=programme_officer)
    body = _page(client_for(monitoring_officer), kept)
    assert "Fusion" in body
    assert "Personne fusionnée : DIARA Awa" in body


def test_another_person_s_changes_are_not_listed(
    keita: Person, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    other = PersonFactory(last_name="Touré", first_names="Mariam")
    response = client_for(monitoring_officer).get(
        reverse("person_detail", kwargs={"uid": other.uid})
    )
    assert [line.entry.object_uid for line in response.context["changes"]] == [other.uid]


def test_the_history_costs_as_many_queries_for_many_changes_as_for_one(
    keita: Person,
    monitoring_officer: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(monitoring_officer)
    with CaptureQueriesContext(connection) as few:
        _page(client, keita)
    for n in range(20):
        keita.service_number = f"G-{n}"
        keita.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = _page(client, keita)
    assert "Matricule : G-18 → G-19" in body
