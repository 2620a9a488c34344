"""A second phone asks for a copy another phone is filling (issue 11, point 1).

The participant's other phone, or someone who read their badge: the new phone waits, the
trainer sees the request on the live panel and decides; approved, the new phone takes the copy
over and the first can no longer write to it; refused or never decided, the first keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.assessments import services
from kalan.assessments.models import Answer, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.core.models import AuditEntry, User
from kalan.core.roles import Role
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import open_test
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory, UserFactory

JOIN = "/t/"
WAIT = "/t/attente/"
SUMMARY = "/t/recapitulatif/"
SEND = "/t/envoyer/"
CODE = "042315"


def q(n: int) -> str:
    return f"/t/q/{n}/"


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


@pytest.fixture
def session(trainer: User) -> Session:
    session = SessionFactory()
    session.trainers.add(trainer)
    return session


@pytest.fixture
def awa(session: Session) -> Enrollment:
    return EnrollmentFactory(
        session=session, code=CODE, person=PersonFactory(last_name="Diarra", first_names="Awa")
    )


@pytest.fixture
def test(session: Session, awa: Enrollment) -> AssessmentTest:
    return open_test(session)


@pytest.fixture
def first(test: AssessmentTest) -> Client:
    """Awa's phone, joined first, with question 1 answered."""
    phone = Client()
    assert phone.post(JOIN, {"access_code": test.access_code, "participant_code": CODE})[
        "Location"
    ] == q(1)
    phone.post(q(1), {"choice": "A"})
    return phone


@pytest.fixture
def second(test: AssessmentTest, first: Client) -> Client:
    """Another phone, with Awa's codes, waiting for the trainer."""
    phone = Client()
    response = phone.post(JOIN, {"access_code": test.access_code, "participant_code": CODE})
    assert response.status_code == 302 and response["Location"] == WAIT
    return phone


