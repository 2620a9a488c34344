"""Two records found to be one person: merge them, undo the merge, or say they are two persons.

    person_merge_preview(kept=, merged=) -> list[str]
    person_merge(kept=, merged=, by=, score=None) -> PersonMerge
    person_merge_undo(merge=, by=) -> None
    duplicate_dismiss(first=, second=, by=) -> DuplicateDismissal

Every function is one transaction and locks the persons it changes. A merge never deletes a
person, nor any row of theirs: the merged record stays, hidden from the registry
(``merged_into``), so that the merge can be undone.

people knows nothing of sessions, tests, certificates or payments (DESIGN.md, layers): it
announces the merge (``kalan.people.signals``) and each app above moves its own rows, in this
transaction, and records what it did under its own key of ``PersonMerge.details``; the undo
announces it again and each app moves its rows back. Where two rows collide (both persons in the
same session, both answered the same test, both hold a certificate of the same session) the app
keeps both and marks one superseded; before the user confirms, ``person_merge_preview`` asks
each app for these collisions. Photos belong to sessions, not persons: a merge never touches
them.

``PersonMerge.details``, version 2:

    version            2
    fields_filled      kept's blank fields filled from merged: {attname: value}
    service_number     the number moved from merged to kept, or ""
    postings_moved     ids of merged's postings moved to kept (the same officer's history)
    postings_made      ids of the postings the merge recorded on kept, dated the merge day:
                       when it filled kept's corps, rank or unit, or when a moved posting,
                       newer than kept's own, would otherwise stand for kept's current values
                       (absent from merges made before postings: the undo reads them as [])
    <app label>        each app's own record (``MergeMoves.record``): "workshops",
                       "assessments", "certificates", "finance"; see their ``merge`` modules

Version 1 (merges made before version 2) kept the workshops' record at the top level
(``enrollments_moved``, ``same_session``) and had deleted the merged person's enrollment in a
session both attended, its test copies with it: see ``kalan.workshops.merge`` for what the undo
of such a record brings back (the enrollment and its attendance; the copies are lost).

The audit journal gets a MERGE (or UNMERGE) entry on each of the two persons, naming both, with
the counts each app reported; the rows moved with ``update`` send no signal and are covered by
it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.audit import audit_record
from kalan.core.models import AuditEntry, User
from kalan.people.errors import PeopleError
from kalan.people.models import DuplicateDismissal, Person, PersonMerge, Posting
from kalan.people.signals import merge_announce, merge_preview, unmerge_announce

DETAILS_VERSION = 2
# Filled on the kept person when blank there. Rank, unit and service number only come along
# within one corps (a rank or unit belongs to its corps; a number is unique in it).
PLAIN_FIELDS = ("phone", "email", "birth_date")
CORPS_FIELDS = ("rank_id", "unit_id")


def _json(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _lock_pair(first: Person, second: Person) -> tuple[Person, Person]:
    """Both rows, fresh and locked, always in pk order so that two merges cannot deadlock."""
    rows = Person.all_objects.select_for_update().filter(pk__in=[first.pk, second.pk])
    locked = {person.pk: person for person in rows.order_by("pk")}
    return locked[first.pk], locked[second.pk]


def _refuse_merge(kept: Person, merged: Person) -> None:
    """Raise the PeopleError that forbids this merge, if one does."""
    if kept.pk == merged.pk:
        raise PeopleError(
            _("Une personne ne peut pas être fusionnée avec elle-même."), code="merge_same_person"
        )
    if kept.merged_into_id is not None:
        raise PeopleError(
            _(
                "%(person)s a été fusionné(e) dans une autre fiche : "
                "on ne peut plus rien y fusionner."
            )
            % {"person": kept},
            code="merge_into_merged",
        )
    if merged.merged_into_id is not None:
        raise PeopleError(
            _("%(person)s a déjà été fusionné(e) dans une autre fiche.") % {"person": merged},
            code="merge_already_merged",
        )
    if (
        kept.corps_id is not None
        and kept.corps_id == merged.corps_id
        and kept.service_number
        and merged.service_number
        and kept.service_number != merged.service_number
    ):
        raise PeopleError(
            _(
                "Matricules différents dans le même corps (%(a)s, %(b)s) : "
                "ce sont deux personnes distinctes."
            )
            % {"a": kept.service_number, "b": merged.service_number},
            code="merge_service_numbers_differ",
        )


def person_merge_preview(*, kept: Person, merged: Person) -> list[str]:
    """What the merge would do that the user should know before confirming: the rows that
    collide and how each app keeps both, and what stays as it is (issued payment statements).
    Changes nothing.

    Raises PeopleError as ``person_merge`` would, when the merge is refused anyway.
    """
    _refuse_merge(kept, merged)
    return merge_preview(kept=kept, merged=merged)


@transaction.atomic
def person_merge(
    *, kept: Person, merged: Person, by: User | None, score: float | None = None
) -> PersonMerge:
    """Merge ``merged`` into ``kept``: each app moves its rows (enrollments, attendance, test
    copies, certificates) to kept, and kept's blank fields are filled from merged.

    Raises PeopleError: merge_same_person, merge_into_merged (kept was itself merged),
    merge_already_merged, merge_service_numbers_differ (same corps, two numbers: two persons);
    and any KalanError an app raises to refuse the merge (nothing is changed then).
    """
    kept, merged = _lock_pair(kept, merged)
    _refuse_merge(kept, merged)
    details: dict[str, Any] = {"version": DETAILS_VERSION}
    counts: dict[str, int] = {}
    for moves in merge_announce(kept=kept, merged=merged):
        if moves.key in details:
            raise ValueError(f"Two apps record their merge under the same key: {moves.key}")
        details[moves.key] = moves.record
        counts.update(moves.counts)
    own = set(kept.postings.values_list("pk", flat=True))
    _postings_move(kept=kept, merged=merged, details=details)
    _fields_fill(kept=kept, merged=merged, details=details)
    _posting_current(kept=kept)
    made = set(kept.postings.values_list("pk", flat=True)) - own - set(details["postings_moved"])
    details["postings_made"] = sorted(made)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, score=score, details=details, merged_by=by
    )
    _audit(merge=merge, kept=kept, merged=merged, action=AuditEntry.Action.MERGE, counts=counts)
    return merge


def _audit(
    *,
    merge: PersonMerge,
    kept: Person,
    merged: Person,
    action: str,
    counts: dict[str, int] | None = None,
) -> None:
    """One entry on each person, naming both: each page's history shows the merge, and the
    rows the apps moved with ``update`` (enrollments, attendance, copies, certificates), which
    send no signal, are covered by it (with the counts the apps reported) and by
    ``merge.details``."""
    detail: dict[str, Any] = {
        "merge": str(merge.uid),
        "kept": {"uid": str(kept.uid), "name": kept.full_name},
        "merged": {"uid": str(merged.uid), "name": merged.full_name},
        "score": merge.score,
        **(counts or {}),
    }
    for person in (kept, merged):
        audit_record(action=action, obj=person, detail=detail)


def _postings_move(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    """Merged's history becomes kept's: where the officer served under the other record."""
    moved = sorted(merged.postings.values_list("pk", flat=True))
    Posting.objects.filter(pk__in=moved).update(person=kept)
    details["postings_moved"] = moved


def _posting_current(*, kept: Person) -> None:
    """Record kept's corps, rank and unit on the merge day when kept's latest posting, among
    its own and the moved ones, says otherwise: ``posting_on(today)`` answers what the record
    says. (``kept.save()`` in ``_fields_fill`` already did when it filled a field.)"""
    latest = kept.postings.order_by("-since", "-pk").first()
    posting = kept.posting_new()
    if posting is None:
        return
    if latest is None or (latest.corps_id, latest.rank_id, latest.unit_id) != kept.posting_key():
        posting.save()


def _fields_fill(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    filled: dict[str, object] = {}
    if kept.corps_id is None and merged.corps_id is not None:
        kept.corps_id = filled["corps_id"] = merged.corps_id
    same_corps = kept.corps_id is not None and kept.corps_id == merged.corps_id
    for attname in CORPS_FIELDS if same_corps else ():
        if getattr(kept, attname) is None and getattr(merged, attname) is not None:
            setattr(kept, attname, getattr(merged, attname))
            filled[attname] = getattr(merged, attname)
    for attname in PLAIN_FIELDS:
        if not getattr(kept, attname) and getattr(merged, attname):
            setattr(kept, attname, getattr(merged, attname))
            filled[attname] = _json(getattr(merged, attname))
    number = ""
    if same_corps and not kept.service_number and merged.service_number:
        number = kept.service_number = merged.service_number
        # Unique in the corps: merged lets go of it before kept takes it.
        merged.service_number = ""
        merged.save(update_fields=["service_number", "updated_at"])
    if filled or number:
        kept.save()
    details["fields_filled"] = filled
    details["service_number"] = number


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, by: User | None) -> None:
    """Put back what ``merge`` did: each app moves its rows back (enrollments, attendance,
    test copies, certificates), then the fields and the service number.

    A field changed on the kept person since the merge keeps its new value; attendance marks
    removed since stay removed. Raises PeopleError: merge_already_undone, merge_kept_merged_since
    (undo that merge first), merge_later_merges_first (merges into the same person are undone
    newest first), merge_changed_since, merge_service_number_taken; and the KalanError of an app
    whose rows changed since so that they cannot go back (``merge_changed_since``: an
    enrollment the merge moved is gone, for example). Nothing is changed then.
    """
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise PeopleError(_("Cette fusion a déjà été annulée."), code="merge_already_undone")
    kept, merged = _lock_pair(merge.kept, merge.merged)
    if kept.merged_into_id is not None:
        raise PeopleError(
            _("%(kept)s a depuis été fusionné(e) dans %(other)s : annulez d’abord cette fusion-là.")
            % {"kept": kept, "other": Person.all_objects.get(pk=kept.merged_into_id)},
            code="merge_kept_merged_since",
        )
    later = PersonMerge.objects.filter(kept=kept, undone_at__isnull=True, pk__gt=merge.pk)
    if later.exists():
        raise PeopleError(
            _(
                "%(kept)s a reçu d’autres fusions depuis celle-ci : "
                "annulez d’abord les plus récentes."
            )
            % {"kept": kept},
            code="merge_later_merges_first",
        )
    if merged.merged_into_id != kept.pk:
        raise _changed_since()
    details = merge.details
    now = timezone.now()
    unmerge_announce(kept=kept, merged=merged, details=details)
    _fields_undo(kept=kept, merged=merged, details=details)
    _postings_undo(kept=kept, merged=merged, details=details)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = now
    merge.undone_by = by
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    _audit(merge=merge, kept=kept, merged=merged, action=AuditEntry.Action.UNMERGE)


def _changed_since() -> PeopleError:
    return PeopleError(
        _(
            "Des inscriptions concernées par cette fusion ont été modifiées ou supprimées depuis : "
            "elle ne peut plus être annulée."
        ),
        code="merge_changed_since",
    )


def _fields_undo(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    number = details["service_number"]
    if number and kept.service_number == number:
        kept.service_number = ""
        kept.save(update_fields=["service_number", "updated_at"])
    if number:
        taken = Person.all_objects.filter(corps=merged.corps, service_number=number)
        if taken.exclude(pk=merged.pk).exists():
            raise PeopleError(
                _("Le matricule %(number)s est désormais attribué à une autre personne.")
                % {"number": number},
                code="merge_service_number_taken",
            )
        merged.service_number = number
        merged.save(update_fields=["service_number", "updated_at"])
    filled = details["fields_filled"]
    for attname in (*PLAIN_FIELDS, *CORPS_FIELDS):
        if attname in filled and _json(getattr(kept, attname)) == filled[attname]:
            setattr(kept, attname, "" if attname in ("phone", "email") else None)
    # The corps goes back to blank only if nothing of that corps stayed on the person.
    if (
        "corps_id" in filled
        and kept.corps_id == filled["corps_id"]
        and not (kept.rank_id or kept.unit_id or kept.service_number)
    ):
        kept.corps_id = None
    # Back to what kept was: no new posting (the merge's own are deleted by _postings_undo).
    kept._posted = kept.posting_key()
    kept.save()


def _postings_undo(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    """The postings the merge recorded go; merged's go back to merged."""
    Posting.objects.filter(pk__in=details.get("postings_made", []), person=kept).delete()
    moved = details.get("postings_moved", [])
    Posting.objects.filter(pk__in=moved, person=kept).update(person=merged)


@transaction.atomic
def duplicate_dismiss(*, first: Person, second: Person, by: User | None) -> DuplicateDismissal:
    """Record that two persons the scan paired are two different persons; once per pair.

    Raises PeopleError: dismiss_same_person.
    """
    if first.pk == second.pk:
        raise PeopleError(
            _("Une personne ne peut pas être écartée d’elle-même."), code="dismiss_same_person"
        )
    low, high = sorted((first, second), key=lambda person: person.pk)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        first=low, second=high, defaults={"dismissed_by": by}
    )
    return dismissal
