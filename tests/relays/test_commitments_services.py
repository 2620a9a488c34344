"""The rules of a commitment: whom, how many, by when, on which objectives; one per participant;
the phone window that takes them and the join of a phone with its two codes."""

from __future__ import annotations

import datetime as dt

import pytest

from kalan.assessments.models import JoinRefusal
from kalan.core.models import User
from kalan.relays import services_commitments as services
from kalan.relays.errors import RelayError, RelayThrottled
from kalan.relays.models import CODE_ALPHABET, Commitment, CommitmentWindow, RelayCode, Source
from kalan.workshops.models import Enrollment, Session
from tests.factories import EnrollmentFactory, ObjectiveFactory, SessionFactory
from tests.relays.factories import relay

END = dt.date(2022, 11, 10)  # the Sévaré session's last day


@pytest.fixture
def participant(sevare_session: Session) -> Enrollment:
    return relay(sevare_session, last_name="Traoré", first_names="Moussa")


def _save(enrollment: Enrollment, **changes: object) -> Commitment:
    arguments: dict[str, object] = {
        "enrollment": enrollment,
        "audiences": ["own_unit", "leaders"],
        "people_planned": 25,
        "due_on": END + dt.timedelta(days=60),
        "objectives": list(enrollment.session.workshop.objectives.all()),
        "note": "",
        "source": Source.PAPER,
        "by": None,
    }
    arguments.update(changes)
    return services.commitment_save(**arguments)  # type: ignore[arg-type]


def _refused(enrollment: Enrollment, **changes: object) -> RelayError:
    with pytest.raises(RelayError) as caught:
        _save(enrollment, **changes)
    assert not Commitment.objects.filter(enrollment=enrollment).exists()
    return caught.value


def test_a_commitment_is_saved_with_its_objectives_and_a_relay_code(
    participant: Enrollment, trainer: User
) -> None:
    commitment = _save(participant, audiences=["leaders", "own_unit", "own_unit"], by=trainer)
    assert commitment.audiences == ["own_unit", "leaders"]  # the list's order, once each
    assert commitment.people_planned == 25
    assert commitment.entered_by == trainer
    assert commitment.source == Source.PAPER
    assert commitment.objectives.count() == 2
    assert RelayCode.objects.filter(enrollment=participant).count() == 1


def test_saving_again_corrects_the_commitment_never_a_second_row(participant: Enrollment) -> None:
    first = _save(participant)
    objective = participant.session.workshop.objectives.order_by("order").first()
    again = _save(participant, people_planned=40, objectives=[objective], note="  Brigade  ")
    assert again.pk == first.pk
    assert Commitment.objects.filter(enrollment=participant).count() == 1
    again.refresh_from_db()
    assert again.people_planned == 40
    assert list(again.objectives.all()) == [objective]
    assert again.note == "Brigade"


@pytest.mark.parametrize("audiences", [[], ["army"], ["own_unit", "everyone"]])
def test_an_audience_of_the_list_is_required(participant: Enrollment, audiences: list[str]) -> None:
    assert _refused(participant, audiences=audiences).field == "audiences"


@pytest.mark.parametrize("people", [0, -3, 5001, 1_000_000])
def test_people_planned_is_between_1_and_5000(participant: Enrollment, people: int) -> None:
    error = _refused(participant, people_planned=people)
    assert error.field == "people_planned"
    assert error.code == ("people_too_many" if people > 0 else "people_too_few")


def test_5000_people_is_accepted(participant: Enrollment) -> None:
    assert _save(participant, people_planned=5000).people_planned == 5000


@pytest.mark.parametrize(
    "due_on",
    [END, END - dt.timedelta(days=30), dt.date(2023, 11, 11), dt.date(2030, 1, 1)],
)
def test_the_due_date_is_after_the_session_and_within_twelve_months(
    participant: Enrollment, due_on: dt.date
) -> None:
    error = _refused(participant, due_on=due_on)
    assert error.field == "due_on"
    assert "10/11/2022" in str(error) and "10/11/2023" in str(error)


@pytest.mark.parametrize("due_on", [END + dt.timedelta(days=1), dt.date(2023, 11, 10)])
def test_the_due_date_limits_are_included(participant: Enrollment, due_on: dt.date) -> None:
    assert _save(participant, due_on=due_on).due_on == due_on


def test_objectives_of_another_workshop_are_refused(participant: Enrollment) -> None:
    other = ObjectiveFactory()
    error = _refused(participant, objectives=[other])
    assert (error.field, error.code) == ("objectives", "foreign_objective")


def test_at_least_one_objective_when_the_workshop_has_some(participant: Enrollment) -> None:
    assert _refused(participant, objectives=[]).code == "no_objective"


@pytest.mark.parametrize(
    "role", [Enrollment.Role.FACILITATOR, Enrollment.Role.OBSERVER, Enrollment.Role.ORGANISER]
)
def test_only_a_participant_commits(sevare_session: Session, role: str) -> None:
    other = EnrollmentFactory(session=sevare_session, role=role)
    assert _refused(other).code == "not_participant"


