"""A participant's phone: join with two codes, one question per page, summary, send.

No account, no JavaScript, light pages; every bad input gets a plain French message and saves
nothing.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalan.assessments import services
from kalan.assessments.bank import survey_contents
from kalan.assessments.models import Answer, Submission, TestQuestion
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.selectors_tests import question_for_take
from kalan.assessments.views_take import DEVICE_COOKIE, SESSION_KEY
from kalan.people.models import Person
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import open_test
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory

JOIN = "/t/"
SUMMARY = "/t/recapitulatif/"
SEND = "/t/envoyer/"
DONE = "/t/merci/"
WAIT = "/t/attente/"
PAGE_LIMIT = 50_000


def q(n: int) -> str:
    return f"/t/q/{n}/"


@pytest.fixture
def session(db: None) -> Session:
    return SessionFactory()


@pytest.fixture
def awa(session: Session) -> Enrollment:
    return EnrollmentFactory(
        session=session, code="0423", person=PersonFactory(last_name="Diarra", first_names="Awa")
    )


@pytest.fixture
def test(session: Session, awa: Enrollment) -> AssessmentTest:
    """Six questions: per objective a single choice, a multiple choice (A, C) and a true/false."""
    return open_test(session)


@pytest.fixture
def phone(test: AssessmentTest) -> Client:
    """Awa's phone, joined: its session points at her copy."""
    client = Client()
    response = client.post(JOIN, {"access_code": test.access_code, "participant_code": "0423"})
    assert response.status_code == 302
    return client


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def _assert_light(response: object) -> None:
    html = _text(response)
    assert len(response.content) < PAGE_LIMIT  # type: ignore[attr-defined]
    assert "<script" not in html.lower()
    assert "kalan.css" not in html and "htmx" not in html
    # The style is inline: nothing else to fetch over the venue's network.
    assert not re.search(r"<link[^>]+stylesheet", html)


# --- Joining ------------------------------------------------------------------------------------


def test_the_join_page_needs_no_account_and_is_light(db: None) -> None:
    response = Client().get(reverse("take_join"))
    assert response.status_code == 200
    assert reverse("take_join") == JOIN
    html = _text(response)
    assert 'name="access_code"' in html and 'name="participant_code"' in html
    assert 'inputmode="numeric"' in html
    _assert_light(response)


def test_the_qr_code_address_fills_in_the_test_code(db: None) -> None:
    response = Client().get(JOIN, {"code": "K7P2QX"})
    assert 'value="K7P2QX"' in _text(response)


def test_joining_remembers_the_copy_in_the_session_not_in_the_address(
    test: AssessmentTest, awa: Enrollment
) -> None:
    client = Client()
    response = client.post(JOIN, {"access_code": test.access_code, "participant_code": "0423"})

    submission = Submission.objects.get()
    assert submission.enrollment == awa
    assert response.status_code == 302
    assert response["Location"] == q(1)
    assert client.session[SESSION_KEY] == submission.pk
    page = client.get(q(1))
    assert str(submission.uid) not in _text(page)
    assert "Vous répondez en tant que DIARRA Awa" in _text(page)


def _join_error(client: Client, access_code: str, participant_code: str = "0423") -> str:
    response = client.post(JOIN, {"access_code": access_code, "participant_code": participant_code})
    assert response.status_code == 400
    return _text(response)


def test_an_unknown_test_code_is_told_at_its_field(test: AssessmentTest) -> None:
    html = _join_error(Client(), "ZZZZZZ")
    assert 'id="id_access_code_error"' in html
    assert "Code de test inconnu" in html
    assert not Submission.objects.exists()


def test_a_closed_test_is_told_at_the_test_code(test: AssessmentTest) -> None:
    services.test_close(test=test)
    html = _join_error(Client(), test.access_code)
    assert re.search(r'id="id_access_code_error"[^>]*>Ce test est fermé', html)


def test_an_unknown_participant_code_is_told_at_its_field(test: AssessmentTest) -> None:
    html = _join_error(Client(), test.access_code, "9999")
    assert re.search(r'id="id_participant_code_error"[^>]*>Code participant inconnu', html)
    assert not Submission.objects.exists()


def test_empty_codes_are_required(test: AssessmentTest) -> None:
    html = _join_error(Client(), "", "")
    assert 'id="id_access_code_error"' in html and 'id="id_participant_code_error"' in html


def test_joining_again_after_sending_says_already_sent(test: AssessmentTest, phone: Client) -> None:
    phone.post(SEND)
    html = _join_error(Client(), test.access_code)  # a second phone, or the same one later
    assert re.search(r'id="id_participant_code_error"[^>]*>Vos réponses à ce test ont déjà', html)


