"""The cache is shared by every process of an install: a limit counted in one holds in another.

Run against both caches Kalan offers: the database's table (the default) and Redis
(KALAN_CACHE_URL). The other process is a real one, a new interpreter on the same database (or
Redis) and data folder: what one process kept in its own memory would not be seen there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from importlib import import_module
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from kalan.core.models import User
from kalan.core.ratelimit import rate_limit_allows
from kalan.core.server_settings import cache_setting

# A database of its own on the machine's Redis, emptied by these tests only: 15, and one below
# it per further pytest-xdist worker (gw1: 14…), so that two test processes never empty the
# other's.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("KALAN_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")
LIMIT = 5


def redis_or_skip() -> None:
    """Redis must answer in CI (.ci/run starts it); elsewhere its tests are skipped without it."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL} in CI: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")


@pytest.fixture(params=["database", "redis"])
def shared_cache(
    request: pytest.FixtureRequest, settings: Settings, transactional_db: None
) -> Iterator[str]:
    """The install's cache, as KALAN_CACHE_URL gives it; the URL is what a process is given.

    transactional_db: the other process must see what this one wrote, so nothing may wait in
    a test's transaction.
    """
    url = "" if request.param == "database" else REDIS_URL
    if url:
        redis_or_skip()
    settings.CACHES = {
        "default": cache_setting(
            url, database=settings.DATABASES["default"], prefix=f"kalan-test-{uuid.uuid4().hex}"
        )
    }
    yield url
    cache.clear()


def database_url() -> str:
    """The test database, as KALAN_DATABASE_URL names it to another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def in_another_process(cache_url: str, script: str) -> str:
    """``script`` run by a new interpreter on this test's database, data folder and cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kalan.settings",
        KALAN_DATA_DIR=str(settings.DATA_DIR),
        KALAN_SECRET_KEY=str(settings.SECRET_KEY),
        KALAN_DATABASE_URL=database_url(),
        KALAN_CACHE_URL=cache_url,
        KALAN_CACHE_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_limit_counted_in_one_process_holds_in_another(shared_cache: str) -> None:
    key = f"kalan:test:{uuid.uuid4().hex}"
    assert [rate_limit_allows(key, limit=LIMIT, window_s=60) for _ in range(2)] == [True, True]

    seen = in_another_process(
        shared_cache,
        "from kalan.core.ratelimit import rate_limit_allows\n"
        f"print([rate_limit_allows({key!r}, limit={LIMIT}, window_s=60) for _ in range(4)])",
    )

    # The other process had only the 3 requests left that this one did not use.
    assert seen == "[True, True, True, False]"
    # And what it counted holds here.
    assert rate_limit_allows(key, limit=LIMIT, window_s=60) is False


def snapshot(cache_url: str) -> object:
    """Every entry of the cache as it is stored (key, value and expiry), to see a write."""
    if not cache_url:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key, value, expires FROM kalan_cache ORDER BY cache_key")
            return cursor.fetchall()
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    return sorted((key, client.get(key), client.pttl(key) > 0) for key in client.keys("*"))


def test_an_over_limit_request_writes_nothing(shared_cache: str) -> None:
    """A flood past the limit reads the count and stops: no entry is added or changed."""
    key = f"kalan:test:{uuid.uuid4().hex}"
    for _ in range(LIMIT):
        assert rate_limit_allows(key, limit=LIMIT, window_s=60)
    before = snapshot(shared_cache)

    assert [rate_limit_allows(key, limit=LIMIT, window_s=60) for _ in range(3)] == [False] * 3
    assert snapshot(shared_cache) == before


def test_each_address_has_its_own_count(shared_cache: str) -> None:
    first, second = (f"kalan:test:{uuid.uuid4().hex}" for _ in range(2))
    for _ in range(LIMIT):
        rate_limit_allows(first, limit=LIMIT, window_s=60)

    assert rate_limit_allows(first, limit=LIMIT, window_s=60) is False
    assert rate_limit_allows(second, limit=LIMIT, window_s=60) is True


def test_a_lock_out_made_in_one_process_holds_in_another(
    transactional_db: None, programme_officer: User
) -> None:
    """django-axes counts failures in the database (its default handler), not in memory."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "programme_officer", "password": "faux"},
            REMOTE_ADDR="10.0.0.1",
        )

    seen = in_another_process(
        "",
        "from axes.handlers.proxy import AxesProxyHandler\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().post('/connexion/', REMOTE_ADDR='10.9.9.9')\n"
        "print(AxesProxyHandler.is_locked(request, {'username': 'programme_officer'}))",
    )

    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert seen == "True"


def test_sessions_live_in_the_database_every_process_reads() -> None:
    # Idle expiry (SESSION_COOKIE_AGE, renewed at each request) then holds whichever process
    # answers the next request.
    from django.contrib.sessions.backends import db as database_sessions

    engine = import_module(settings.SESSION_ENGINE)

    assert issubclass(engine.SessionStore, database_sessions.SessionStore)
