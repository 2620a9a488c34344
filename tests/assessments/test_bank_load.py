"""Loading the bank file into the database (``bank_load``, ``kalan bank load``, ``kalan demo``), and
what loading or editing the bank never does: change a test already built."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kalan.assessments import services
from kalan.assessments.bank import (
    BANK_FILE,
    ChoiceData,
    bank_load,
    bank_read,
    question_update,
    survey_contents,
)
from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import Choice, CurriculumObjective, Module, Question
from kalan.assessments.models import Test as AssessmentTest
from kalan.workshops.models import Session, Workshop

pytestmark = pytest.mark.django_db


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BANK_FILE.read_text(encoding="utf-8"))
    return data


def with_initial_custody_of(tmp_path: Path, hours: int) -> Path:
    data = raw()
    for rule in data["legal_rules"]:
        if rule["code"] == "gav_initial_hours":
            rule["value"] = hours
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot() -> dict[str, Any]:
    """Every row the loader writes, with its update time, to see that nothing moved."""
    return {
        "objectives": list(CurriculumObjective.objects.values_list("code", "text", "updated_at")),
        "modules": list(Module.objects.values_list("code", "objective__code", "updated_at")),
        "questions": list(Question.objects.values_list("code", "text", "updated_at")),
        "choices": list(Choice.objects.values_list("pk", "text", "correct")),
    }


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("bank", *args, stdout=out)
    return out.getvalue()


def test_loading_creates_the_curriculum_the_modules_and_every_question() -> None:
    bank = bank_read()

    counts = bank_load()

    assert counts["objectives_created"] == 5
    assert counts["modules_created"] == len(bank.modules)
    assert counts["questions_created"] == len(bank.questions) == Question.objects.count()
    assert counts["legal_rules"] == len(bank.rules)
    assert counts["survey_items"] == len(bank.survey)
    question = Question.objects.select_related("module__objective").get(code="M6-01")
    assert question.module.code == "M6"
    assert question.module.objective.code == "O3"
    assert question.active
    assert "l’article 76 du Code de procédure pénale" in question.text
    first = question.choices.first()
    assert first is not None
    assert (first.text, first.correct) == ("48 heures", True)
    assert not Module.objects.filter(objective__isnull=True).exists()


def test_loading_twice_changes_nothing() -> None:
    bank_load()
    before = snapshot()

    counts = bank_load()

    assert snapshot() == before
    assert counts["questions_created"] == counts["questions_updated"] == 0
    assert counts["questions_unchanged"] == Question.objects.count()
    assert counts["objectives_updated"] == counts["modules_updated"] == 0


def test_a_dry_run_writes_nothing_but_counts_what_it_would_create() -> None:
    counts = bank_load(dry_run=True)

    assert counts["questions_created"] >= 80
    assert not Question.objects.exists()
    assert not CurriculumObjective.objects.exists()


def test_a_changed_rule_rewrites_only_the_questions_that_use_it(tmp_path: Path) -> None:
    bank_load()
    untouched = Question.objects.get(code="M5-03").updated_at

    counts = bank_load(path=with_initial_custody_of(tmp_path, 60))

    assert (
        Question.objects.get(code="M6-01").choices.filter(text="60 heures", correct=True).exists()
    )
    assert "au-delà de 60 heures" in Question.objects.get(code="M6-03").text
    assert Question.objects.get(code="M5-03").updated_at == untouched
    assert 1 <= counts["questions_updated"] < 10
    assert counts["questions_created"] == 0


def test_a_reload_restores_the_file_text_but_keeps_a_retired_question_retired() -> None:
    bank_load()
    Question.objects.filter(code="M1-01").update(text="Modifiée", active=False)

    counts = bank_load()

    question = Question.objects.get(code="M1-01")
    assert question.text.startswith("Quel texte l’Assemblée générale")
    assert not question.active
    assert counts["questions_updated"] == 1


def test_only_new_keeps_the_questions_edited_since() -> None:
    bank_load()
    Question.objects.filter(code="M1-01").update(text="Modifiée par le formateur")
    Question.objects.filter(code="M1-02").delete()

    counts = bank_load(only_new=True)

    assert Question.objects.get(code="M1-01").text == "Modifiée par le formateur"
    assert Question.objects.filter(code="M1-02").exists()
    assert counts["questions_kept"] == 1
    assert counts["questions_created"] == 1


def test_a_bad_file_writes_nothing(tmp_path: Path) -> None:
    data = raw()
    data["questions"][-1]["text"] = "Combien de {jours_inconnus} ?"
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(AssessmentError, match="jours_inconnus"):
        bank_load(path=path)

    assert not Question.objects.exists()
    assert not CurriculumObjective.objects.exists()


def test_a_test_built_before_an_edit_or_a_reload_keeps_its_frozen_questions(
    sevare_session: Session, tmp_path: Path
) -> None:
    bank_load()
    custody = Question.objects.get(code="M6-01")
    torture = Question.objects.get(code="M5-03")
    test = services.test_create(
        session=sevare_session,
        kind=AssessmentTest.Kind.PRE,
        title="Pré-test",
        questions=[custody, torture],
    )
    frozen = [tq.content for tq in test.questions.order_by("order")]

    question_update(
        question=torture,
        module=torture.module,
        kind="true_false",
        text="La torture est permise en cas de guerre.",
        source="Convention contre la torture, 1984, art. 2 §2",
        choices=[ChoiceData("Vrai"), ChoiceData("Faux", correct=True)],
    )
    assert Question.objects.get(pk=torture.pk).kind == "true_false"
    bank_load(path=with_initial_custody_of(tmp_path, 60))

    assert custody.choices.filter(text="60 heures", correct=True).exists()
    contents = [tq.content for tq in test.questions.order_by("order")]
    assert contents == frozen
    assert contents[0]["choices"][0]["text"] == "48 heures"
    assert contents[1]["kind"] == "single"
    assert len(contents[1]["choices"]) == 4


def test_the_survey_builds_a_survey_test_in_the_frozen_format(sevare_session: Session) -> None:
    bank_load()
    frozen_keys = set(services.question_snapshot(Question.objects.get(code="M1-01")))
    contents = survey_contents()

    test = services.test_create(
        session=sevare_session,
        kind=AssessmentTest.Kind.SURVEY,
        title="Questionnaire de satisfaction",
        contents=contents,
    )

    assert all(set(item) == frozen_keys for item in contents)
    kinds = [tq.content["kind"] for tq in test.questions.order_by("order")]
    assert kinds.count("rating") >= 5
    assert kinds.count("open") >= 2
    assert all(not tq.content["choices"] for tq in test.questions.all())


def test_the_command_prints_its_counts_and_a_second_run_creates_nothing() -> None:
    out = run("load")
    assert "questions_created: " in out
    assert int(out.split("questions_created: ")[1].split()[0]) >= 80

    again = run("load")

    assert "questions_created: 0" in again
    assert "questions_updated: 0" in again


def test_the_command_dry_run_says_so_and_saves_nothing() -> None:
    out = run("load", "--dry-run")

    assert "--dry-run" in out
    assert "objectives_created: 5" in out
    assert not Question.objects.exists()


def test_the_command_fails_on_a_bad_file_and_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="objet JSON"):
        run("load", "--path", str(path))


def test_the_demo_loads_the_bank_and_maps_the_five_objectives_in_order() -> None:
    call_command("demo", stdout=io.StringIO())

    workshop = Workshop.objects.get()
    for objective in workshop.objectives.order_by("order"):
        curriculum = CurriculumObjective.objects.get(code=f"O{objective.order}")
        assert list(curriculum.workshop_objectives.all()) == [objective]
        assert curriculum.text == objective.text
    assert Question.objects.count() == len(bank_read().questions)


def test_running_the_demo_again_maps_nothing_twice_and_keeps_edited_questions() -> None:
    call_command("demo", stdout=io.StringIO())
    Question.objects.filter(code="M2-01").update(text="Texte du formateur")
    out = io.StringIO()

    call_command("demo", stdout=out)

    assert "questions: 0" in out.getvalue()
    assert "objective_links: 0" in out.getvalue()
    assert Question.objects.get(code="M2-01").text == "Texte du formateur"
    assert all(o.workshop_objectives.count() == 1 for o in CurriculumObjective.objects.all())
