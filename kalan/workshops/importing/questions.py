"""What a list names that the registry does not know, asked once per distinct value.

A list from a regional command writes its ranks, units and corps its own way. Each value the
registry cannot place becomes one ``Question`` (not one error per row): « Adjt » in the
gendarmerie, « Commissariat du 1er arrondt de Mopti » in the police, « GN du Mali », or the corps
of rows whose rank and unit point to different corps. The user answers it once for every row
that carries the value:

- ``same:<id>``: the registry's entry it is (among the closest ones, or any other); at commit
  it is **remembered as an alias** for that corps (``ReferenceAlias``), so the same command's
  next list needs no answer. A corps guessed between several is not remembered: the rows' unit
  or rank tells it next time once the unit exists.
- ``new``: a unit to create at commit, in the place its name names (a unit whose town the map
  holds gets this answer by default: it is listed with its nearest existing unit, to say
  "same" instead); ``new:<place id>``: in a place whose name is spelled close to the list's.
  Corps and ranks are created in place on the preview (a small form), then answered ``same``.
- ``blank``: the rows are taken without this rank or unit;
- ``skip``: the rows are not imported.

Answers live on the import batch (``decisions["values"]``, by ``Question.key``) until the
commit: a preview abandoned leaves no alias behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.core.text import fold
from kalan.workshops.importing.references import Entry, NewUnit, References

CORPS = "corps"
RANK = "rank"
UNIT = "unit"
GUESS = "guess"  # the corps of rows whose cells point to several corps
SAME = "same:"
NEW = "new"
BLANK = "blank"
SKIP = "skip"
KIND_LABELS = {
    CORPS: gettext_lazy("Corps inconnu"),
    RANK: gettext_lazy("Grade inconnu"),
    UNIT: gettext_lazy("Unité inconnue"),
    GUESS: gettext_lazy("Corps incertain"),
}
CLUE_LABELS = {
    "column": gettext_lazy("colonne Corps"),
    "default": gettext_lazy("corps choisi pour la liste"),
    "unit": gettext_lazy("d’après l’unité"),
    "rank": gettext_lazy("d’après le grade"),
    "number": gettext_lazy("d’après le matricule"),
    "answer": gettext_lazy("réponse donnée"),
}


@dataclass
class Question:
    kind: str  # CORPS, RANK, UNIT or GUESS
    corps_id: int | None  # the corps a rank or unit is looked for in
    text: str  # the value as the list first writes it
    rows: list[int] = field(default_factory=list)
    answer: str = ""
    # A unit whose town the map holds: the unit "new" would create (the default answer).
    new_unit: NewUnit | None = None
    suggestions: list[Entry] = field(default_factory=list)  # closest registry entries
    places: list[Entry] = field(default_factory=list)  # towns spelled close to the name's
    # Corps and rank questions: every other entry it may be (units are too many: the closest,
    # or create).
    others: list[Entry] = field(default_factory=list)
    choices: list[int] = field(default_factory=list)  # GUESS: the corps the cells allow
    clues: str = ""  # GUESS: what the cells say, to show

    @property
    def key(self) -> str:
        return question_key(self.kind, self.corps_id, self.text)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def answered(self) -> bool:
        return bool(self.answer)

    def answer_id(self) -> int | None:
        """The registry entry answered with ``same:<id>``, else None."""
        return same_id(self.answer)

    def answer_place(self) -> int | None:
        """The close place answered with ``new:<place id>``, else None."""
        if self.answer.startswith(NEW + ":") and self.answer[len(NEW) + 1 :].isdigit():
            return int(self.answer[len(NEW) + 1 :])
        return None


def same_id(answer: str) -> int | None:
    """The entry an answer ``same:<id>`` names, else None."""
    if answer.startswith(SAME) and answer[len(SAME) :].isdigit():
        return int(answer[len(SAME) :])
    return None


def question_key(kind: str, corps_id: int | None, text: str) -> str:
    return f"{kind}|{corps_id or ''}|{fold(text)}"


class Questions:
    """The questions of one plan, keyed, with the answers the user gave."""

    def __init__(self, refs: References, answers: dict[str, str]) -> None:
        self.refs = refs
        self.answers = answers
        self.asked: dict[str, Question] = {}

    def ask(self, kind: str, corps_id: int | None, text: str, *, row: int) -> Question:
        key = question_key(kind, corps_id, text)
        question = self.asked.get(key)
        if question is None:
            question = Question(kind=kind, corps_id=corps_id, text=" ".join(text.split()))
            question.answer = self._valid(question, self.answers.get(key, ""))
            if kind == UNIT and corps_id is not None:
                question.new_unit = self.refs.unit_new(corps_id=corps_id, text=text)
                place = question.answer_place()
                if place is not None:
                    question.new_unit = self.refs.unit_new(
                        corps_id=corps_id, text=text, place_id=place
                    )
                elif not question.answer and question.new_unit is not None:
                    question.answer = NEW
            self.asked[key] = question
        question.rows.append(row)
        return question

    def _valid(self, question: Question, answer: str) -> str:
        """The stored answer if it still means something (an entry deleted since is not)."""
        if answer in (SKIP, BLANK) and question.kind in (RANK, UNIT):
            return answer
        if answer == SKIP:
            return answer
        if answer == NEW and question.kind == UNIT:
            return answer
        if answer.startswith(NEW + ":") and question.kind == UNIT:
            return answer
        pk = same_id(answer)
        return answer if pk is not None and pk in self._labels(question) else ""

    def _labels(self, question: Question) -> dict[int, str]:
        kind = CORPS if question.kind == GUESS else question.kind
        return self.refs.labels(kind=kind, corps_id=question.corps_id)

    def finish(self) -> list[Question]:
        """Every question, with its closest entries and close towns, in the list's order."""
        for question in self.asked.values():
            kind = CORPS if question.kind == GUESS else question.kind
            question.suggestions = self.refs.closest(
                kind=kind, corps_id=question.corps_id, text=question.text
            )
            if question.kind == GUESS:
                allowed = [Entry(pk, self.refs.corps_names[pk], 100.0) for pk in question.choices]
                others = [e for e in question.suggestions if e.pk not in question.choices]
                question.suggestions = allowed + others
            labels = self._labels(question)
            chosen = question.answer_id()
            if chosen is not None and chosen not in {e.pk for e in question.suggestions}:
                question.suggestions.insert(0, Entry(chosen, labels.get(chosen, ""), 0.0))
            if question.kind != UNIT:
                shown = {e.pk for e in question.suggestions}
                # In the registry's order: corps by their order, ranks from the most junior.
                question.others = [
                    Entry(pk, label, 0.0) for pk, label in labels.items() if pk not in shown
                ]
            if question.kind == UNIT and (question.new_unit is None or question.answer_place()):
                question.places = self.refs.towns_close(fold(question.text))
        return sorted(self.asked.values(), key=lambda q: q.rows[0])

    def unanswered_message(self, question: Question) -> str:
        names = self.refs.corps_names
        values = {"value": question.text, "corps": names.get(question.corps_id or 0, "")}
        messages = {
            CORPS: _("corps inconnu « %(value)s » : dites ci-dessus de quel corps il s’agit"),
            RANK: _(
                "grade inconnu « %(value)s » dans le corps %(corps)s : dites ci-dessus "
                "de quel grade il s’agit"
            ),
            UNIT: _(
                "unité inconnue « %(value)s » (%(corps)s) : sa localité n’est pas reconnue ; "
                "choisissez ci-dessus l’unité, le lieu ou « créer »"
            ),
            GUESS: _(
                "corps incertain pour « %(value)s » : %(clues)s ; choisissez ci-dessus le corps"
            ),
        }
        return messages[question.kind] % {**values, "clues": question.clues}
