"""A donor viewer's figures: ``kalan.reports.figures.participation`` and the /partenaire/ page,
checked against numbers worked out by hand from a small programme.

The programme (``funded``): a workshop funded by EUCAP Sahel Mali with three sessions.

- Sévaré, 8-10 November 2022, whole days. Kadiatou (woman, gendarmerie, unit in Sévaré, Mopti
  region) present 3 days; Oumar (man, police, unit in Ségou) present 1 day; Bakary enrolled,
  never came; Awa withdrew; a facilitator present 3 days (never counted).
- Ségou, 6-7 March 2023, half-days. Ibrahim (man, police, no unit) present three half-days;
  Kadiatou again, one half-day.
- A third session, later than today: planned, nobody enrolled yet.

Worked out by hand: 2 sessions held and 1 planned; 5 participants (3 in Sévaré, 2 in Ségou;
Awa and the facilitator are not participants); 4 trainings (2 + 2), 3 distinct persons
(Kadiatou, Oumar, Ibrahim), 1 woman and 2 men; person-days 3 + 1 in Sévaré and 1.5 + 0.5 in
Ségou = 6.0; days offered 3 participants × 3 days + 2 × 2 days = 13, an attendance rate of
6 / 13 = 46.2 %. By corps (distinct persons): police 2, gendarmerie 1. By region of their unit:
Mopti 1, Ségou 1, none 1. By region of the session (trainings): Mopti 2, Ségou 2.

Another workshop, funded by another partner, trains Salif in Mopti: it never counts here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import Organisation, Partner, User
from kalan.core.roles import Role
from kalan.people.models import Person
from kalan.plans.models import Axis
from kalan.reports.figures import Scope, funded_workshops, participation
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from tests.factories import (
    EnrollmentFactory,
    FundingFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
    WorkshopFactory,
    corps,
    place,
)

MORNING, AFTERNOON, DAY = Attendance.Half.MORNING, Attendance.Half.AFTERNOON, Attendance.Half.DAY


@dataclass
class Funded:
    workshop: Workshop
    sevare: Session
    segou: Session
    planned: Session
    other_workshop: Workshop
    other_partner: Partner
    persons: list[Person]


def _present(enrollment: Enrollment, *periods: tuple[int, str]) -> None:
    start = enrollment.session.start_date
    for day, half in periods:
        Attendance.objects.create(
            enrollment=enrollment, day=start + dt.timedelta(days=day), half=half
        )


def _person(last_name: str, first_names: str, sex: str, corps_name: str, **kw: object) -> Person:
    return PersonFactory(
        last_name=last_name,
        first_names=first_names,
        sex=sex,
        corps=corps(corps_name),
        service_number=f"MLE-{last_name[:3].upper()}-{first_names[:3].upper()}",
        **kw,
    )


@pytest.fixture
def funded(organisation: Organisation, axis: Axis, funder: Partner) -> Funded:
    workshop = WorkshopFactory(axis=axis, title="Droits de l’homme et garde à vue")
    FundingFactory(workshop=workshop, partner=funder, amount=12_000_000)
    sevare = SessionFactory(workshop=workshop)  # Sévaré, 8-10 November 2022
    segou = SessionFactory(
        workshop=workshop,
        place=place("Ségou"),
        start_date=dt.date(2023, 3, 6),
        end_date=dt.date(2023, 3, 7),
        half_days=True,
    )
    later = timezone.localdate() + dt.timedelta(days=60)
    planned = SessionFactory(workshop=workshop, start_date=later, end_date=later)

    female, male = Person.Sex.FEMALE, Person.Sex.MALE
    kadiatou = _person("Traoré", "Kadiatou", female, "Gendarmerie", unit=UnitFactory())
    oumar = _person(
        "Diarra",
        "Oumar",
        male,
        "Police",
        unit=UnitFactory(corps=corps("Police"), place=place("Ségou")),
    )
    bakary = _person("Keïta", "Bakary", male, "Gendarmerie")
    awa = _person("Sangaré", "Awa", female, "Police")
    ibrahim = _person("Touré", "Ibrahim", male, "Police")
    facilitator = _person("Cissé", "Mamadou", male, "Gendarmerie")

    _present(EnrollmentFactory(session=sevare, person=kadiatou), (0, DAY), (1, DAY), (2, DAY))
    _present(EnrollmentFactory(session=sevare, person=oumar), (1, DAY))
    EnrollmentFactory(session=sevare, person=bakary)
    EnrollmentFactory(session=sevare, person=awa, status=Enrollment.Status.WITHDRAWN)
    _present(
        EnrollmentFactory(session=sevare, person=facilitator, role=Enrollment.Role.FACILITATOR),
        (0, DAY),
        (1, DAY),
        (2, DAY),
    )
    _present(
        EnrollmentFactory(session=segou, person=ibrahim),
        (0, MORNING),
        (0, AFTERNOON),
        (1, MORNING),
    )
    _present(EnrollmentFactory(session=segou, person=kadiatou), (1, AFTERNOON))

    other_partner = PartnerFactory(name="Coopération suisse")
    other_workshop = WorkshopFactory(axis=axis, title="Prévention de la torture")
    FundingFactory(workshop=other_workshop, partner=other_partner, amount=5_000_000)
    salif = _person("Maïga", "Salif", male, "Gendarmerie", unit=UnitFactory())
    _present(
        EnrollmentFactory(session=SessionFactory(workshop=other_workshop), person=salif), (0, DAY)
    )
    return Funded(
        workshop=workshop,
        sevare=sevare,
        segou=segou,
        planned=planned,
        other_workshop=other_workshop,
        other_partner=other_partner,
        persons=[kadiatou, oumar, bakary, awa, ibrahim, facilitator, salif],
    )


# --- the figures -------------------------------------------------------------------------------


def test_the_figures_of_the_partners_workshops_are_those_worked_out_by_hand(
    funded: Funded, funder: Partner
) -> None:
    figures = participation(scope=Scope(partner_id=funder.pk), today=timezone.localdate())

    assert (figures.sessions_held, figures.sessions_planned) == (2, 1)
    assert figures.participants == 5
    assert figures.persons_trained == 4
    assert figures.distinct_persons == 3
    assert (figures.women, figures.men) == (1, 2)
    assert figures.person_days == 6.0
    assert figures.days_offered == 13
    assert figures.attendance_rate == pytest.approx(6 / 13)
    assert {t.label: t.value for t in figures.by_corps} == {
        corps("Police").name: 2,
        corps("Gendarmerie").name: 1,
    }
    assert {t.label: t.value for t in figures.by_unit_region} == {"Mopti": 1, "Ségou": 1, "—": 1}
    assert {t.label: t.value for t in figures.by_session_region} == {"Mopti": 2, "Ségou": 2}


def test_a_half_day_counts_half_a_person_day(funded: Funded) -> None:
    figures = participation(scope=Scope(session_id=funded.segou.pk))

    # Ibrahim three half-days, Kadiatou one: two days of presence out of 2 × 2 offered.
    assert figures.person_days == 2.0
    assert figures.days_offered == 4
    assert figures.attendance_rate == 0.5


def test_a_person_trained_in_two_sessions_is_one_distinct_person(funded: Funded) -> None:
    one_workshop = participation(scope=Scope(workshop_id=funded.workshop.pk))
    sevare = participation(scope=Scope(session_id=funded.sevare.pk))
    segou = participation(scope=Scope(session_id=funded.segou.pk))

    assert (sevare.distinct_persons, segou.distinct_persons) == (2, 2)
    assert one_workshop.persons_trained == sevare.persons_trained + segou.persons_trained == 4
    assert one_workshop.distinct_persons == 3  # Kadiatou once


def test_a_partner_sees_only_the_workshops_it_funds(funded: Funded, funder: Partner) -> None:
    ours = funded_workshops(partner_id=funder.pk)
    theirs = funded_workshops(partner_id=funded.other_partner.pk)

    assert [w.workshop_id for w in ours] == [funded.workshop.pk]
    assert [w.workshop_id for w in theirs] == [funded.other_workshop.pk]
    assert ours[0].amount == 12_000_000
    assert [s.pk for s in ours[0].sessions] == [
        funded.sevare.pk,
        funded.segou.pk,
        funded.planned.pk,
    ]
    assert theirs[0].figures.distinct_persons == 1
    assert participation(scope=Scope(partner_id=funded.other_partner.pk)).persons_trained == 1


def _grow(workshop: Workshop, sessions: int) -> None:
    """Sessions of the workshop up to ``sessions``, each with three persons present."""
    for n in range(sessions - workshop.sessions.count()):
        session = SessionFactory(
            workshop=workshop,
            place=place("Ségou") if n % 2 else place("Sévaré"),
            start_date=dt.date(2023, 5, 1) + dt.timedelta(days=7 * n),
            end_date=dt.date(2023, 5, 2) + dt.timedelta(days=7 * n),
        )
        for person in PersonFactory.create_batch(3, unit=UnitFactory()):
            _present(EnrollmentFactory(session=session, person=person), (0, DAY), (1, DAY))


def test_the_queries_do_not_grow_with_the_sessions_or_the_persons(
    funder: Partner, axis: Axis, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    workshop = WorkshopFactory(axis=axis)
    FundingFactory(workshop=workshop, partner=funder, amount=1_000_000)
    scope = Scope(partner_id=funder.pk)
    _grow(workshop, 2)
    with CaptureQueriesContext(connection) as two:
        small = participation(scope=scope)
    _grow(workshop, 6)
    with django_assert_num_queries(len(two.captured_queries)):
        large = participation(scope=scope)
    assert (small.distinct_persons, large.distinct_persons) == (6, 18)


# --- the page ---------------------------------------------------------------------------------


def _figures(html: str) -> dict[str, str]:
    """The page's figures, term by term, with the spaces of French typography made plain."""
    pairs = re.findall(r"<dt>([^<]+)</dt>\s*<dd>([^<]+)</dd>", html)
    return {term.strip(): re.sub(r"\s+", " ", value).strip() for term, value in pairs}


