"""What committing a participant list would do, row by row, before anything is written.

Each row becomes one of four outcomes:

- **new**: nobody in the registry looks like this person: a person will be created;
- **matched**: the registry holds this person (same service number in the same corps, or the same
  name, corps, rank and unit): nothing is created, the person is enrolled if not yet;
- **duplicate**: someone in the registry looks like this person without being surely them. It is
  never merged silently: the user picks the person, or leaves it new (the default), and the pair
  then shows on the duplicates page;
- **error**: the row cannot be taken; the error names its row, its column and why.

A row that repeats an earlier row of the same file (same person) is taken once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from kalan.core.memory import gc_paused
from kalan.people.identity import (
    LIKELY,
    Lookup,
    NameIndex,
    PersonRow,
    PersonRowTuple,
    name_key,
    name_similarity,
)
from kalan.people.models import Person, Rank, Unit
from kalan.workshops.importing.questions import (
    BLANK,
    CLUE_LABELS,
    CORPS,
    GUESS,
    RANK,
    SKIP,
    UNIT,
    Question,
    Questions,
)
from kalan.workshops.importing.questions import NEW as NEW_ANSWER
from kalan.workshops.importing.references import NewUnit, References
from kalan.workshops.importing.types import CellError, Table
from kalan.workshops.importing.values import row_values
from kalan.workshops.models import Enrollment, Session

HOLDERS_CHUNK = 500  # service numbers per query (SQLite allows 999 parameters on old builds)
# Below this name score, one service number on two names means two different people.
SAME_NAME = 80.0
NEW = "new"
MATCHED = "matched"
DUPLICATE = "duplicate"
ERROR = "error"
SKIPPED = "skipped"
OUTCOME_LABELS = {
    NEW: gettext_lazy("nouvelle personne"),
    MATCHED: gettext_lazy("personne existante"),
    DUPLICATE: gettext_lazy("doublon possible"),
    ERROR: gettext_lazy("erreur"),
    SKIPPED: gettext_lazy("ignorée"),
}


@dataclass
class PlannedRow:
    row: int
    values: dict[str, Any]
    outcome: str = NEW
    errors: list[CellError] = field(default_factory=list)
    person_id: int | None = None  # the registry's person, when matched or chosen
    candidates: list[tuple[int, float]] = field(default_factory=list)  # (person id, score)
    corps_id: int | None = None
    # Where the corps came from: "column", "default", "answer", or the cells that agree on it,
    # "+"-joined: "unit", "rank", "number" ("unit+rank").
    corps_source: str = ""
    # The question whose answer "skip" leaves this row out, and the value it asked about.
    skipped_by: str | None = None
    skipped_text: str = ""
    rank_id: int | None = None
    unit: int | NewUnit | None = None
    already_enrolled: bool = False
    repeat_of: int | None = None  # the earlier row of the file that is this same person
    # A registry person found again: what the row says differently (field → (recorded, listed)),
    # applied only when the user confirms it, and the row's unknown values the record keeps.
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        """One label a row: a repeat says which row it repeats, not also "new person"."""
        if self.repeat_of is not None:
            return _("même personne que la ligne %(row)s") % {"row": self.repeat_of}
        if self.outcome == SKIPPED:
            return _("ignorée (« %(value)s »)") % {"value": self.skipped_text}
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def corps_source_label(self) -> str:
        """« d’après l’unité ; d’après le grade »: every source the corps came from."""
        return " ; ".join(str(CLUE_LABELS[n]) for n in self.corps_source.split("+") if n)


@dataclass
class ImportPlan:
    session: Session
    table: Table
    mapping: dict[int, str]
    rows: list[PlannedRow]
    errors: list[CellError]  # errors of the whole list (a missing column…)
    persons: dict[int, Person] = field(default_factory=dict)  # matched and candidate persons
    # The list takes the session past its capacity and that was not confirmed: no error of the
    # list's, so shown apart from them and not counted with them, but it stops the commit too.
    capacity_error: CellError | None = None
    # Whether the rank and unit of the persons found again are brought up to the list's.
    apply_changes: bool = False
    # What the list names that the registry does not know, one question per distinct value.
    questions: list[Question] = field(default_factory=list)
    corps_names: dict[int, str] = field(default_factory=dict)  # by id, as the plan read them

    @property
    def all_errors(self) -> list[CellError]:
        """What is wrong in the list itself: whole-list errors, then each row's."""
        return self.errors + [error for row in self.rows for error in row.errors]

    @property
    def refusals(self) -> list[CellError]:
        """Everything that stops the commit: the errors and an unconfirmed capacity."""
        return self.all_errors + ([self.capacity_error] if self.capacity_error else [])

    @property
    def taken(self) -> list[PlannedRow]:
        """The rows that commit creates or enrols: errors and repeats left out."""
        return [r for r in self.rows if r.outcome not in (ERROR, SKIPPED) and r.repeat_of is None]

    def counts(self) -> dict[str, int]:
        taken = self.taken
        return {
            "rows_read": len(self.rows),
            "created": sum(1 for r in taken if r.person_id is None),
            "matched": sum(1 for r in taken if r.person_id is not None),
            "possible_duplicates": sum(1 for r in self.rows if r.outcome == DUPLICATE),
            "changes": sum(1 for r in taken if r.changes),
            "skipped": sum(1 for r in self.rows if r.outcome == SKIPPED),
            "questions": sum(1 for q in self.questions if not q.answered),
            "errors": len(self.all_errors),
        }