def test_a_merged_or_withdrawn_enrollment_cannot_commit(
    sevare_session: Session, participant: Enrollment
) -> None:
    merged = EnrollmentFactory(session=sevare_session, superseded_by=participant)
    withdrawn = EnrollmentFactory(session=sevare_session, status=Enrollment.Status.WITHDRAWN)
    assert _refused(merged).code == "not_participant"
    assert _refused(withdrawn).code == "not_participant"


def test_a_phone_commitment_needs_the_window_open(
    sevare_session: Session, participant: Enrollment, trainer: User
) -> None:
    assert _refused(participant, source=Source.PHONE).code == "window_closed"
    services.commitment_window_open(session=sevare_session, by=trainer)
    assert _save(participant, source=Source.PHONE).source == Source.PHONE
    services.commitment_window_close(session=sevare_session, by=trainer)
    with pytest.raises(RelayError, match="fermée"):
        _save(participant, source=Source.PHONE, people_planned=99)
    assert Commitment.objects.get(enrollment=participant).people_planned == 25
    # The trainer still types the paper form once the phones are closed.
    assert _save(participant, people_planned=99).source == Source.PAPER


# --- the window -------------------------------------------------------------------------------


def test_the_window_opens_with_a_six_character_code_kept_when_reopened(
    sevare_session: Session, trainer: User
) -> None:
    window = services.commitment_window_open(session=sevare_session, by=trainer)
    assert window.is_open
    assert len(window.access_code) == 6
    assert set(window.access_code) <= set(CODE_ALPHABET)
    closed = services.commitment_window_close(session=sevare_session, by=trainer)
    assert not closed.is_open
    again = services.commitment_window_open(session=sevare_session, by=trainer)
    assert again.is_open and again.access_code == window.access_code
    assert CommitmentWindow.objects.count() == 1


def test_each_session_gets_its_own_code(sevare_session: Session, trainer: User) -> None:
    first = services.commitment_window_open(session=sevare_session, by=trainer)
    second = services.commitment_window_open(session=SessionFactory(), by=trainer)
    assert first.access_code != second.access_code


def test_closing_a_window_that_is_not_open_is_refused(sevare_session: Session) -> None:
    with pytest.raises(RelayError) as caught:
        services.commitment_window_close(session=sevare_session, by=None)
    assert caught.value.code == "window_not_open"


# --- a phone joins ----------------------------------------------------------------------------


def _join(access_code: str, badge: str, address: str = "10.0.0.7") -> Enrollment:
    return services.commitment_join(
        access_code=access_code, participant_code=badge, address=address
    )


def test_a_phone_joins_with_the_window_code_and_the_badge_code(
    sevare_session: Session, participant: Enrollment
) -> None:
    window = services.commitment_window_open(session=sevare_session, by=None)
    assert _join(f" {window.access_code.lower()} ", participant.code) == participant


def test_wrong_codes_are_refused_at_their_field_and_counted(
    sevare_session: Session, participant: Enrollment
) -> None:
    window = services.commitment_window_open(session=sevare_session, by=None)
    with pytest.raises(RelayError) as caught:
        _join("ZZZZZZ", participant.code)
    assert (caught.value.code, caught.value.field) == ("unknown_window", "access_code")
    with pytest.raises(RelayError) as caught:
        _join(window.access_code, "9" + participant.code)
    assert (caught.value.code, caught.value.field) == ("unknown_participant", "participant_code")
    assert sum(JoinRefusal.objects.filter(address="10.0.0.7").values_list("count", flat=True)) == 2


def test_a_badge_of_another_session_is_unknown(
    sevare_session: Session, participant: Enrollment
) -> None:
    window = services.commitment_window_open(session=sevare_session, by=None)
    stranger = EnrollmentFactory(session=SessionFactory(), code="9" + participant.code)
    with pytest.raises(RelayError, match="Code participant inconnu"):
        _join(window.access_code, stranger.code)


def test_a_closed_window_refuses_the_join_without_counting(
    sevare_session: Session, participant: Enrollment
) -> None:
    window = services.commitment_window_open(session=sevare_session, by=None)
    services.commitment_window_close(session=sevare_session, by=None)
    with pytest.raises(RelayError) as caught:
        _join(window.access_code, participant.code)
    assert caught.value.code == "window_closed"
    assert not JoinRefusal.objects.exists()


def test_a_facilitator_badge_is_refused(sevare_session: Session) -> None:
    window = services.commitment_window_open(session=sevare_session, by=None)
    facilitator = EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    with pytest.raises(RelayError) as caught:
        _join(window.access_code, facilitator.code)
    assert (caught.value.code, caught.value.field) == ("not_participant", "participant_code")


def test_too_many_wrong_codes_from_one_address_stop_the_join(
    sevare_session: Session, participant: Enrollment, settings: object
) -> None:
    settings.KALAN_JOIN_FAILURES_PER_ADDRESS = 3  # type: ignore[attr-defined]
    window = services.commitment_window_open(session=sevare_session, by=None)
    for _n in range(3):
        with pytest.raises(RelayError):
            _join("ZZZZZZ", "1")
    with pytest.raises(RelayThrottled, match="Trop de codes erronés"):
        _join(window.access_code, participant.code)  # even the right codes, for a while
    assert _join(window.access_code, participant.code, address="10.0.0.8") == participant
