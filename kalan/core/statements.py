"""Statements written once per process for the few requests that a thousand phones send at once.

The ORM compiles a query anew on every call: on the answer a phone sends every few seconds
(``bench/scale.py``), compiling its three statements — the session's row, the copy with its test,
the answer's INSERT … ON CONFLICT — took about a third of the request's CPU time. These helpers
write such a statement's SQL once (per model, per database engine) and turn its rows into model
instances with the same converters the ORM applies, so what the caller gets is what the ORM
would have given. Only for those hot paths: everywhere else the ORM is clearer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]


def columns(model: type[models.Model], alias: str) -> str:
    """The model's columns, in field order, as ``alias."column", …`` for a SELECT."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def table(model: type[models.Model]) -> str:
    """The model's quoted table name."""
    return str(connections["default"].ops.quote_name(model._meta.db_table))


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of the model's field ``name`` (a foreign key's ``…_id``)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(name)
    return str(connections["default"].ops.quote_name(field.column))


def width(model: type[models.Model]) -> int:
    """How many values of a row :func:`columns` selects."""
    return len(model._meta.concrete_fields)


@cache
def _converters(
    model: type[models.Model], vendor: str
) -> tuple[tuple[str, ...], tuple[tuple[int, Col, tuple[Converter, ...]], ...]]:
    """The attribute names of the model's columns, and for each column the ORM's converters."""
    connection = _connection_of(vendor)
    fields = model._meta.concrete_fields
    convert = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = tuple(connection.ops.get_db_converters(column)) + tuple(
            column.get_db_converters(connection)
        )
        if found:
            convert.append((index, column, found))
    return tuple(field.attname for field in fields), tuple(convert)


def _connection_of(vendor: str) -> BaseDatabaseWrapper:
    connection = connections["default"]
    if connection.vendor != vendor:  # one database per process in Kalan
        raise ValueError(vendor)
    return connection


def instance(model: type[M], values: Sequence[Any]) -> M:
    """The instance the ORM would build from ``values``, a row of :func:`columns`."""
    connection = connections["default"]
    names, convert = _converters(model, connection.vendor)
    row = list(values)
    for index, column, converters in convert:
        value = row[index]
        for converter in converters:
            value = converter(value, column, connection)
        row[index] = value
    return model.from_db("default", names, row)


@cache
def _upsert_sql(
    model: type[models.Model], unique: tuple[str, ...], update: tuple[str, ...], vendor: str
) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    quote = _connection_of(vendor).ops.quote_name
    meta = model._meta
    fields = tuple(field for field in meta.concrete_fields if not field.primary_key)
    names = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    conflict = ", ".join(column(model, name) for name in unique)
    changes = ", ".join(
        f"{quoted} = EXCLUDED.{quoted}" for quoted in (column(model, name) for name in update)
    )
    # Names from the model's metadata; the values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {changes}"
    )
    return sql, fields


def upsert(obj: models.Model, *, unique: Sequence[str], update: Sequence[str]) -> None:
    """``bulk_create([obj], update_conflicts=True, …)`` for one row, its SQL written once.

    Like bulk_create: no save() and no signals; ``auto_now`` fields and defaults are filled.
    SQLite (3.24 and later) and PostgreSQL both take ``INSERT … ON CONFLICT … DO UPDATE``.
    """
    connection = connections["default"]
    sql, fields = _upsert_sql(type(obj), tuple(unique), tuple(update), connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