def test_what_was_typed_is_shown_escaped(test: AssessmentTest) -> None:
    html = _join_error(Client(), "<script>x", "<b>1</b>")
    assert "<script>" not in html and "<b>1</b>" not in html
    assert 'value="&lt;script&gt;x"' in html and 'value="&lt;b&gt;1&lt;/b&gt;"' in html


def test_a_dropped_phone_joins_again_where_it_stopped(test: AssessmentTest, phone: Client) -> None:
    phone.post(q(1), {"choice": "A"})
    phone.post(q(2), {"choice": ["A", "C"]})

    again = Client()  # the browser was closed: a new session, the same phone (its own cookie)
    again.cookies[DEVICE_COOKIE] = phone.cookies[DEVICE_COOKIE].value
    response = again.post(JOIN, {"access_code": test.access_code, "participant_code": "0423"})

    assert response["Location"] == q(3)
    assert Submission.objects.count() == 1
    assert again.get(q(2)).content.decode().count("checked") == 2


def test_the_join_page_offers_to_resume_an_open_copy(test: AssessmentTest, phone: Client) -> None:
    html = _text(phone.get(JOIN))
    assert "Reprendre" in html and SUMMARY in html


# --- Questions ----------------------------------------------------------------------------------


def test_a_single_choice_question_has_radio_buttons_and_is_light(phone: Client) -> None:
    response = phone.get(q(1))
    assert response.status_code == 200
    html = _text(response)
    assert html.count('type="radio" name="choice"') == 3
    assert "Question 1 sur 6" in html
    _assert_light(response)


def test_a_multiple_choice_question_has_checkboxes(phone: Client) -> None:
    html = _text(phone.get(q(2)))
    assert html.count('type="checkbox" name="choice"') == 4
    assert "Plusieurs réponses possibles" in html


def test_a_true_false_question_has_two_radio_buttons(phone: Client) -> None:
    html = _text(phone.get(q(3)))
    assert html.count('type="radio" name="choice"') == 2
    assert "Vrai" in html and "Faux" in html


def test_each_answer_is_saved_at_once_and_leads_to_the_next(phone: Client) -> None:
    response = phone.post(q(1), {"choice": "A", "go": "next"})

    assert response.status_code == 302 and response["Location"] == q(2)
    answer = Answer.objects.get()
    assert (answer.question.order, answer.choices) == (1, ["A"])
    assert 'value="A" checked' in _text(phone.get(q(1)))


def test_changing_an_answer_keeps_one_row(phone: Client) -> None:
    phone.post(q(2), {"choice": ["A", "B"]})
    phone.post(q(2), {"choice": ["C"]})
    assert list(Answer.objects.values_list("choices", flat=True)) == [["C"]]


def test_an_answer_reads_no_person_but_the_summary_names_them(phone: Client) -> None:
    # The request a thousand phones send every few seconds (bench/scale.py) needs the copy and
    # its test, not who fills it: the first question's page and the summary show the name.
    people = Person._meta.db_table
    with CaptureQueriesContext(connection) as answering:
        response = phone.post(q(1), {"choice": "A"})
    assert response["Location"] == q(2)
    assert not [query for query in answering.captured_queries if people in query["sql"]]
    assert "DIARRA Awa" in _text(phone.get(SUMMARY))


def test_an_answer_reads_its_copy_once_and_the_questions_from_memory(phone: Client) -> None:
    # bench/scale.py: a thousand phones answer every few seconds. The copy is read once, with
    # its row lock; the test's frozen questions come from the process's memory after the first
    # answer; the lock is on the copy's row only, never on the test's, which every phone reads.
    phone.post(q(1), {"choice": "A"})
    with CaptureQueriesContext(connection) as answering:
        response = phone.post(q(2), {"choice": ["A", "C"]})
    assert response["Location"] == q(3)
    statements = [query["sql"] for query in answering.captured_queries]
    copies = [
        sql
        for sql in statements
        if sql.startswith("SELECT") and f'FROM "{Submission._meta.db_table}"' in sql
    ]
    assert len(copies) == 1
    assert not [sql for sql in statements if TestQuestion._meta.db_table in sql]
    if connection.features.has_select_for_update_of:
        # Its SQL is written once (selectors_tests._copy_locked_sql): "s" is the copy's alias.
        assert copies[0].endswith("FOR NO KEY UPDATE OF s")
    assert Answer.objects.get(question__order=2).choices == ["A", "C"]