def _column_of(mapping: dict[int, str], name: str) -> str:
    for index, mapped in mapping.items():
        if mapped == name:
            return get_column_letter(index + 1)
    return ""


@gc_paused()
def import_plan(
    *,
    session: Session,
    table: Table,
    mapping: dict[int, str],
    decisions: dict[str, str] | None = None,
    answers: dict[str, str] | None = None,
    default_corps_id: int | None = None,
    allow_over_capacity: bool = False,
    apply_changes: bool = False,
) -> ImportPlan:
    """Plan the import of ``table`` into ``session``; reads the database, writes nothing.

    ``decisions`` maps a row number (as text) to the uid of the registry person a possible
    duplicate is, or to ``"new"``; ``answers`` maps a ``Question.key`` to its answer
    (``kalan.workshops.importing.questions``). ``default_corps_id`` is the corps of rows
    that name none (a list from one command). ``apply_changes``: the commit brings the rank
    and unit of persons found again up to the list's. Nothing raises: every problem is an
    error of the plan.
    """
    decisions = decisions or {}
    plan = ImportPlan(
        session=session,
        table=table,
        mapping=mapping,
        rows=[],
        errors=[],
        apply_changes=apply_changes,
    )
    fields = set(mapping.values())
    if not fields & {"last_name", "full_name"}:
        plan.errors.append(
            CellError(
                row=table.header_row,
                column="",
                field="last_name",
                message=_("Aucune colonne n’est reconnue comme le nom : indiquez-la ci-dessous."),
            )
        )
        return plan
    refs = References.load()
    plan.corps_names = refs.corps_names
    questions = Questions(refs, answers or {})
    values = row_values(table=table, mapping=mapping)
    rows = [PlannedRow(row=v.row, values=v.values, errors=list(v.errors)) for v in values]
    checked = Person()
    for row in rows:
        _references_resolve(
            row,
            refs=refs,
            questions=questions,
            mapping=mapping,
            default_corps_id=default_corps_id,
        )
        _fields_check(row, mapping=mapping, person=checked)
    plan.questions = questions.finish()
    # A row left out by an answer is neither matched nor counted as wrong.
    plan.rows = [r for r in rows if r.skipped_by is None]
    _match(plan, decisions=decisions)
    for row in rows:
        if row.skipped_by is not None:
            row.outcome, row.errors = SKIPPED, []
        elif row.errors:
            row.outcome = ERROR
    plan.rows = rows
    _capacity_check(plan, allow_over_capacity=allow_over_capacity)
    return plan


def _error(row: PlannedRow, mapping: dict[int, str], name: str, message: str) -> None:
    row.errors.append(
        CellError(row=row.row, column=_column_of(mapping, name), field=name, message=message)
    )


