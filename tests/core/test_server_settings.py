"""The settings of a headquarters install: database pool, shared cache, trusted proxies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kalan.core.server_settings import (
    CACHE_TABLE,
    cache_setting,
    database_setting,
    default_cache_prefix,
    trusted_proxies,
)
from tests.core.test_settings import fresh_python

POSTGRES = "postgres://kalan:s3cret@db.example:5432/kalan"
SQLITE = "sqlite:////srv/kalan/kalan.sqlite3"


# database_setting -----------------------------------------------------------------------------


def test_postgresql_keeps_checked_connections_by_default() -> None:
    database = database_setting(POSTGRES)

    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database.get("OPTIONS", {})


def test_a_pool_size_turns_on_psycopg_s_pool_and_off_persistent_connections() -> None:
    database = database_setting(POSTGRES, pool_size=6)

    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 10}
    # Django refuses a pool beside persistent connections.
    assert database["CONN_MAX_AGE"] == 0


def test_sqlite_refuses_a_pool_naming_the_variable() -> None:
    assert database_setting(SQLITE)["ENGINE"] == "django.db.backends.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="KALAN_DB_POOL_SIZE"):
        database_setting(SQLITE, pool_size=4)


def test_a_negative_pool_size_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="KALAN_DB_POOL_SIZE"):
        database_setting(POSTGRES, pool_size=-1)


# cache_setting --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "  ", "db://", "database"])
def test_the_cache_is_the_database_s_table_by_default(url: str) -> None:
    cache = cache_setting(url, database=database_setting(POSTGRES))

    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == CACHE_TABLE


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380/2", "unix:///run/r.sock"]
)
def test_a_redis_url_gives_django_s_redis_cache_with_timeouts(url: str) -> None:
    cache = cache_setting(url, database=database_setting(POSTGRES))

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == url
    assert cache["OPTIONS"]["socket_timeout"] > 0


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "locmem://", "file:///tmp"])
def test_an_unknown_cache_scheme_stops_the_start_naming_the_variable(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="KALAN_CACHE_URL"):
        cache_setting(url, database=database_setting(POSTGRES))


def test_two_installs_on_one_redis_get_different_prefixes_without_the_password() -> None:
    ours = database_setting(POSTGRES)
    theirs = database_setting("postgres://kalan:s3cret@db.example:5432/kalan_ngo")

    assert default_cache_prefix(ours) != default_cache_prefix(theirs)
    assert default_cache_prefix(ours) == default_cache_prefix(database_setting(POSTGRES))
    # The password plays no part: changing it keeps the install's keys.
    rotated = database_setting("postgres://kalan:n3w@db.example:5432/kalan")
    assert default_cache_prefix(ours) == default_cache_prefix(rotated)


def test_a_given_prefix_wins_and_a_version_is_set() -> None:
    cache = cache_setting("redis://r:6379/0", database=database_setting(POSTGRES), prefix="hq")

    assert cache["KEY_PREFIX"] == "hq"
    assert cache["VERSION"] >= 1


# trusted_proxies -----------------------------------------------------------------------------


def test_behind_a_proxy_the_loopback_is_trusted_by_default() -> None:
    assert trusted_proxies([], behind_proxy=True) == ["127.0.0.1/32", "::1/128"]
    assert trusted_proxies([], behind_proxy=False) == []


def test_addresses_and_networks_are_read() -> None:
    assert trusted_proxies(["10.0.0.7", "192.168.1.0/24"], behind_proxy=True) == [
        "10.0.0.7/32",
        "192.168.1.0/24",
    ]


def test_a_wrong_proxy_entry_is_refused_naming_it() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.example"):
        trusted_proxies(["proxy.example"], behind_proxy=True)


# at start-up ----------------------------------------------------------------------------------


def test_kalan_refuses_to_start_with_an_unknown_cache_scheme(tmp_path: Path) -> None:
    done = fresh_python("import kalan.settings", tmp_path, KALAN_CACHE_URL="memcached://m:11211")

    assert done.returncode != 0
    assert "KALAN_CACHE_URL" in done.stderr and "memcached" in done.stderr


def test_the_settings_read_the_headquarters_variables(tmp_path: Path) -> None:
    done = fresh_python(
        "import kalan.settings as s; print(s.CACHES['default']['BACKEND'],"
        " s.KALAN_BEHIND_PROXY, s.KALAN_TRUSTED_PROXIES)",
        tmp_path,
        KALAN_CACHE_URL="redis://127.0.0.1:6379/0",
        KALAN_TRUSTED_PROXIES="10.0.0.2",
    )

    assert done.stdout.strip().split(maxsplit=2) == [
        "django.core.cache.backends.redis.RedisCache",
        "True",
        "['10.0.0.2/32']",
    ], done.stderr
