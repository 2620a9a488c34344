"""The join page's throttle: wrong codes counted per client address and per test, in the database.

Whoever knows an open test's code could otherwise try every participant code from one phone.
Each wrong code typed on the join page (a participant code unknown in the test's session, or a
test code that names no test) is counted in ``JoinRefusal``: one row per address, test and five
minutes (``BUCKET``). Before a code is checked, the counts are read:

- per address: ``KALAN_JOIN_FAILURES_PER_ADDRESS`` (50) wrong codes in the last 15 minutes,
  whatever the test: one client is stopped long before it can use up a test's budget;
- per test: ``KALAN_JOIN_FAILURES_PER_TEST`` (600) wrong codes in the last hour, whatever the
  address: a sweep from many addresses is stopped too. A session that still has participant
  codes shorter than six digits (made before they were lengthened) gets at most a 250th of its
  code space (40 for four digits).

Past either limit the join page answers 429 with the time to come back, and counts nothing more:
a flood must not become a flood of database writes. Phones already answering are not concerned,
only joining is; correct codes are never counted. The README ("Participant codes") works out
what a sweep can find.

The counts are rows of the database rather than entries of Django's cache (in memory, per
process, by default): they hold across the server's processes and threads on SQLite and
PostgreSQL alike, as django-axes' counts of failed logins do. The joins of one test are checked
and counted under a lock on the test's row (``services_take``), so that two phones never both
pass its last allowed try.

Each row reaches the journal as one "failed login" entry with its count, not one per try, once
its five minutes are over: at that address's next wrong code, or when the test is closed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import ngettext

from kalan.assessments.models import JoinRefusal, Test
from kalan.core.audit import ANONYMOUS, audit_record
from kalan.core.models import AuditEntry
from kalan.workshops.models import CODE_DIGITS, Enrollment

BUCKET: Final = dt.timedelta(minutes=5)
ADDRESS_SPAN: Final = dt.timedelta(minutes=15)
TEST_SPAN: Final = dt.timedelta(hours=1)
# A session with shorter codes: at most this fraction of its code space per hour (README).
SHORT_CODE_SHARE: Final = 250
PANEL_ROWS: Final = 10
ADDRESS, TEST = "address", "test"


def address_key(address: str | None) -> str:
    """What wrong codes are counted against: an IPv4 address, or the /64 network of an IPv6 one
    (one subscriber holds a whole /64, and could otherwise change address at every try)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""  # no usable address: all such clients share one count
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def window_of(moment: dt.datetime) -> dt.datetime:
    """The start of the five minutes ``moment`` falls in."""
    step = int(BUCKET.total_seconds())
    return dt.datetime.fromtimestamp(int(moment.timestamp()) // step * step, tz=dt.UTC)


# --- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    scope: str  # ADDRESS or TEST
    until: dt.datetime


def limit_message(reached: Limit, *, now: dt.datetime) -> str:
    """What a phone past a limit is told: when to try again, and why (its address, or the
    test's codes)."""
    minutes = max(1, math.ceil((reached.until - now).total_seconds() / 60))
    values = {"minutes": minutes, "time": f"{timezone.localtime(reached.until):%H:%M}"}
    if reached.scope == ADDRESS:
        message = ngettext(
            "Trop de codes erronés depuis cette connexion. "
            "Réessayez dans %(minutes)s minute, à %(time)s.",
            "Trop de codes erronés depuis cette connexion. "
            "Réessayez dans %(minutes)s minutes, à %(time)s.",
            minutes,
        )
    else:
        message = ngettext(
            "Trop de codes erronés pour ce test. "
            "Réessayez dans %(minutes)s minute, à %(time)s, ou appelez le formateur.",
            "Trop de codes erronés pour ce test. "
            "Réessayez dans %(minutes)s minutes, à %(time)s, ou appelez le formateur.",
            minutes,
        )
    return message % values


def join_failure_limit(test: Test) -> int:
    """The wrong codes a test takes in an hour: the setting, less when the session still has
    codes shorter than six digits (a smaller space to sweep)."""
    limit = int(settings.KALAN_JOIN_FAILURES_PER_TEST)
    shortest = (
        Enrollment.objects.filter(session_id=test.session_id, superseded_by__isnull=True)
        .exclude(code="")
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .aggregate(shortest=Min(Length("code")))["shortest"]
    )
    if shortest is not None and shortest < CODE_DIGITS:
        limit = min(limit, 10**shortest // SHORT_CODE_SHARE)
    return max(1, limit)


def _counts(rows: QuerySet[JoinRefusal]) -> list[tuple[dt.datetime, int]]:
    """Wrong codes per five minutes, oldest first."""
    return list(
        rows.values("window").annotate(n=Sum("count")).values_list("window", "n").order_by("window")
    )


def _until(
    counts: list[tuple[dt.datetime, int]], *, limit: int, span: dt.timedelta
) -> dt.datetime | None:
    """None under the limit; else when enough of the oldest five minutes have left the span."""
    total = sum(n for _window, n in counts)
    if total < limit:
        return None
    for window, n in counts:
        total -= n
        if total < limit:
            return window + span
    return counts[-1][0] + span  # not reached: the limit is at least 1


def join_limit(*, test: Test | None, key: str, test_limit: int, now: dt.datetime) -> Limit | None:
    """The limit this address, or this test, has reached, with the time it ends; None if none."""
    reached = []
    by_address = _counts(JoinRefusal.objects.filter(address=key, window__gt=now - ADDRESS_SPAN))
    until = _until(
        by_address, limit=max(1, settings.KALAN_JOIN_FAILURES_PER_ADDRESS), span=ADDRESS_SPAN
    )
    if until is not None:
        reached.append(Limit(ADDRESS, until))
    if test is not None:
        until = join_blocked_until(test=test, limit=test_limit, now=now)
        if until is not None:
            reached.append(Limit(TEST, until))
    return max(reached, key=lambda limit: limit.until, default=None)


def join_blocked_until(*, test: Test, limit: int, now: dt.datetime) -> dt.datetime | None:
    """Until when no phone may join the test, or None: its wrong codes of the last hour."""
    by_test = _counts(JoinRefusal.objects.filter(test=test, window__gt=now - TEST_SPAN))
    return _until(by_test, limit=limit, span=TEST_SPAN)


@dataclass(frozen=True)
class RefusalRow:
    address: str
    count: int
    last: dt.datetime  # the start of the last five minutes with a wrong code


@dataclass(frozen=True)
class Refusals:
    """Wrong participant codes typed for a test, for its trainer's live panel."""

    rows: list[RefusalRow]  # the addresses with the most, at most PANEL_ROWS
    total: int
    addresses: int
    blocked_until: dt.datetime | None  # joining refused for every phone until then

    @property
    def more(self) -> int:
        return self.addresses - len(self.rows)


def join_refusals(*, test: Test, now: dt.datetime | None = None) -> Refusals:
    """The wrong participant codes typed for this test since it was made, per address: two
    queries, three while the test is open, whatever the number of addresses."""
    now = now or timezone.now()
    grouped = list(
        JoinRefusal.objects.filter(test=test)
        .values("address")
        .annotate(n=Sum("count"), last=Max("window"))
        .values_list("address", "n", "last")
        .order_by("-n", "address")
    )
    blocked = None
    if grouped and test.status == Test.Status.OPEN:
        blocked = join_blocked_until(test=test, limit=join_failure_limit(test), now=now)
    return Refusals(
        rows=[RefusalRow(address, n, last) for address, n, last in grouped[:PANEL_ROWS]],
        total=sum(n for _address, n, _last in grouped),
        addresses=len(grouped),
        blocked_until=blocked,
    )


# --- writes -------------------------------------------------------------------------------------


def refusal_count(*, test: Test | None, key: str, now: dt.datetime) -> None:
    """Count one wrong code from ``key``: for ``test``, or for no test (an unknown test code).

    Then the address's earlier five minutes go to the journal, each as one entry with its count.
    """
    window = window_of(now)
    rows = JoinRefusal.objects.filter(test=test, address=key, window=window)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                JoinRefusal.objects.create(test=test, address=key, window=window, count=1)
        except IntegrityError:  # another request made the row first: count in it
            rows.update(count=F("count") + 1)
    refusals_audit(rows=JoinRefusal.objects.filter(address=key, window__lt=window))


def refusals_audit(*, rows: QuerySet[JoinRefusal]) -> int:
    """One journal entry per row with codes not recorded yet (a "failed login" from the row's
    address, naming the test and how many codes were refused in which five minutes); returns the
    number of entries written."""
    pending = list(rows.filter(count__gt=F("audited_count")).select_related("test"))
    for row in pending:
        new = row.count - row.audited_count
        start = timezone.localtime(row.window)
        end = timezone.localtime(row.window + BUCKET)
        detail: dict[str, object] = {
            ("participant_codes_refused" if row.test else "test_codes_refused"): new,
            "period": f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        }
        if "/" in row.address:
            detail["network"] = row.address
        audit_record(
            action=AuditEntry.Action.LOGIN_FAILED,
            obj=row.test,
            object_type="" if row.test else Test._meta.label_lower,
            actor=None,
            actor_name=ANONYMOUS,
            address=row.address.split("/")[0] or None,
            detail=detail,
        )
        JoinRefusal.objects.filter(pk=row.pk).update(audited_count=row.count)
    return len(pending)
