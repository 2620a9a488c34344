"""The settings that change between a venue laptop and headquarters: database, cache, proxies.

A laptop runs one waitress process on SQLite; headquarters runs several gunicorn processes on
PostgreSQL behind a reverse proxy. What one process counts (the look-ups of the public
certificate page, ``/v/``) must then be seen by the others: the cache is shared (the database by
default, Redis when ``KALAN_CACHE_URL`` names one), and the client's address is read through the
proxies named in ``KALAN_TRUSTED_PROXIES``.

Pure functions of their arguments, so that tests call them with any value: ``kalan.settings``
passes them the ``KALAN_*`` variables. Like ``kalan.core.datadir``, this module is imported by
the settings: nothing here may read ``django.conf.settings``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The table of the database cache, made by migration core 0010 whatever CACHES says, so that an
# install can move from Redis to the database (or back) without a step of its own.
CACHE_TABLE = "kalan_cache"
# Raised when what is cached changes shape, so that processes of two versions sharing one cache
# during an upgrade never read each other's entries.
CACHE_VERSION = 1
# Entries the database cache keeps before it deletes a third of them (Django's default, 300, is
# reached by 300 visitors of /v/ in a minute, each delete resetting counts of the limiter).
CACHE_MAX_ENTRIES = 50_000
# A Redis server that stops answering makes a request fail in this many seconds, not hang.
REDIS_TIMEOUT_S = 2
REDIS_SCHEMES = {"redis", "rediss", "unix"}
DATABASE_SCHEMES = {"", "db", "database"}

POSTGRESQL = "django.db.backends.postgresql"
# Without a pool, a connection is kept this long by the thread that opened it, and checked
# before it is used again (CONN_HEALTH_CHECKS): PostgreSQL restarted overnight costs no error.
CONN_MAX_AGE_S = 60
# With a pool, how long a request waits for a free connection before it fails.
POOL_TIMEOUT_S = 10

LOOPBACK = ("127.0.0.1", "::1")


def database_setting(url: str, *, pool_size: int = 0) -> dict[str, Any]:
    """``DATABASES["default"]`` from ``KALAN_DATABASE_URL``, with PostgreSQL's pool when asked.

    Without a pool, each server thread keeps its own connection (CONN_MAX_AGE): a gunicorn
    install opens up to workers × threads connections. ``pool_size`` > 0 gives each process a
    psycopg pool of at most that many connections shared by its threads (Django 5.2; persistent
    connections must then be off), so the total is workers × pool size, whatever the threads.
    Raises ImproperlyConfigured for a pool on another engine or a negative size.
    """
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE_S))
    if pool_size < 0:
        raise ImproperlyConfigured(f"KALAN_DB_POOL_SIZE must be 0 or more, not {pool_size}")
    if database["ENGINE"] != POSTGRESQL:
        if pool_size:
            raise ImproperlyConfigured(
                "KALAN_DB_POOL_SIZE ne vaut que pour PostgreSQL / KALAN_DB_POOL_SIZE is for "
                f"PostgreSQL only, not {database['ENGINE']}"
            )
        return database
    database["CONN_HEALTH_CHECKS"] = True
    if pool_size:
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            "timeout": POOL_TIMEOUT_S,
        }
    return database


def cache_setting(url: str, *, database: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``CACHES["default"]`` from ``KALAN_CACHE_URL``: the database unless it names a Redis server.

    The database cache needs nothing more than the database every process already shares;
    Redis (``redis://host:6379/0``, ``rediss://`` with TLS, ``unix:///path?db=0``) spares the
    database those writes. Keys start with ``prefix`` (KALAN_CACHE_PREFIX), by default one drawn
    from the database's identity, so two installs sharing one Redis never read each other's
    counts. Raises ImproperlyConfigured for any other scheme.
    """
    scheme = urlsplit(url.strip()).scheme.lower() if "://" in url else url.strip().lower()
    common = {
        "KEY_PREFIX": prefix or default_cache_prefix(database),
        "VERSION": CACHE_VERSION,
    }
    if scheme in DATABASE_SCHEMES:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
            **common,
        }
    if scheme in REDIS_SCHEMES:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url.strip(),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_S,
                "socket_timeout": REDIS_TIMEOUT_S,
            },
            **common,
        }
    raise ImproperlyConfigured(
        f"KALAN_CACHE_URL : schéma inconnu « {scheme} » (vide pour la base de données, ou "
        f"redis://, rediss://, unix://) / unknown scheme {scheme!r} (empty for the database, "
        "or redis://, rediss://, unix://)"
    )


def default_cache_prefix(database: dict[str, Any]) -> str:
    """``kalan-`` and a digest of the database's engine, host, port and name (never its
    password): the processes of one install share it, another install's differs."""
    identity = "|".join(
        str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME")
    )
    return "kalan-" + hashlib.sha256(identity.encode()).hexdigest()[:12]


def trusted_proxies(values: list[str], *, behind_proxy: bool) -> list[str]:
    """The networks of ``KALAN_TRUSTED_PROXIES``, checked; the loopback addresses by default
    behind a proxy (Caddy or nginx on the same machine, as in ``deploy/``), none otherwise.

    Raises ImproperlyConfigured naming the entry that is not an address or a network.
    """
    if not values:
        values = list(LOOPBACK) if behind_proxy else []
    networks = []
    for value in values:
        try:
            networks.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"KALAN_TRUSTED_PROXIES : « {value} » n’est ni une adresse ni un réseau / "
                f"{value!r} is neither an address nor a network"
            ) from None
    return networks
