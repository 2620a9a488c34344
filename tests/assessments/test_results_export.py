"""The results workbook, read back: sheets, headers and the hand-computed values of the known
data set (see test_results.py for how they were computed)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kalan.assessments import services
from kalan.assessments.models import Test as AssessmentTest
from kalan.core.models import User
from kalan.workshops.models import Session
from tests.assessments.results_data import build_test, content, known_session, participants
from tests.assessments.results_data import start_copy as copy_start
from tests.spreadsheets import body, xlsx_has_formulas

pytestmark = pytest.mark.django_db

Sheets = dict[str, list[list[object]]]


def export_url(test: AssessmentTest) -> str:
    return reverse("results_export", kwargs={"uid": test.uid})


@pytest.fixture
def exporter(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    """The programme officer, whose role may take lists of persons out of Kalan."""
    return client_for(programme_officer)


def workbook(client: Client, test: AssessmentTest) -> tuple[bytes, Sheets]:
    response = client.get(export_url(test))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = body(response)
    book = load_workbook(io.BytesIO(data))
    return data, {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def survey_with_answers(session: Session, texts: list[str]) -> AssessmentTest:
    rating = content("rating", objective="", text="Êtes-vous satisfait(e) ?")
    remark = content("open", objective="", text="Que faudrait-il améliorer ?")
    rating["choices"] = remark["choices"] = []
    test = build_test(
        session, kind=AssessmentTest.Kind.SURVEY, contents=[rating, remark], pass_mark=0
    )
    for enrollment, (score, text) in zip(
        participants(session, len(texts), start=50),
        zip([5, 4, 2], texts, strict=False),
        strict=True,
    ):
        submission = copy_start(test, enrollment)
        questions = list(test.questions.order_by("order"))
        services.answer_save(submission=submission, question=questions[0], rating=score)
        services.answer_save(submission=submission, question=questions[1], text=text)
        services.submission_submit(submission=submission)
    return test


def test_it_needs_the_permission_to_export_persons(
    sevare_session: Session, trainer: User, client_for: Callable[[User], Client]
) -> None:
    # The trainer of the session sees its results but may not take names out of Kalan.
    sevare_session.trainers.add(trainer)
    pre = build_test(sevare_session)
    client = client_for(trainer)
    assert client.get(reverse("test_results", kwargs={"uid": pre.uid})).status_code == 200
    assert client.get(export_url(pre)).status_code == 403


def test_the_workbook_has_its_sheets_in_order_and_a_neutral_name(
    sevare_session: Session, exporter: Client
) -> None:
    pre, _post, _people = known_session(sevare_session)
    response = exporter.get(export_url(pre))
    assert (
        f"session-{str(sevare_session.uid)[:8]}-resultats.xlsx" in response["Content-Disposition"]
    )
    body(response)
    _data, sheets = workbook(exporter, pre)
    assert list(sheets) == ["Synthèse", "Participants", "Objectifs", "Questions"]


def test_the_summary_holds_means_pass_shares_and_hake_gain(
    sevare_session: Session, exporter: Client
) -> None:
    pre, _post, _people = known_session(sevare_session)
    _data, sheets = workbook(exporter, pre)
    summary = sheets["Synthèse"]
    assert summary[0] == ["Indicateur", "Valeur", "Définition"]
    values = {row[0]: row[1] for row in summary[1:]}
    assert values["Participants attendus"] == 11
    assert values["Pré-test : copies reçues"] == 10
    assert values["Pré-test : moyenne (%)"] == 62.5
    assert values["Pré-test : part atteignant le seuil (%)"] == 30.0
    assert values["Post-test : copies reçues"] == 9
    assert values["Post-test : moyenne (%)"] == 80.6
    assert values["Post-test : part atteignant le seuil (%)"] == 88.9
    assert values["Participants ayant passé les deux tests"] == 8
    assert values["Moyenne au pré-test de ces participants (%)"] == 68.8
    assert values["Moyenne au post-test de ces participants (%)"] == 84.4
    assert values["Gain moyen (points de %)"] == 15.6
    # Two gains, each under its own name with its definition beside it.
    gains = {row[0]: row[1:] for row in summary[1:] if row[0].startswith("Gain ")}
    assert list(gains) == [
        "Gain moyen (points de %)",
        "Gain de Hake (moyennes du groupe)",
        "Gain normalisé individuel moyen",
    ]
    hake, hake_definition = gains["Gain de Hake (moyennes du groupe)"][:2]
    individual, individual_definition = gains["Gain normalisé individuel moyen"][:2]
    assert hake == 0.5  # (84.375 − 68.75) / (100 − 68.75)
    assert individual == 0.524  # the mean of P02-P08's own gains
    assert hake_definition.startswith("(moyenne au post-test − moyenne au pré-test)")
    assert individual_definition.startswith("moyenne des (post − pré) / (100 − pré)")
    assert not any("Hake (g" in str(row[0]) for row in summary)


def test_participants_have_pre_post_and_gains(sevare_session: Session, exporter: Client) -> None:
    pre, _post, people = known_session(sevare_session)
    _data, sheets = workbook(exporter, pre)
    header, *rows = sheets["Participants"]
    assert header == [
        "N°",
        "Nom",
        "Prénoms",
        "Code participant",
        "Rôle",
        "Pré-test (%)",
        "Post-test (%)",
        "Gain (points de %)",
        "Gain normalisé individuel",
        "Seuil atteint au pré-test",
        "Seuil atteint au post-test",
    ]
    assert len(rows) == 11
    assert rows[1] == [2, "P02", "Awa", people[1].code, None, 75, 100, 25, 1, "oui", "oui"]
    assert rows[3][5:9] == [62.5, 75, 12.5, 0.333]
    assert rows[0][8] is None  # 100 % before: no normalised gain
    assert rows[9][5:11] == [25, None, None, None, "non", None]
    assert rows[10][5:11] == [None, 50, None, None, None, "non"]


def test_objectives_and_questions_of_both_tests(sevare_session: Session, exporter: Client) -> None:
    pre, _post, _people = known_session(sevare_session)
    _data, sheets = workbook(exporter, pre)
    assert sheets["Objectifs"][0] == ["Test", "Code", "Objectif", "Questions", "Réussite (%)"]
    assert [row[:2] + row[3:] for row in sheets["Objectifs"][1:3]] == [
        ["pré-test", "OBJ-A", 2, 50],
        ["pré-test", "OBJ-B", 2, 75],
    ]
    assert {row[0] for row in sheets["Objectifs"][1:]} == {"pré-test", "post-test"}
    header, *rows = sheets["Questions"]
    assert header[:12] == [
        "Test",
        "N°",
        "Question",
        "Type",
        "Objectif",
        "Module",
        "Bonne réponse",
        "Copies",
        "Difficulté (p)",
        "Réussite (%)",
        "Discrimination",
        "Sans réponse",
    ]
    assert header[12:] == ["Réponses choisies", "Alertes"]
    pre_rows = [row for row in rows if row[0] == "pré-test"]
    assert [row[8] for row in pre_rows] == [0.6, 0.4, 1, 0.5]
    assert [row[10] for row in pre_rows] == [1, -0.333, 0, 1]
    assert pre_rows[1][2] == "Qui autorise la prolongation ?"
    assert pre_rows[2][6] == "V"
    assert pre_rows[3][6] == "AC"
    assert pre_rows[1][12] == "A : 4 · B : 6 · C : 0 · D : 0"
    assert str(pre_rows[1][13]).startswith("Discrimination négative")
    assert str(pre_rows[2][13]).startswith("Trop facile")
    assert pre_rows[0][13] is None


def test_satisfaction_comes_when_the_session_has_a_survey_and_runs_no_formula(
    sevare_session: Session, exporter: Client
) -> None:
    pre, _post, _people = known_session(sevare_session)
    survey_with_answers(
        sevare_session, ["Plus de cas pratiques", '=HYPERLINK("http://x.example","clic")', ""]
    )
    data, sheets = workbook(exporter, pre)
    assert list(sheets) == ["Synthèse", "Participants", "Objectifs", "Questions", "Satisfaction"]
    header, *rows = sheets["Satisfaction"]
    assert header == [
        "Question",
        "Type",
        "Réponses",
        "Moyenne (1 à 5)",
        "Note 1",
        "Note 2",
        "Note 3",
        "Note 4",
        "Note 5",
        "Réponse libre",
    ]
    assert rows[0] == [
        "Êtes-vous satisfait(e) ?",
        "échelle de 1 à 5",
        3,
        3.667,
        0,
        1,
        0,
        1,
        1,
        None,
    ]
    assert [row[9] for row in rows[1:]] == [
        "Plus de cas pratiques",
        '\'=HYPERLINK("http://x.example","clic")',
    ]
    assert not xlsx_has_formulas(data)
    summary = {row[0]: row[1] for row in sheets["Synthèse"]}
    assert summary["Questionnaire de satisfaction : copies reçues"] == 3
    assert summary["Satisfaction moyenne (1 à 5)"] == 3.667
