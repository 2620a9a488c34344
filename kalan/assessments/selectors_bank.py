"""Reads of the question bank: the curriculum with its questions, for the bank pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from kalan.assessments.models import CurriculumObjective, Module, Question


@dataclass
class ModuleGroup:
    module: Module
    questions: list[Question] = field(default_factory=list)


@dataclass
class ObjectiveGroup:
    objective: CurriculumObjective
    modules: list[ModuleGroup] = field(default_factory=list)


@dataclass
class BankOverview:
    objectives: Sequence[CurriculumObjective]  # every one, for the filter
    modules: Sequence[Module]  # every one, for the filter
    groups: list[ObjectiveGroup]  # what the filter keeps, objective by objective
    question_count: int


def bank_overview(*, objective_code: str = "", module_code: str = "") -> BankOverview:
    """The curriculum, objective by objective and module by module, with its questions.

    Each question carries ``choice_count`` and ``right_count``. An unknown code filters out
    everything. Three queries, whatever the size of the bank.
    """
    objectives = list(CurriculumObjective.objects.order_by("order", "code"))
    modules = list(
        Module.objects.annotate(question_count=Count("questions")).order_by("order", "code")
    )
    questions = (
        Question.objects.annotate(
            choice_count=Count("choices"),
            right_count=Count("choices", filter=Q(choices__correct=True)),
        )
        .only("uid", "code", "module_id", "kind", "text", "text_en", "source", "active")
        .order_by("code")
    )
    codes = {objective.pk: objective.code for objective in objectives}
    kept_modules: list[Module] = list(modules)
    if objective_code:
        kept_modules = [m for m in kept_modules if codes.get(m.objective_id) == objective_code]
        questions = questions.filter(module__objective__code=objective_code)
    if module_code:
        kept_modules = [m for m in kept_modules if m.code == module_code]
        questions = questions.filter(module__code=module_code)
    by_module: dict[int, ModuleGroup] = {m.pk: ModuleGroup(module=m) for m in kept_modules}
    count = 0
    for question in questions:
        group = by_module.get(question.module_id)
        if group is not None:
            group.questions.append(question)
            count += 1
    groups = []
    for objective in objectives:
        members = [by_module[m.pk] for m in kept_modules if m.objective_id == objective.pk]
        if members:
            groups.append(ObjectiveGroup(objective=objective, modules=members))
    return BankOverview(objectives=objectives, modules=modules, groups=groups, question_count=count)


def question_get(*, uid: str) -> Question:
    """The question with its module, objective and answers. Raises Question.DoesNotExist."""
    return (
        Question.objects.select_related("module__objective")
        .prefetch_related("choices")
        .get(uid=uid)
    )
