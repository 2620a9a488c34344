import pytest
from django.test import Client
from django.urls import reverse

from kalan.assessments.models import JoinRefusal
from kalan.relays.models import RelayCode, Response, Round
from kalan.relays.services_rounds import round_close
from kalan.workshops.models import Session
from tests.relays.builders_rounds import opened_round, question, respondents

pytestmark = pytest.mark.django_db


def _joined(round: Round) -> tuple[Client, RelayCode]:
    [respondent] = respondents(round)
    code = RelayCode.objects.get(enrollment=respondent.enrollment)
    client = Client()
    response = client.post(reverse("relay_join"), {"code": f" {code.code.lower()} "})
    assert response.status_code == 302 and response["Location"] == reverse("relay_home")
    return client, code


def test_a_relay_types_the_code_and_answers_the_open_round_on_one_page(
    sevare_session: Session,
) -> None:
    round = opened_round(sevare_session, n=1)
    client, code = _joined(round)
    home = client.get(reverse("relay_home")).content.decode()
    first_name = code.enrollment.person.first_names.split()[0]
    assert f"Bonjour {first_name}" in home
    assert code.enrollment.person.last_name not in home  # the first name is enough
    followup = reverse("relay_followup", kwargs={"uid": round.uid})
    assert followup in home
    assert reverse("relay_restitution") in home
    page = client.get(followup).content.decode()
    assert "<script" not in page
    assert page.count("<fieldset") == 12
    assert "Oui, je le fais (ou mieux) depuis la formation" in page
    done = client.post(
        followup,
        {
            f"q{question(round, 'RESTITUTION_DONE').pk}": "yes",
            f"q{question(round, 'PERSONS_REACHED').pk}": "25",
            f"q{question(round, 'OBSTACLES').pk}": ["time", "security"],
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("relay_done")
    assert "Merci" in client.get(reverse("relay_done")).content.decode()
    [respondent] = respondents(round)
    assert respondent.answered_via == "phone" and respondent.answered_by is None
    assert Response.objects.get(question=question(round, "OBSTACLES")).value == [
        "time",
        "security",
    ]
    again = client.get(followup)
    assert again.status_code == 409
    assert "Ce questionnaire a déjà été rempli le" in again.content.decode()
    assert "répondu, merci" in client.get(reverse("relay_home")).content.decode()


def test_a_wrong_answer_comes_back_in_french_with_what_was_typed(sevare_session: Session) -> None:
    round = opened_round(sevare_session, n=1)
    client, _code = _joined(round)
    followup = reverse("relay_followup", kwargs={"uid": round.uid})
    response = client.post(
        followup,
        {
            f"q{question(round, 'RESTITUTION_DONE').pk}": "yes",
            f"q{question(round, 'PERSONS_REACHED').pk}": "-5",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "le nombre doit être compris entre 0 et 100000" in page
    assert 'value="yes" checked' in page and 'value="-5"' in page
    assert not Response.objects.exists()


def test_a_wrong_code_is_refused_in_french_and_counted_against_the_address(
    sevare_session: Session,
) -> None:
    opened_round(sevare_session, n=1)
    client = Client(REMOTE_ADDR="10.0.0.7")
    response = client.post(reverse("relay_join"), {"code": "ZZZZZZZZ"})
    assert response.status_code == 400
    assert "Code personnel inconnu" in response.content.decode()
    assert JoinRefusal.objects.get(address="10.0.0.7").count == 1


def test_too_many_wrong_codes_from_one_address_are_throttled(
    sevare_session: Session, settings: object
) -> None:
    settings.KALAN_JOIN_FAILURES_PER_ADDRESS = 3  # type: ignore[attr-defined]
    round = opened_round(sevare_session, n=1)
    [respondent] = respondents(round)
    good = RelayCode.objects.get(enrollment=respondent.enrollment).code
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(3):
        client.post(reverse("relay_join"), {"code": "ZZZZZZZZ"})
    response = client.post(reverse("relay_join"), {"code": good})
    assert response.status_code == 429 and response["Retry-After"]
    assert "Trop de codes erronés depuis cette connexion" in response.content.decode()


def test_pages_without_a_code_go_back_to_the_code_page(sevare_session: Session) -> None:
    round = opened_round(sevare_session, n=1)
    client = Client()
    for url in (
        reverse("relay_home"),
        reverse("relay_followup", kwargs={"uid": round.uid}),
        reverse("relay_done"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("relay_join")


def test_another_round_or_a_closed_round_is_not_offered(sevare_session: Session) -> None:
    round = opened_round(sevare_session, n=1)
    other = opened_round(
        Session.objects.create(
            workshop=sevare_session.workshop.__class__.objects.create(
                axis=sevare_session.workshop.axis, title="Autre", general_objective="x"
            ),
            number=1,
            place=sevare_session.place,
            venue="Ailleurs",
            start_date=sevare_session.start_date,
            end_date=sevare_session.end_date,
            capacity=10,
        ),
        n=1,
    )
    client, _code = _joined(round)
    forged = client.get(reverse("relay_followup", kwargs={"uid": other.uid}))
    assert forged.status_code == 404
    assert "n’est pas ouvert pour vous" in forged.content.decode()
    round_close(round=round, by=None)
    assert client.get(reverse("relay_followup", kwargs={"uid": round.uid})).status_code == 404
    assert "Aucun questionnaire de suivi" in client.get(reverse("relay_home")).content.decode()
