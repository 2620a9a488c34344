"""Settings for the whole test run (``tests/`` and ``e2e/``)."""

from __future__ import annotations

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
    to drop a database someone is connected to)."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def _no_one_else_on_the_test_database(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """Before PostgreSQL drops the test database, end any connection another thread of this run
    left open (a server thread between requests, a worker that never closed its own): the drop
    is refused while anyone is connected, which fails the run after every test passed."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
