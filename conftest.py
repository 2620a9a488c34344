"""Settings for the whole test run (``tests/`` and ``e2e/``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Make the data folder and its secret key, as the `kalan` command does before a command.

    pytest-django has read the settings already, before the key existed on a fresh folder (the
    CI's): the key is read again now that it does, so the run signs with a plain string.
    """
    from django.conf import settings

    from kalan.core.datadir import DataDirError, prepare_data_dir, secret_key_setting

    try:
        folder = prepare_data_dir(Path(settings.DATA_DIR))
    except DataDirError as error:
        raise pytest.UsageError(str(error)) from None
    settings.SECRET_KEY = secret_key_setting(folder)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """No persistent connections in tests: a thread that served a request (the live server's, a
    waitress worker's) closes its connection at the end of that request instead of keeping it
    for CONN_MAX_AGE, so none is left open when the test database is dropped (PostgreSQL refuses
    to drop a database someone is connected to).

    On PostgreSQL each pytest-xdist worker gets its own test database from pytest-django
    (``test_kalan_gw0``, ``test_kalan_gw1``: the parallel suffix this fixture depends on)."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A SQLite test database of this process's own: two test processes at once (the
        # pytest-xdist workers of `make test`, mutmut's, two runs side by side) never share the
        # file, which the first to finish would delete under the other. Named afresh in each
        # session, so a process that runs pytest again (mutmut's forks) does not stack suffixes.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"test-kalan-{worker}-{os.getpid()}.sqlite3"
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(Path(settings.DATA_DIR) / name)}
        # `make mutation` (bench/mutation.py) runs a session per mutant: instead of migrating a
        # new database each time (8 s here), it has each copy one migrated once, which
        # pytest-django's --reuse-db then keeps (checking only that no migration is missing).
        if template := os.environ.get("KALAN_TEST_DATABASE_TEMPLATE"):
            shutil.copyfile(template, database["TEST"]["NAME"])


def _uses_the_database(item: pytest.Item) -> bool:
    """Whether a test may touch the database: a database fixture among those it asks for (the
    ``db`` and ``transactional_db`` fixtures and any built on them), the live server (whose
    helper asks for the database as the test starts), the ``django_db`` mark, or a Django test
    case class. pytest-django refuses the database to any other test."""
    from django.test import SimpleTestCase

    fixtures = getattr(item, "fixturenames", ())
    if "django_db_setup" in fixtures or "live_server" in fixtures:
        return True
    if item.get_closest_marker("django_db") is not None:
        return True
    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, SimpleTestCase)


@pytest.fixture(scope="session", autouse=True)
def _no_one_else_on_the_test_database(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """Before PostgreSQL drops the test database, end any connection another thread of this run
    left open (a server thread between requests, a worker that never closed its own): the drop
    is refused while anyone is connected, which fails the run after every test passed.

    The test database is asked for here, so it is dropped after this fixture's end, only when a
    test of the session may use it: a session of tests that never touch it (``make mutation``
    runs one per mutant of kalan/core/text.py, say) creates no database of migrations for
    nothing."""
    if not any(_uses_the_database(item) for item in request.session.items):
        yield
        return
    request.getfixturevalue("django_db_setup")
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
