"""Sessions end after KALAN_SESSION_IDLE_MINUTES without a request (30 by default) and when the
browser closes; a participant answering a test on a phone is not thrown out by it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kalan.assessments.models import Answer, Submission
from kalan.core.models import User
from kalan.workshops.models import Enrollment, Session
from tests.assessments.builders import open_test
from tests.factories import PASSWORD, EnrollmentFactory

ClientFor = Callable[[User], Client]


class Clock:
    """``timezone.now`` moved forward by ``advance``: what Django's sessions read the time from."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)

    def idle(self, *, minutes: float) -> None:
        """Let this long pass after the idle limit (before it when negative)."""
        self.advance(seconds=settings.SESSION_COOKIE_AGE, minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock


def signed_in(client: Client) -> bool:
    response = client.get(reverse("account"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def idle_settings(tmp_path: Path, **env: str) -> dict[str, object]:
    """The session settings kalan.settings gives with these KALAN_* variables (a new process)."""
    script = (
        "import json, kalan.settings as s; print(json.dumps({'age': s.SESSION_COOKIE_AGE,"
        " 'every': s.SESSION_SAVE_EVERY_REQUEST, 'close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KALAN_")}
    clean.update({"KALAN_DATA_DIR": str(tmp_path)}, **env)
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True
    )
    values: dict[str, object] = json.loads(done.stdout)
    return values


# --- Settings -----------------------------------------------------------------------------------


def test_sessions_end_after_30_idle_minutes_and_at_browser_close_by_default(
    tmp_path: Path,
) -> None:
    assert idle_settings(tmp_path) == {"age": 30 * 60, "every": True, "close": True}


def test_the_idle_time_comes_from_kalan_session_idle_minutes(tmp_path: Path) -> None:
    assert idle_settings(tmp_path, KALAN_SESSION_IDLE_MINUTES="90")["age"] == 90 * 60


def test_the_test_run_uses_the_same_session_settings() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_dies_with_the_browser(programme_officer: User) -> None:
    client = Client()

    response = client.post(
        reverse("login"), {"username": "programme_officer", "password": PASSWORD}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]


# --- Idle expiry --------------------------------------------------------------------------------


def test_a_session_idle_past_the_limit_no_longer_authenticates(
    programme_officer: User, client_for: ClientFor, clock: Clock
) -> None:
    client = client_for(programme_officer)
    assert signed_in(client)

    clock.idle(minutes=1)

    assert not signed_in(client)


def test_a_session_idle_just_under_the_limit_still_works(
    programme_officer: User, client_for: ClientFor, clock: Clock
) -> None:
    client = client_for(programme_officer)
    assert signed_in(client)

    clock.idle(minutes=-1)

    assert signed_in(client)


def test_each_request_pushes_the_end_back(
    programme_officer: User, client_for: ClientFor, clock: Clock
) -> None:
    client = client_for(programme_officer)

    for _ in range(4):  # each request a little before the limit: four times the limit in all
        clock.idle(minutes=-1)
        assert signed_in(client)


def test_a_stored_session_past_its_expiry_date_is_refused(
    programme_officer: User, client_for: ClientFor
) -> None:
    client = client_for(programme_officer)
    assert signed_in(client)

    StoredSession.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    assert not signed_in(client)


# --- Participants' phones (/t/) -----------------------------------------------------------------


@pytest.fixture
def awa(sevare_session: Session) -> Enrollment:
    return EnrollmentFactory(session=sevare_session, code="0423")


def join(phone: Client, access_code: str) -> str:
    response = phone.post("/t/", {"access_code": access_code, "participant_code": "0423"})
    assert response.status_code == 302
    return str(response["Location"])


def test_a_participant_answering_slowly_is_never_thrown_out(
    sevare_session: Session, awa: Enrollment, clock: Clock
) -> None:
    test = open_test(sevare_session)
    phone = Client()
    assert join(phone, test.access_code) == "/t/q/1/"
    count = test.questions.count()

    for n in range(1, count + 1):  # a slow reader: the whole test lasts hours
        clock.idle(minutes=-5)
        assert phone.get(f"/t/q/{n}/").status_code == 200
        clock.advance(minutes=4)
        response = phone.post(f"/t/q/{n}/", {"choice": "A"})
        assert response.status_code == 302, n
    clock.idle(minutes=-1)
    assert phone.post("/t/envoyer/")["Location"] == "/t/merci/"

    submission = Submission.objects.get(enrollment=awa)
    assert submission.submitted_at is not None
    assert Answer.objects.filter(submission=submission).count() == count


def test_a_phone_left_idle_past_the_limit_joins_again_where_it_stopped(
    sevare_session: Session, awa: Enrollment, clock: Clock
) -> None:
    test = open_test(sevare_session)
    phone = Client()
    join(phone, test.access_code)
    phone.post("/t/q/1/", {"choice": "A"})
    phone.post("/t/q/2/", {"choice": ["A", "C"]})

    clock.idle(minutes=1)

    assert phone.get("/t/q/3/")["Location"] == "/t/"
    assert join(phone, test.access_code) == "/t/q/3/"
    assert Submission.objects.count() == 1
    assert Answer.objects.filter(submission__enrollment=awa).count() == 2


# --- Writes of the idle expiry (kalan/core/sessions.py) ------------------------------------------


def stored_end(client: Client) -> dt.datetime:
    return StoredSession.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_within_a_minute_of_the_last_write_does_not_write_the_session(
    programme_officer: User, client_for: ClientFor, clock: Clock
) -> None:
    client = client_for(programme_officer)
    assert signed_in(client)
    written = stored_end(client)

    clock.advance(seconds=50)
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)

    assert stored_end(client) == written
    assert not [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]


def test_a_request_more_than_a_minute_after_the_last_write_pushes_the_end_back(
    programme_officer: User, client_for: ClientFor, clock: Clock
) -> None:
    client = client_for(programme_officer)
    assert signed_in(client)
    written = stored_end(client)

    clock.advance(minutes=1, seconds=1)
    assert signed_in(client)

    assert stored_end(client) >= written + dt.timedelta(minutes=1)


def test_a_session_whose_data_changes_is_written_at_once(
    sevare_session: Session, awa: Enrollment, clock: Clock
) -> None:
    test = open_test(sevare_session)
    phone = Client()
    phone.get("/t/")
    written = stored_end(phone) if phone.session.session_key else None

    assert join(phone, test.access_code) == "/t/q/1/"  # the session now names the copy

    assert phone.session.get("kalan_take") == Submission.objects.get(enrollment=awa).pk
    assert stored_end(phone) != written
