import datetime as dt

import pytest
from django.utils import timezone

from kalan.core.formats import months_after
from kalan.core.models import User
from kalan.people.models import Person
from kalan.relays.bank import followup_bank_load
from kalan.relays.errors import RelayError
from kalan.relays.models import (
    FollowupQuestion,
    RelayCode,
    Respondent,
    Round,
    RoundQuestion,
)
from kalan.relays.services_rounds import (
    round_close,
    round_open,
    rounds_plan,
    workshop_last_day,
)
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import EnrollmentFactory, SessionFactory, WorkshopFactory
from tests.relays.builders_rounds import opened_round, relays_in
from tests.relays.factories import DepartureFactory, relay

pytestmark = pytest.mark.django_db


def test_months_are_calendar_months_kept_within_the_month() -> None:
    assert months_after(dt.date(2022, 11, 10), 1) == dt.date(2022, 12, 10)
    assert months_after(dt.date(2022, 11, 10), 3) == dt.date(2023, 2, 10)
    assert months_after(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert months_after(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert months_after(dt.date(2022, 8, 31), 6) == dt.date(2023, 2, 28)


def test_rounds_are_planned_after_the_last_held_session(
    sevare_session: Session, programme_officer: User
) -> None:
    relays_in(sevare_session, 1)
    later = SessionFactory(workshop=sevare_session.workshop, start_date=dt.date(2023, 1, 30))
    relay(later)
    # Planned for next year, nobody present yet: not held, it does not count.
    SessionFactory(workshop=sevare_session.workshop, start_date=timezone.localdate())
    assert workshop_last_day(workshop=sevare_session.workshop) == dt.date(2023, 2, 1)
    rounds = rounds_plan(workshop=sevare_session.workshop, by=programme_officer)
    assert [(r.number, r.months, r.opens_on) for r in rounds] == [
        (1, 1, dt.date(2023, 3, 1)),
        (2, 3, dt.date(2023, 5, 1)),
        (3, 6, dt.date(2023, 8, 1)),
    ]
    assert all(r.status == Round.Status.DRAFT for r in rounds)


def test_planning_again_adds_only_the_months_not_planned(
    sevare_session: Session, programme_officer: User
) -> None:
    relays_in(sevare_session, 1)
    rounds_plan(workshop=sevare_session.workshop, months=[1, 3], by=programme_officer)
    [added] = rounds_plan(workshop=sevare_session.workshop, months=[3, 12], by=programme_officer)
    assert (added.number, added.months) == (3, 12)
    with pytest.raises(RelayError) as error:
        rounds_plan(workshop=sevare_session.workshop, months=[1], by=programme_officer)
    assert error.value.code == "already_planned"


def test_a_workshop_with_no_held_session_is_refused(programme_officer: User) -> None:
    session = SessionFactory()
    EnrollmentFactory(session=session)  # enrolled, never marked present
    with pytest.raises(RelayError) as error:
        rounds_plan(workshop=session.workshop, by=programme_officer)
    assert error.value.code == "no_held_session"
    assert "aucune session tenue" in str(error.value)
    assert not Round.objects.exists()


@pytest.mark.parametrize("months", [[], [0], [-1], [61], ["trois"]])
def test_wrong_months_are_refused(
    sevare_session: Session, programme_officer: User, months: list[object]
) -> None:
    relays_in(sevare_session, 1)
    with pytest.raises(RelayError) as error:
        rounds_plan(workshop=sevare_session.workshop, months=months, by=programme_officer)
    assert error.value.field == "months"


def test_opening_freezes_the_bank_and_lists_each_relay_once_with_a_code(
    sevare_session: Session, programme_officer: User
) -> None:
    relays = relays_in(sevare_session, 3)
    # The same person trained again in a second session of the workshop: called once.
    second = SessionFactory(workshop=sevare_session.workshop, start_date=dt.date(2023, 1, 9))
    again = relay(second)
    again.person = relays[0].person
    again.save()
    EnrollmentFactory(session=sevare_session)  # never present: not a relay
    followup_bank_load()
    FollowupQuestion.objects.filter(code="COMMENT").update(active=False)
    [first] = rounds_plan(workshop=sevare_session.workshop, months=[1], by=programme_officer)
    opening = round_open(round=first, by=programme_officer)
    assert opening.added == 3
    assert opening.round.status == Round.Status.OPEN and opening.round.opened_at
    listed = set(Respondent.objects.filter(round=first).values_list("enrollment_id", flat=True))
    assert listed == {again.pk, relays[1].pk, relays[2].pk}
    assert RelayCode.objects.filter(enrollment_id__in=listed).count() == 3
    frozen = list(RoundQuestion.objects.filter(round=first).order_by("order"))
    assert len(frozen) == FollowupQuestion.objects.filter(active=True).count() == 11
    practice = next(q for q in frozen if q.content["kind"] == "practice")
    assert set(practice.content) == {
        "code",
        "kind",
        "text",
        "text_en",
        "choices",
        "practice",
        "practice_en",
    }
    assert practice.content["choices"][0]["key"] == "changed"


def test_opening_before_the_date_is_allowed_with_a_warning(
    sevare_session: Session, programme_officer: User
) -> None:
    relays_in(sevare_session, 1)
    followup_bank_load()
    [first] = rounds_plan(workshop=sevare_session.workshop, months=[1], by=programme_officer)
    early = round_open(round=first, by=programme_officer, today=dt.date(2022, 12, 1))
    assert early.early and early.round.status == Round.Status.OPEN


def test_opening_again_adds_the_relays_who_appeared_since_and_freezes_nothing_new(
    sevare_session: Session, programme_officer: User
) -> None:
    round = opened_round(sevare_session, n=2, by=programme_officer)
    departed = relay(sevare_session)
    DepartureFactory(person=departed.person, since=dt.date(2023, 1, 5))
    questions = RoundQuestion.objects.filter(round=round).count()
    again = round_open(round=round, by=programme_officer)
    assert again.added == 1 and not again.early
    # A departed officer is listed still (marked on the list), never left out silently.
    assert Respondent.objects.filter(round=round).count() == 3
    assert RoundQuestion.objects.filter(round=round).count() == questions
    assert round_open(round=round, by=programme_officer).added == 0


def test_a_round_opens_without_a_bank_never(
    sevare_session: Session, programme_officer: User
) -> None:
    relays_in(sevare_session, 1)
    FollowupQuestion.objects.all().delete()
    [first] = rounds_plan(workshop=sevare_session.workshop, months=[1], by=programme_officer)
    with pytest.raises(RelayError) as error:
        round_open(round=first, by=programme_officer)
    assert error.value.code == "bank_empty"
    first.refresh_from_db()
    assert first.status == Round.Status.DRAFT
    assert not Respondent.objects.exists()


def test_closing_lets_the_calls_go_and_a_closed_round_stays_closed(
    sevare_session: Session, programme_officer: User
) -> None:
    round = opened_round(sevare_session, n=2, by=programme_officer)
    Respondent.objects.filter(round=round).update(
        claimed_by=programme_officer, claimed_at=timezone.now()
    )
    closed = round_close(round=round, by=programme_officer)
    assert closed.status == Round.Status.CLOSED and closed.closed_at
    assert not Respondent.objects.filter(claimed_by__isnull=False).exists()
    with pytest.raises(RelayError):
        round_open(round=round, by=programme_officer)
    with pytest.raises(RelayError):
        round_close(round=round, by=programme_officer)


def test_two_thousand_relays_open_in_a_few_queries(
    programme_officer: User, django_assert_max_num_queries: object
) -> None:
    session = SessionFactory(workshop=WorkshopFactory())
    persons = Person.objects.bulk_create(
        Person(last_name=f"Relais{n}", first_names="Awa", sex="F") for n in range(2000)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(session=session, person=p, code=f"{n:06d}") for n, p in enumerate(persons)
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, day=session.start_date, half="day") for e in enrollments
    )
    followup_bank_load()
    [first] = rounds_plan(workshop=session.workshop, months=[1], by=programme_officer)
    # Bulk inserts go in batches (SQLite's limit of parameters): never a query per relay.
    with django_assert_max_num_queries(80):  # type: ignore[operator]
        opening = round_open(round=first, by=programme_officer)
    assert opening.added == 2000
    assert RelayCode.objects.count() == 2000
