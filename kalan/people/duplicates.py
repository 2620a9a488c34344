"""Reads for the duplicates page: likely pairs across the registry, and the merge history.

``duplicate_pairs`` scans the whole registry (persons not merged) through ``NameIndex``: it reads
plain tuples, never model instances, and compares only persons that share a block of name sounds,
so 200,000 persons take seconds, not the hours that all pairs would.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from kalan.people.identity import LIKELY, NameIndex
from kalan.people.models import DuplicateDismissal, Person, PersonMerge

READ_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two persons likely to be one; ``first_id`` < ``second_id``."""

    first_id: int
    second_id: int
    score: float


@dataclass(frozen=True)
class DuplicateRow:
    """A pair as the page shows it: both persons with their rank, corps, unit and session count."""

    first: Person
    second: Person
    score: float


def registry_index() -> NameIndex:
    """Every person of the registry (merged persons left out) in a ``NameIndex``."""
    rows = Person.objects.values_list(
        "pk",
        "last_name",
        "first_names",
        "corps_id",
        "rank_id",
        "unit_id",
        "birth_date",
        "service_number",
    ).order_by()
    return NameIndex(rows.iterator(chunk_size=READ_CHUNK))


def duplicate_pairs(*, limit: int | None = None, min_score: float = LIKELY) -> list[DuplicatePair]:
    """Likely duplicate pairs of the registry, best first (then oldest records first).

    Pairs someone dismissed as two different persons are left out, and so are pairs in which both
    persons carry a service number (see ``kalan.people.identity``).
    """
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    found = (
        DuplicatePair(a, b, score) if a < b else DuplicatePair(b, a, score)
        for a, b, score in registry_index().pairs(min_score=min_score)
    )
    kept = (pair for pair in found if (pair.first_id, pair.second_id) not in dismissed)

    def order(pair: DuplicatePair) -> tuple[float, int, int]:
        return (-pair.score, pair.first_id, pair.second_id)

    if limit is not None:
        return heapq.nsmallest(limit, kept, key=order)
    return sorted(kept, key=order)


def duplicate_rows(*, pairs: list[DuplicatePair]) -> list[DuplicateRow]:
    """The persons of these pairs, read in one query, in the order of the pairs."""
    ids = {pair.first_id for pair in pairs} | {pair.second_id for pair in pairs}
    persons = Person.objects.filter(pk__in=ids).select_related("corps", "rank", "unit")
    by_id = {p.pk: p for p in persons.annotate(session_count=Count("enrollments"))}
    return [
        DuplicateRow(first=by_id[pair.first_id], second=by_id[pair.second_id], score=pair.score)
        for pair in pairs
        # A person merged between the scan and this read is no longer a duplicate.
        if pair.first_id in by_id and pair.second_id in by_id
    ]


def merge_history(*, limit: int = 20) -> QuerySet[PersonMerge]:
    """The latest merges, undone ones included, newest first."""
    return PersonMerge.objects.select_related("kept", "merged", "merged_by", "undone_by").order_by(
        "-created_at", "-pk"
    )[:limit]
