"""The home page's key figures come from the reports' figures, so that both say the same thing.

(These were ``headline_numbers`` of kalan.workshops.selectors, a second count of the same things
with its own definitions: a morning and an afternoon made a whole day there, half a day each in
the reports.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalan.core.models import User
from kalan.people.models import Person
from kalan.reports.figures import Participation, Scope, participation
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    place,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NOV_8, NOV_9, NOV_10 = (dt.date(2022, 11, day) for day in (8, 9, 10))
AM, PM, DAY = Attendance.Half.MORNING, Attendance.Half.AFTERNOON, Attendance.Half.DAY
FACILITATOR = Enrollment.Role.FACILITATOR


def present(enrollment: Enrollment, *days: dt.date, half: str = DAY) -> None:
    for day in days:
        AttendanceFactory(enrollment=enrollment, day=day, half=half)


def headline(client: Client) -> Participation:
    response = client.get(HOME)
    assert response.status_code == 200
    figures: Participation = response.context["headline"]
    return figures


def test_the_home_page_counts_a_trained_person_once(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    workshop = WorkshopFactory()
    WorkshopFactory()  # no session yet: not counted among the workshops
    sevare = SessionFactory(workshop=workshop)
    mopti = SessionFactory(workshop=workshop, place=place("Mopti"), start_date=dt.date(2023, 3, 6))
    SessionFactory(workshop=workshop, start_date=dt.date(2030, 1, 7))  # not held yet
    halves = SessionFactory(half_days=True, start_date=dt.date(2023, 6, 12))

    aissata = PersonFactory(sex=Person.Sex.FEMALE)
    moussa = PersonFactory(sex=Person.Sex.MALE)
    awa = PersonFactory(sex=Person.Sex.FEMALE)
    oumou = PersonFactory(sex=Person.Sex.FEMALE)
    present(EnrollmentFactory(session=sevare, person=aissata), NOV_8, NOV_9)
    present(EnrollmentFactory(session=mopti, person=aissata), dt.date(2023, 3, 6))
    present(EnrollmentFactory(session=sevare, person=moussa), NOV_10)
    EnrollmentFactory(session=sevare, person=awa)  # enrolled, never came
    day_one = EnrollmentFactory(session=halves, person=oumou)
    present(day_one, dt.date(2023, 6, 12), half=AM)
    present(day_one, dt.date(2023, 6, 12), half=PM)
    trainer = PersonFactory(sex=Person.Sex.FEMALE)
    present(EnrollmentFactory(session=sevare, person=trainer, role=FACILITATOR), NOV_8, NOV_9)

    client = client_for(programme_officer)
    figures = headline(client)

    assert figures.workshops == 2  # the one made here, and the half-day session's own
    assert figures.sessions_held == 3
    assert figures.distinct_persons == 3  # Aïssata, Moussa, Oumou
    assert figures.women == 2  # Aïssata, Oumou
    assert figures.person_days == 5  # 2 + 1 + 1 + a morning and an afternoon of half a day
    html = client.get(HOME).content.decode()
    assert '<span class="num">5</span><span class="label">jours-personnes</span>' in html
    assert '<span class="num">3</span><span class="label">personnes formées</span>' in html
    assert "journées-participants" not in html


def test_half_days_count_for_half_a_day(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    halves = SessionFactory(half_days=True, start_date=dt.date(2023, 6, 12))
    present(EnrollmentFactory(session=halves), dt.date(2023, 6, 12), half=AM)

    html = client_for(programme_officer).get(HOME).content.decode()

    assert '<span class="num">0,5</span><span class="label">jours-personnes</span>' in html


def test_the_home_page_and_the_dashboard_agree(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    for person in PersonFactory.create_batch(3):
        present(EnrollmentFactory(session=sevare_session, person=person), NOV_8, NOV_9)
    client = client_for(programme_officer)

    home = headline(client)
    board = client.get(reverse("dashboard")).context["board"].figures

    assert home == board
    assert (home.distinct_persons, home.person_days) == (3, 6)


def test_the_home_figures_are_zero_on_an_empty_programme(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    assert headline(client_for(programme_officer)) == Participation()


def test_a_session_counts_as_held_from_its_first_day(sevare_session: Session) -> None:
    present(EnrollmentFactory(session=sevare_session), NOV_8)
    assert participation(scope=Scope(), today=dt.date(2022, 11, 7)).sessions_held == 0
    assert participation(scope=Scope(), today=NOV_8).sessions_held == 1


def test_accounts_outside_the_programme_see_no_figures(
    outsider: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(outsider).get(HOME).context["headline"] is None


def test_the_home_page_runs_a_fixed_number_of_queries(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured.captured_queries)

    def sessions(count: int) -> None:
        for n in range(count):
            session = SessionFactory(start_date=dt.date(2023, 1 + n, 9))
            present(EnrollmentFactory(session=session), session.start_date)

    client = client_for(programme_officer)
    sessions(1)
    client.get(HOME)  # the first request of a login writes to its session: not counted
    before = queries(client)

    sessions(5)

    assert queries(client) == before


def test_a_trainer_s_home_counts_only_the_sessions_assigned_to_them(
    trainer: User, client_for: Callable[[User], Client]
) -> None:
    own = SessionFactory(workshop=WorkshopFactory())
    other = SessionFactory(workshop=WorkshopFactory(), place=place("Ségou"))
    SessionFactory(workshop=WorkshopFactory(), start_date=dt.date(2023, 3, 6))  # nobody's
    own.trainers.add(trainer)
    present(EnrollmentFactory(session=own), NOV_8)
    for person in PersonFactory.create_batch(3):
        present(EnrollmentFactory(session=other, person=person), NOV_8, NOV_9)

    figures = headline(client_for(trainer))

    assert figures.workshops == 1
    assert figures.sessions_held == 1
    assert (figures.distinct_persons, figures.person_days) == (1, 1)
    # The programme's staff still count the whole institution.
    assert participation(scope=Scope()).workshops == 3


def test_the_home_page_says_one_workshop_in_the_singular(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    present(EnrollmentFactory(session=sevare_session), NOV_8)

    html = client_for(programme_officer).get(HOME).content.decode()

    assert '<span class="num">1</span><span class="label">atelier</span>' in html
    assert '<span class="num">1</span><span class="label">session tenue</span>' in html
    assert '<span class="num">1</span><span class="label">personne formée</span>' in html
