"""The person pages: the registry list and a person's training history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.workshops.models import Session, Workshop
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory, SessionFactory
from tests.spreadsheets import user_with


def test_the_person_page_lists_each_session_with_days_present(
    programme_officer: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    workshop: Workshop,
) -> None:
    person = PersonFactory(last_name="Maïga", first_names="Aminata")
    first = EnrollmentFactory(session=sevare_session, person=person)
    for day in (8, 9, 10):
        AttendanceFactory(enrollment=first, day=dt.date(2022, 11, day))
    segou = SessionFactory(
        workshop=workshop, start_date=dt.date(2023, 3, 6), end_date=dt.date(2023, 3, 8)
    )
    EnrollmentFactory(session=segou, person=person)
    response = client_for(programme_officer).get(
        reverse("person_detail", kwargs={"uid": person.uid})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "MAÏGA Aminata" in body
    # A relay also gets the relays' section (tests/relays/test_person_section.py).
    (section,) = [
        s for s in response.context["sections"] if s.template == "workshops/_person_history.html"
    ]
    history = list(section.context["history"])
    assert [e.session for e in history] == [segou, sevare_session]  # newest first
    assert [e.days_present for e in history] == [0, 3]
    assert "3 / 3" in body


def test_the_person_list_finds_by_name_or_service_number(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    kone = PersonFactory(last_name="Koné", service_number="G-777")
    PersonFactory(last_name="Diallo")
    client = client_for(programme_officer)
    by_name = client.get(reverse("person_list"), {"q": "kon"})
    assert [p.pk for p in by_name.context["page"]] == [kone.pk]
    by_number = client.get(reverse("person_list"), {"q": "g-777"})
    assert [p.pk for p in by_number.context["page"]] == [kone.pk]


def test_a_guessed_person_id_is_404(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("person_detail", kwargs={"uid": "00000000-0000-0000-0000-000000000000"})
    assert client_for(programme_officer).get(url).status_code == 404


def test_contacts_show_only_to_users_allowed_to_see_them(
    programme_officer: User,
    monitoring_officer: User,
    administrator: User,
    client_for: Callable[[User], Client],
) -> None:
    person = PersonFactory(phone="+223 70 12 34 56")
    url = reverse("person_detail", kwargs={"uid": person.uid})
    # No role reads the registry without the contacts: a test-only role shows the rule holds.
    response = client_for(user_with("view_persons", username="reader")).get(url)
    assert response.status_code == 200
    assert person.last_name.upper() in response.content.decode()
    assert "+223 70 12 34 56" not in response.content.decode()
    for user in (programme_officer, monitoring_officer, administrator):
        assert "+223 70 12 34 56" in client_for(user).get(url).content.decode()
