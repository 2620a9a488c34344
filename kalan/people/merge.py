"""Two records found to be one person: merge them, undo the merge, or say they are two persons.

    person_merge(kept=, merged=, by=, score=None) -> PersonMerge
    person_merge_undo(merge=, by=) -> None
    duplicate_dismiss(first=, second=, by=) -> DuplicateDismissal

Every function is one transaction and locks the persons it changes. A merge never deletes a
person: the merged record stays, hidden from the registry (``merged_into``), so that the merge
can be undone. ``PersonMerge.details`` (version 1) records what the merge did:

    enrollments_moved  ids of merged's enrollments, in sessions kept was not in, now kept's (their
                       attendance marks went with them)
    same_session       one entry per session both were enrolled in: kept's enrollment stays and
                       receives the marks of merged it lacked (``attendance_moved``); merged's
                       enrollment and its remaining marks (days kept already had) are deleted, so
                       that the roster does not list the person twice, and saved here whole
                       (``enrollment``, ``attendance``); ``status_before``: kept's enrollment status
                       when the merge set it to "attended", else null
    fields_filled      kept's blank fields filled from merged: {attname: value}
    service_number     the number moved from merged to kept, or ""

Test results (issue 4) will have to follow enrollments too: see the ``HOOK issue 4`` comments.

The audit journal gets a MERGE (or UNMERGE) entry on each of the two persons, naming both; the
rows moved with ``update`` send no signal and are covered by it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.audit import audit_record
from kalan.core.models import AuditEntry, User
from kalan.people.errors import PeopleError
from kalan.people.models import DuplicateDismissal, Person, PersonMerge
from kalan.workshops.models import Attendance, Enrollment

DETAILS_VERSION = 1
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


def _snapshot(row: models.Model) -> dict[str, object]:
    """Every column of a row, as JSON, so that ``_restore`` can write it back identical."""
    return {f.attname: _json(f.value_from_object(row)) for f in row._meta.concrete_fields}


def _restore(model: type[models.Model], snapshot: dict[str, Any]) -> None:
    fields = model._meta.concrete_fields
    values = {f.attname: f.to_python(snapshot[f.attname]) for f in fields if f.attname in snapshot}
    # Who enrolled or marked may have been deleted since: the row comes back without them, as
    # SET_NULL would have left it.
    for field in fields:
        value, target = values.get(field.attname), field.related_model
        if not (field.null and value is not None and isinstance(target, type)):
            continue
        if not target._default_manager.filter(pk=value).exists():
            values[field.attname] = None
    model(**values).save(force_insert=True)
    # auto_now and auto_now_add overwrite the timestamps on save: put the recorded ones back.
    stamps = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    pk = values[model._meta.pk.attname]
    model._default_manager.filter(pk=pk).update(**{a: values[a] for a in stamps})


def _lock_pair(first: Person, second: Person) -> tuple[Person, Person]:
    """Both rows, fresh and locked, always in pk order so that two merges cannot deadlock."""
    rows = Person.all_objects.select_for_update().filter(pk__in=[first.pk, second.pk])
    locked = {person.pk: person for person in rows.order_by("pk")}
    return locked[first.pk], locked[second.pk]


@transaction.atomic
def person_merge(
    *, kept: Person, merged: Person, by: User | None, score: float | None = None
) -> PersonMerge:
    """Merge ``merged`` into ``kept``: its enrollments, attendance and blank fields go to kept.

    Raises PeopleError: merge_same_person, merge_into_merged (kept was itself merged),
    merge_already_merged, merge_service_numbers_differ (same corps, two numbers: two persons).
    """
    if kept.pk == merged.pk:
        raise PeopleError(
            _("Une personne ne peut pas être fusionnée avec elle-même."), code="merge_same_person"
        )
    kept, merged = _lock_pair(kept, merged)
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
    details: dict[str, Any] = {"version": DETAILS_VERSION}
    _enrollments_move(kept=kept, merged=merged, details=details)
    _fields_fill(kept=kept, merged=merged, details=details)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, score=score, details=details, merged_by=by
    )
    _audit(merge=merge, kept=kept, merged=merged, action=AuditEntry.Action.MERGE)
    return merge


def _audit(*, merge: PersonMerge, kept: Person, merged: Person, action: str) -> None:
    """One entry on each person, naming both: each page's history shows the merge, and the
    moves made with ``update`` (enrollments, attendance), which send no signal, are covered by
    it and by ``merge.details``."""
    detail = {
        "merge": str(merge.uid),
        "kept": {"uid": str(kept.uid), "name": kept.full_name},
        "merged": {"uid": str(merged.uid), "name": merged.full_name},
        "score": merge.score,
        "enrollments_moved": len(merge.details.get("enrollments_moved", [])),
    }
    for person in (kept, merged):
        audit_record(action=action, obj=person, detail=detail)


def _enrollments_move(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    now = timezone.now()
    kept_in = {e.session_id: e for e in Enrollment.objects.select_for_update().filter(person=kept)}
    theirs = list(Enrollment.objects.select_for_update().filter(person=merged).order_by("pk"))
    moved = [e.pk for e in theirs if e.session_id not in kept_in]
    # updated_at changes too: later sync between machines goes by it.
    Enrollment.objects.filter(pk__in=moved).update(person=kept, updated_at=now)
    # HOOK issue 4 (test results): results hang on these enrollments and move with them.
    details["enrollments_moved"] = moved
    details["same_session"] = []
    for enrollment in theirs:
        target = kept_in.get(enrollment.session_id)
        if target is None:
            continue
        marks = list(Attendance.objects.select_for_update().filter(enrollment=enrollment))
        has = set(target.attendances.values_list("day", "half"))
        marks_moved = sorted(a.pk for a in marks if (a.day, a.half) not in has)
        Attendance.objects.filter(pk__in=marks_moved).update(enrollment=target, updated_at=now)
        # HOOK issue 4 (test results): move merged's results of this session to ``target`` here
        # (keeping kept's where both answered the same test), record them in this entry, and put
        # them back in person_merge_undo; before the delete below, or it will take them along.
        status_before = None
        if (
            enrollment.status == Enrollment.Status.ATTENDED
            and target.status != Enrollment.Status.ATTENDED
        ):
            status_before = target.status
            target.status = Enrollment.Status.ATTENDED
            target.save(update_fields=["status", "updated_at"])
        details["same_session"].append(
            {
                "session": enrollment.session_id,
                "kept_enrollment": target.pk,
                "attendance_moved": marks_moved,
                "status_before": status_before,
                "enrollment": _snapshot(enrollment),
                "attendance": [_snapshot(a) for a in marks if a.pk not in marks_moved],
            }
        )
        enrollment.delete()


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
    """Put back what ``merge`` did: enrollments, attendance, fields, service number.

    A field changed on the kept person since the merge keeps its new value; attendance marks
    removed since stay removed. Raises PeopleError: merge_already_undone, merge_kept_merged_since
    (undo that merge first), merge_later_merges_first (merges into the same person are undone
    newest first), merge_changed_since (an enrollment the merge moved or filled is gone),
    merge_service_number_taken.
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
    moved = details["enrollments_moved"]
    still_kept = Enrollment.objects.select_for_update().filter(pk__in=moved, person=kept)
    if len(still_kept) != len(moved):
        raise _changed_since()
    Enrollment.objects.filter(pk__in=moved).update(person=merged, updated_at=now)
    for entry in details["same_session"]:
        _same_session_undo(entry=entry, kept=kept, merged=merged, now=now)
    _fields_undo(kept=kept, merged=merged, details=details)
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


def _same_session_undo(
    *, entry: dict[str, Any], kept: Person, merged: Person, now: dt.datetime
) -> None:
    target = (
        Enrollment.objects.select_for_update()
        .filter(pk=entry["kept_enrollment"], person=kept)
        .first()
    )
    if (
        target is None
        or Enrollment.objects.filter(session_id=entry["session"], person=merged).exists()
    ):
        raise _changed_since()
    _restore(Enrollment, entry["enrollment"])
    for snapshot in entry["attendance"]:
        _restore(Attendance, snapshot)
    Attendance.objects.filter(pk__in=entry["attendance_moved"], enrollment=target).update(
        enrollment_id=entry["enrollment"]["id"], updated_at=now
    )
    # HOOK issue 4 (test results): move back the results recorded in this entry.
    if entry["status_before"] and target.status == Enrollment.Status.ATTENDED:
        target.status = entry["status_before"]
        target.save(update_fields=["status", "updated_at"])


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
    kept.save()


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
