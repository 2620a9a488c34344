"""Rows as a field kit and a return bundle carry them: plain JSON, keyed by global ids.

A row is ``{"m": "workshops.Enrollment", "uid": "…", "f": {field: value}, "mm": {field: [uid…]}}``.
A foreign key is the global id (``uid``) of the row it points at, or the username for an account,
so that a row means the same on a machine where the ids differ; a file is its name in the
archive's ``media/``. Dates and times are ISO 8601 text, decimals text, JSON fields as they are.

``fingerprint`` is what a row holds, without its times: the kit records it for every row it
brings, and the laptop compares to find what it changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from kalan.core.models import GlobalModel, User

Row = dict[str, Any]
TIMES = frozenset({"created_at", "updated_at"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "uid"]


def _keys_of(model: type[models.Model], pks: Iterable[int]) -> dict[int, str]:
    """pk → uid (or username for an account) of the rows ``pks`` of ``model``."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return {}
    column = "username" if model is User else "uid"
    return {
        pk: str(key)
        for pk, key in model._default_manager.filter(pk__in=wanted).values_list("pk", column)
    }


def rows_of(model: type[GlobalModel], objects: Sequence[GlobalModel]) -> list[Row]:
    """The rows of ``objects`` (instances of ``model``), foreign keys as global ids."""
    fields = _fields(model)
    relations = [f for f in fields if f.is_relation]
    keys: dict[str, dict[int, str]] = {
        f.name: _keys_of(f.related_model, (getattr(o, f.attname) for o in objects))  # type: ignore[arg-type]
        for f in relations
    }
    many = _many_of(model, objects)
    rows = []
    for obj in objects:
        values: dict[str, Any] = {}
        for field in fields:
            if field.is_relation:
                pk = getattr(obj, field.attname)
                values[field.name] = None if pk is None else keys[field.name].get(pk)
            elif isinstance(field, models.FileField):
                values[field.name] = getattr(obj, field.attname).name or ""
            else:
                values[field.name] = _plain(getattr(obj, field.attname))
        row: Row = {"m": model._meta.label, "uid": str(obj.uid), "f": values}
        if many:
            row["mm"] = {name: sorted(targets.get(obj.pk, [])) for name, targets in many.items()}
        rows.append(row)
    return rows


def _many(model: type[models.Model]) -> list[Any]:
    """The many-to-many fields whose links are rows of no model of their own (an explicit
    ``through``, such as a workshop's funding, travels as rows of its model)."""
    found: list[Any] = []
    for field in model._meta.many_to_many:
        through: Any = field.remote_field.through
        if through._meta.auto_created:
            found.append(field)
    return found


def _many_of(
    model: type[models.Model], objects: Sequence[models.Model]
) -> dict[str, dict[int, list[str]]]:
    """For each many-to-many field: pk of an object → the global ids (usernames) it links to."""
    result: dict[str, dict[int, list[str]]] = {}
    pks = [o.pk for o in objects]
    for field in _many(model):
        through: Any = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        links = list(
            through._default_manager.filter(**{f"{source}__in": pks}).values_list(
                f"{source}_id", f"{target}_id"
            )
        )
        keys = _keys_of(field.related_model, (t for _s, t in links))
        grouped: dict[int, list[str]] = defaultdict(list)
        for source_pk, target_pk in links:
            grouped[source_pk].append(keys[target_pk])
        result[field.name] = grouped
    return result