def test_the_questions_kept_in_memory_are_those_of_the_test_asked_for(session: Session) -> None:
    # Keyed by the test's global id too: SQLite gives a deleted row's id again, and the new test
    # must not be answered with the questions of the one deleted.
    first = open_test(session)
    kept = question_for_take(test=first, order=1)
    assert kept is not None
    first.delete()
    second = services.test_create(
        session=session,
        kind=AssessmentTest.Kind.PRE,
        title="Autre test",
        contents=[{"kind": "open", "text": "Qu’est-ce qu’une garde à vue ?", "choices": []}],
    )
    found = question_for_take(test=second, order=1)
    assert found is not None
    question, count = found
    assert (question.test_id, question.content["text"], count) == (
        second.pk,
        "Qu’est-ce qu’une garde à vue ?",
        1,
    )
    assert question_for_take(test=second, order=2) is None


def test_previous_and_summary_buttons_save_too(phone: Client) -> None:
    response = phone.post(q(2), {"choice": "B", "go": "prev"})
    assert response["Location"] == q(1)
    response = phone.post(q(3), {"choice": "A", "go": "summary"})
    assert response["Location"] == SUMMARY
    assert Answer.objects.count() == 2


def test_the_last_question_leads_to_the_summary(phone: Client) -> None:
    response = phone.post(q(6), {"choice": "A"})
    assert response["Location"] == SUMMARY