def _references_resolve(
    row: PlannedRow,
    *,
    refs: References,
    questions: Questions,
    mapping: dict[int, str],
    default_corps_id: int | None,
) -> None:
    """The row's corps (and where it came from), rank and unit, or the questions it waits on."""
    v = row.values
    corps_text, rank_text, unit_text = (str(v.get(k) or "") for k in ("corps", "rank", "unit"))
    if not _corps_resolve(
        row,
        refs=refs,
        questions=questions,
        mapping=mapping,
        default_corps_id=default_corps_id,
        texts=(corps_text, rank_text, unit_text),
    ):
        return
    corps_id = row.corps_id
    assert corps_id is not None
    if rank_text:
        row.rank_id = refs.rank_find(corps_id=corps_id, text=rank_text)
        if row.rank_id is None:
            question = questions.ask(RANK, corps_id, rank_text, row=row.row)
            row.rank_id = _answered(
                row, question, questions=questions, mapping=mapping, name="rank"
            )
    if unit_text and row.skipped_by is None:
        found = refs.unit_find(corps_id=corps_id, text=unit_text)
        if found is None:
            question = questions.ask(UNIT, corps_id, unit_text, row=row.row)
            if question.answer.startswith(NEW_ANSWER) and question.new_unit is not None:
                row.unit = question.new_unit
            else:
                found = _answered(row, question, questions=questions, mapping=mapping, name="unit")
        row.unit = row.unit or found


def _corps_resolve(
    row: PlannedRow,
    *,
    refs: References,
    questions: Questions,
    mapping: dict[int, str],
    default_corps_id: int | None,
    texts: tuple[str, str, str],
) -> bool:
    """Set the row's corps and its source; False when there is none to go on with."""
    corps_text, rank_text, unit_text = texts
    number = str(row.values.get("service_number") or "")
    if corps_text:
        row.corps_id, row.corps_source = refs.corps_find(corps_text), "column"
        if row.corps_id is None:
            question = questions.ask(CORPS, None, corps_text, row=row.row)
            row.corps_id = _answered(
                row, question, questions=questions, mapping=mapping, name="corps"
            )
            row.corps_source = "answer"
    elif default_corps_id:
        row.corps_id, row.corps_source = default_corps_id, "default"
    else:
        clues = refs.corps_clues(rank=rank_text, unit=unit_text, number=number)
        allowed = set.intersection(*(corps for _name, corps in clues)) if clues else set()
        if len(allowed) == 1:
            row.corps_id = next(iter(allowed))
            row.corps_source = "+".join(name for name, _corps in clues)
        elif clues:  # the cells point to several corps, or to different ones: ask
            question = questions.ask(GUESS, None, unit_text or rank_text, row=row.row)
            question.choices = sorted(allowed or set.union(*(corps for _n, corps in clues)))
            question.clues = _clues_text(clues, refs=refs)
            row.corps_id = _answered(
                row, question, questions=questions, mapping=mapping, name="corps"
            )
            row.corps_source = "answer"
    if row.corps_id is not None or row.skipped_by is not None or row.errors:
        return row.corps_id is not None
    if number:
        _error(
            row,
            mapping,
            "service_number",
            _(
                "un matricule n’a de sens qu’avec un corps : ajoutez une colonne Corps ou "
                "choisissez le corps de la liste"
            ),
        )
    if rank_text or unit_text:
        name = "rank" if rank_text else "unit"
        _error(row, mapping, name, _("le corps est inconnu : choisissez le corps de la liste"))
    return False


def _clues_text(clues: list[tuple[str, set[int]]], *, refs: References) -> str:
    """« d’après l’unité : Police nationale ; d’après le grade : Garde nationale, … »"""
    return " ; ".join(
        _("%(clue)s : %(corps)s")
        % {
            "clue": CLUE_LABELS[name],
            "corps": ", ".join(sorted(refs.corps_names[pk] for pk in corps)),
        }
        for name, corps in clues
    )


def _answered(
    row: PlannedRow, question: Question, *, questions: Questions, mapping: dict[int, str], name: str
) -> int | None:
    """The entry the user chose for the question, or None: left blank, the row skipped, or an
    error at the cell while the question waits for its answer."""
    if question.answer == SKIP:
        row.skipped_by = question.key
        row.skipped_text = question.text
    elif question.answer != BLANK and question.answer_id() is None:
        _error(row, mapping, name, questions.unanswered_message(question))
    return question.answer_id()


