"""PostgreSQL's connection pool (KALAN_DB_POOL_SIZE) as the settings give it, on a real server."""

from __future__ import annotations

import copy

import pytest
from django.db import connection

from kalan.core.server_settings import database_setting


def test_a_query_runs_through_the_pool_the_settings_describe(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's pool is PostgreSQL's: the CI's PostgreSQL run tests it")
    from django.db.backends.postgresql.base import DatabaseWrapper

    pooled = database_setting("postgres://kalan@localhost/kalan", pool_size=2)
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], **pooled["OPTIONS"]}
    settings_dict["CONN_MAX_AGE"] = pooled["CONN_MAX_AGE"]
    wrapper = DatabaseWrapper(settings_dict, alias="kalan_pool_test")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert wrapper.pool is not None
        assert wrapper.pool.max_size == 2
        wrapper.close()  # back to the pool, not closed
        assert wrapper.pool.get_stats()["pool_available"] >= 1
    finally:
        wrapper.close()
        wrapper.close_pool()
