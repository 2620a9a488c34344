"""Enrollments and attendance when two persons are merged, and when the merge is undone.

Receivers of ``kalan.people.signals`` (connected in ``WorkshopsConfig.ready``), run inside the
merge's transaction, with both persons locked.

The merge: each enrollment of the merged person in a session the kept person is not enrolled in
becomes kept's, its attendance with it. In a session both are enrolled in, both enrollments stay:
merged's stays on the merged person (with its badge code), superseded by kept's
(``Enrollment.superseded_by``), and gives kept's the attendance marks kept's lacked; the marks of
periods kept's already had stay on it, so nothing is deleted. Kept's becomes "attended" when
merged's was. The readers of a session (roster, sheets, badges, exports, figures, results,
certificates, statements) leave superseded enrollments out, so the person counts once.

``PersonMerge.details["workshops"]``:

    moved        ids of merged's enrollments now kept's
    superseded   one entry per session both were enrolled in: ``enrollment`` (merged's, now
                 superseded), ``by`` (kept's), ``attendance_moved`` (ids of the marks moved from
                 the one to the other), ``status_before`` (kept's status when the merge set it to
                 "attended", else null)

``merge_pairs`` gives the apps above the pairs of enrollments of one session, before or after
this receiver ran, so that they do not depend on the order of the receivers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kalan.people.models import Person
from kalan.people.signals import MergeMoves
from kalan.workshops.errors import WorkshopError
from kalan.workshops.models import Attendance, Enrollment

KEY = "workshops"


def merge_pairs(*, kept: Person, merged: Person) -> list[tuple[Enrollment, Enrollment]]:
    """(merged's enrollment, kept's enrollment) for each session both persons are enrolled in,
    in session order; the same before the merge moved anything and after it (merged's is then
    superseded by kept's). One query."""
    rows = (
        Enrollment.objects.filter(Q(person=kept, superseded_by__isnull=True) | Q(person=merged))
        .select_related("session__workshop", "session__place", "person")
        .order_by("session__start_date", "pk")
    )
    ours: dict[int, Enrollment] = {}
    theirs: list[Enrollment] = []
    for enrollment in rows:
        if enrollment.person_id == kept.pk:
            ours[enrollment.session_id] = enrollment
        else:
            theirs.append(enrollment)
    return [
        (enrollment, ours[enrollment.session_id])
        for enrollment in theirs
        if enrollment.session_id in ours
        and enrollment.superseded_by_id in (None, ours[enrollment.session_id].pk)
    ]


# --- preview -------------------------------------------------------------------------------


def enrollments_merge_preview(*, kept: Person, merged: Person, **kwargs: Any) -> list[str]:
    lines = []
    pairs = merge_pairs(kept=kept, merged=merged)
    moving = (
        Enrollment.objects.filter(person=merged, superseded_by__isnull=True)
        .exclude(session__in=[ours.session_id for _theirs, ours in pairs])
        .count()
    )
    if moving:
        lines.append(
            ngettext(
                "%(count)s inscription de %(merged)s, à une session où %(kept)s n’est pas "
                "inscrit(e), passe à %(kept)s avec ce qui s’y rattache (présences, copies de "
                "test, attestation).",
                "%(count)s inscriptions de %(merged)s, à des sessions où %(kept)s n’est pas "
                "inscrit(e), passent à %(kept)s avec ce qui s’y rattache (présences, copies de "
                "test, attestations).",
                moving,
            )
            % {"count": moving, "merged": merged, "kept": kept}
        )
    for _theirs, ours in pairs:
        lines.append(
            _(
                "%(session)s : %(kept)s et %(merged)s y sont tous deux inscrits. Les deux "
                "inscriptions sont gardées : celle de %(merged)s est marquée remplacée par celle "
                "de %(kept)s, qui reçoit les présences qui lui manquaient."
            )
            % {"session": ours.session, "kept": kept, "merged": merged}
        )
    return lines


# --- merge ---------------------------------------------------------------------------------


def enrollments_merge(*, kept: Person, merged: Person, **kwargs: Any) -> MergeMoves:
    now = timezone.now()
    ours = {
        e.session_id: e
        for e in Enrollment.objects.select_for_update().filter(
            person=kept, superseded_by__isnull=True
        )
    }
    # A merged person holds no superseded enrollment (those stay on persons merged before,
    # who cannot be merged again): the filter only keeps a damaged record from moving them.
    theirs = list(
        Enrollment.objects.select_for_update()
        .filter(person=merged, superseded_by__isnull=True)
        .order_by("pk")
    )
    moved = [e.pk for e in theirs if e.session_id not in ours]
    # updated_at changes too: later sync between machines goes by it.
    Enrollment.objects.filter(pk__in=moved).update(person=kept, updated_at=now)
    superseded = [
        _supersede(enrollment=e, by=ours[e.session_id], now=now)
        for e in theirs
        if e.session_id in ours
    ]
    return MergeMoves(
        key=KEY,
        record={"moved": moved, "superseded": superseded},
        counts={"enrollments_moved": len(moved), "enrollments_superseded": len(superseded)},
    )


def _supersede(*, enrollment: Enrollment, by: Enrollment, now: dt.datetime) -> dict[str, Any]:
    marks = list(Attendance.objects.select_for_update().filter(enrollment=enrollment))
    has = set(by.attendances.values_list("day", "half"))
    marks_moved = sorted(a.pk for a in marks if (a.day, a.half) not in has)
    Attendance.objects.filter(pk__in=marks_moved).update(enrollment=by, updated_at=now)
    Enrollment.objects.filter(pk=enrollment.pk).update(superseded_by=by, updated_at=now)
    status_before = None
    if enrollment.status == Enrollment.Status.ATTENDED and by.status != Enrollment.Status.ATTENDED:
        status_before = by.status
        by.status = Enrollment.Status.ATTENDED
        by.save(update_fields=["status", "updated_at"])
    return {
        "session": enrollment.session_id,
        "enrollment": enrollment.pk,
        "by": by.pk,
        "attendance_moved": marks_moved,
        "status_before": status_before,
    }


# --- undo ----------------------------------------------------------------------------------


def _changed_since() -> WorkshopError:
    return WorkshopError(
        _(
            "Des inscriptions concernées par cette fusion ont été modifiées ou supprimées depuis : "
            "elle ne peut plus être annulée."
        ),
        code="merge_changed_since",
    )


def enrollments_unmerge(
    *, kept: Person, merged: Person, details: dict[str, Any], **kwargs: Any
) -> None:
    """Put back what the merge recorded: enrollments, attendance, superseded marks, status.

    Raises WorkshopError merge_changed_since when an enrollment the merge moved or superseded
    is gone or was changed so that it cannot go back.
    """
    if details.get("version", 1) < 2:
        _unmerge_version_1(kept=kept, merged=merged, details=details)
        return
    record = details.get(KEY)
    if not record:
        return
    now = timezone.now()
    moved = record["moved"]
    still_kept = Enrollment.objects.select_for_update().filter(pk__in=moved, person=kept)
    if len(still_kept) != len(moved):
        raise _changed_since()
    Enrollment.objects.filter(pk__in=moved).update(person=merged, updated_at=now)
    for entry in record["superseded"]:
        _unsupersede(entry=entry, merged=merged, now=now)


def _unsupersede(*, entry: dict[str, Any], merged: Person, now: dt.datetime) -> None:
    locked = Enrollment.objects.select_for_update()
    enrollment = locked.filter(
        pk=entry["enrollment"], person=merged, superseded_by_id=entry["by"]
    ).first()
    by = locked.filter(pk=entry["by"]).first()
    if enrollment is None or by is None:
        raise _changed_since()
    Attendance.objects.filter(pk__in=entry["attendance_moved"], enrollment=by).update(
        enrollment=enrollment, updated_at=now
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(superseded_by=None, updated_at=now)
    if entry["status_before"] and by.status == Enrollment.Status.ATTENDED:
        by.status = entry["status_before"]
        by.save(update_fields=["status", "updated_at"])


# --- undo of a version-1 record --------------------------------------------------------------
#
# A version-1 merge (before each app kept its own record) moved merged's enrollments in sessions
# kept was not in (``enrollments_moved``, top level of ``details``) and, in a session both were
# enrolled in, moved the marks kept's lacked and DELETED merged's enrollment, saving it and its
# remaining marks whole in ``same_session``. Its undo brings that enrollment back (same id, uid
# and badge code) with its attendance. What the deletion took along cannot come back: the test
# copies and answers of that enrollment (CASCADE) are lost. No certificate was involved: one
# stopped such a merge (PROTECT).


def _unmerge_version_1(*, kept: Person, merged: Person, details: dict[str, Any]) -> None:
    now = timezone.now()
    moved = details.get("enrollments_moved", [])
    still_kept = Enrollment.objects.select_for_update().filter(pk__in=moved, person=kept)
    if len(still_kept) != len(moved):
        raise _changed_since()
    Enrollment.objects.filter(pk__in=moved).update(person=merged, updated_at=now)
    for entry in details.get("same_session", []):
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
        if entry["status_before"] and target.status == Enrollment.Status.ATTENDED:
            target.status = entry["status_before"]
            target.save(update_fields=["status", "updated_at"])


def _restore(model: type[models.Model], snapshot: dict[str, Any]) -> None:
    """Write back a row a version-1 merge saved as JSON before deleting it, identical."""
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
