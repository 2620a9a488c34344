"""A sweep of participant codes on the join page of an open test (issue 11, point 1).

The finding: with a test's code, one client tried 19,697 wrong participant codes in a minute,
swept the 10,000 four-digit codes in 31 s and found every participant. Now wrong codes are
counted per client address and per test (``kalan.assessments.throttle``), codes have six digits,
and a sweep of an hour gets at most twice the test's hourly budget of wrong codes through:
under 1 % of the code space (README, "Participant codes at the venue").
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterator
from itertools import islice

import pytest
from django.conf import settings
from django.db.models import F, Sum
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from kalan.assessments import services
from kalan.assessments.models import JoinRefusal, Submission
from kalan.assessments.models import Test as AssessmentTest
from kalan.assessments.throttle import (
    address_key,
    join_failure_limit,
)
from kalan.core.models import AuditEntry, User
from kalan.workshops.models import CODE_DIGITS, Enrollment, Session, enrollment_code_new
from tests.assessments.builders import open_test
from tests.factories import PersonFactory, SessionFactory

JOIN = "/t/"
SPACE = 10**CODE_DIGITS


def enrol(session: Session, count: int, *, digits: int = CODE_DIGITS, seed: int = 11) -> list[str]:
    """``count`` participants with codes drawn at random (seeded) like the real ones; their
    codes."""
    draw = random.Random(seed)
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(f"{draw.randrange(10**digits):0{digits}d}")
    persons = PersonFactory.create_batch(count, corps=None)
    Enrollment.objects.bulk_create(
        Enrollment(session=session, person=person, code=code)
        for person, code in zip(persons, sorted(codes), strict=True)
    )
    return sorted(codes)


def every_code(digits: int = CODE_DIGITS) -> Iterator[str]:
    """Every code of the space in order, as a sweep tries them."""
    for n in range(10**digits):
        yield f"{n:0{digits}d}"


def wrong_codes(taken: list[str]) -> Iterator[str]:
    """Codes no participant holds, in order."""
    held = set(taken)
    return (code for code in every_code() if code not in held)


def join(client: Client, test: AssessmentTest, code: str, address: str = "10.0.0.7") -> int:
    response = client.post(
        JOIN, {"access_code": test.access_code, "participant_code": code}, REMOTE_ADDR=address
    )
    return response.status_code


def addresses() -> Iterator[str]:
    """A new address at every try: 10.1.0.1, 10.1.0.2, …"""
    n = 0
    while True:
        n += 1
        yield f"10.{1 + n // 65_536}.{n // 256 % 256}.{n % 256}"


def time_passes(minutes: int) -> None:
    """Move every count back, as if ``minutes`` had passed (whole five minutes)."""
    JoinRefusal.objects.update(window=F("window") - dt.timedelta(minutes=minutes))


def refused() -> int:
    return JoinRefusal.objects.aggregate(n=Sum("count"))["n"] or 0


@pytest.fixture
def session(db: None) -> Session:
    return SessionFactory()


@pytest.fixture
def codes(session: Session) -> list[str]:
    return enrol(session, 40)


@pytest.fixture
def test(session: Session, codes: list[str]) -> AssessmentTest:
    return open_test(session)


# --- the budgets ----------------------------------------------------------------------------------


def test_codes_are_six_digits_and_a_test_takes_600_wrong_ones_an_hour(test: AssessmentTest) -> None:
    assert len(enrollment_code_new(taken=set())) == 6
    assert settings.KALAN_JOIN_FAILURES_PER_ADDRESS == 50
    assert join_failure_limit(test) == settings.KALAN_JOIN_FAILURES_PER_TEST == 600
    # The README's figure: in any hour at most two budgets of wrong codes get through (five
    # minutes of one, the whole of the next), so a sweep finds at most this share of the codes.
    assert 2 * 600 / (SPACE - 400) < 0.01


def test_a_session_with_four_digit_codes_made_before_gets_40_wrong_codes_an_hour(
    db: None,
) -> None:
    session = SessionFactory()
    enrol(session, 40, digits=4)
    test = open_test(session)
    assert join_failure_limit(test) == 40
    assert 2 * 40 / (10**4 - 400) < 0.01


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:10.0.0.7") == address_key("10.0.0.7") == "10.0.0.7"
    assert address_key(None) == address_key("not an address") == ""


# --- one client -----------------------------------------------------------------------------------


def test_one_client_sweeping_gets_429_after_50_wrong_codes(
    test: AssessmentTest, codes: list[str]
) -> None:
    client = Client()
    sweep = wrong_codes(codes)
    statuses = [join(client, test, next(sweep)) for _ in range(80)]

    assert statuses[:50] == [400] * 50
    assert statuses[50:] == [429] * 30
    # Refused tries are not counted: a flood writes nothing.
    assert refused() == 50


def test_the_429_page_says_in_french_when_to_come_back(
    test: AssessmentTest, codes: list[str]
) -> None:
    client = Client()
    sweep = wrong_codes(codes)
    for _ in range(50):
        join(client, test, next(sweep))

    response = client.post(
        JOIN,
        {"access_code": test.access_code, "participant_code": next(sweep)},
        REMOTE_ADDR="10.0.0.7",
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de codes erronés depuis cette connexion" in html
    # When the oldest of its five-minute counts leaves the last quarter of an hour.
    minutes = re.search(r"Réessayez dans (\d+) minutes, à \d\d:\d\d\.", html)
    assert minutes and 10 <= int(minutes[1]) <= 15
    assert 10 * 60 <= int(response["Retry-After"]) <= 15 * 60
    assert html.count('name="participant_code"') == 1  # the form, to try again later


def test_a_client_stopped_gets_in_again_once_its_15_minutes_are_over(
    test: AssessmentTest, codes: list[str]
) -> None:
    client = Client()
    sweep = wrong_codes(codes)
    for _ in range(51):
        join(client, test, next(sweep))
    assert join(client, test, codes[0]) == 429  # even the right code: nothing is checked

    time_passes(15)

    assert join(client, test, codes[0]) == 302


def test_the_right_code_from_another_address_still_gets_in(
    test: AssessmentTest, codes: list[str]
) -> None:
    sweep = wrong_codes(codes)
    for _ in range(60):
        join(Client(), test, next(sweep), address="10.0.0.7")

    assert join(Client(), test, codes[0], address="10.0.0.8") == 302


def test_unknown_test_codes_count_against_the_address(
    test: AssessmentTest, codes: list[str]
) -> None:
    client = Client()
    for n in range(50):
        response = client.post(
            JOIN,
            {"access_code": f"ZZZ{n:03d}", "participant_code": "123456"},
            REMOTE_ADDR="10.0.0.7",
        )
        assert response.status_code == 400
    assert join(client, test, codes[0]) == 429
    # One row per five minutes: the fifty may straddle two.
    unknown = JoinRefusal.objects.filter(test__isnull=True)
    assert sum(unknown.values_list("count", flat=True)) == 50


def test_a_participant_who_mistypes_a_few_times_gets_in(
    test: AssessmentTest, codes: list[str]
) -> None:
    client = Client()
    mine = codes[7]
    typos = [mine[:-1], mine[::-1], mine + "1"]
    assert [join(client, test, typo) for typo in typos] == [400, 400, 400]

    assert join(client, test, mine) == 302
    assert Submission.objects.get().enrollment.code == mine


# --- many addresses -------------------------------------------------------------------------------


def test_a_sweep_from_many_addresses_stops_at_600_wrong_codes_for_the_test(
    test: AssessmentTest, codes: list[str]
) -> None:
    client, sweep, where = Client(), wrong_codes(codes), addresses()
    statuses = [join(client, test, next(sweep), next(where)) for _ in range(620)]

    assert statuses[:600] == [400] * 600
    assert statuses[600:] == [429] * 20
    page = Client().post(
        JOIN,
        {"access_code": test.access_code, "participant_code": codes[0]},
        REMOTE_ADDR=next(where),
    )
    assert page.status_code == 429
    assert "Trop de codes erronés pour ce test" in page.content.decode()


def test_another_test_is_not_stopped_by_a_sweep_of_this_one(
    test: AssessmentTest, codes: list[str], settings: Settings
) -> None:
    settings.KALAN_JOIN_FAILURES_PER_TEST = 60  # the same at 600, ten times faster
    other_session = SessionFactory()
    other_codes = enrol(other_session, 3, seed=5)
    other = open_test(other_session)
    client, sweep, where = Client(), wrong_codes(codes), addresses()
    for _ in range(61):
        join(client, test, next(sweep), next(where))
    assert join(client, test, codes[0], next(where)) == 429

    assert join(Client(), other, other_codes[0], next(where)) == 302


def test_an_hour_of_sweeping_finds_under_one_percent_of_the_codes(
    db: None, settings: Settings
) -> None:
    """400 participants; the sweep tries every code in order, from a new address each time, until
    refused, then again every five minutes for 65 minutes, so that the hour meets two budgets.
    The budget is a quarter of the default (600, whose stop the test above shows): the same
    sweep, four times faster."""
    limit = settings.KALAN_JOIN_FAILURES_PER_TEST = 150
    session = SessionFactory()
    codes = enrol(session, 400)
    test = open_test(session)
    client, sweep, where = Client(), every_code(), addresses()
    wrong = found = 0
    for _step in range(13):
        while (status := join(client, test, next(sweep), next(where))) != 429:
            wrong += status == 400
            found += status == 302
        time_passes(5)

    assert limit < wrong <= 2 * limit  # the README's bound: two budgets in any hour
    assert (wrong + found) / SPACE < 0.01  # the share of the code space swept
    assert found / len(codes) < 0.01  # the share of the session's codes found
    assert Submission.objects.count() == found


def test_the_sweep_of_the_finding_is_stopped_on_a_session_with_four_digit_codes(
    db: None,
) -> None:
    """The finding's own sweep: every four-digit code, one client, as fast as it goes."""
    session = SessionFactory()
    codes = enrol(session, 40, digits=4)
    test = open_test(session)
    client = Client()
    statuses = [join(client, test, code) for code in islice(every_code(digits=4), 300)]

    assert statuses.count(400) == join_failure_limit(test) == 40
    assert statuses[-200:] == [429] * 200  # stopped long before the 300th code
    assert statuses.count(302) / len(codes) < 0.01
    # From other addresses too: the test itself has had its hour's wrong codes.
    assert join(Client(), test, codes[-1], address="10.9.9.9") == 429


