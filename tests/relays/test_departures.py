import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kalan.core.models import AuditEntry, User
from kalan.relays.errors import RelayError
from kalan.relays.models import Departure
from kalan.relays.services_rounds import departure_clear, departure_set
from kalan.workshops.models import Session
from tests.factories import PersonFactory
from tests.relays.factories import relay

pytestmark = pytest.mark.django_db


def test_a_departure_is_recorded_then_changed_then_cleared(
    sevare_session: Session, monitoring_officer: User
) -> None:
    person = relay(sevare_session).person
    departure_set(
        person=person,
        reason="transferred",
        since=dt.date(2023, 2, 1),
        note=" Muté à Kidal ",
        by=monitoring_officer,
    )
    departure_set(person=person, reason="left", since=dt.date(2023, 3, 1), by=monitoring_officer)
    departure = Departure.objects.get(person=person)
    assert (departure.reason, departure.since, departure.note) == ("left", dt.date(2023, 3, 1), "")
    assert departure.recorded_by == monitoring_officer
    assert departure_clear(person=person, by=monitoring_officer) is True
    assert not Departure.objects.exists()
    assert departure_clear(person=person, by=monitoring_officer) is False
    # The person stays in the registry; the journal keeps the row that was deleted.
    person.refresh_from_db()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()


@pytest.mark.parametrize(
    ("since", "code"),
    [
        (timezone.localdate() + dt.timedelta(days=1), "since_future"),
        (dt.date(2022, 11, 7), "since_before_training"),  # the session began on 8 November
    ],
)
def test_a_date_in_the_future_or_before_the_training_is_refused(
    sevare_session: Session, monitoring_officer: User, since: dt.date, code: str
) -> None:
    person = relay(sevare_session).person
    with pytest.raises(RelayError) as error:
        departure_set(person=person, reason="deceased", since=since, by=monitoring_officer)
    assert (error.value.code, error.value.field) == (code, "since")
    assert not Departure.objects.exists()


def test_the_first_day_of_training_is_accepted(
    sevare_session: Session, monitoring_officer: User
) -> None:
    person = relay(sevare_session).person
    departure_set(
        person=person, reason="deceased", since=sevare_session.start_date, by=monitoring_officer
    )
    assert Departure.objects.get(person=person).reason == "deceased"


def test_someone_who_is_no_relay_or_an_unknown_reason_is_refused(
    sevare_session: Session, monitoring_officer: User
) -> None:
    with pytest.raises(RelayError) as error:
        departure_set(
            person=PersonFactory(), reason="left", since=dt.date(2023, 1, 1), by=monitoring_officer
        )
    assert error.value.code == "not_a_relay"
    with pytest.raises(RelayError) as error:
        departure_set(
            person=relay(sevare_session).person,
            reason="retired",
            since=dt.date(2023, 1, 1),
            by=monitoring_officer,
        )
    assert error.value.field == "reason"


def test_the_page_records_a_departure_and_shows_a_wrong_date_in_french(
    sevare_session: Session, monitoring_officer: User, client_for: object
) -> None:
    person = relay(sevare_session).person
    client: Client = client_for(monitoring_officer)  # type: ignore[operator]
    url = reverse("relay_departure", kwargs={"uid": person.uid})
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"reason": "left", "since": "2022-01-01"})
    assert wrong.status_code == 400
    assert "précède la formation" in wrong.content.decode()
    done = client.post(url, {"reason": "left", "since": "2023-01-10", "retour": "/relais/"})
    assert done.status_code == 302 and done["Location"] == "/relais/"
    assert Departure.objects.get(person=person).reason == "left"
    client.post(url, {"action": "clear"})
    assert not Departure.objects.exists()


def test_the_page_refuses_a_person_who_is_no_relay_and_an_outside_return_address(
    sevare_session: Session, monitoring_officer: User, client_for: object
) -> None:
    client: Client = client_for(monitoring_officer)  # type: ignore[operator]
    outsider = PersonFactory()
    assert client.get(reverse("relay_departure", kwargs={"uid": outsider.uid})).status_code == 404
    person = relay(sevare_session).person
    url = reverse("relay_departure", kwargs={"uid": person.uid})
    done = client.post(url, {"reason": "left", "since": "2023-01-10", "retour": "https://x.org/"})
    assert done["Location"] == reverse("relays_index")