@pytest.mark.parametrize(
    ("n", "data"),
    [
        (1, {"choice": "E"}),  # not a choice of the question
        (1, {"choice": ["A", "B"]}),  # two answers to a single choice
        (2, {"choice": ["A", "<script>"]}),
    ],
)
def test_tampered_choices_get_a_message_and_save_nothing(
    phone: Client, n: int, data: dict[str, object]
) -> None:
    response = phone.post(q(n), data)
    assert response.status_code == 400
    assert "Réponse invalide" in _text(response)
    assert "<script>" not in _text(response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("n", [0, 7, 99])
def test_a_question_number_out_of_range_gets_a_message(phone: Client, n: int) -> None:
    for response in (phone.get(q(n)), phone.post(q(n), {"choice": "A"})):
        assert response.status_code == 404
        assert "Cette question n’existe pas" in _text(response)
    assert not Answer.objects.exists()


def test_question_pages_without_a_copy_go_back_to_joining(test: AssessmentTest) -> None:
    for url in (q(1), SUMMARY, DONE):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"] == JOIN
    assert Client().post(SEND)["Location"] == JOIN


def test_a_test_closed_while_answering_refuses_the_next_answer(
    test: AssessmentTest, phone: Client
) -> None:
    services.test_close(test=test)
    response = phone.post(q(1), {"choice": "A"})
    assert response.status_code == 403
    assert "Ce test est fermé" in _text(response)
    assert not Answer.objects.exists()
    assert phone.post(SEND).status_code == 403
    assert Submission.objects.get().submitted_at is None


# --- The satisfaction survey --------------------------------------------------------------------


@pytest.fixture
def survey_phone(session: Session, awa: Enrollment) -> Client:
    survey = services.test_open(
        test=services.test_create(
            session=session,
            kind=AssessmentTest.Kind.SURVEY,
            title="Satisfaction",
            contents=survey_contents(),
        )
    )
    client = Client()
    client.post(JOIN, {"access_code": survey.access_code, "participant_code": "0423"})
    return client


def test_a_rating_question_is_a_scale_of_one_to_five(survey_phone: Client) -> None:
    response = survey_phone.get(q(1))
    html = _text(response)
    assert [int(v) for v in re.findall(r'name="rating" value="(\d)"', html)] == [1, 2, 3, 4, 5]
    _assert_light(response)
    survey_phone.post(q(1), {"rating": "4"})
    assert Answer.objects.get().rating == 4
    assert 'value="4" checked' in _text(survey_phone.get(q(1)))


@pytest.mark.parametrize("rating", ["9", "0", "-1", "abc", "4.5", "100000"])
def test_a_rating_out_of_the_scale_gets_a_message_and_saves_nothing(
    survey_phone: Client, rating: str
) -> None:
    response = survey_phone.post(q(1), {"rating": rating})
    assert response.status_code == 400
    assert "Réponse invalide" in _text(response)
    assert not Answer.objects.exists()


def test_an_open_answer_is_kept_and_shown_escaped(survey_phone: Client) -> None:
    last = Submission.objects.get().test.questions.count()
    typed = "<script>alert('x')</script> Très bien & utile"
    response = survey_phone.get(q(last))
    assert "<textarea" in _text(response)
    _assert_light(response)

    survey_phone.post(q(last), {"text": typed})

    assert Answer.objects.get().text == typed
    html = _text(survey_phone.get(q(last)))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Très bien &amp; utile" in html


# --- Summary, sending, and the copy kept ---------------------------------------------------------


def test_the_summary_lists_answered_and_unanswered_questions(phone: Client) -> None:
    phone.post(q(1), {"choice": "A"})
    phone.post(q(3), {"choice": "B"})

    response = phone.get(SUMMARY)

    html = _text(response)
    assert html.count("répondu</span>") == 2
    assert html.count("sans réponse</span>") == 4
    assert "4 questions sans réponse" in html
    for n in range(1, 7):
        assert f'href="{q(n)}"' in html
    assert "Envoyer mes réponses" in html
    _assert_light(response)


def test_an_emptied_multiple_choice_counts_as_unanswered(phone: Client) -> None:
    phone.post(q(2), {"choice": ["A"]})
    phone.post(q(2), {})
    assert _text(phone.get(SUMMARY)).count("répondu</span>") == 0


def test_sending_scores_the_copy_and_thanks_without_the_score(phone: Client) -> None:
    phone.post(q(1), {"choice": "A"})
    phone.post(q(2), {"choice": ["A", "C"]})

    response = phone.post(SEND)

    assert response.status_code == 302 and response["Location"] == DONE
    submission = Submission.objects.get()
    assert submission.submitted_at is not None and submission.score == 2.0
    done = phone.get(DONE)
    page = _text(done).split("<main>", 1)[1]
    assert "Merci" in page and "sont envoyées" in page
    assert "2" not in page and "%" not in page and "point" not in page
    _assert_light(done)


def test_after_sending_the_questions_say_already_sent(phone: Client) -> None:
    phone.post(q(1), {"choice": "A"})
    phone.post(SEND)

    for response in (phone.get(q(1)), phone.post(q(1), {"choice": "B"}), phone.get(SUMMARY)):
        assert response.status_code == 409
        assert "déjà été envoyées" in _text(response)
    assert phone.post(SEND).status_code == 409
    assert list(Answer.objects.values_list("choices", flat=True)) == [["A"]]


def test_a_second_phone_of_the_same_participant_cannot_overwrite_the_sent_copy(
    test: AssessmentTest, phone: Client
) -> None:
    second = Client()
    joined = second.post(JOIN, {"access_code": test.access_code, "participant_code": "0423"})
    phone.post(q(1), {"choice": "A"})
    phone.post(SEND)
    sent_at = Submission.objects.get().submitted_at

    answer = second.post(q(1), {"choice": "B"})
    send = second.post(SEND)
    waiting = second.get(joined["Location"])

    # The second phone only ever waited for the trainer: it has no copy to write to.
    assert joined["Location"] == WAIT
    assert answer.status_code == 302 and send.status_code == 302
    assert waiting.status_code == 409
    assert "la première copie est gardée" in _text(waiting)
    assert Submission.objects.get().submitted_at == sent_at
    assert list(Answer.objects.values_list("choices", flat=True)) == [["A"]]


def test_sending_needs_a_post(phone: Client) -> None:
    assert phone.get(SEND).status_code == 405
    assert Submission.objects.get().submitted_at is None


def test_a_participant_name_is_escaped_on_the_phone(session: Session) -> None:
    EnrollmentFactory(
        session=session, code="0666", person=PersonFactory(last_name="<script>x</script>")
    )
    test = open_test(session)
    client = Client()
    client.post(JOIN, {"access_code": test.access_code, "participant_code": "0666"})
    for url in (q(1), SUMMARY):
        html = _text(client.get(url))
        assert "<script>" not in html.lower()
        assert "&lt;SCRIPT&gt;X&lt;/SCRIPT&gt;" in html


def test_other_sessions_phones_stay_apart(test: AssessmentTest, session: Session) -> None:
    """Two participants on two phones fill two copies."""
    EnrollmentFactory(session=session, code="0777")
    first, second = Client(), Client()
    first.post(JOIN, {"access_code": test.access_code, "participant_code": "0423"})
    second.post(JOIN, {"access_code": test.access_code, "participant_code": "0777"})
    first.post(q(1), {"choice": "A"})
    second.post(q(1), {"choice": "B"})
    rows = Answer.objects.values_list("submission__enrollment__code", "choices")
    assert sorted(rows) == [("0423", ["A"]), ("0777", ["B"])]
