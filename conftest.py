"""Settings for the whole test run (``tests/`` and ``e2e/``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """No persistent connections in tests: a thread that served a request (the live server's, a
    waitress worker's) closes its connection at the end of that request instead of keeping it
    for CONN_MAX_AGE, so none is left open when the test database is dropped (PostgreSQL refuses
    to drop a database someone is connected to)."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
