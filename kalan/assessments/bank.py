"""The question bank as data that users edit: the shipped file, its loader, and bank writes.

``data/curriculum_ml.json`` holds the curriculum objectives (the seed workshop's five specific
objectives), the modules, the legal rules, the questions and the default satisfaction survey.
Figures of national law (the length of garde à vue…) are not written into questions: they live
in ``legal_rules`` with their source, and a question says ``{gav_initial_hours}`` (the value) or
``{gav_initial_hours.source}`` (the reference). When a new code changes a figure, one line of the
file changes and ``kalan bank load`` rewrites every question that uses it.

A test copies its questions when it is built (``services.question_snapshot``): neither reloading
the file nor editing a question on the bank pages changes a test already built.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import Choice, CurriculumObjective, Module, Question, QuestionKind
from kalan.assessments.scoring import CHOICE_KEYS
from kalan.core.audit import audit_bulk_created

BANK_FILE = Path(__file__).resolve().parent / "data" / "curriculum_ml.json"
MAX_CHOICES = len(CHOICE_KEYS)
SCORED_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)
SURVEY_KINDS = (QuestionKind.RATING, QuestionKind.OPEN)
# Paper entry reads V/F against these texts (services.paper_keys): true comes first.
TRUE_FALSE_CHOICES = (("Vrai", "True"), ("Faux", "False"))
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LOAD_COUNTS = (
    "objectives_created",
    "objectives_updated",
    "modules_created",
    "modules_updated",
    "questions_created",
    "questions_updated",
    "questions_unchanged",
    "questions_kept",
    "legal_rules",
    "survey_items",
)


@dataclass(frozen=True)
class ChoiceData:
    text: str
    text_en: str = ""
    correct: bool = False


@dataclass(frozen=True)
class LegalRule:
    code: str
    value: int | float | str
    unit: str
    unit_en: str
    label: str
    label_en: str
    source: str


@dataclass(frozen=True)
class ObjectiveRow:
    code: str
    order: int
    text: str
    text_en: str


@dataclass(frozen=True)
class ModuleRow:
    code: str
    order: int
    objective: str
    title: str
    title_en: str


@dataclass(frozen=True)
class QuestionRow:
    code: str
    module: str
    kind: str
    text: str
    text_en: str
    explanation: str
    explanation_en: str
    source: str
    choices: tuple[ChoiceData, ...]


@dataclass(frozen=True)
class SurveyRow:
    code: str
    kind: str
    text: str
    text_en: str
    explanation: str
    explanation_en: str


@dataclass(frozen=True)
class BankData:
    rules: tuple[LegalRule, ...]
    objectives: tuple[ObjectiveRow, ...]
    modules: tuple[ModuleRow, ...]
    questions: tuple[QuestionRow, ...]
    survey: tuple[SurveyRow, ...]


# ---------------------------------------------------------------- the rules of a question


def question_problems(*, kind: str, choices: Sequence[ChoiceData]) -> list[AssessmentError]:
    """Every rule the question's answers break, empty when it is valid.

    The loader and the edit page both use it. Single choice and true/false: exactly one right
    answer; multiple choice: at least two; 2 to 8 distinct answers, each with a text; true/false
    proposes « Vrai » then « Faux »; rating scales and open questions propose none.
    """
    problems: list[AssessmentError] = []

    def problem(message: str, code: str, field: str = "choices") -> None:
        problems.append(AssessmentError(message, code=code, field=field))

    if kind in SURVEY_KINDS:
        if choices:
            problem(
                _(
                    "Une échelle de satisfaction ou une question ouverte ne propose pas de "
                    "réponses."
                ),
                "choices_not_allowed",
            )
        return problems
    if kind not in SCORED_KINDS:
        problem(_("Type de question inconnu : %(kind)s.") % {"kind": kind}, "unknown_kind", "kind")
        return problems
    if len(choices) < 2:
        problem(_("Proposez au moins deux réponses."), "too_few_choices")
    if len(choices) > MAX_CHOICES:
        problem(_("Proposez au plus %(max)s réponses.") % {"max": MAX_CHOICES}, "too_many_choices")
    if any(not choice.text.strip() for choice in choices):
        problem(_("Chaque réponse proposée a un texte en français."), "empty_choice")
    seen: set[str] = set()
    for choice in choices:
        key = " ".join(choice.text.split()).casefold()
        if key and key in seen:
            problem(
                _("La réponse « %(text)s » est proposée deux fois.") % {"text": choice.text},
                "duplicate_choice",
            )
        seen.add(key)
    right = sum(1 for choice in choices if choice.correct)
    if kind == QuestionKind.TRUE_FALSE:
        texts = [choice.text.strip().casefold() for choice in choices]
        if texts != [fr.casefold() for fr, _en in TRUE_FALSE_CHOICES]:
            problem(
                _("Une question vrai ou faux propose « Vrai » puis « Faux », dans cet ordre."),
                "true_false_choices",
            )
    if kind == QuestionKind.SINGLE and right != 1:
        problem(
            ngettext(
                "Une question à choix unique a exactement une bonne réponse : %(count)s cochée.",
                "Une question à choix unique a exactement une bonne réponse : %(count)s cochées.",
                right,
            )
            % {"count": right},
            "wrong_right_count",
        )
    if kind == QuestionKind.TRUE_FALSE and right != 1:
        problem(
            ngettext(
                "Une question vrai ou faux a exactement une bonne réponse : %(count)s cochée.",
                "Une question vrai ou faux a exactement une bonne réponse : %(count)s cochées.",
                right,
            )
            % {"count": right},
            "wrong_right_count",
        )
    if kind == QuestionKind.MULTIPLE and right < 2:
        problem(
            ngettext(
                "Une question à choix multiple a au moins deux bonnes réponses : %(count)s "
                "cochée. Avec une seule, choisissez le choix unique.",
                "Une question à choix multiple a au moins deux bonnes réponses : %(count)s "
                "cochées. Avec une seule, choisissez le choix unique.",
                right,
            )
            % {"count": right},
            "wrong_right_count",
        )
    return problems


# ---------------------------------------------------------------- reading the file


class _Reader:
    """Reads the JSON file into rows, gathering every problem so that one run lists them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.rules: dict[str, LegalRule] = {}

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where} : {message}")

    def items(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.fail(key, _("une liste d’objets est attendue"))
            return []
        return items

    def text(self, item: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = item.get(key, "")
        if not isinstance(value, str):
            self.fail(where, _("« %(key)s » doit être un texte") % {"key": key})
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, _("« %(key)s » est vide ou manquant") % {"key": key})
        return value

    def unique(self, codes: list[str], section: str) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                self.fail(section, _("le code %(code)s figure deux fois") % {"code": code})
            seen.add(code)

    def resolve(self, text: str, where: str) -> str:
        """Replace ``{rule}`` by its value and ``{rule.source}`` by its source."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            code, _dot, attribute = name.partition(".")
            rule = self.rules.get(code)
            if rule is None or attribute not in ("", "source"):
                self.fail(
                    where,
                    _("règle inconnue « {%(name)s} » : elle n’est pas dans legal_rules")
                    % {"name": name},
                )
                return match.group(0)
            if attribute == "source":
                return rule.source
            value = rule.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value)

        return PLACEHOLDER.sub(replace, text)

    def read(self, data: Any) -> BankData:
        if not isinstance(data, dict):
            self.fail("fichier", _("un objet JSON est attendu"))
            data = {}
        rules = self._rules(data)
        self.rules = {rule.code: rule for rule in rules}
        objectives = self._objectives(data)
        modules = self._modules(data, {o.code for o in objectives})
        questions = self._questions(data, {m.code for m in modules})
        survey = self._survey(data)
        return BankData(
            rules=tuple(rules),
            objectives=tuple(objectives),
            modules=tuple(modules),
            questions=tuple(questions),
            survey=tuple(survey),
        )

    def _rules(self, data: dict[str, Any]) -> list[LegalRule]:
        rules = []
        for n, item in enumerate(self.items(data, "legal_rules"), start=1):
            where = f"legal_rules[{n}]"
            code = self.text(item, "code", where)
            where = f"legal_rules {code or n}"
            value = item.get("value")
            if isinstance(value, bool) or not isinstance(value, int | float | str) or value == "":
                self.fail(where, _("« value » doit être un nombre ou un texte"))
                value = ""
            rules.append(
                LegalRule(
                    code=code,
                    value=value,
                    unit=self.text(item, "unit", where, required=False),
                    unit_en=self.text(item, "unit_en", where, required=False),
                    label=self.text(item, "label", where, required=False),
                    label_en=self.text(item, "label_en", where, required=False),
                    source=self.text(item, "source", where),
                )
            )
        self.unique([r.code for r in rules], "legal_rules")
        return rules

    def _order(self, item: dict[str, Any], default: int, where: str) -> int:
        order = item.get("order", default)
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
            self.fail(where, _("« order » doit être un entier positif"))
            return default
        return order

    def _objectives(self, data: dict[str, Any]) -> list[ObjectiveRow]:
        rows = []
        for n, item in enumerate(self.items(data, "objectives"), start=1):
            code = self.text(item, "code", f"objectives[{n}]")
            where = f"objectives {code or n}"
            rows.append(
                ObjectiveRow(
                    code=code,
                    order=self._order(item, n, where),
                    text=self.text(item, "text", where),
                    text_en=self.text(item, "text_en", where, required=False),
                )
            )
        self.unique([r.code for r in rows], "objectives")
        return rows

    def _modules(self, data: dict[str, Any], objectives: set[str]) -> list[ModuleRow]:
        rows = []
        for n, item in enumerate(self.items(data, "modules"), start=1):
            code = self.text(item, "code", f"modules[{n}]")
            where = f"modules {code or n}"
            objective = self.text(item, "objective", where)
            if objective and objective not in objectives:
                self.fail(
                    where, _("objectif %(code)s inconnu (section objectives)") % {"code": objective}
                )
            rows.append(
                ModuleRow(
                    code=code,
                    order=self._order(item, n, where),
                    objective=objective,
                    title=self.text(item, "title", where),
                    title_en=self.text(item, "title_en", where, required=False),
                )
            )
        self.unique([r.code for r in rows], "modules")
        return rows

    def _questions(self, data: dict[str, Any], modules: set[str]) -> list[QuestionRow]:
        rows = []
        for n, item in enumerate(self.items(data, "questions"), start=1):
            code = self.text(item, "code", f"questions[{n}]")
            where = f"question {code or n}"
            module = self.text(item, "module", where)
            if module and module not in modules:
                self.fail(where, _("module %(code)s inconnu (section modules)") % {"code": module})
            kind = self.text(item, "kind", where)
            if kind and kind not in SCORED_KINDS:
                self.fail(
                    where,
                    _("type « %(kind)s » : single, multiple ou true_false attendu")
                    % {"kind": kind},
                )
            choices = self._choices(item, kind, where)
            if kind in SCORED_KINDS:
                for problem in question_problems(kind=kind, choices=choices):
                    self.fail(where, str(problem))
            rows.append(
                QuestionRow(
                    code=code,
                    module=module,
                    kind=kind,
                    text=self.resolve(self.text(item, "text", where), where),
                    text_en=self.resolve(self.text(item, "text_en", where, required=False), where),
                    explanation=self.resolve(self.text(item, "explanation", where), where),
                    explanation_en=self.resolve(
                        self.text(item, "explanation_en", where, required=False), where
                    ),
                    source=self.resolve(self.text(item, "source", where), where),
                    choices=choices,
                )
            )
        self.unique([r.code for r in rows], "questions")
        return rows

    def _choices(self, item: dict[str, Any], kind: str, where: str) -> tuple[ChoiceData, ...]:
        if kind == QuestionKind.TRUE_FALSE and "answer" in item:
            # The short form of a true/false question: "answer": true when the statement is true.
            answer = item["answer"]
            if not isinstance(answer, bool):
                self.fail(where, _("« answer » vaut true ou false"))
            (true_fr, true_en), (false_fr, false_en) = TRUE_FALSE_CHOICES
            return (
                ChoiceData(text=true_fr, text_en=true_en, correct=answer is True),
                ChoiceData(text=false_fr, text_en=false_en, correct=answer is False),
            )
        choices = []
        for n, choice in enumerate(self.items(item, "choices"), start=1):
            here = f"{where}, réponse {n}"
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                self.fail(here, _("« correct » vaut true ou false"))
            choices.append(
                ChoiceData(
                    text=self.resolve(self.text(choice, "text", here), here),
                    text_en=self.resolve(self.text(choice, "text_en", here, required=False), here),
                    correct=correct is True,
                )
            )
        return tuple(choices)

    def _survey(self, data: dict[str, Any]) -> list[SurveyRow]:
        rows = []
        for n, item in enumerate(self.items(data, "survey"), start=1):
            code = self.text(item, "code", f"survey[{n}]")
            where = f"survey {code or n}"
            kind = self.text(item, "kind", where)
            if kind and kind not in SURVEY_KINDS:
                self.fail(where, _("type « %(kind)s » : rating ou open attendu") % {"kind": kind})
            rows.append(
                SurveyRow(
                    code=code,
                    kind=kind,
                    text=self.resolve(self.text(item, "text", where), where),
                    text_en=self.resolve(self.text(item, "text_en", where, required=False), where),
                    explanation=self.resolve(
                        self.text(item, "explanation", where, required=False), where
                    ),
                    explanation_en=self.resolve(
                        self.text(item, "explanation_en", where, required=False), where
                    ),
                )
            )
        self.unique([r.code for r in rows], "survey")
        return rows


def bank_read(*, path: Path = BANK_FILE) -> BankData:
    """The bank file as rows, its placeholders resolved; nothing is written.

    Raises AssessmentError ``bank_unreadable`` when the file cannot be read or is not JSON, and
    ``bank_invalid`` listing every problem found (an unknown placeholder, a question with two
    right answers to a single choice, a module of an unknown objective…).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AssessmentError(
            _("Fichier de la banque illisible (%(path)s) : %(error)s")
            % {"path": path, "error": error},
            code="bank_unreadable",
        ) from None
    reader = _Reader()
    bank = reader.read(data)
    if reader.problems:
        raise AssessmentError(
            _("Fichier de la banque invalide (%(path)s), rien n’est chargé :") % {"path": path}
            + "\n"
            + "\n".join(f"- {problem}" for problem in reader.problems),
            code="bank_invalid",
        )
    return bank


# ---------------------------------------------------------------- loading into the database


@transaction.atomic
def bank_load(
    *, path: Path = BANK_FILE, dry_run: bool = False, only_new: bool = False
) -> dict[str, int]:
    """Create or update the curriculum and the questions of the file, matched by their codes.

    Rows equal to the file are left alone, so a second load changes nothing. With ``only_new``,
    rows that exist already are kept as they are, even if someone edited them since (counted in
    ``questions_kept`` when they differ from the file). With ``dry_run`` nothing is saved.
    Questions that the file no longer has are left in the bank. Tests already built keep their
    frozen copies whatever happens here. Raises AssessmentError (see ``bank_read``) and
    ValidationError when a text is too long for its field.
    """
    bank = bank_read(path=path)
    counts = dict.fromkeys(LOAD_COUNTS, 0)
    objectives = _objectives_upsert(bank.objectives, counts=counts, only_new=only_new)
    modules = _modules_upsert(bank.modules, objectives=objectives, counts=counts, only_new=only_new)
    _questions_upsert(bank.questions, modules=modules, counts=counts, only_new=only_new)
    counts["legal_rules"] = len(bank.rules)
    counts["survey_items"] = len(bank.survey)
    if dry_run:
        transaction.set_rollback(True)
    return counts


def _changed(instance: Any, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(instance, name) != value]


def _objectives_upsert(
    rows: Sequence[ObjectiveRow], *, counts: dict[str, int], only_new: bool
) -> dict[str, CurriculumObjective]:
    existing = {
        o.code: o for o in CurriculumObjective.objects.filter(code__in=[r.code for r in rows])
    }
    for row in rows:
        values = {"text": row.text, "text_en": row.text_en, "order": row.order}
        objective = existing.get(row.code)
        if objective is None:
            objective = CurriculumObjective(code=row.code, **values)
            objective.full_clean()
            objective.save()
            existing[row.code] = objective
            counts["objectives_created"] += 1
        elif not only_new and (changed := _changed(objective, values)):
            for name, value in values.items():
                setattr(objective, name, value)
            objective.full_clean()
            objective.save(update_fields=[*changed, "updated_at"])
            counts["objectives_updated"] += 1
    return existing


def _modules_upsert(
    rows: Sequence[ModuleRow],
    *,
    objectives: dict[str, CurriculumObjective],
    counts: dict[str, int],
    only_new: bool,
) -> dict[str, Module]:
    existing = {m.code: m for m in Module.objects.filter(code__in=[r.code for r in rows])}
    for row in rows:
        values = {
            "title": row.title,
            "title_en": row.title_en,
            "order": row.order,
            "objective_id": objectives[row.objective].pk,
        }
        module = existing.get(row.code)
        if module is None:
            module = Module(code=row.code, **values)
            module.full_clean()
            module.save()
            existing[row.code] = module
            counts["modules_created"] += 1
        elif not only_new and (changed := _changed(module, values)):
            for name, value in values.items():
                setattr(module, name, value)
            module.full_clean()
            module.save(update_fields=[*changed, "updated_at"])
            counts["modules_updated"] += 1
    return existing


def _choice_rows(question: Question) -> list[ChoiceData]:
    return [
        ChoiceData(text=c.text, text_en=c.text_en, correct=c.correct)
        for c in question.choices.all()  # prefetched, in order
    ]


def _choices_set(*, question: Question, choices: Sequence[ChoiceData]) -> None:
    question.choices.all().delete()
    rows = [
        Choice(question=question, order=n, text=c.text, text_en=c.text_en, correct=c.correct)
        for n, c in enumerate(choices, start=1)
    ]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    audit_bulk_created(Choice.objects.bulk_create(rows))


def _questions_upsert(
    rows: Sequence[QuestionRow],
    *,
    modules: dict[str, Module],
    counts: dict[str, int],
    only_new: bool,
) -> None:
    existing = {
        q.code: q
        for q in Question.objects.filter(code__in=[r.code for r in rows]).prefetch_related(
            "choices"
        )
    }
    for row in rows:
        values = {
            "module_id": modules[row.module].pk,
            "kind": row.kind,
            "text": row.text,
            "text_en": row.text_en,
            "explanation": row.explanation,
            "explanation_en": row.explanation_en,
            "source": row.source,
        }
        question = existing.get(row.code)
        if question is None:
            question = Question(code=row.code, **values)
            question.full_clean()
            question.save()
            _choices_set(question=question, choices=row.choices)
            counts["questions_created"] += 1
            continue
        changed = _changed(question, values)
        choices_changed = _choice_rows(question) != list(row.choices)
        if not changed and not choices_changed:
            counts["questions_unchanged"] += 1
        elif only_new:
            counts["questions_kept"] += 1
        else:
            # ``active`` is not in the file: a question someone retired stays retired.
            for name, value in values.items():
                setattr(question, name, value)
            question.full_clean()
            question.save(update_fields=[*changed, "updated_at"])
            if choices_changed:
                _choices_set(question=question, choices=row.choices)
            counts["questions_updated"] += 1


# ---------------------------------------------------------------- the survey


def survey_contents(*, path: Path = BANK_FILE) -> list[dict[str, Any]]:
    """The default satisfaction survey, as frozen test contents (``services.question_snapshot``).

    Rating scales (1 to 5) and open questions tied to no module or objective: build the survey
    with ``test_create(kind=Test.Kind.SURVEY, contents=survey_contents())``.
    """
    return [
        {
            "kind": row.kind,
            "code": row.code,
            "text": row.text,
            "text_en": row.text_en,
            "explanation": row.explanation,
            "explanation_en": row.explanation_en,
            "source": "",
            "module": "",
            "objective": "",
            "choices": [],
        }
        for row in bank_read(path=path).survey
    ]


def legal_rules(*, path: Path = BANK_FILE) -> tuple[LegalRule, ...]:
    """The figures of national law the bank uses, with their sources, as the file has them."""
    return bank_read(path=path).rules


# ---------------------------------------------------------------- editing the bank


def _check(*, kind: str, choices: Sequence[ChoiceData]) -> None:
    problems = question_problems(kind=kind, choices=choices)
    if problems:
        raise problems[0]


def _code_new(module: Module) -> str:
    """M3-U01, M3-U02…: a U marks a question written by a user, never one of the file's."""
    prefix = f"{module.code}-U"
    taken = set(Question.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    number = 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


@transaction.atomic
def question_create(
    *,
    module: Module,
    kind: str,
    text: str,
    choices: Sequence[ChoiceData],
    text_en: str = "",
    explanation: str = "",
    explanation_en: str = "",
    source: str = "",
    active: bool = True,
    code: str = "",
) -> Question:
    """A new question of the bank with its answers; a code is made up when none is given.

    Raises AssessmentError (the rules of ``question_problems``; ``code_taken`` when the code is
    already used) and ValidationError for a text too long for its field.
    """
    _check(kind=kind, choices=choices)
    code = code.strip() or _code_new(module)
    if Question.objects.filter(code=code).exists():
        raise AssessmentError(
            _("Le code %(code)s est déjà utilisé par une autre question.") % {"code": code},
            code="code_taken",
            field="code",
        )
    question = Question(
        code=code,
        module=module,
        kind=kind,
        text=text.strip(),
        text_en=text_en.strip(),
        explanation=explanation.strip(),
        explanation_en=explanation_en.strip(),
        source=source.strip(),
        active=active,
    )
    question.full_clean()
    question.save()
    _choices_set(question=question, choices=_stripped(choices))
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    module: Module,
    kind: str,
    text: str,
    choices: Sequence[ChoiceData],
    text_en: str = "",
    explanation: str = "",
    explanation_en: str = "",
    source: str = "",
    active: bool = True,
) -> Question:
    """Change a question of the bank and its answers. Tests already built keep their copy.

    Raises AssessmentError (the rules of ``question_problems``) and ValidationError.
    """
    _check(kind=kind, choices=choices)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    locked.module = module
    locked.kind = kind
    locked.text = text.strip()
    locked.text_en = text_en.strip()
    locked.explanation = explanation.strip()
    locked.explanation_en = explanation_en.strip()
    locked.source = source.strip()
    locked.active = active
    locked.full_clean()
    locked.save()
    wanted = _stripped(choices)
    if _choice_rows(locked) != wanted:
        _choices_set(question=locked, choices=wanted)
    return locked


def _stripped(choices: Sequence[ChoiceData]) -> list[ChoiceData]:
    return [
        ChoiceData(text=c.text.strip(), text_en=c.text_en.strip(), correct=c.correct)
        for c in choices
    ]
