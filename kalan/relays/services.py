"""Writes every part of the relays app shares."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kalan.assessments import throttle
from kalan.core.audit import audit_bulk_created
from kalan.relays.errors import RelayThrottled
from kalan.relays.models import RelayCode, code_new
from kalan.workshops.models import Enrollment

RELAY_CODE_LENGTH = 8


def relay_code_for(*, enrollment: Enrollment) -> RelayCode:
    """The relay's personal code, made the first time it is asked for (a commitment, a paper
    form, a round that opens). Eight characters of an alphabet without look-alikes: 31^8, about
    850 billion codes."""
    found = RelayCode.objects.filter(enrollment=enrollment).first()
    if found is None:
        # One way of drawing codes, whether for one relay or a round's thousands.
        relay_codes_for(enrollment_ids=[enrollment.pk])
        found = RelayCode.objects.get(enrollment=enrollment)
    return found


def relay_codes_for(*, enrollment_ids: list[int]) -> int:
    """Make the personal codes these relays lack, in bulk (a round of 2,000 relays opens in a
    few queries); returns how many were made. A drawn code already taken is drawn again."""
    have = set(
        RelayCode.objects.filter(enrollment_id__in=enrollment_ids).values_list(
            "enrollment_id", flat=True
        )
    )
    missing = [pk for pk in dict.fromkeys(enrollment_ids) if pk not in have]
    made = 0
    for _attempt in range(5):
        if not missing:
            break
        codes = {code_new(RELAY_CODE_LENGTH) for _pk in range(len(missing) * 2)}
        codes -= set(RelayCode.objects.filter(code__in=codes).values_list("code", flat=True))
        rows = [
            RelayCode(enrollment_id=pk, code=code) for pk, code in zip(missing, codes, strict=False)
        ]
        with transaction.atomic():
            # A relay whose code another request made meanwhile, or a code drawn twice: skipped.
            RelayCode.objects.bulk_create(rows, ignore_conflicts=True)
            created = list(RelayCode.objects.filter(enrollment_id__in=missing))
            audit_bulk_created(created)
        made += len(created)
        have = {code.enrollment_id for code in created}
        missing = [pk for pk in missing if pk not in have]
    if missing:
        raise RuntimeError("no free relay codes after five draws")
    return made


def refuse_if_throttled(*, key: str, now: dt.datetime) -> None:
    """Raise RelayThrottled when this address typed too many wrong codes. The relays' phone
    pages count their wrong codes with the test join's (``kalan.assessments.throttle``): the
    same phones, the same sweep to stop."""
    reached = throttle.join_limit(test=None, key=key, test_limit=0, now=now)
    if reached is not None:
        raise RelayThrottled(throttle.limit_message(reached, now=now), until=reached.until)