# --- what the trainer and the journal see ---------------------------------------------------------


def test_the_live_panel_counts_the_refused_codes_per_address(
    test: AssessmentTest, codes: list[str], trainer: User, client_for: Callable[[User], Client]
) -> None:
    test.session.trainers.add(trainer)
    sweep = wrong_codes(codes)
    for _ in range(7):
        join(Client(), test, next(sweep), address="10.0.0.7")
    for _ in range(3):
        join(Client(), test, next(sweep), address="10.0.0.8")

    html = client_for(trainer).get(reverse("test_live", kwargs={"uid": test.uid})).content.decode()

    assert "10 codes participant refusés" in html
    assert re.search(r"<td>10\.0\.0\.7</td><td class=\"num\">7</td>", html)
    assert re.search(r"<td>10\.0\.0\.8</td><td class=\"num\">3</td>", html)
    assert 'id="live-blocked"' not in html


def test_the_live_panel_says_when_the_test_is_closed_to_new_phones(
    test: AssessmentTest,
    codes: list[str],
    trainer: User,
    client_for: Callable[[User], Client],
    settings: Settings,
) -> None:
    settings.KALAN_JOIN_FAILURES_PER_TEST = 60
    test.session.trainers.add(trainer)
    client, sweep, where = Client(), wrong_codes(codes), addresses()
    for _ in range(60):
        join(client, test, next(sweep), next(where))

    html = client_for(trainer).get(reverse("test_live", kwargs={"uid": test.uid})).content.decode()

    assert "60 codes participant refusés" in html
    assert 'id="live-blocked"' in html and "aucun téléphone ne peut rejoindre ce test" in html
    assert "et 50 autres adresses" in html  # ten addresses listed, not sixty


def _refusal_entries() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("address", "id")
    )


def test_refused_codes_reach_the_journal_as_one_count_per_address_and_five_minutes(
    test: AssessmentTest, codes: list[str]
) -> None:
    sweep = wrong_codes(codes)
    for _ in range(7):
        join(Client(), test, next(sweep), address="10.0.0.7")
    for _ in range(3):
        join(Client(), test, next(sweep), address="10.0.0.8")
    assert _refusal_entries() == []  # their five minutes are not over

    time_passes(5)
    join(Client(), test, next(sweep), address="10.0.0.7")

    [seven] = _refusal_entries()
    assert (seven.address, seven.detail["participant_codes_refused"]) == ("10.0.0.7", 7)
    assert seven.object_type == "assessments.test" and seven.object_uid == test.uid
    assert seven.actor is None and seven.actor_name == "anonyme"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d–\d\d:\d\d", seven.detail["period"])

    services.test_close(test=test)

    entries = _refusal_entries()
    assert [(e.address, e.detail["participant_codes_refused"]) for e in entries] == [
        ("10.0.0.7", 7),
        ("10.0.0.7", 1),
        ("10.0.0.8", 3),
    ]
    services.test_close(test=test)
    assert len(_refusal_entries()) == 3  # each code recorded once
