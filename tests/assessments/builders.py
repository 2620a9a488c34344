"""Bank questions and open tests for the tests of taking a test (trainer pages, phones, services).

- ``ObjectiveFactory`` / ``ModuleFactory``: a curriculum objective (``CO-1``…) and a module of it.
- ``bank_question(objective, kind=..., right=..., wrong=...)``: a bank question with its choices
  in order (right ones first unless ``choices`` gives the order as ``[(text, correct), …]``).
- ``small_bank()``: two objectives, each with a single choice, a multiple choice (right: A and C
  of four) and a true/false question; returns the objectives.
- ``open_test(session, objectives)``: a pre-test of those objectives, built and opened through
  the services.
"""

from __future__ import annotations

from collections.abc import Sequence

import factory
from factory.django import DjangoModelFactory

from kalan.assessments import services
from kalan.assessments.models import Choice, CurriculumObjective, Module, Question, Test
from kalan.workshops.models import Session


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = CurriculumObjective
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CO-{n + 1}")
    text = factory.Sequence(lambda n: f"Objectif du programme {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module

    code = factory.Sequence(lambda n: f"M{n + 1}")
    title = factory.Sequence(lambda n: f"Module {n + 1}")
    objective = factory.SubFactory(ObjectiveFactory)
    order = factory.Sequence(lambda n: n + 1)


_count = {"n": 0}


def bank_question(
    objective: CurriculumObjective,
    *,
    kind: str = Question.Kind.SINGLE,
    text: str | None = None,
    choices: Sequence[tuple[str, bool]] | None = None,
) -> Question:
    _count["n"] += 1
    module = objective.modules.first() or ModuleFactory(objective=objective)
    if choices is None:
        if kind == Question.Kind.TRUE_FALSE:
            choices = [("Vrai", True), ("Faux", False)]
        elif kind == Question.Kind.MULTIPLE:
            choices = [("Juste 1", True), ("Faux 1", False), ("Juste 2", True), ("Faux 2", False)]
        else:
            choices = [("Juste", True), ("Faux 1", False), ("Faux 2", False)]
    question = Question.objects.create(
        code=f"Q-{objective.code}-{_count['n']:03d}",
        module=module,
        kind=kind,
        text=text or f"Question {_count['n']} sur {objective.code}",
        explanation="Parce que.",
        source="Code de procédure pénale, art. 76",
    )
    Choice.objects.bulk_create(
        Choice(question=question, order=n, text=choice_text, correct=correct)
        for n, (choice_text, correct) in enumerate(choices, start=1)
    )
    return question


def small_bank() -> list[CurriculumObjective]:
    objectives = [
        ObjectiveFactory(code="CO-GAV", text="Garde à vue", order=1),
        ObjectiveFactory(code="CO-TOR", text="Torture", order=2),
    ]
    for objective in objectives:
        bank_question(objective, kind=Question.Kind.SINGLE)
        bank_question(objective, kind=Question.Kind.MULTIPLE)
        bank_question(objective, kind=Question.Kind.TRUE_FALSE)
    return objectives


def open_test(
    session: Session,
    objectives: Sequence[CurriculumObjective] | None = None,
    *,
    kind: str = Test.Kind.PRE,
    scoring: str = Test.Scoring.PARTIAL,
) -> Test:
    objectives = list(objectives) if objectives is not None else small_bank()
    test = services.test_create(
        session=session,
        kind=kind,
        title="Pré-test — garde à vue",
        questions=services.bank_questions_for(objective_codes=[o.code for o in objectives]),
        scoring=scoring,
    )
    return services.test_open(test=test)
