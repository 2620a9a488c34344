"""The paper entry grid: one text cell per participant and question, checked cell by cell.

Not a Django form: the grid has rows × questions fields whose names are built from the
enrollment and the question number (``r<enrollment id>q<question number>``). Cells of people
who are not in the grid (a tampered name) are never read; each cell is checked with the
service's own reading of a paper entry (``services.paper_keys``), so the page and the service
accept exactly the same entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kalan.assessments.models import QuestionKind, TestQuestion
from kalan.assessments.selectors import PaperGrid, PaperRow
from kalan.assessments.services import paper_keys
from kalan.workshops.models import Enrollment

PAPER_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
# Longer than any honest entry ("A, B, C, D" with spaces): anything beyond is refused as is.
MAX_ENTRY = 20


def cell_name(enrollment: Enrollment, question: TestQuestion) -> str:
    return f"r{enrollment.pk}q{question.order}"


def max_length(question: TestQuestion) -> int:
    """What the cell lets one type: one letter, or every letter of a multiple choice."""
    if question.content.get("kind") == QuestionKind.MULTIPLE:
        return max(1, len(question.content.get("choices", [])))
    return 1


def entry_hint(question: TestQuestion) -> str:
    """What may be typed in the question's cells, said as the error message says it."""
    content = question.content
    keys = ", ".join(c["key"] for c in content.get("choices", []))
    kind = content.get("kind")
    if kind == QuestionKind.TRUE_FALSE:
        return _("V (vrai) ou F (faux)")
    if kind == QuestionKind.MULTIPLE:
        return _("une ou plusieurs lettres parmi %(keys)s") % {"keys": keys}
    return _("une seule lettre parmi %(keys)s") % {"keys": keys}


@dataclass
class PaperCell:
    name: str
    question: TestQuestion
    value: str
    error: str
    max_length: int
    editable: bool  # a question the paper grid can hold (not a rating or an open question)


@dataclass
class PaperFormRow:
    row: PaperRow
    cells: list[PaperCell]

    @property
    def enrollment(self) -> Enrollment:
        return self.row.enrollment

    @property
    def has_error(self) -> bool:
        return any(cell.error for cell in self.cells)


class PaperGridForm:
    def __init__(self, grid: PaperGrid, data: Mapping[str, Any] | None = None) -> None:
        self.grid = grid
        self.data = data
        self.error = ""  # a refusal of the whole grid, above it
        self.rows: dict[int, Sequence[str]] = {}  # enrollment id -> one entry per question
        self.by_enrollment: dict[int, Enrollment] = {}
        self.lines = [self._line(row) for row in grid.rows]

    def _line(self, row: PaperRow) -> PaperFormRow:
        cells = []
        for question, sent in zip(self.grid.questions, row.entries, strict=True):
            name = cell_name(row.enrollment, question)
            editable = not row.sent and question.content.get("kind") in PAPER_KINDS
            value = sent
            if editable and self.data is not None:
                value = str(self.data.get(name, "")).strip().upper()
            cells.append(
                PaperCell(
                    name=name,
                    question=question,
                    value=value,
                    error="",
                    max_length=max_length(question),
                    editable=editable,
                )
            )
        return PaperFormRow(row=row, cells=cells)

    @property
    def questions(self) -> list[TestQuestion]:
        return self.grid.questions

    @property
    def error_count(self) -> int:
        return sum(1 for line in self.lines for cell in line.cells if cell.error)

    def is_valid(self) -> bool:
        """Check every cell; on success ``rows`` holds what the service saves."""
        if self.data is None:
            return False
        for line in self.lines:
            if line.row.sent:
                continue
            entries = []
            for cell in line.cells:
                if cell.editable:
                    cell.error = self._check(cell)
                entries.append(cell.value if cell.editable else "")
            if any(entries):
                self.rows[line.enrollment.pk] = entries
                self.by_enrollment[line.enrollment.pk] = line.enrollment
        if self.error_count:
            self.error = _(
                "Rien n’a été enregistré : corrigez les cases signalées en rouge, puis "
                "enregistrez à nouveau."
            )
            return False
        return True

    @staticmethod
    def _check(cell: PaperCell) -> str:
        if not cell.value:
            return ""
        if len(cell.value) > MAX_ENTRY or paper_keys(cell.question.content, cell.value) is None:
            return _("« %(entry)s » n’est pas possible : %(hint)s.") % {
                "entry": cell.value[:MAX_ENTRY],
                "hint": entry_hint(cell.question),
            }
        return ""
