"""Paper mode: the printed test with its answer grid, and the keyboard grid that enters copies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.assessments import services
from kalan.assessments.models import Answer, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.selectors import paper_grid, session_results
from kalan.core.models import User
from kalan.workshops.models import Enrollment, Session
from tests.assessments.results_data import build_test, content, participants, send_copy
from tests.factories import EnrollmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def print_url(test: AssessmentTest) -> str:
    return reverse("test_print", kwargs={"uid": test.uid})


def entry_url(test: AssessmentTest) -> str:
    return reverse("test_paper_entry", kwargs={"uid": test.uid})


def cell(enrollment: Enrollment, n: int) -> str:
    return f"r{enrollment.pk}q{n}"


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


# The printed test ------------------------------------------------------------------------------


def test_the_printed_test_letters_the_choices_and_boxes_true_or_false(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    response = officer.get(print_url(test))
    assert response.status_code == 200
    page = response.content.decode()
    assert "assessments/print.css" in page
    assert "Durée de la garde à vue ?" in page
    assert "<b>A.</b> Juste" in page
    assert "<b>D.</b> Faux 3" in page
    assert "plusieurs réponses possibles" in page
    assert "<b>V</b> Vrai" in page
    assert "<b>F</b> Faux" in page


def test_the_printed_test_never_shows_the_right_answers(
    sevare_session: Session, officer: Client
) -> None:
    question = content("single", objective="OBJ-A", text="Durée de la garde à vue ?")
    question["explanation"] = "Quarante-huit heures, article 76."
    test = build_test(sevare_session, contents=[question])
    page = officer.get(print_url(test)).content.decode()
    assert "Quarante-huit heures" not in page
    assert "correct" not in page
    # The right choice is written like the others.
    assert "<li><b>A.</b> Juste</li><li><b>B.</b> Faux 1</li>" in page


def test_the_answer_grid_has_a_row_per_question_with_its_boxes(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    page = officer.get(print_url(test)).content.decode()
    grid = page[page.index('class="sheet grid-sheet"') :]
    assert "Nom et prénoms :" in grid
    assert "Code participant :" in grid
    assert grid.count("<tr>") == 1 + 4  # the header and the four questions
    assert '<th scope="row">4*</th>' in grid  # a multiple choice is marked
    assert grid.count('<span class="box"></span>') == 4 + 4 + 2 + 4


def test_named_grids_carry_each_participants_name_and_code(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    people = participants(sevare_session, 3)
    page = officer.get(print_url(test) + "?grilles=nominatives").content.decode()
    assert page.count('class="sheet grid-sheet"') == 3
    for enrollment in people:
        assert enrollment.person.full_name in page
        assert enrollment.code in page


def test_a_printed_survey_has_scales_and_no_answer_grid(
    sevare_session: Session, officer: Client
) -> None:
    rating = content("rating", objective="", text="Êtes-vous satisfait(e) ?")
    rating["choices"] = []
    test = build_test(
        sevare_session, kind=AssessmentTest.Kind.SURVEY, contents=[rating], pass_mark=0
    )
    page = officer.get(print_url(test)).content.decode()
    assert "Êtes-vous satisfait(e) ?" in page
    assert 'class="scale"' in page
    assert "grid-sheet" not in page


# The entry grid -------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_participant_and_a_narrow_cell_per_question(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    people = participants(sevare_session, 2)
    page = officer.get(entry_url(test)).content.decode()
    for enrollment in people:
        assert enrollment.code in page
        for n in (1, 2, 3):
            assert f'name="{cell(enrollment, n)}"' in page
    # One letter for a single choice or true/false, up to four for the multiple choice.
    assert page.count('maxlength="1"') == 2 * 3
    assert page.count('maxlength="4"') == 2
    assert page.count('autocomplete="off"') >= 2 * 4
    assert 'autocapitalize="characters"' in page


def test_a_participant_who_answered_on_a_phone_is_shown_read_only(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    phone, paper = participants(sevare_session, 2)
    send_copy(test, phone, [1, 0, 1, 0.5])
    page = officer.get(entry_url(test)).content.decode()
    assert f'name="{cell(phone, 1)}"' not in page
    assert f'name="{cell(paper, 1)}"' in page
    assert "envoyée sur téléphone" in page
    # What the phone sent, as the grid writes it: A, B, V, A.
    row = page[page.index(phone.code) : page.index("</tr>", page.index(phone.code))]
    assert [part.split("<")[0] for part in row.split('readonly">')[1:]] == ["A", "B", "V", "A"]


def test_one_post_saves_the_whole_grid_scored_as_the_test_defines_it(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    first, second, absent = participants(sevare_session, 3)
    response = officer.post(
        entry_url(test),
        {
            cell(first, 1): "A",
            cell(first, 2): "b",  # lower case is fine
            cell(first, 3): "V",
            cell(first, 4): "A",  # half of A and C
            cell(second, 1): "A",
            cell(second, 2): "A",
            cell(second, 3): "F",
            cell(second, 4): "C, A",
        },
    )
    assert response.status_code == 302
    copies = Submission.objects.filter(test=test).order_by("enrollment__person__last_name")
    assert [(c.enrollment, c.on_paper, c.submitted_at is not None) for c in copies] == [
        (first, True, True),
        (second, True, True),
    ]
    assert [c.score for c in copies] == [2.5, 3.0]
    assert Answer.objects.get(submission__enrollment=second, question__order=4).choices == [
        "A",
        "C",
    ]
    results = session_results(session=sevare_session).pre
    assert results is not None
    assert results.percents == {first.pk: 62.5, second.pk: 75.0}
    assert absent.pk not in results.percents
    assert "2 copies papier enregistrées et notées" in officer.get(entry_url(test)).content.decode()


def test_an_impossible_entry_is_shown_at_its_cell_and_nothing_is_saved(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    first, second = participants(sevare_session, 2)
    response = officer.post(
        entry_url(test),
        {
            cell(first, 1): "A",
            cell(first, 2): "E",  # no choice E
            cell(second, 1): "AB",  # two answers to a single choice
            cell(second, 3): "X",  # neither V nor F
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n’a été enregistré" in page
    assert "« E » n’est pas possible : une seule lettre parmi A, B, C, D." in page
    assert "« AB » n’est pas possible : une seule lettre parmi A, B, C, D." in page
    assert "« X » n’est pas possible : V (vrai) ou F (faux)." in page
    assert page.count('aria-invalid="true"') == 3
    assert f'aria-describedby="{cell(first, 2)}-error"' in page
    # What was typed stays in its cell, to be corrected rather than typed again.
    assert f'name="{cell(first, 1)}" id="{cell(first, 1)}" value="A"' in page
    assert not Submission.objects.filter(test=test).exists()


def test_cells_of_someone_who_already_sent_a_copy_are_ignored(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    phone, paper = participants(sevare_session, 2)
    sent = send_copy(test, phone, [1, 1, 1, 1])
    response = officer.post(
        entry_url(test),
        {cell(phone, 1): "B", cell(phone, 2): "Z", cell(paper, 1): "A"},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.score == 4.0
    assert sent.on_paper is False
    assert Submission.objects.get(test=test, enrollment=paper).score == 1.0


def test_cells_naming_someone_outside_the_session_are_ignored(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    [enrollment] = participants(sevare_session, 1)
    stranger = EnrollmentFactory(session=SessionFactory(workshop=sevare_session.workshop))
    response = officer.post(entry_url(test), {cell(stranger, 1): "A", cell(enrollment, 1): "A"})
    assert response.status_code == 302
    assert list(Submission.objects.values_list("enrollment_id", flat=True)) == [enrollment.pk]


def test_an_empty_grid_saves_nothing_and_says_so(sevare_session: Session, officer: Client) -> None:
    test = build_test(sevare_session)
    participants(sevare_session, 2)
    response = officer.post(entry_url(test), {}, follow=True)
    assert "Aucune réponse saisie" in response.content.decode()
    assert not Submission.objects.exists()


def test_paper_copies_can_be_entered_after_the_test_is_closed(
    sevare_session: Session, officer: Client
) -> None:
    test = build_test(sevare_session)
    [enrollment] = participants(sevare_session, 1)
    services.test_close(test=test)
    response = officer.post(entry_url(test), {cell(enrollment, 1): "A"})
    assert response.status_code == 302
    assert Submission.objects.get(enrollment=enrollment).on_paper is True


def test_a_refusal_of_the_service_is_shown_and_saves_nothing(
    sevare_session: Session, officer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kalan.assessments.errors import AssessmentError

    def refuse(**kwargs: object) -> int:
        raise AssessmentError("Refusé par le service.", code="bad_entry")

    monkeypatch.setattr(services, "paper_answers_save", refuse)
    test = build_test(sevare_session)
    [enrollment] = participants(sevare_session, 1)
    response = officer.post(entry_url(test), {cell(enrollment, 1): "A"})
    assert response.status_code == 400
    assert "Refusé par le service." in response.content.decode()


def test_a_survey_is_not_entered_on_paper(sevare_session: Session, officer: Client) -> None:
    rating = content("rating", objective="", text="Êtes-vous satisfait(e) ?")
    rating["choices"] = []
    test = build_test(
        sevare_session, kind=AssessmentTest.Kind.SURVEY, contents=[rating], pass_mark=0
    )
    [enrollment] = participants(sevare_session, 1)
    response = officer.post(entry_url(test), {cell(enrollment, 1): "4"})
    assert response.status_code == 400
    assert "questionnaire de satisfaction se saisit sur téléphone" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_grid_reads_a_fixed_number_of_queries(
    sevare_session: Session, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    test = build_test(sevare_session)
    for enrollment in participants(sevare_session, 3):
        send_copy(test, enrollment, [1, 1, 0, 0])
    with django_assert_max_num_queries(4):
        small = paper_grid(test=test)
    for enrollment in participants(sevare_session, 20, start=10):
        send_copy(test, enrollment, [1, 0, 1, 0.5])
    with django_assert_max_num_queries(4):
        large = paper_grid(test=test)
    assert len(large.rows) == len(small.rows) + 20
    assert not large.editable