def _fields_check(row: PlannedRow, *, mapping: dict[int, str], person: Person) -> None:
    """Lengths and formats as the Person model would refuse them, at their column.

    ``person`` is one unsaved instance the plan fills anew for each row: building 10,000 model
    instances (and their UUIDs) cost more than checking them. Its other fields stay empty, and
    ``clean_fields`` skips empty fields that may be blank.
    """
    v = row.values
    person.last_name = str(v.get("last_name") or "")
    person.first_names = str(v.get("first_names") or "")
    person.sex = str(v.get("sex") or "")
    person.service_number = str(v.get("service_number") or "")
    person.phone = str(v.get("phone") or "")
    person.email = str(v.get("email") or "")
    try:
        person.clean_fields(exclude=["corps", "rank", "unit", "merged_into", "uid"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "sex" and not v.get("sex"):
                message = _("le sexe est obligatoire (M ou F)")
            else:
                message = " ".join(messages)
            if not any(e.field == name for e in row.errors):  # one reason per cell is enough
                _error(row, mapping, name, message)


def _match(plan: ImportPlan, *, decisions: dict[str, str]) -> None:
    holders = _number_holders([r for r in plan.rows if _only_unknown_references(r)])
    for row in plan.rows:
        if row.errors and _only_unknown_references(row):
            _known_number_rescue(row, holders=holders)
    rows = [r for r in plan.rows if not r.errors]
    index, same_name = _registry_index(rows)
    _rows_match(rows, mapping=plan.mapping, holders=holders, index=index, same_name=same_name)
    wanted = {pk for r in rows for pk, _score in r.candidates}
    plan.persons = Person.all_objects.select_related("corps", "rank", "unit").in_bulk(wanted)
    _duplicates_decide(rows, decisions=decisions)
    for row in rows:
        if row.repeat_of is not None:
            earlier = next(r for r in rows if r.row == row.repeat_of)
            row.outcome, row.person_id = earlier.outcome, earlier.person_id
    enrolled = set(
        Enrollment.objects.filter(session=plan.session).values_list("person_id", flat=True)
    )
    for row in rows:
        row.already_enrolled = row.person_id is not None and row.person_id in enrolled
    plan.persons.update(
        Person.all_objects.select_related("corps", "rank", "unit").in_bulk(
            {r.person_id for r in rows if r.person_id} - set(plan.persons)
        )
    )
    _changes_find(rows, persons=plan.persons)


REFERENCE_FIELDS = frozenset({"rank", "unit"})


def _only_unknown_references(row: PlannedRow) -> bool:
    """No error, or only a rank or unit the registry does not know."""
    return all(error.field in REFERENCE_FIELDS for error in row.errors)


def _known_number_rescue(row: PlannedRow, *, holders: dict[tuple[int | None, str], Person]) -> None:
    """A row whose service number is a registry person's, under the same name, is that person
    even when its rank or unit is unknown: those cells are kept as notes, the record's values
    stay, and the row is matched like any other."""
    number = str(row.values.get("service_number") or "")
    holder = holders.get((row.corps_id, number)) if number else None
    if holder is None or name_similarity(_key(row.values), _key_of(holder)) < SAME_NAME:
        return
    row.notes = [
        _("%(message)s : la valeur enregistrée est gardée") % {"message": error.message}
        for error in row.errors
    ]
    row.errors = []


def _changes_find(rows: list[PlannedRow], *, persons: dict[int, Person]) -> None:
    """What each row found again says differently from the record: a rank, a unit. Two
    queries, for the names of the ranks and units the list gives."""
    found = [r for r in rows if r.outcome == MATCHED and r.person_id in persons]
    ranks = Rank.objects.in_bulk({r.rank_id for r in found if r.rank_id})
    units = Unit.objects.in_bulk({r.unit for r in found if isinstance(r.unit, int)})
    for row in found:
        person = persons[row.person_id]  # type: ignore[index]
        if person.corps_id != row.corps_id:
            continue  # another corps' rank or unit cannot be the person's
        if row.rank_id and row.rank_id != person.rank_id:
            row.changes["rank"] = (str(person.rank or "—"), str(ranks[row.rank_id]))
        if isinstance(row.unit, NewUnit):
            new = _("%(unit)s (nouvelle unité)") % {"unit": row.unit.name}
            row.changes["unit"] = (str(person.unit or "—"), new)
        elif row.unit and row.unit != person.unit_id:
            row.changes["unit"] = (str(person.unit or "—"), str(units[row.unit]))


SameName = dict[tuple[str, int | None], list[PersonRow]]


def _registry_index(rows: list[PlannedRow]) -> tuple[NameIndex, SameName]:
    """The registry's persons the rows can meet in a name index, and by exact name key and
    corps. One query, read as plain tuples: the registry may hold 200,000 persons."""
    # Same name and corps, looked up exactly: the index's scores weigh how common a name is, and
    # an officer named like a hundred others must still be found again by the next import.
    same_name: SameName = {(_key(r.values), r.corps_id): [] for r in rows}
    lookups = [
        Lookup(_key(r.values), r.corps_id, str(r.values["service_number"] or "")) for r in rows
    ]

    def registry() -> Iterator[PersonRowTuple]:
        fields = PersonRow._fields[1:]
        # By pk: the oldest record first among the same names, and no sort of the whole table.
        persons = Person.objects.values_list("pk", *fields).order_by("pk")
        for values in persons.iterator(chunk_size=5000):
            same = same_name.get((name_key(values[1], values[2]), values[3]))
            if same is not None:
                same.append(PersonRow(*values))
            yield values

    index = NameIndex(registry(), near=lookups)
    return index, same_name


def _rows_match(
    rows: list[PlannedRow],
    *,
    mapping: dict[int, str],
    holders: dict[tuple[int | None, str], Person],
    index: NameIndex,
    same_name: SameName,
) -> None:
    """Match each row by its service number, else mark it a repeat of an earlier row of the
    same name, else give it the registry's candidates."""
    in_file: dict[tuple[int | None, str], PlannedRow] = {}
    in_file_names: dict[tuple[str, int | None], list[PlannedRow]] = {}
    for row in rows:
        v = row.values
        key = name_key(str(v["last_name"]), str(v["first_names"]))
        number = str(v["service_number"] or "")
        if number:
            if _number_match(
                row, key=key, number=number, in_file=in_file, holders=holders, mapping=mapping
            ):
                continue
        else:
            earlier_rows = in_file_names.get((key, row.corps_id), [])
            repeat = next((e for e in earlier_rows if _same(row, _as_person(e))), None)
            if repeat is not None:
                row.repeat_of = repeat.row
                continue
        in_file_names.setdefault((key, row.corps_id), []).append(row)
        _candidates_find(row, key=key, index=index, same_name=same_name)


def _number_match(
    row: PlannedRow,
    *,
    key: str,
    number: str,
    in_file: dict[tuple[int | None, str], PlannedRow],
    holders: dict[tuple[int | None, str], Person],
    mapping: dict[int, str],
) -> bool:
    """Settle the row by its service number: a repeat of an earlier row, the registry's holder,
    or an error when the name differs. False when nobody holds the number yet."""
    earlier = in_file.get((row.corps_id, number))
    if earlier is not None:
        if name_similarity(key, _key(earlier.values)) < SAME_NAME:
            _error(
                row,
                mapping,
                "service_number",
                _("le matricule %(number)s figure déjà ligne %(row)s pour un autre nom")
                % {"number": number, "row": earlier.row},
            )
        else:
            row.repeat_of = earlier.row
        return True
    in_file[(row.corps_id, number)] = row
    holder = holders.get((row.corps_id, number))
    if holder is None:
        return False
    if name_similarity(key, _key_of(holder)) < SAME_NAME:
        _error(
            row,
            mapping,
            "service_number",
            _("le matricule %(number)s est déjà celui de %(person)s dans ce corps")
            % {"number": number, "person": holder},
        )
    else:
        row.outcome = MATCHED
        row.person_id = holder.merged_into_id or holder.pk
    return True


def _candidates_find(row: PlannedRow, *, key: str, index: NameIndex, same_name: SameName) -> None:
    """The registry's persons the row may be: the surely same ones first (scored 100), then
    the likely ones; matched when exactly one is surely the same."""
    exact = [p.person_id for p in same_name.get((key, row.corps_id), []) if _same(row, p)]
    fuzzy = index.candidates(**_identity(row), min_score=LIKELY, limit=5)
    row.candidates = [(pk, 100.0) for pk in exact] + [c for c in fuzzy if c[0] not in exact]
    if len(exact) == 1:
        row.outcome, row.person_id = MATCHED, exact[0]


def _duplicates_decide(rows: list[PlannedRow], *, decisions: dict[str, str]) -> None:
    """Rows with candidates and no match are possible duplicates: the person the user chose
    among the candidates, if any. One query."""
    chosen = _decided_persons(decisions)
    for row in rows:
        if row.outcome == MATCHED or not row.candidates:
            continue
        row.outcome = DUPLICATE
        pk = chosen.get(decisions.get(str(row.row), "new"))
        if pk in {c for c, _score in row.candidates}:
            row.person_id = pk


def _number_holders(rows: list[PlannedRow]) -> dict[tuple[int | None, str], Person]:
    """The persons who already hold the rows' service numbers in their corps.

    One query per corps and per 500 numbers: a list of 10,000 rows is some twenty queries.
    """
    by_corps: dict[int, list[str]] = {}
    for row in rows:
        if row.values["service_number"] and row.corps_id is not None:
            by_corps.setdefault(row.corps_id, []).append(str(row.values["service_number"]))
    holders: dict[tuple[int | None, str], Person] = {}
    for corps_id, numbers in by_corps.items():
        for start in range(0, len(numbers), HOLDERS_CHUNK):
            # Excluding the empty number lets the database use the partial unique index on
            # (corps, number): without it SQLite reads every person of the corps, each query.
            found = (
                Person.all_objects.filter(
                    corps_id=corps_id, service_number__in=numbers[start : start + HOLDERS_CHUNK]
                )
                .exclude(service_number="")
                .order_by()
                .only(
                    "pk", "corps_id", "service_number", "last_name", "first_names", "merged_into_id"
                )
            )
            holders.update(((p.corps_id, p.service_number), p) for p in found)
    return holders


def _key(values: dict[str, Any]) -> str:
    return name_key(str(values["last_name"]), str(values["first_names"]))


def _key_of(person: Person | PersonRow) -> str:
    return name_key(person.last_name, person.first_names)


def _identity(row: PlannedRow) -> dict[str, Any]:
    v = row.values
    return {
        "last_name": str(v["last_name"]),
        "first_names": str(v["first_names"]),
        "corps_id": row.corps_id,
        "rank_id": row.rank_id,
        "unit_id": row.unit if isinstance(row.unit, int) else None,
        "birth_date": _date(v.get("birth_date")),
        "service_number": str(v["service_number"] or ""),
    }


def _as_person(row: PlannedRow) -> PersonRow:
    return PersonRow(row.row, **_identity(row))


def _same(row: PlannedRow, person: PersonRow) -> bool:
    """Surely the same person: same name, corps, and nothing known that differs.

    A list that gives a service number the registry's person lacks is not enough to say so: the
    row is then shown as a possible duplicate, for a person to decide.
    """
    identity = _identity(row)
    if _key_of(person) != name_key(identity["last_name"], identity["first_names"]):
        return False
    if person.corps_id != row.corps_id or identity["service_number"]:
        return False
    for mine, theirs in (
        (identity["rank_id"], person.rank_id),
        (identity["unit_id"], person.unit_id),
        (identity["birth_date"], person.birth_date),
    ):
        if mine is not None and theirs is not None and mine != theirs:
            return False
    return True


def _decided_persons(decisions: dict[str, str]) -> dict[str, int]:
    """The uids a user chose for possible duplicates → their person ids (bad uids ignored)."""
    uids = []
    for value in decisions.values():
        try:
            uids.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return {
        str(uid): pk for uid, pk in Person.objects.filter(uid__in=uids).values_list("uid", "pk")
    }


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _capacity_check(plan: ImportPlan, *, allow_over_capacity: bool) -> None:
    session = plan.session
    taken = (
        session.enrollments.filter(role=Enrollment.Role.PARTICIPANT, superseded_by__isnull=True)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .count()
    )
    adding = sum(1 for r in plan.taken if not r.already_enrolled)
    if taken + adding > session.capacity and not allow_over_capacity:
        plan.capacity_error = CellError(
            row=0,
            column="",
            field="",
            message=_(
                "La liste porte la session à %(total)s participants pour %(capacity)s "
                "places : confirmez l’inscription au-delà de la capacité."
            )
            % {"total": taken + adding, "capacity": session.capacity},
        )
