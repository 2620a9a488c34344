"""The definitions of the figures module's docstring, each pinned on a programme built by hand:
who is trained, person-days, the days offered and the attendance rate, for the whole scope, per
session and per workshop (with the total).

Today is 7 March 2023. Workshop A:

- S1, Sévaré (Mopti region), 8-10 November 2022, whole days. Aïssata (F) present 3 days; Moussa
  (M) present on the 9th; Awa (F) enrolled, never came; Djénéba (F) withdrew; the facilitator
  present 3 days; a second record of Moussa, merged into his, still holds its enrollment,
  superseded by his, with the mark of the 9th he already had.
- S2, Ségou (Ségou region), 14-15 November 2022, by half-days. Moussa the morning and the
  afternoon of the 14th; Ebou (M) the morning of the 14th only; Aïssata the afternoon of the 15th.

Workshop B:

- S3, Kayes (Kayes region), 6-8 March 2023, under way today. Bakary (M) present on the 6th;
  Fanta (F) enrolled, not marked yet.
- S4, Ségou, 16-17 January 2023: Oumar enrolled, nobody marked present (cancelled, or its
  attendance not entered): not held, and nobody trained there.
- S5, Kayes, 10-12 April 2023, to come: Seydou enrolled.

Worked out by hand, session by session (participants: enrolled, withdrawn ones excluded; days
offered: participants × the session's days up to today; trainings: enrollments present at least
once):

- S1: 3 participants (Aïssata, Moussa, Awa), 3 × 3 = 9 days offered, 3 + 1 = 4 person-days,
  2 trainings (1 woman, 1 man);
- S2: 3 participants, 3 × 2 = 6 days offered, 1 + ½ + ½ = 2 person-days, 3 trainings (1 woman,
  2 men);
- S3: 2 participants, 2 × 2 = 4 days offered (the 6th and the 7th), 1 person-day, 1 training;
- S4: 1 participant, 1 × 2 = 2 days offered, nobody trained;
- S5: 1 participant, no day offered yet, nobody trained.

Workshop A: 6 participants, 15 days offered, 6 person-days, 5 trainings of 3 distinct persons
(Aïssata, Moussa, Ebou): 1 woman, 2 men. Workshop B: 4 participants, 6 days offered, 1
person-day, Bakary trained. The whole programme: 10 participants, 21 days offered, 7
person-days (a rate of 7 / 21 = 1/3), 6 trainings of 4 distinct persons, 1 woman and 3 men.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kalan.people.models import Person
from kalan.reports.figures import Participation, Scope, participation, participation_per
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from tests.factories import (
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    place,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2023, 3, 7)
AM, PM, DAY = Attendance.Half.MORNING, Attendance.Half.AFTERNOON, Attendance.Half.DAY
FEMALE, MALE = Person.Sex.FEMALE, Person.Sex.MALE


@dataclass(frozen=True)
class Programme:
    a: Workshop
    b: Workshop
    s1: Session
    s2: Session
    s3: Session
    s4: Session
    s5: Session


def _enrol(session: Session, person: Person, **kw: object) -> Enrollment:
    enrollment: Enrollment = EnrollmentFactory(session=session, person=person, **kw)
    return enrollment


def _present(enrollment: Enrollment, day: dt.date, half: str = DAY) -> None:
    Attendance.objects.create(enrollment=enrollment, day=day, half=half)


def _person(first_names: str, sex: str, **kw: object) -> Person:
    person: Person = PersonFactory(first_names=first_names, sex=sex, **kw)
    return person


@pytest.fixture
def programme() -> Programme:
    a, b = WorkshopFactory(title="Atelier A"), WorkshopFactory(title="Atelier B")
    s1 = SessionFactory(workshop=a, place=place("Sévaré"), start_date=dt.date(2022, 11, 8))
    s2 = SessionFactory(
        workshop=a,
        place=place("Ségou"),
        start_date=dt.date(2022, 11, 14),
        end_date=dt.date(2022, 11, 15),
        half_days=True,
    )
    s3 = SessionFactory(workshop=b, place=place("Kayes"), start_date=dt.date(2023, 3, 6))
    s4 = SessionFactory(
        workshop=b,
        place=place("Ségou"),
        start_date=dt.date(2023, 1, 16),
        end_date=dt.date(2023, 1, 17),
    )
    s5 = SessionFactory(workshop=b, place=place("Kayes"), start_date=dt.date(2023, 4, 10))

    aissata, awa = _person("Aïssata", FEMALE), _person("Awa", FEMALE)
    moussa, ebou = _person("Moussa", MALE), _person("Ebou", MALE)
    # Moussa's second record, merged into his: still enrolled in S1, superseded by his enrollment.
    moussa_again = _person("Moussa", MALE, merged_into=moussa)

    aissata_s1 = _enrol(s1, aissata)
    for day in (8, 9, 10):
        _present(aissata_s1, dt.date(2022, 11, day))
    moussa_s1 = _enrol(s1, moussa)
    _present(moussa_s1, dt.date(2022, 11, 9))
    _present(_enrol(s1, moussa_again, superseded_by=moussa_s1), dt.date(2022, 11, 9))
    _enrol(s1, awa)
    _enrol(s1, _person("Djénéba", FEMALE), status=Enrollment.Status.WITHDRAWN)
    facilitator = _enrol(s1, _person("Nana", FEMALE), role=Enrollment.Role.FACILITATOR)
    for day in (8, 9, 10):
        _present(facilitator, dt.date(2022, 11, day))

    moussa_s2 = _enrol(s2, moussa)
    _present(moussa_s2, dt.date(2022, 11, 14), AM)
    _present(moussa_s2, dt.date(2022, 11, 14), PM)
    _present(_enrol(s2, ebou), dt.date(2022, 11, 14), AM)
    _present(_enrol(s2, aissata), dt.date(2022, 11, 15), PM)

    _present(_enrol(s3, _person("Bakary", MALE)), dt.date(2023, 3, 6))
    _enrol(s3, _person("Fanta", FEMALE))
    _enrol(s4, _person("Oumar", MALE))
    _enrol(s5, _person("Seydou", MALE))
    return Programme(a=a, b=b, s1=s1, s2=s2, s3=s3, s4=s4, s5=s5)


def counts(found: Participation) -> dict[str, float]:
    """The figures this module pins, by name."""
    return {
        "participants": found.participants,
        "days_offered": found.days_offered,
        "person_days": found.person_days,
        "persons_trained": found.persons_trained,
        "distinct_persons": found.distinct_persons,
        "women": found.women,
        "men": found.men,
    }


def figures(
    participants: int,
    days_offered: float,
    person_days: float,
    persons_trained: int,
    distinct_persons: int,
    women: int,
    men: int,
) -> dict[str, float]:
    return {
        "participants": participants,
        "days_offered": days_offered,
        "person_days": person_days,
        "persons_trained": persons_trained,
        "distinct_persons": distinct_persons,
        "women": women,
        "men": men,
    }


# The programme's figures worked out by hand (the module's docstring).
S1 = figures(3, 9, 4, 2, 2, 1, 1)
S2 = figures(3, 6, 2, 3, 3, 1, 2)
S3 = figures(2, 4, 1, 1, 1, 0, 1)
S4 = figures(1, 2, 0, 0, 0, 0, 0)
S5 = figures(1, 0, 0, 0, 0, 0, 0)
A = figures(6, 15, 6, 5, 3, 1, 2)
B = figures(4, 6, 1, 1, 1, 0, 1)
ALL = figures(10, 21, 7, 6, 4, 1, 3)


def test_the_programme_s_figures_are_those_worked_out_by_hand(programme: Programme) -> None:
    found = participation(scope=Scope(), today=TODAY)

    assert counts(found) == ALL
    assert found.attendance_rate == 7 / 21
    # The trainings by region of their session: enrollments, not persons (Aïssata twice).
    assert {t.label: t.value for t in found.by_session_region} == {
        "Ségou": 3,
        "Mopti": 2,
        "Kayes": 1,
    }


def test_each_session_s_figures_are_its_own(programme: Programme) -> None:
    per_session = participation_per(scope=Scope(), per="session", today=TODAY)

    assert set(per_session) == {
        programme.s1.pk,
        programme.s2.pk,
        programme.s3.pk,
        programme.s4.pk,
        programme.s5.pk,
    }  # no total unless asked
    assert {pk: counts(found) for pk, found in per_session.items()} == {
        programme.s1.pk: S1,
        programme.s2.pk: S2,
        programme.s3.pk: S3,
        programme.s4.pk: S4,
        programme.s5.pk: S5,
    }
    regions = {
        pk: [(t.label, t.value) for t in found.by_session_region]
        for pk, found in per_session.items()
    }
    assert regions[programme.s1.pk] == [("Mopti", 2)]
    assert regions[programme.s2.pk] == [("Ségou", 3)]


def test_each_workshop_s_figures_and_the_total_add_up_the_sessions(programme: Programme) -> None:
    per_workshop = participation_per(scope=Scope(), per="workshop", today=TODAY, total=True)

    assert {group: counts(found) for group, found in per_workshop.items()} == {
        programme.a.pk: A,
        programme.b.pk: B,
        None: ALL,  # distinct persons counted again over the whole scope: Moussa once
    }
    assert per_workshop[programme.a.pk].attendance_rate == 6 / 15
    assert per_workshop[programme.b.pk].attendance_rate == 1 / 6
    regions = {
        group: {t.label: t.value for t in found.by_session_region}
        for group, found in per_workshop.items()
    }
    assert regions == {
        programme.a.pk: {"Mopti": 2, "Ségou": 3},
        programme.b.pk: {"Kayes": 1},
        None: {"Mopti": 2, "Ségou": 3, "Kayes": 1},  # the groups' trainings added up
    }


def test_one_half_day_of_presence_is_enough_to_be_trained(programme: Programme) -> None:
    found = participation(scope=Scope(session_id=programme.s2.pk), today=TODAY)

    # Ebou came one morning: trained, for half a person-day.
    assert (found.persons_trained, found.person_days) == (3, 1 + 0.5 + 0.5)


def test_a_merged_record_s_enrollment_never_counts(programme: Programme) -> None:
    found = participation(scope=Scope(session_id=programme.s1.pk), today=TODAY)

    # Moussa once, with his day of the 9th once; his second record offered no days either.
    assert counts(found) == S1
    assert Enrollment.objects.filter(session=programme.s1, superseded_by__isnull=False).exists()


def test_a_session_under_way_offers_its_days_up_to_today(programme: Programme) -> None:
    scope = Scope(session_id=programme.s3.pk)

    assert participation(scope=scope, today=dt.date(2023, 3, 5)).days_offered == 0
    assert participation(scope=scope, today=dt.date(2023, 3, 6)).days_offered == 2 * 1
    assert participation(scope=scope, today=TODAY).days_offered == 2 * 2
    assert participation(scope=scope, today=dt.date(2023, 3, 8)).days_offered == 2 * 3
    assert participation(scope=scope, today=dt.date(2024, 1, 1)).days_offered == 2 * 3


def test_a_session_without_attendance_trains_nobody_but_offers_its_days(
    programme: Programme,
) -> None:
    found = participation(scope=Scope(session_id=programme.s4.pk), today=TODAY)

    assert (found.sessions_held, found.sessions_unattended) == (0, 1)
    assert (found.persons_trained, found.person_days, found.days_offered) == (0, 0, 2)
    assert found.attendance_rate == 0.0  # days were offered: a rate of nothing, not no rate


def test_a_session_to_come_offers_nothing_and_gives_no_rate(programme: Programme) -> None:
    found = participation(scope=Scope(session_id=programme.s5.pk), today=TODAY)

    assert (found.participants, found.days_offered, found.person_days) == (1, 0, 0)
    assert found.attendance_rate is None


def test_an_empty_scope_has_nothing_and_no_rate(programme: Programme) -> None:
    found = participation(scope=Scope(start=dt.date(2030, 1, 1)), today=TODAY)

    assert found == Participation()
    assert found.attendance_rate is None


def test_the_period_keeps_the_sessions_whose_first_day_falls_in_it(programme: Programme) -> None:
    # From S2's first day to S3's: S2, S4 and S3, bounds included.
    found = participation(
        scope=Scope(start=dt.date(2022, 11, 14), end=dt.date(2023, 3, 6)), today=TODAY
    )

    assert counts(found) == figures(6, 12, 3, 4, 4, 1, 3)


# Mutants of the figures' definitions that `make mutation` (bench/mutation.py) lets live, as
# equivalent:
# - ``_count_person_days``: ``output_field=FloatField()`` of the weight's ``Case`` set to None or
#   dropped: Django then takes the output field from the ``Case``'s values, ``Value(0.5)`` and
#   ``Value(1.0)``, both floats: the same FloatField and the same SQL.