def fingerprint(row: Row) -> str:
    """SHA-256 of what the row holds, without its creation and change times."""
    content = {k: v for k, v in row["f"].items() if k not in TIMES}
    payload = json.dumps([content, row.get("mm", {})], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def files_of(model: type[models.Model], row: Row) -> list[str]:
    """The names of the files a row points at (its file fields that are not empty)."""
    return [
        row["f"][f.name]
        for f in _fields(model)
        if isinstance(f, models.FileField) and row["f"].get(f.name)
    ]


class UnknownReference(Exception):
    """A row points at a row that is neither in the archive nor on this machine."""

    def __init__(self, label: str, field: str, key: str) -> None:
        super().__init__(f"{label}.{field} → {key}")
        self.label, self.field, self.key = label, field, key


class Keys:
    """Global id → pk on this machine, per model, filled as rows are created."""

    def __init__(self) -> None:
        self._known: dict[type[models.Model], dict[str, int]] = {}

    def add(self, model: type[models.Model], mapping: dict[str, int]) -> None:
        self._known.setdefault(model, {}).update(mapping)

    def known(self, model: type[models.Model], key: str) -> bool:
        """Whether a row of ``model`` with this key was created by this load."""
        return self._known.get(model, {}).get(key) is not None

    def pk(self, model: type[models.Model], key: str) -> int | None:
        known = self._known.get(model)
        if known is None or key not in known:
            column = "username" if model is User else "uid"
            found = model._default_manager.filter(**{column: key}).values_list("pk", flat=True)
            self._known.setdefault(model, {})[key] = pk = next(iter(found), None)  # type: ignore[assignment]
            return pk
        return known[key]


def kept_times(model: type[models.Model]) -> list[Any]:
    """The model's automatic time fields: turned off while rows keep the times they carry."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]


def rows_create(
    model: type[GlobalModel], rows: Sequence[Row], keys: Keys, *, adopt: bool = True
) -> list[GlobalModel]:
    """Create ``rows`` of ``model`` on this machine with the ids they carry; returns them.

    Foreign keys are resolved through ``keys`` (rows created before, or already here). Rows that
    point at rows of their own model (a place's parent, a unit's) are created by generations,
    parents first, since a constraint may want the link from the start (only a country has no
    parent). Raises UnknownReference for a required reference found nowhere; an optional one
    left unresolved is left empty.

    ``adopt``: a row already here under the same unique values (a list this machine's
    migrations wrote) becomes the row created, with the archive's global id (a laptop opening
    its kit); headquarters never renames its own rows (``adopt=False``).
    """
    own = [f.name for f in _fields(model) if f.is_relation and f.related_model is model]
    created: list[GlobalModel] = []
    waiting = list(rows)
    while waiting:
        ready = [
            row
            for row in waiting
            if all(row["f"].get(name) is None or keys.known(model, row["f"][name]) for name in own)
        ]
        if not ready:  # a cycle, or a parent outside the archive: left for the resolver to judge
            ready = waiting
        ready_uids = {row["uid"] for row in ready}
        waiting = [row for row in waiting if row["uid"] not in ready_uids]
        created += _generation_create(model, ready, keys, adopt=adopt)
    return created


def _generation_create(
    model: type[GlobalModel], rows: Sequence[Row], keys: Keys, *, adopt: bool
) -> list[GlobalModel]:
    fields = _fields(model)
    objects: list[GlobalModel] = []
    for row in rows:
        obj = model(uid=uuid.UUID(row["uid"]))
        for field in fields:
            value = row["f"].get(field.name)
            if field.is_relation:
                setattr(obj, field.attname, _resolve(model, field, value, keys))
            elif isinstance(field, models.FileField):
                setattr(obj, field.attname, value or "")
            else:
                setattr(obj, field.attname, field.to_python(value))
        objects.append(obj)
    adopted = _adopt(model, objects, fields) if adopt else []
    fresh = [o for o in objects if o.pk is None]
    times = kept_times(model)
    switched = [(f, f.auto_now, f.auto_now_add) for f in times]
    for field in times:
        field.auto_now = field.auto_now_add = False
    try:
        model._default_manager.bulk_create(fresh, batch_size=500)
        if adopted:
            model._default_manager.bulk_update(
                adopted, ["uid", *(f.name for f in fields)], batch_size=500
            )
    finally:
        for field, now, now_add in switched:
            field.auto_now, field.auto_now_add = now, now_add
    keys.add(model, {str(o.uid): o.pk for o in objects})
    if adopted:  # their links are those of the archive
        through_clear(model, [o.pk for o in adopted])
    _many_create(model, rows, objects, keys)
    return objects


def _unique_sets(model: type[models.Model]) -> list[tuple[list[str], dict[str, Any]]]:
    """Each unique field and unique constraint but the ids: (attnames, condition), the condition
    as {attname: value} for a constraint limited to rows of a kind (``Q(kind="corps")``)."""
    sets: list[tuple[list[str], dict[str, Any]]] = [
        ([f.attname], {}) for f in _fields(model) if f.unique
    ]
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            continue
        condition = _exact(model, constraint.condition)
        if condition is not None:
            names = [_attname(model, name) for name in constraint.fields]
            sets.append((names, condition))
    return sets


def _attname(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "attname", name))


def _exact(model: type[models.Model], condition: Any) -> dict[str, Any] | None:
    """A condition made of ``field=value`` only, as a dict; None for any other (not matched on)."""
    if condition is None:
        return {}
    if condition.connector != "AND" or condition.negated:
        return None
    exact: dict[str, Any] = {}
    for child in condition.children:
        if not isinstance(child, tuple) or "__" in child[0]:
            return None
        exact[_attname(model, child[0])] = child[1]
    return exact


def _adopt(
    model: type[GlobalModel], objects: Sequence[GlobalModel], fields: Sequence[Any]
) -> list[GlobalModel]:
    """Objects of the archive that are already here: same global id, or the same unique values
    (reference lists that this machine's migrations wrote with ids of their own). They take the
    row's pk, and its global id becomes the archive's; returns them."""
    manager = model._default_manager
    if not manager.exists():
        return []
    by_uid = dict(manager.filter(uid__in=[o.uid for o in objects]).values_list("uid", "pk"))
    indexes = []
    for names, condition in _unique_sets(model):
        rows = manager.filter(**condition).values_list("pk", *names)
        indexes.append((names, condition, {tuple(values[1:]): values[0] for values in rows}))
    adopted = []
    taken: set[int] = set()
    for obj in objects:
        pk = by_uid.get(obj.uid)
        for names, condition, index in indexes:
            if pk is not None:
                break
            if all(getattr(obj, name) == value for name, value in condition.items()):
                pk = index.get(tuple(getattr(obj, name) for name in names))
        if pk is not None and pk not in taken:
            obj.pk = pk
            taken.add(pk)
            adopted.append(obj)
    return adopted


def through_clear(model: type[models.Model], pks: Sequence[int]) -> None:
    """Remove the many-to-many links of the rows ``pks`` of ``model``."""
    for field in _many(model):
        through: Any = field.remote_field.through
        through._default_manager.filter(**{f"{field.m2m_field_name()}__in": pks}).delete()


def _resolve(model: type[models.Model], field: Any, value: Any, keys: Keys) -> int | None:
    if value is None:
        return None
    pk = keys.pk(field.related_model, value)
    if pk is None and not field.null:
        raise UnknownReference(model._meta.label, field.name, value)
    return pk


def _many_create(
    model: type[models.Model], rows: Sequence[Row], objects: Sequence[models.Model], keys: Keys
) -> None:
    for field in _many(model):
        through: Any = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = []
        for row, obj in zip(rows, objects, strict=True):
            for key in row.get("mm", {}).get(field.name, []):
                pk = keys.pk(field.related_model, key)
                if pk is not None:
                    links.append(through(**{f"{source}_id": obj.pk, f"{target}_id": pk}))
        through._default_manager.bulk_create(links, batch_size=500)
