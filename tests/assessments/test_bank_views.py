"""The bank pages: the curriculum and its questions, and writing or editing a question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kalan.assessments import services
from kalan.assessments.bank import bank_load
from kalan.assessments.models import Module, Question
from kalan.assessments.models import Test as AssessmentTest
from kalan.core.models import User
from kalan.workshops.models import Session

Rows = list[tuple[str, str, bool]]


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


@pytest.fixture
def bank(db: None) -> None:
    bank_load()


def post_data(rows: Rows, **fields: Any) -> dict[str, Any]:
    """A question form as a browser sends it: the question, then eight answer rows."""
    data: dict[str, Any] = {
        "kind": "single",
        "text": "Combien de temps dure la garde à vue ?",
        "text_en": "How long does police custody last?",
        "explanation": "Article 76.",
        "explanation_en": "Article 76.",
        "source": "Code de procédure pénale du Mali, art. 76",
        "active": "on",
        "choices-TOTAL_FORMS": "8",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "8",
    }
    for n in range(8):
        text, text_en, correct = rows[n] if n < len(rows) else ("", "", False)
        data[f"choices-{n}-text"] = text
        data[f"choices-{n}-text_en"] = text_en
        if correct:
            data[f"choices-{n}-correct"] = "on"
    data.update(fields)
    return data


def edit_url(question: Question) -> str:
    return reverse("question_edit", kwargs={"uid": question.uid})


@pytest.mark.parametrize("name", ["bank_list", "question_create"])
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_edit_page_sends_anonymous_visitors_to_the_login_page(
    client: Client, bank: None
) -> None:
    response = client.get(edit_url(Question.objects.get(code="M1-01")))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_groups_modules_by_objective_with_kind_right_answers_and_source(
    officer: Client, bank: None
) -> None:
    response = officer.get(reverse("bank_list"))

    page = response.content.decode()
    assert response.status_code == 200
    headings = [f'id="objective-O{n}"' for n in range(1, 6)]
    modules = [f'id="module-M{n}"' for n in range(1, 9)]
    order = [headings[0], modules[0], modules[1], headings[1], modules[2], headings[2]]
    order += [modules[3], modules[4], modules[5], headings[3], modules[6], headings[4], modules[7]]
    assert [page.index(anchor) for anchor in order] == sorted(page.index(a) for a in order)
    assert "O1 — Renforcer les capacités des OPJ" in page
    assert "M6-01" in page
    assert "choix multiple" in page
    assert "2 sur 4" in page  # M1-07: two right answers of the four proposed
    assert "Code de procédure pénale du Mali (loi n°01-080 du 20 août 2001" in page
    assert "gav_initial_hours" in page  # the legal rules panel
    assert 'href="/banque/"' in page and "Banque de questions" in page


def test_the_list_filters_by_objective_and_by_module(officer: Client, bank: None) -> None:
    by_objective = officer.get(reverse("bank_list"), {"objectif": "O3"}).content.decode()
    by_module = officer.get(reverse("bank_list"), {"module": "M7"}).content.decode()

    assert "M4-01" in by_objective and "M6-01" in by_objective
    assert "M1-01" not in by_objective and "M7-01" not in by_objective
    assert "M7-01" in by_module
    assert "M6-01" not in by_module and "M1-01" not in by_module


def test_the_list_takes_as_many_queries_for_the_whole_bank_as_for_one_module(
    officer: Client, bank: None, django_assert_max_num_queries: Any
) -> None:
    officer.get(reverse("bank_list"))  # session and user cached like any later page
    # 6 for the page, 3 for saving the session on every request (a savepoint, the UPDATE that
    # pushes the idle expiry back, its release): SESSION_SAVE_EVERY_REQUEST.
    with django_assert_max_num_queries(9):
        officer.get(reverse("bank_list"))
    with django_assert_max_num_queries(9):
        officer.get(reverse("bank_list"), {"module": "M1"})


def test_an_officer_writes_a_question_with_its_answers(officer: Client, bank: None) -> None:
    module = Module.objects.get(code="M6")
    rows: Rows = [
        ("12 heures", "12 hours", False),
        ("48 heures", "48 hours", True),
        ("8 jours", "8 days", False),
    ]

    response = officer.post(reverse("question_create"), post_data(rows, module=module.pk))

    question = Question.objects.get(code="M6-U01")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('bank_list')}?module=M6"
    assert question.module == module
    assert question.kind == "single"
    assert question.active
    assert question.text_en == "How long does police custody last?"
    assert [(c.order, c.text, c.text_en, c.correct) for c in question.choices.all()] == [
        (1, "12 heures", "12 hours", False),
        (2, "48 heures", "48 hours", True),
        (3, "8 jours", "8 days", False),
    ]


def test_blank_rows_between_answers_are_skipped_and_a_given_code_is_kept(
    officer: Client, bank: None
) -> None:
    rows: Rows = [("Vrai", "True", True), ("", "", False), ("Faux", "False", False)]
    data = post_data(rows, module=Module.objects.get(code="M5").pk, kind="true_false")

    officer.post(reverse("question_create"), {**data, "code": "TOR-01"})

    question = Question.objects.get(code="TOR-01")
    assert [c.text for c in question.choices.all()] == ["Vrai", "Faux"]


def test_a_single_choice_with_two_right_answers_is_refused_at_the_answers(
    officer: Client, bank: None
) -> None:
    rows: Rows = [("48 heures", "", True), ("72 heures", "", True), ("8 jours", "", False)]
    before = Question.objects.count()

    response = officer.post(
        reverse("question_create"), post_data(rows, module=Module.objects.get(code="M6").pk)
    )

    assert response.status_code == 200
    assert Question.objects.count() == before
    choices = response.context["choices"]
    assert [e.code for e in choices.non_form_errors().as_data()] == ["wrong_right_count"]
    page = response.content.decode()
    assert 'id="choices-errors"' in page
    assert "exactement une bonne réponse : 2 cochées" in page
    assert 'value="72 heures"' in page  # what was typed is kept


def test_a_multiple_choice_with_one_right_answer_and_a_lone_correct_tick_are_refused(
    officer: Client, bank: None
) -> None:
    rows: Rows = [("A", "", True), ("B", "", False), ("", "english only", True)]
    data = post_data(rows, module=Module.objects.get(code="M3").pk, kind="multiple")

    response = officer.post(reverse("question_create"), data)

    assert response.status_code == 200
    assert response.context["choices"].forms[2].errors["text"]
    assert not Question.objects.filter(code__startswith="M3-U").exists()


def test_a_question_without_a_source_is_refused(officer: Client, bank: None) -> None:
    rows: Rows = [("Oui", "", True), ("Non", "", False)]
    data = post_data(rows, module=Module.objects.get(code="M8").pk, source="")

    response = officer.post(reverse("question_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["source"]
    assert not Question.objects.filter(code__startswith="M8-U").exists()


def test_the_new_question_page_preselects_the_module_of_the_list(
    officer: Client, bank: None
) -> None:
    response = officer.get(reverse("question_create"), {"module": "M4"})
    assert response.context["form"].initial["module"] == Module.objects.get(code="M4")


def test_an_officer_edits_a_question_and_its_answers(officer: Client, bank: None) -> None:
    question = Question.objects.get(code="M1-12")
    page = officer.get(edit_url(question)).content.decode()
    assert "Les tests déjà construits ne changent pas." in page
    assert 'value="15 ans"' in page
    rows: Rows = [("18 ans", "18 years", True), ("16 ans", "16 years", False)]

    response = officer.post(
        edit_url(question),
        post_data(rows, module=question.module.pk, text="Âge de la majorité selon la CDE ?"),
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Âge de la majorité selon la CDE ?"
    assert question.code == "M1-12"
    assert [(c.text, c.correct) for c in question.choices.all()] == [
        ("18 ans", True),
        ("16 ans", False),
    ]


def test_editing_a_question_on_the_page_leaves_a_test_built_from_it_unchanged(
    officer: Client, bank: None, sevare_session: Session
) -> None:
    question = Question.objects.get(code="M4-03")
    test = services.test_create(
        session=sevare_session,
        kind=AssessmentTest.Kind.PRE,
        title="Pré-test",
        questions=[question],
    )
    frozen = test.questions.get().content
    rows: Rows = [("Toujours", "", False), ("Seulement si strictement nécessaire", "", True)]

    officer.post(edit_url(question), post_data(rows, module=question.module.pk, text="Changée"))

    assert Question.objects.get(pk=question.pk).text == "Changée"
    assert test.questions.get().content == frozen
    assert len(frozen["choices"]) == 4


def test_an_unknown_question_is_not_found(officer: Client, db: None) -> None:
    response = officer.get("/banque/questions/7c0e2d1e-0000-4000-8000-000000000000/")
    assert response.status_code == 404
