"""Test copies when two persons are merged, and when the merge is undone.

Receivers of ``kalan.people.signals`` (connected in ``AssessmentsConfig.ready``), run inside the
merge's transaction.

A copy hangs on an enrollment. Where the merged person's enrollment moves to the kept person,
its copies and answers go with it untouched. Where both persons were enrolled in one session
(``kalan.workshops.merge.merge_pairs``), every copy of merged's enrollment moves to kept's; when
both answered the same test, both copies are kept and one is superseded by the other
(``Submission.superseded_by``): the copy sent wins over a copy still being answered, and kept's
wins otherwise. Results, the live list and the paper grid count only copies not superseded.
Nothing is deleted, so the undo puts every copy back where it was.

``PersonMerge.details["assessments"]``:

    moved        one entry per session both were enrolled in: ``from`` (merged's enrollment),
                 ``to`` (kept's), ``submissions`` (ids of the copies moved from one to the other)
    superseded   [loser, winner] ids of the copies of one test marked superseded by the merge

A version-1 merge (before this record) had deleted merged's enrollment in a shared session and,
with it, its copies: the undo of such a merge cannot bring them back (see
``kalan.workshops.merge``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import Submission
from kalan.people.models import Person
from kalan.people.signals import MergeMoves
from kalan.workshops.merge import merge_pairs

KEY = "assessments"


def _winner_and_loser(*, ours: Submission, theirs: Submission) -> tuple[Submission, Submission]:
    """Of two copies of one test: the one that counts, then the one superseded."""
    if theirs.submitted_at is not None and ours.submitted_at is None:
        return theirs, ours
    return ours, theirs


def submissions_merge_preview(*, kept: Person, merged: Person, **kwargs: Any) -> list[str]:
    lines = []
    for theirs, ours in merge_pairs(kept=kept, merged=merged):
        current = Submission.objects.filter(superseded_by__isnull=True).select_related("test")
        kept_copies = {s.test_id: s for s in current.filter(enrollment=ours)}
        for copy in current.filter(enrollment=theirs).order_by("test__kind", "pk"):
            other = kept_copies.get(copy.test_id)
            if other is None:
                continue
            winner, _loser = _winner_and_loser(ours=other, theirs=copy)
            lines.append(
                _(
                    "%(test)s (%(session)s) : %(kept)s et %(merged)s en ont chacun une copie. "
                    "Les deux sont gardées ; seule celle de %(winner)s compte dans les "
                    "résultats, l’autre est marquée remplacée."
                )
                % {
                    "test": copy.test.title,
                    "session": ours.session,
                    "kept": kept,
                    "merged": merged,
                    "winner": kept if winner is other else merged,
                }
            )
    return lines


def submissions_merge(*, kept: Person, merged: Person, **kwargs: Any) -> MergeMoves | None:
    now = timezone.now()
    moved: list[dict[str, Any]] = []
    superseded: list[list[int]] = []
    for theirs, ours in merge_pairs(kept=kept, merged=merged):
        copies = list(Submission.objects.select_for_update().filter(enrollment=theirs))
        if not copies:
            continue
        kept_copies = {
            s.test_id: s
            for s in Submission.objects.select_for_update().filter(
                enrollment=ours, superseded_by__isnull=True
            )
        }
        for copy in copies:
            other = kept_copies.get(copy.test_id)
            if copy.superseded_by_id is not None or other is None:
                continue
            winner, loser = _winner_and_loser(ours=other, theirs=copy)
            # Marked before the move: one copy per test and enrollment counts (a constraint).
            Submission.objects.filter(pk=loser.pk).update(superseded_by=winner, updated_at=now)
            superseded.append([loser.pk, winner.pk])
        ids = sorted(copy.pk for copy in copies)
        Submission.objects.filter(pk__in=ids).update(enrollment=ours, updated_at=now)
        moved.append({"from": theirs.pk, "to": ours.pk, "submissions": ids})
    if not moved:
        return None
    return MergeMoves(
        key=KEY,
        record={"moved": moved, "superseded": superseded},
        counts={"submissions_moved": sum(len(entry["submissions"]) for entry in moved)},
    )


def _changed_since() -> AssessmentError:
    return AssessmentError(
        _(
            "Des copies de test concernées par cette fusion ont été modifiées ou supprimées "
            "depuis : elle ne peut plus être annulée."
        ),
        code="merge_changed_since",
    )


def submissions_unmerge(
    *, kept: Person, merged: Person, details: dict[str, Any], **kwargs: Any
) -> None:
    """Put every copy the merge moved back on its enrollment, and unmark those it superseded.

    Raises AssessmentError merge_changed_since when one of them is gone or was moved since.
    """
    record = details.get(KEY)
    if not record:
        return
    now = timezone.now()
    for entry in record["moved"]:
        ids = entry["submissions"]
        here = Submission.objects.select_for_update().filter(pk__in=ids, enrollment_id=entry["to"])
        if len(here) != len(ids):
            raise _changed_since()
        Submission.objects.filter(pk__in=ids).update(enrollment_id=entry["from"], updated_at=now)
    for loser, winner in record["superseded"]:
        unmarked = Submission.objects.filter(pk=loser, superseded_by_id=winner).update(
            superseded_by=None, updated_at=now
        )
        if not unmarked:
            raise _changed_since()