def test_the_partner_page_shows_the_figures_and_no_person(
    funded: Funded, donor_viewer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(donor_viewer).get(reverse("funded_overview"))

    assert response.status_code == 200
    html = response.content.decode()
    assert funded.workshop.title in html
    assert funded.other_workshop.title not in html
    assert _figures(html) == {
        "Sessions tenues": "2",
        "Sessions prévues": "1",
        "Participants formés": "4",
        "Personnes distinctes": "3",
        "Femmes": "1",
        "Hommes": "2",
        "Jours-personnes": "6,0",
        "Taux de présence": "46,2 %",
        # The follow-up (figures_followup): four relays, nothing reported yet.
        "Relais suivis": "4",
        "Taux de réponse aux tours de suivi": "—",
        "Restitution dans les 3 mois": "0,0 %",
        "Restitutions tenues": "0",
        "Personnes touchées": "entre 0 et 0",
        "Changement de pratique déclaré": "—",
    }
    for person in funded.persons:
        assert person.last_name.upper() not in html.upper(), person.last_name
        assert person.first_names not in html, person.first_names
        assert person.service_number not in html, person.service_number
        assert person.phone.replace(" ", "") not in re.sub(r"\s+", "", html)


def test_each_donor_viewer_sees_its_own_partners_workshops(
    funded: Funded, client_for: Callable[[User], Client]
) -> None:
    viewer = UserFactory(username="suisse", role=Role.DONOR, partner=funded.other_partner)
    html = client_for(viewer).get(reverse("funded_overview")).content.decode()

    assert funded.other_workshop.title in html
    assert funded.workshop.title not in html
    assert _figures(html)["Participants formés"] == "1"


def test_the_partner_page_runs_the_same_queries_for_2_or_6_sessions(
    funder: Partner,
    axis: Axis,
    donor_viewer: User,
    client_for: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    workshop = WorkshopFactory(axis=axis)
    FundingFactory(workshop=workshop, partner=funder, amount=1_000_000)
    client = client_for(donor_viewer)
    client.get(reverse("funded_overview"))  # a first request may write the login's session
    _grow(workshop, 2)
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("funded_overview")).status_code == 200
    _grow(workshop, 6)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(reverse("funded_overview"))
    assert _figures(response.content.decode())["Personnes distinctes"] == "18"
