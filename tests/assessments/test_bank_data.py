"""The shipped question bank (``kalan/assessments/data/curriculum_ml.json``) and the rules that
every question of the bank follows, read without a database."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kalan.assessments.bank import (
    BANK_FILE,
    MAX_CHOICES,
    BankData,
    ChoiceData,
    bank_read,
    question_problems,
)
from kalan.assessments.errors import AssessmentError
from kalan.demo.programme import WORKSHOP_OBJECTIVES

# The seven areas the issue asks the bank to cover, and the modules that hold each.
TOPIC_MODULES = {
    "rights and their protection mechanisms (national, regional, international)": {"M1", "M2"},
    "concepts and principles": {"M3"},
    "Code of Conduct (1979) and Basic Principles (1990)": {"M4"},
    "absolute prohibition of torture and the National Preventive Mechanism": {"M5"},
    "custody safeguards of Mali's code of criminal procedure": {"M6"},
    "protection of civilians and conduct in armed conflict": {"M7"},
    "trust between officers and the population": {"M8"},
}
CUSTODY_QUESTIONS = ("M6-01", "M6-02", "M6-03", "M6-04")


@pytest.fixture(scope="module")
def shipped() -> BankData:
    return bank_read()


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BANK_FILE.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def texts_of(bank: BankData, code: str) -> str:
    question = next(q for q in bank.questions if q.code == code)
    parts = [question.text, question.text_en, question.explanation, question.explanation_en]
    parts += [c.text for c in question.choices] + [c.text_en for c in question.choices]
    return "\n".join(parts)


def test_the_shipped_bank_has_at_least_80_questions_of_the_three_scored_kinds(
    shipped: BankData,
) -> None:
    kinds = Counter(q.kind for q in shipped.questions)
    assert len(shipped.questions) >= 80
    assert set(kinds) == {"single", "multiple", "true_false"}
    assert min(kinds.values()) >= 10


def test_every_question_has_french_and_english_text_explanation_and_source(
    shipped: BankData,
) -> None:
    for question in shipped.questions:
        assert question.text and question.text_en, question.code
        assert question.explanation and question.explanation_en, question.code
        assert len(question.source) >= 10, question.code
        for choice in question.choices:
            assert choice.text and choice.text_en, question.code


def test_every_question_has_the_right_number_of_right_answers_for_its_kind(
    shipped: BankData,
) -> None:
    for question in shipped.questions:
        right = sum(c.correct for c in question.choices)
        assert 2 <= len(question.choices) <= MAX_CHOICES, question.code
        if question.kind == "multiple":
            assert right >= 2, question.code
        else:
            assert right == 1, question.code
        assert question_problems(kind=question.kind, choices=question.choices) == []


def test_true_false_questions_propose_vrai_then_faux_and_true_then_false(
    shipped: BankData,
) -> None:
    for question in shipped.questions:
        if question.kind == "true_false":
            assert [(c.text, c.text_en) for c in question.choices] == [
                ("Vrai", "True"),
                ("Faux", "False"),
            ]


def test_both_answers_of_true_false_occur(shipped: BankData) -> None:
    answers = Counter(q.choices[0].correct for q in shipped.questions if q.kind == "true_false")
    assert answers[True] >= 5
    assert answers[False] >= 5


def test_every_placeholder_is_resolved(shipped: BankData) -> None:
    for question in shipped.questions:
        assert not re.search(r"[{}]", texts_of(shipped, question.code) + question.source)


def test_codes_are_unique_and_name_their_module(shipped: BankData) -> None:
    codes = [q.code for q in shipped.questions]
    assert len(codes) == len(set(codes))
    for question in shipped.questions:
        assert question.code.startswith(f"{question.module}-")


def test_every_module_is_tied_to_one_of_the_five_objectives(shipped: BankData) -> None:
    objectives = {o.code for o in shipped.objectives}
    assert objectives == {"O1", "O2", "O3", "O4", "O5"}
    assert {m.objective for m in shipped.modules} == objectives
    assert {q.module for q in shipped.questions} == {m.code for m in shipped.modules}


def test_the_objectives_are_the_seed_workshops_five_specific_objectives(
    shipped: BankData,
) -> None:
    ordered = sorted(shipped.objectives, key=lambda o: o.order)
    assert [o.text for o in ordered] == list(WORKSHOP_OBJECTIVES)
    assert all(o.text_en for o in ordered)


@pytest.mark.parametrize("topic", TOPIC_MODULES)
def test_each_of_the_seven_topic_areas_has_questions(shipped: BankData, topic: str) -> None:
    count = sum(1 for q in shipped.questions if q.module in TOPIC_MODULES[topic])
    assert count >= 8


def test_the_custody_figures_and_article_come_from_the_legal_rules(shipped: BankData) -> None:
    rules = {rule.code: rule for rule in shipped.rules}
    assert rules["gav_initial_hours"].value == 48
    assert rules["gav_extension_hours"].value == 24
    assert rules["gav_article"].value == "76"
    for rule in rules.values():
        assert "art. 76" in rule.source
        assert "loi n°01-080 du 20 août 2001" in rule.source
        assert "décembre 2024" in rule.source
    # No figure of national law is typed into a question: every one goes through a rule.
    for code in CUSTODY_QUESTIONS:
        question = next(q for q in raw()["questions"] if q["code"] == code)
        assert not re.search(r"\b(48|24|72)\b", json.dumps(question, ensure_ascii=False)), code
        assert question["source"].startswith("{gav_")
    assert "48 heures" in texts_of(shipped, "M6-01")
    assert "prolongée de 24 heures" in texts_of(shipped, "M6-02")


def test_changing_a_rule_changes_the_questions_that_use_it(tmp_path: Path) -> None:
    data = raw()
    for rule in data["legal_rules"]:
        if rule["code"] == "gav_initial_hours":
            rule["value"] = 60
            rule["source"] = "Nouveau Code de procédure pénale, art. 999"
        if rule["code"] == "gav_article":
            rule["value"] = "999"
    changed = bank_read(path=write(tmp_path, data))
    text = texts_of(changed, "M6-01")
    assert "60 heures" in text
    assert "60 hours" in text
    assert "48" not in text
    assert "l’article 999 du Code de procédure pénale" in text
    assert "au-delà de 60 heures" in texts_of(changed, "M6-03")
    sources = {q.source for q in changed.questions if q.code in ("M6-01", "M6-05", "M6-08")}
    assert sources == {"Nouveau Code de procédure pénale, art. 999"}


def test_an_unknown_placeholder_is_refused_with_the_question_it_is_in(tmp_path: Path) -> None:
    data = raw()
    data["questions"][0]["text"] += " {gav_does_not_exist}"
    with pytest.raises(AssessmentError) as caught:
        bank_read(path=write(tmp_path, data))
    assert caught.value.code == "bank_invalid"
    assert "gav_does_not_exist" in str(caught.value)
    assert data["questions"][0]["code"] in str(caught.value)


def test_a_single_choice_with_two_right_answers_is_refused_by_the_loader(tmp_path: Path) -> None:
    data = raw()
    single = next(q for q in data["questions"] if q["kind"] == "single")
    single["choices"][1]["correct"] = True
    with pytest.raises(AssessmentError, match="exactement une bonne réponse") as caught:
        bank_read(path=write(tmp_path, data))
    assert single["code"] in str(caught.value)


def test_a_module_of_an_unknown_objective_is_refused(tmp_path: Path) -> None:
    data = raw()
    data["modules"][0]["objective"] = "O9"
    with pytest.raises(AssessmentError, match="O9"):
        bank_read(path=write(tmp_path, data))


def test_every_problem_of_the_file_is_listed_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(raw())
    data["questions"][0]["source"] = ""
    data["questions"][1]["module"] = "M42"
    data["questions"][2]["code"] = data["questions"][3]["code"]
    with pytest.raises(AssessmentError) as caught:
        bank_read(path=write(tmp_path, data))
    message = str(caught.value)
    assert "source" in message
    assert "M42" in message
    assert "deux fois" in message


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(AssessmentError) as caught:
        bank_read(path=path)
    assert caught.value.code == "bank_unreadable"


def test_the_survey_has_rating_scales_and_open_questions_in_both_languages(
    shipped: BankData,
) -> None:
    kinds = Counter(item.kind for item in shipped.survey)
    assert 5 <= kinds["rating"] <= 7
    assert 2 <= kinds["open"] <= 3
    assert set(kinds) == {"rating", "open"}
    for item in shipped.survey:
        assert item.text and item.text_en


def right(*flags: bool) -> list[ChoiceData]:
    return [ChoiceData(text=f"Réponse {n}", correct=flag) for n, flag in enumerate(flags)]


@pytest.mark.parametrize(
    ("kind", "choices", "code"),
    [
        ("single", right(True, True, False), "wrong_right_count"),
        ("single", right(False, False), "wrong_right_count"),
        ("single", right(True), "too_few_choices"),
        ("single", right(True, *[False] * MAX_CHOICES), "too_many_choices"),
        ("multiple", right(True, False, False), "wrong_right_count"),
        (
            "true_false",
            [ChoiceData("Faux", correct=True), ChoiceData("Vrai")],
            "true_false_choices",
        ),
        ("single", [ChoiceData("Oui", correct=True), ChoiceData(" oui ")], "duplicate_choice"),
        ("single", [ChoiceData("Oui", correct=True), ChoiceData("")], "empty_choice"),
        ("rating", right(True, False), "choices_not_allowed"),
        ("essay", [], "unknown_kind"),
    ],
)
def test_the_rules_refuse_a_badly_built_question(
    kind: str, choices: list[ChoiceData], code: str
) -> None:
    assert code in [problem.code for problem in question_problems(kind=kind, choices=choices)]


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        ("single", right(False, True, False)),
        ("multiple", right(True, False, True, False)),
        ("multiple", right(True, True)),
        ("true_false", [ChoiceData("Vrai"), ChoiceData("Faux", correct=True)]),
        ("rating", []),
        ("open", []),
    ],
)
def test_the_rules_accept_a_well_built_question(kind: str, choices: list[ChoiceData]) -> None:
    assert question_problems(kind=kind, choices=choices) == []