@pytest.fixture
def trainer_client(trainer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(trainer)


def decide(client: Client, test: AssessmentTest, decision: str) -> int:
    response = client.post(
        reverse("test_device_decide", kwargs={"uid": test.uid}),
        {"submission": str(Submission.objects.get().uid), "decision": decision},
    )
    return response.status_code


def live(client: Client, test: AssessmentTest) -> str:
    return _text(client.get(reverse("test_live", kwargs={"uid": test.uid})))


def test_a_second_phone_waits_and_is_not_told_whose_copy_it_is(
    second: Client, awa: Enrollment
) -> None:
    response = second.get(WAIT)

    html = _text(response)
    assert response.status_code == 200
    assert "En attente de l’accord du formateur" in html
    # No reload by itself (WCAG 2.2.1): the participant taps « Actualiser ».
    assert 'http-equiv="refresh"' not in html and "<script" not in html
    assert f'href="{WAIT}">Actualiser</a>' in html
    assert "DIARRA" not in html and "Awa" not in html
    for page in (q(1), SUMMARY):  # no copy in its session
        assert second.get(page)["Location"] == JOIN
    assert Submission.objects.get().device_pending


def test_the_trainer_sees_the_request_with_its_buttons(
    second: Client, test: AssessmentTest, trainer_client: Client
) -> None:
    html = live(trainer_client, test)

    assert 'id="live-waiting"' in html and "DIARRA Awa" in html
    assert 'value="approve"' in html and 'value="refuse"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert reverse("test_device_decide", kwargs={"uid": test.uid}) in html


def test_approval_hands_the_copy_over_and_the_first_phone_can_no_longer_save(
    first: Client, second: Client, test: AssessmentTest, trainer_client: Client
) -> None:
    assert decide(trainer_client, test, "approve") == 302

    taken = second.get(WAIT)
    assert taken["Location"] == q(2)  # where the copy stopped, its answer kept
    assert "checked" in _text(second.get(q(1)))

    refused = first.post(q(1), {"choice": "B"})
    assert refused.status_code == 409
    assert "autre téléphone" in _text(refused)
    assert first.get(q(2)).status_code == 409
    assert first.post(SEND).status_code == 409
    assert list(Answer.objects.values_list("choices", flat=True)) == [["A"]]
    assert Submission.objects.get().submitted_at is None

    assert second.post(q(1), {"choice": "C"})["Location"] == q(2)
    assert second.post(SEND)["Location"] == "/t/merci/"
    assert Submission.objects.get().submitted_at is not None
    assert 'id="live-waiting"' not in live(trainer_client, test)


def test_refusal_leaves_the_copy_on_the_first_phone(
    first: Client, second: Client, test: AssessmentTest, trainer_client: Client
) -> None:
    assert decide(trainer_client, test, "refuse") == 302

    told = second.get(WAIT)
    assert told.status_code == 403
    assert "sur le premier téléphone" in _text(told)
    assert first.post(q(1), {"choice": "B"})["Location"] == q(2)
    assert first.post(SEND)["Location"] == "/t/merci/"
    assert list(Answer.objects.values_list("choices", flat=True)) == [["B"]]


def test_undecided_the_first_phone_keeps_writing(first: Client, second: Client) -> None:
    assert first.post(q(1), {"choice": "B"})["Location"] == q(2)
    assert first.post(SEND)["Location"] == "/t/merci/"
    assert second.get(WAIT).status_code == 409  # sent: the first copy is kept


def test_asking_again_does_not_take_the_copy(second: Client, test: AssessmentTest) -> None:
    again = second.post(JOIN, {"access_code": test.access_code, "participant_code": CODE})
    assert again["Location"] == WAIT
    assert Submission.objects.filter(device_pending__gt="").count() == 1


def test_the_decision_is_a_post_with_a_csrf_token(
    second: Client, test: AssessmentTest, trainer: User
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trainer)
    url = reverse("test_device_decide", kwargs={"uid": test.uid})
    uid = str(Submission.objects.get().uid)

    assert strict.get(url).status_code == 405
    assert strict.post(url, {"submission": uid, "decision": "approve"}).status_code == 403
    assert Submission.objects.get().device_pending  # nothing decided


def test_only_who_runs_the_test_may_decide(
    second: Client,
    test: AssessmentTest,
    monitoring_officer: User,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    # M&E reads the results, it does not run tests; a trainer of another session gets a 404.
    other_trainer = UserFactory(username="autre", role=Role.TRAINER)
    assert decide(client_for(monitoring_officer), test, "approve") == 403
    assert decide(client_for(other_trainer), test, "approve") == 404
    assert Submission.objects.get().device_pending
    assert decide(client_for(programme_officer), test, "approve") == 302
    assert not Submission.objects.get().device_pending


def test_an_unknown_copy_or_decision_changes_nothing(
    second: Client, test: AssessmentTest, trainer_client: Client
) -> None:
    url = reverse("test_device_decide", kwargs={"uid": test.uid})
    uid = str(Submission.objects.get().uid)
    assert (
        trainer_client.post(url, {"submission": "nope", "decision": "approve"}).status_code == 404
    )
    assert trainer_client.post(url, {"submission": uid, "decision": "maybe"}).status_code == 400
    assert Submission.objects.get().device_pending


def test_approving_twice_says_no_phone_waits_any_more(
    second: Client, test: AssessmentTest, trainer_client: Client
) -> None:
    decide(trainer_client, test, "approve")
    response = trainer_client.post(
        reverse("test_device_decide", kwargs={"uid": test.uid}),
        {"submission": str(Submission.objects.get().uid), "decision": "approve"},
        follow=True,
    )
    assert "Aucun téléphone n’attend plus cette copie." in _text(response)


def test_the_approval_is_in_the_journal_under_the_trainer(
    second: Client, test: AssessmentTest, trainer: User, trainer_client: Client
) -> None:
    before = Submission.objects.get().device
    decide(trainer_client, test, "approve")

    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE, object_type="assessments.submission"
    ).latest("id")
    assert entry.actor == trainer
    old, new = entry.changes["device"]
    assert old == before and new == Submission.objects.get().device != before
    assert entry.changes["device_pending"][1] == ""


def test_a_copy_started_before_phones_were_told_apart_goes_to_the_first_phone_that_joins(
    test: AssessmentTest, awa: Enrollment
) -> None:
    submission = services.submission_start(access_code=test.access_code, participant_code=CODE)
    assert submission.device == ""

    phone = Client()
    response = phone.post(JOIN, {"access_code": test.access_code, "participant_code": CODE})

    assert response["Location"] == q(1)
    assert Submission.objects.get().device
