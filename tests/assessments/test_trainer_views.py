"""The trainer's test pages: build the session's tests, open one, show the room how to join, and
follow who has sent their answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalan.assessments import services
from kalan.assessments.models import CurriculumObjective, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.views_tests import is_loopback
from kalan.core.models import User
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import ObjectiveFactory, bank_question, open_test, small_bank
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory


@pytest.fixture
def session(trainer: User) -> Session:
    """A session assigned to the trainer, who reaches no other."""
    session = SessionFactory()
    session.trainers.add(trainer)
    return session


@pytest.fixture
def trainer_client(trainer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(trainer)


@pytest.fixture
def objectives(db: None) -> list[CurriculumObjective]:
    return small_bank()


def _url(name: str, obj: Session | AssessmentTest) -> str:
    return reverse(name, kwargs={"uid": obj.uid})


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- Access -------------------------------------------------------------------------------------


def test_the_pages_need_a_login(session: Session) -> None:
    test = open_test(session)
    for url in (
        _url("session_tests", session),
        _url("test_detail", test),
        _url("test_live", test),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    response = Client().post(_url("test_close", test))
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.status == AssessmentTest.Status.OPEN


def test_the_session_page_links_to_its_tests(session: Session, trainer_client: Client) -> None:
    test = open_test(session)
    html = _text(trainer_client.get(_url("session_detail", session)))
    assert _url("session_tests", session) in html
    assert _url("test_detail", test) in html


def test_an_unknown_session_or_test_is_not_found(trainer_client: Client) -> None:
    assert (
        trainer_client.get("/sessions/7c0e2d1e-0000-4000-8000-000000000000/tests/").status_code
        == 404
    )
    assert trainer_client.get("/tests/7c0e2d1e-0000-4000-8000-000000000000/").status_code == 404


def test_a_session_not_assigned_to_the_trainer_and_its_tests_are_not_found(
    trainer_client: Client,
) -> None:
    other = SessionFactory()
    test = open_test(other)
    for url in (_url("session_tests", other), _url("test_detail", test), _url("test_live", test)):
        assert trainer_client.get(url).status_code == 404
    assert trainer_client.post(_url("test_close", test)).status_code == 404
    test.refresh_from_db()
    assert test.status == AssessmentTest.Status.OPEN


# --- Building the session's tests ---------------------------------------------------------------


def test_the_tests_page_offers_the_bank_objectives(
    session: Session, trainer_client: Client, objectives: list[CurriculumObjective]
) -> None:
    response = trainer_client.get(_url("session_tests", session))
    assert response.status_code == 200
    html = _text(response)
    for objective in objectives:
        assert f'value="{objective.pk}"' in html
    assert "CO-GAV — Garde à vue (3 questions)" in html
    assert "Pas encore créé" in html


def _bank_form(objectives: list[CurriculumObjective], **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "pre",
        "title": "",
        "objectives": [str(o.pk) for o in objectives],
        "per_objective": "2",
        "pass_mark": "60",
        "scoring": "all",
    }
    data.update(overrides)
    return data


def test_a_pre_test_is_built_from_the_bank_by_objective(
    session: Session, trainer_client: Client, objectives: list[CurriculumObjective]
) -> None:
    response = trainer_client.post(_url("test_create_from_bank", session), _bank_form(objectives))

    test = AssessmentTest.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("test_detail", test)
    assert (test.kind, test.pass_mark, test.scoring) == ("pre", 60, "all")
    assert test.title == f"Pré-test — {session.workshop}"
    assert test.status == AssessmentTest.Status.DRAFT
    assert [q.content["objective"] for q in test.questions.order_by("order")] == [
        "CO-GAV",
        "CO-GAV",
        "CO-TOR",
        "CO-TOR",
    ]


def test_building_needs_an_objective(session: Session, trainer_client: Client) -> None:
    small_bank()
    response = trainer_client.post(_url("test_create_from_bank", session), _bank_form([]))
    assert response.status_code == 400
    assert "Cochez au moins un objectif." in _text(response)
    assert not AssessmentTest.objects.exists()


def test_an_objective_with_no_question_is_told(session: Session, trainer_client: Client) -> None:
    empty = ObjectiveFactory(code="CO-VIDE")
    response = trainer_client.post(_url("test_create_from_bank", session), _bank_form([empty]))
    assert response.status_code == 400
    assert "aucune question active pour ces objectifs" in _text(response)


def test_a_session_cannot_have_two_pre_tests(
    session: Session, trainer_client: Client, objectives: list[CurriculumObjective]
) -> None:
    trainer_client.post(_url("test_create_from_bank", session), _bank_form(objectives))
    response = trainer_client.post(_url("test_create_from_bank", session), _bank_form(objectives))
    assert response.status_code == 400
    assert "Cette session a déjà un pré-test." in _text(response)
    assert AssessmentTest.objects.count() == 1


def test_the_post_test_copies_the_pre_test_questions(
    session: Session, trainer_client: Client
) -> None:
    pre = open_test(session)
    response = trainer_client.post(_url("test_create_post_from_pre", session))

    post = AssessmentTest.objects.get(kind="post")
    assert response["Location"] == _url("test_detail", post)
    assert [q.content for q in post.questions.order_by("order")] == [
        q.content for q in pre.questions.order_by("order")
    ]
    assert (post.pass_mark, post.scoring) == (pre.pass_mark, pre.scoring)


def test_the_post_test_needs_a_pre_test(session: Session, trainer_client: Client) -> None:
    response = trainer_client.post(_url("test_create_post_from_pre", session))
    assert response.status_code == 400
    assert "Créez d’abord le pré-test" in _text(response)
    assert not AssessmentTest.objects.exists()


def test_a_test_of_an_earlier_session_is_copied(session: Session, trainer_client: Client) -> None:
    earlier = open_test(SessionFactory(workshop=session.workshop))
    page = _text(trainer_client.get(_url("session_tests", session)))
    assert f'value="{earlier.pk}"' in page

    response = trainer_client.post(
        _url("test_create_copy", session), {"source": str(earlier.pk), "kind": "post"}
    )

    copy = AssessmentTest.objects.get(session=session)
    assert response["Location"] == _url("test_detail", copy)
    assert copy.kind == "post"
    assert copy.questions.count() == earlier.questions.count()


def test_a_session_cannot_copy_its_own_tests(session: Session, trainer_client: Client) -> None:
    own = open_test(session)
    response = trainer_client.post(
        _url("test_create_copy", session), {"source": str(own.pk), "kind": "post"}
    )
    assert response.status_code == 400
    assert AssessmentTest.objects.count() == 1


def test_the_satisfaction_survey_has_scales_and_open_questions(
    session: Session, trainer_client: Client
) -> None:
    response = trainer_client.post(_url("survey_create", session), {"title": ""})

    survey = AssessmentTest.objects.get()
    assert response["Location"] == _url("test_detail", survey)
    kinds = {q.content["kind"] for q in survey.questions.all()}
    assert kinds == {"rating", "open"}
    page = _text(trainer_client.get(_url("session_tests", session)))
    assert "Créer le questionnaire" not in page


# --- Opening, the room display, the live list ---------------------------------------------------


def test_the_test_page_shows_the_frozen_questions_and_their_answers(
    session: Session, trainer_client: Client, objectives: list[CurriculumObjective]
) -> None:
    trainer_client.post(_url("test_create_from_bank", session), _bank_form(objectives))
    test = AssessmentTest.objects.get()
    html = _text(trainer_client.get(_url("test_detail", test)))
    for question in test.questions.all():
        assert question.content["text"] in html
    assert html.count("bonne réponse") == 2 + 4  # per objective: 1 (single) + 2 (multiple)
    assert "Ouvrir le test" in html
    assert 'class="qr"' not in html  # no room display while it is not open


def test_opening_shows_the_address_the_qr_code_and_the_code(
    session: Session, trainer_client: Client
) -> None:
    test = open_test(session)
    services.test_close(test=test)

    response = trainer_client.post(_url("test_open", test))
    assert response["Location"] == _url("test_detail", test)
    test.refresh_from_db()
    assert test.status == AssessmentTest.Status.OPEN

    html = _text(trainer_client.get(_url("test_detail", test)))
    assert ">http://testserver/t/<" in html
    assert f'id="access-code">{test.access_code}<' in html
    assert "<svg" in html and 'class="qr"' in html
    assert "Fermer le test" in html
    assert "ne marche que sur cet ordinateur" not in html


def test_a_trainer_on_localhost_is_told_phones_cannot_use_that_address(
    session: Session, trainer_client: Client
) -> None:
    test = open_test(session)
    html = _text(trainer_client.get(_url("test_detail", test), HTTP_HOST="127.0.0.1:8000"))
    assert "http://127.0.0.1:8000/t/" in html
    assert "ne marche que sur cet ordinateur" in html


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1:8000", True),
        ("localhost", True),
        ("[::1]:8000", True),
        ("192.168.1.20:8000", False),
        ("kalan.local", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_closing_stops_the_answers(session: Session, trainer_client: Client) -> None:
    test = open_test(session)
    trainer_client.post(_url("test_close", test))
    test.refresh_from_db()
    assert test.status == AssessmentTest.Status.CLOSED
    assert "Rouvrir le test" in _text(trainer_client.get(_url("test_detail", test)))


def test_open_and_close_need_a_post(session: Session, trainer_client: Client) -> None:
    test = open_test(session)
    assert trainer_client.get(_url("test_close", test)).status_code == 405
    assert trainer_client.get(_url("test_open", test)).status_code == 405


def _participants(session: Session, count: int) -> list[Enrollment]:
    return [
        EnrollmentFactory(session=session, code=f"{n:04d}", person=PersonFactory())
        for n in range(1, count + 1)
    ]


def test_the_live_list_shows_who_has_not_started_answers_or_has_sent(
    session: Session, trainer_client: Client
) -> None:
    _participants(session, 3)
    EnrollmentFactory(session=session, code="0999", status=Enrollment.Status.WITHDRAWN)
    test = open_test(session)
    questions = list(test.questions.order_by("order"))
    answering = services.submission_start(access_code=test.access_code, participant_code="0002")
    services.answer_save(submission=answering, question=questions[0], choices=["A"])
    sending = services.submission_start(access_code=test.access_code, participant_code="0003")
    services.answer_save(submission=sending, question=questions[0], choices=["A"])
    services.answer_save(submission=sending, question=questions[1], choices=["A"])
    services.submission_submit(submission=sending)

    response = trainer_client.get(_url("test_live", test))

    html = _text(response)
    assert 'hx-trigger="every 3s"' in html
    assert 'id="live-sent">1<' in html
    assert 'id="live-answering">1<' in html
    assert 'id="live-not-started">1<' in html  # the withdrawn participant is left out
    assert "1 / 6" in html and "2 / 6" in html
    assert "<html" not in html  # a fragment for htmx to swap in
    assert html.count('<tr class="state-') == 3


def test_the_live_list_stops_polling_once_closed(session: Session, trainer_client: Client) -> None:
    test = open_test(session)
    services.test_close(test=test)
    response = trainer_client.get(_url("test_live", test))
    assert response.status_code == 200
    assert "hx-trigger" not in _text(response)


def test_the_test_page_polls_the_live_list_while_open(
    session: Session, trainer_client: Client
) -> None:
    test = open_test(session)
    html = _text(trainer_client.get(_url("test_detail", test)))
    assert f'hx-get="{_url("test_live", test)}"' in html


def test_the_live_list_runs_the_same_queries_for_3_or_30_participants(
    trainer: User, trainer_client: Client
) -> None:
    objectives = small_bank()
    counts = []
    trainer_client.get(reverse("home"))  # a first request may write the login's session once
    for size in (3, 30):
        session = SessionFactory()
        session.trainers.add(trainer)
        _participants(session, size)
        test = open_test(session, objectives)
        for n in range(1, size + 1, 2):
            submission = services.submission_start(
                access_code=test.access_code, participant_code=f"{n:04d}"
            )
            services.answer_save(
                submission=submission, question=test.questions.get(order=1), choices=["A"]
            )
        with CaptureQueriesContext(connection) as queries:
            assert trainer_client.get(_url("test_live", test)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_participant_names_are_escaped_in_the_live_list(
    session: Session, trainer_client: Client
) -> None:
    EnrollmentFactory(session=session, person=PersonFactory(last_name="<img src=x>"))
    test = open_test(session)
    html = _text(trainer_client.get(_url("test_live", test)))
    assert "<img src=x>" not in html.lower()
    assert "&lt;IMG SRC=X&gt;" in html


def test_the_test_page_links_to_the_results(session: Session, trainer_client: Client) -> None:
    test = open_test(session)
    html = _text(trainer_client.get(_url("test_detail", test)))
    assert f'href="/tests/{test.uid}/resultats/"' in html


def test_counts_on_the_tests_page(session: Session, trainer_client: Client) -> None:
    _participants(session, 2)
    test = open_test(session)
    one = services.submission_start(access_code=test.access_code, participant_code="0001")
    services.submission_start(access_code=test.access_code, participant_code="0002")
    services.submission_submit(submission=one)
    html = _text(trainer_client.get(_url("session_tests", session)))
    assert "6 questions" in html
    assert "copies envoyées : 1 sur 2" in html
    assert Submission.objects.count() == 2


def test_editing_the_bank_leaves_the_test_page_unchanged(
    session: Session, trainer_client: Client
) -> None:
    objective = ObjectiveFactory(code="CO-GAV")
    question = bank_question(objective, text="Qui peut prolonger la garde à vue ?")
    test = open_test(session, [objective])
    question.text = "Question réécrite"
    question.save()
    html = _text(trainer_client.get(_url("test_detail", test)))
    assert "Qui peut prolonger la garde à vue ?" in html
    assert "Question réécrite" not in html
