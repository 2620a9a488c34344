"""A phone joins a test: wrong codes are throttled, and a copy is filled by one phone at a time.

``submission_join`` is what the join page calls. It refuses a client or a test that has typed too
many wrong codes (``kalan.assessments.throttle``), counts each new wrong code, and gives the copy
to the phone that asks first. A second phone asking for a copy that another phone is filling (the
participant's other phone, or someone who read their badge) waits: its request shows on the
trainer's live panel, and only the trainer's approval (``device_approve``) hands it the copy;
the first phone then can no longer write to it. Refused, or never decided, the first phone keeps
the copy.

A phone is known by a random cookie of its own (``views_take``); the copy keeps a fingerprint of
it (``device_id``), never the cookie itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.assessments import services, throttle
from kalan.assessments.errors import AssessmentError
from kalan.assessments.models import Submission, Test

# Wrong codes: what a sweep of codes gets. A closed test or a copy already sent is no guess.
COUNTED = {"unknown_test", "unknown_participant"}


class JoinThrottled(AssessmentError):
    """Too many wrong codes from this address or for this test: come back at ``until``."""

    def __init__(self, message: str, *, until: dt.datetime) -> None:
        super().__init__(message, code="throttled")
        self.until = until


@dataclass(frozen=True)
class Join:
    submission: Submission
    waiting: bool  # another phone fills the copy: this one waits for the trainer's approval


def device_id(token: str) -> str:
    """What a copy keeps of a phone's cookie: a fingerprint, which cannot be sent back as one."""
    return hashlib.sha256(token.encode()).hexdigest()[:32] if token else ""


def submission_join(
    *,
    access_code: str,
    participant_code: str,
    address: str | None,
    device: str,
    now: dt.datetime | None = None,
) -> Join:
    """The copy of an open test this phone (``device``, from ``device_id``) may fill, or the
    copy it waits for when another phone fills it.

    Raises JoinThrottled ``throttled`` before looking at the codes when the address or the test
    has had too many wrong codes; AssessmentError ``unknown_test``, ``test_closed``,
    ``unknown_participant`` or ``already_submitted`` as ``submission_start`` does, the first
    and the third counted as wrong codes.
    """
    now = now or timezone.now()
    key = throttle.address_key(address)
    code = access_code.strip().upper()
    test = Test.objects.filter(access_code=code).first()
    limit = throttle.join_failure_limit(test) if test is not None else 0
    # Read without a lock first: a flood of refused tries costs reads, never a write lock.
    _refuse_if_throttled(test=test, key=key, limit=limit, now=now)
    with transaction.atomic():
        if test is not None:
            # The joins of one test are checked and counted one after the other from here, so
            # that no two phones read the same count and both pass its last allowed try.
            list(Test.objects.select_for_update().filter(pk=test.pk).values_list("pk"))
            _refuse_if_throttled(test=test, key=key, limit=limit, now=now)
        try:
            with transaction.atomic():
                submission = services.submission_start(
                    access_code=code, participant_code=participant_code, device=device
                )
        except AssessmentError as error:
            if error.code in COUNTED:
                counted = test if error.code == "unknown_participant" else None
                throttle.refusal_count(test=counted, key=key, now=now)
            failure = error
        else:
            return _device_claim(submission, device=device, now=now)
    raise failure


def _refuse_if_throttled(*, test: Test | None, key: str, limit: int, now: dt.datetime) -> None:
    reached = throttle.join_limit(test=test, key=key, test_limit=limit, now=now)
    if reached is None:
        return
    raise JoinThrottled(throttle.limit_message(reached, now=now), until=reached.until)


def _device_claim(submission: Submission, *, device: str, now: dt.datetime) -> Join:
    """Give the copy to this phone if no other phone fills it; else ask the trainer."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    changed: list[str] = []
    if locked.device in ("", device):
        if locked.device != device:
            locked.device = device
            changed.append("device")
        if locked.device_pending == device:  # approved meanwhile, or asked again and let in
            locked.device_pending, locked.device_pending_at = "", None
            changed += ["device_pending", "device_pending_at"]
        waiting = False
    else:
        if locked.device_pending != device:
            locked.device_pending, locked.device_pending_at = device, now
            changed += ["device_pending", "device_pending_at"]
        waiting = True
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return Join(submission=locked, waiting=waiting)


@transaction.atomic
def device_approve(*, submission: Submission) -> Submission:
    """The phone waiting for this copy takes it over; the phone that filled it can no longer
    write to it (its answers so far are kept).

    Raises AssessmentError ``no_request`` when no phone waits for it any more (approved or
    refused meanwhile) and ``already_submitted`` when the copy was sent.
    """
    locked = _pending(submission)
    locked.device, locked.device_pending, locked.device_pending_at = locked.device_pending, "", None
    locked.save(update_fields=["device", "device_pending", "device_pending_at", "updated_at"])
    return locked


@transaction.atomic
def device_refuse(*, submission: Submission) -> Submission:
    """The phone that fills the copy keeps it; the waiting one is told so.

    Raises AssessmentError ``no_request`` or ``already_submitted`` as ``device_approve`` does.
    """
    locked = _pending(submission)
    locked.device_pending, locked.device_pending_at = "", None
    locked.save(update_fields=["device_pending", "device_pending_at", "updated_at"])
    return locked


def _pending(submission: Submission) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.submitted_at is not None:
        raise AssessmentError(
            _("Cette copie a déjà été envoyée : elle ne change plus de téléphone."),
            code="already_submitted",
        )
    if not locked.device_pending:
        raise AssessmentError(_("Aucun téléphone n’attend plus cette copie."), code="no_request")
    return locked
