"""One order for persons everywhere: last name then first names, case, accents and apostrophes
aside, the same on SQLite and PostgreSQL, on screen and on paper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.finance.statements import statement_lines
from kalan.people.models import Person
from kalan.people.selectors import person_filter
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.selectors import session_roster
from kalan.workshops.selectors_sheets import session_people
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

# As French readers expect them: « Ébou » beside « Ebou », « N’Diaye » beside « Ndiaye », upper
# case beside lower case, a short last name before a longer one that starts the same.
EXPECTED = [
    ("BA", "Zeinab"),
    ("BA TRAORÉ", "Awa"),
    ("diarra", "Adama"),
    ("DIARRA", "moussa"),
    ("ÉBOU", "Awa"),
    ("Ebou", "Zénab"),
    ("Ndiaye", "Aminata"),
    ("N’DIAYE", "Fatou"),
    ("Zongo", "Issa"),
]


def names(persons: object) -> list[tuple[str, str]]:
    return [(p.last_name, p.first_names) for p in persons]  # type: ignore[attr-defined]


@pytest.fixture
def crowd(sevare_session: Session) -> list[Enrollment]:
    """The names above enrolled in a scrambled order (so that creation order proves nothing)."""
    scrambled = [EXPECTED[i] for i in (8, 3, 0, 6, 4, 1, 7, 2, 5)]
    return [
        EnrollmentFactory(
            session=sevare_session, person=PersonFactory(last_name=last, first_names=first)
        )
        for last, first in scrambled
    ]


def test_the_registry_lists_persons_in_french_order(crowd: list[Enrollment]) -> None:
    assert names(person_filter()) == EXPECTED
    assert names(Person.objects.all()) == EXPECTED  # the model's own ordering


def test_the_roster_and_the_sign_in_sheet_number_people_alike(
    crowd: list[Enrollment], sevare_session: Session
) -> None:
    roster = session_roster(session=sevare_session)
    sheet = session_people(session=sevare_session)

    assert names(row.enrollment.person for row in roster.rows) == EXPECTED
    assert names(e.person for e in sheet.participants) == EXPECTED


def test_the_roster_puts_participants_first_and_facilitators_last_as_the_sheet_does(
    crowd: list[Enrollment], sevare_session: Session
) -> None:
    facilitator = EnrollmentFactory(
        session=sevare_session,
        role=Enrollment.Role.FACILITATOR,
        person=PersonFactory(last_name="AG", first_names="Ahmed"),
    )
    observer = EnrollmentFactory(
        session=sevare_session,
        role=Enrollment.Role.OBSERVER,
        person=PersonFactory(last_name="AAA", first_names="Obs"),
    )

    roster = [row.enrollment for row in session_roster(session=sevare_session).rows]

    assert roster[-2:] == [observer, facilitator]
    assert names(e.person for e in roster[:-2]) == EXPECTED


def test_the_payment_statement_lists_payees_in_the_same_order(
    crowd: list[Enrollment], sevare_session: Session
) -> None:
    for enrollment in crowd:
        AttendanceFactory(enrollment=enrollment, day=sevare_session.start_date)

    lines = statement_lines(session=sevare_session)

    assert [line.name for line in lines] == [
        str(Person.objects.get(last_name=last, first_names=first)) for last, first in EXPECTED
    ]


def test_the_session_page_shows_the_roster_in_that_order(
    crowd: list[Enrollment],
    sevare_session: Session,
    client_for: Callable[[User], Client],
    programme_officer: User,
) -> None:
    page = client_for(programme_officer).get(
        reverse("session_detail", kwargs={"uid": sevare_session.uid})
    )

    # The page reads its rows as tuples (RosterEntry), each with the person's full name.
    shown = [row.enrollment.full_name for row in page.context["roster"].rows]
    assert shown == [
        Person(last_name=last, first_names=first).full_name for last, first in EXPECTED
    ]


def test_bulk_created_and_renamed_persons_get_their_sort_keys() -> None:
    [made] = Person.objects.bulk_create(
        [Person(last_name="N’Diaye", first_names="Fatoumata Béné", sex="F")]
    )
    made.refresh_from_db()
    assert (made.sort_last, made.sort_first) == ("ndiaye", "fatoumata bene")

    made.last_name = "Élysée"
    made.save(update_fields=["last_name"])
    made.refresh_from_db()
    assert made.sort_last == "elysee"


def test_the_journal_records_the_names_not_the_sort_keys_made_from_them() -> None:
    from kalan.core.models import AuditEntry

    person = PersonFactory(last_name="Ébou", first_names="Aïcha")
    person.last_name = "Ebou"
    person.save()
    entries = AuditEntry.objects.filter(object_uid=person.uid).order_by("pk")
    created, changed = (entry.changes for entry in entries)
    assert created["last_name"] == "Ébou" and "sort_last" not in created
    assert changed == {"last_name": ["Ébou", "Ebou"]}
