"""What the people app announces, so that the apps above it act on their own rows.

people knows nothing of sessions, tests or certificates (the layers run one way: DESIGN.md);
when a person's page is drawn or two persons are merged, it sends a signal and each higher app
answers for what it owns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

# Sent by the person's page with ``person`` and ``user``. Each receiver returns a
# ``PersonSection`` to show, or None; the page shows them by ``order``.
person_page_sections = Signal()


@dataclass(frozen=True)
class PersonSection:
    """One block of a person's page that a higher app draws: its template and context."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def person_sections(*, person: Any, user: Any) -> list[PersonSection]:
    """The sections the installed apps give for this person's page, in order."""
    answers: list[tuple[Any, Any]] = person_page_sections.send(
        sender=type(person), person=person, user=user
    )
    sections = [section for _, section in answers if isinstance(section, PersonSection)]
    return sorted(sections, key=lambda section: section.order)


# --- merging two persons ---------------------------------------------------------------------
#
# ``kalan.people.merge`` sends these inside the merge's (or the undo's) transaction, with
# ``kept`` and ``merged`` (both locked). Each app moves, or moves back, its own rows; a receiver
# that raises a ``KalanError`` aborts the whole merge or undo with its message. Receivers must
# not depend on the order in which they run.

# Before the user confirms: each receiver returns a list of translated lines (the rows of its
# app that collide or that the merge leaves as they are, and what will happen to them), or None.
persons_merge_preview = Signal()

# The merge: each receiver moves its rows from ``merged`` to ``kept`` and returns a
# ``MergeMoves`` (what it did, for the undo and the audit entry), or None when it did nothing.
persons_merging = Signal()

# The undo, with ``details`` (the merge's ``PersonMerge.details``): each receiver puts back
# what its record says it did, or raises a ``KalanError`` when that is no longer possible.
# ``details["version"]`` tells the layout; version 1 records (before each app had its own key)
# keep the workshops' moves at the top level.
persons_unmerging = Signal()


@dataclass(frozen=True)
class MergeMoves:
    """What one app did in a merge.

    ``key`` names the app's record in ``PersonMerge.details`` (its app label), ``record`` is
    JSON that its ``persons_unmerging`` receiver reads back, and ``counts`` are the numbers the
    MERGE audit entry shows (``{"enrollments_moved": 2}``), each key registered with the journal
    by the app (``audit_words_register``).
    """

    key: str
    record: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)


def merge_preview(*, kept: Any, merged: Any) -> list[str]:
    """What the merge would do to the rows of every app that has something to say, as lines."""
    answers = persons_merge_preview.send(sender=type(kept), kept=kept, merged=merged)
    return [str(line) for _, lines in answers for line in lines or ()]


def merge_announce(*, kept: Any, merged: Any) -> list[MergeMoves]:
    """Let every app move its rows of ``merged`` to ``kept``; what each did."""
    answers: list[tuple[Any, Any]] = persons_merging.send(
        sender=type(kept), kept=kept, merged=merged
    )
    return [answer for _, answer in answers if isinstance(answer, MergeMoves)]


def unmerge_announce(*, kept: Any, merged: Any, details: dict[str, Any]) -> None:
    """Let every app put back what the merge recorded in ``details`` for it."""
    persons_unmerging.send(sender=type(kept), kept=kept, merged=merged, details=details)
