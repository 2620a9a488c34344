"""gunicorn's configuration for headquarters: N worker processes on Linux, behind a proxy.

    gunicorn -c python:kalan.gunicorn_conf

``kalan serve`` (waitress, one process) stays the server of a venue laptop, Windows included.
At headquarters several processes answer a thousand phones at once; what they must share (the
database, the cache) is outside them (README, "Serveur du siège"). Read from the environment:

- ``KALAN_BIND``: where to listen, ``127.0.0.1:8000`` (the proxy of ``deploy/`` on the same
  machine); several addresses separated by commas;
- ``KALAN_WORKERS``: processes, one per core by default (at least 2);
- ``KALAN_THREADS``: threads per process, 4 by default; each holds a database connection unless
  ``KALAN_DB_POOL_SIZE`` gives each process a pool (README works out the total);
- ``KALAN_ACCESS_LOG``: a file, or ``-`` for the console; no access log by default, as under
  waitress. Its lines hold no query string, referrer, cookie, user agent or client address, and
  the code in a certificate's address (``/v/<code>/``) is masked: logs name what failed, never
  who;
- ``KALAN_COLLECTSTATIC``: ``false`` to skip gathering the static files at start-up.

The static files are gathered before the application is loaded, as ``kalan serve`` does, so
that WhiteNoise indexes them (compressed copies included) in the master, once.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from kalan.core.datadir import prepare_data_dir
from kalan.core.env import envbool, envint, envlist, envstr
from kalan.core.server_settings import LOOPBACK

wsgi_app = "kalan.wsgi:application"
bind = envlist("BIND", ["127.0.0.1:8000"])
# One process per core, no more: processes beyond the cores take turns on them, and each turn
# evicts the other's working set from the CPU caches. Measured on 2 cores shared with
# PostgreSQL (bench/scale.py, CPU time of gunicorn per request, saturated): 6-7 ms with 1 or 2
# processes, 8.7-10.4 ms with 4, threads 1 or 4 alike, and 30 % fewer requests served.
workers = envint("WORKERS", max(2, os.cpu_count() or 1))
threads = envint("THREADS", 4)
worker_class = "gthread"
# Loaded once in the master, then shared by the forked workers (copy on write): less memory
# per worker and a fast restart of one. Nothing in Kalan opens a connection (database, Redis)
# while it loads; pre_fork below closes any that would have been, so no worker shares one.
preload_app = True
timeout = 60
graceful_timeout = 30
# The proxy (deploy/) is the only client: keep its connections between requests.
keepalive = 5

# gunicorn reads X-Forwarded-Proto itself from these addresses only; Kalan reads X-Forwarded-For
# through the same list (KALAN_TRUSTED_PROXIES, kalan.core.http.client_address).
forwarded_allow_ips = ",".join(envlist("TRUSTED_PROXIES", list(LOOPBACK)))

errorlog = "-"
loglevel = (envstr("LOG_LEVEL").strip() or "info").lower()
accesslog = envstr("ACCESS_LOG").strip() or None
# Time, worker pid, method, path (no query string), status, bytes, duration.
access_log_format = '%(t)s %(p)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# gunicorn 24+ opens a control socket at one fixed path per account, which two installs (or a
# test run beside a server) would fight over; signals (HUP to reload, TERM to stop) suffice.
control_socket_disable = True


# kalan/core/access_log.py: no query string, referrer, address, header or certificate code.
logger_class = "kalan.core.access_log.QuietLogger"


def _collect_static() -> None:
    """What ``kalan serve`` does before it serves: the static files gathered in the data folder."""
    if not envbool("COLLECTSTATIC", True):
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    prepare_data_dir()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


def pre_fork(server: Any, worker: Any) -> None:
    """In the master, before each worker is forked from it."""
    _close_database_connections()
    # What the master loaded moves out of the garbage collector's sight: a worker's collections
    # then never touch (and so never copy) the pages it shares with the master.
    gc.freeze()


def _close_database_connections() -> None:
    """A connection (or a psycopg pool, with its threads) open in the master would be shared by
    every worker forked from it, their queries mixed on one socket. Kalan opens none while it
    loads; this makes sure, so that each worker opens its own on first use."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        pools = getattr(connection, "_connection_pools", {})  # PostgreSQL's, one per alias
        if connection.alias in pools:
            pools.pop(connection.alias).close()


# At import, not in the ``on_starting`` hook: gunicorn loads a preloaded application before that
# hook, and WhiteNoise would index the folder before the files are in it.
_collect_static()
