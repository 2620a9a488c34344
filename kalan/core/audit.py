"""The audit trail: who created, changed or deleted which record, when, from where, and how.

Three ways in, all ending in ``AuditEntry`` rows written in the same transaction as the change
(a change rolled back takes its entry with it):

- **Signals.** ``audit_connect()`` (called by ``CoreConfig.ready``) hooks pre_save, post_save,
  post_delete and m2m_changed of every concrete model of the project's apps but those that say
  ``audit_exclude`` (``kalan.core.audit_registry`` says how a model names itself, links to its
  page, masks a field, keeps its former labels). pre_save reads the stored values of an existing
  row in one query, so that post_save records ``{field: [before, after]}`` for what changed
  and nothing when nothing did; a create or a delete records ``{field: value}``.
- **Bulk writes.** ``bulk_create`` and ``QuerySet.update`` send no signal: the services that use
  them call ``audit_bulk_created`` (one create entry per row, written with one bulk insert), or
  record one entry that covers them (a merge moves enrollments with ``update``: the MERGE entry).
- **Events.** ``audit_record`` for what is not a row's change: exports, merges and their undo;
  logins, failed logins and logouts come through django.contrib.auth's signals.

Who and from where come from a per-request context (``audit_request``, set by
``kalan.core.middleware_audit.AuditContextMiddleware``): the signed-in user and
``client_address``. Outside a request (a command, a shell) the actor is none and the name is
« système », with the command's name when it runs as ``kalan <command>``.

Values are stored as JSON-safe text (dates in ISO 8601, datetimes in UTC, a foreign key as the
pk, a file as its name); numbers, booleans and None stay as JSON has them. A password is never
stored, only that it changed (``***``); a value longer than ``MAX_VALUE_CHARS`` (a big JSON
field, a long text) is kept as its beginning and a SHA-256 fingerprint, so the journal stays a
journal and not a second copy of the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone

from kalan.core.audit_registry import audit_followed, audit_label, audited_models
from kalan.core.http import client_address
from kalan.core.models import AuditEntry, User

Action = AuditEntry.Action

# Never worth an entry: bookkeeping that changes on every save or login, the row's own keys
# (kept in object_id and object_uid), and keys derived from journaled fields (a person's folded
# sort keys, an alias's folded text).
NOISE_FIELDS: Final = frozenset(
    {"id", "uid", "created_at", "updated_at", "last_login", "sessions_key"}
    | {"sort_last", "sort_first", "folded"}
)
# Stored as "***": that it was set or changed shows, never the value (even hashed). The other
# names guard a secret that a later model might keep under them.
SECRET_FIELDS: Final = frozenset({"password", "secret", "token"})
HIDDEN: Final = "***"
MAX_VALUE_CHARS: Final = 500
KEPT_CHARS: Final = 120
SYSTEM: Final = "système"
ANONYMOUS: Final = "anonyme"
BULK_BATCH: Final = 1000
BULK_COLUMNS: Final = (
    "at",
    "actor",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_uid",
    "object_repr",
    "changes",
    "detail",
    "address",
)

Value: TypeAlias = str | int | float | bool | None
Changes: TypeAlias = dict[str, Any]


class _From(enum.Enum):
    CONTEXT = "context"


FROM_CONTEXT: Final = _From.CONTEXT
Contextual: TypeAlias = Literal[_From.CONTEXT]

# The request being served, for the actor and the address; None outside requests.
_request: ContextVar[HttpRequest | None] = ContextVar("kalan_audit_request", default=None)


@contextmanager
def audit_request(request: HttpRequest | None) -> Iterator[None]:
    """Attribute every entry written inside the block to this request's user and address."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    address: str | None


def _system_name() -> str:
    argv = sys.argv
    if len(argv) > 1 and Path(argv[0]).name in {"kalan", "manage.py", "django-admin"}:
        return f"{SYSTEM} ({argv[1]})"[:150]
    return SYSTEM


def audit_actor() -> Actor:
    """Who is acting now: the request's signed-in user, an anonymous visitor, or the system."""
    request = _request.get()
    if request is None:
        return Actor(user_id=None, name=_system_name(), address=None)
    user = getattr(request, "user", None)
    address = client_address(request)
    if user is not None and user.is_authenticated:
        return Actor(user_id=user.pk, name=user.get_username(), address=address)
    return Actor(user_id=None, name=ANONYMOUS, address=address)


# --- values -----------------------------------------------------------------------------------


def _text(value: str) -> str:
    if len(value) <= MAX_VALUE_CHARS:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return f"{value[:KEPT_CHARS]}… [sha256:{digest}, {len(value)}]"


def audit_value(field: models.Field[Any, Any], value: Any) -> Value:
    """A field's value as the journal keeps it: JSON-safe, comparable, never too long."""
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return _text(getattr(value, "name", value) or "") or None
    if isinstance(field, models.JSONField):
        return _text(json.dumps(value, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder))
    # A value set by hand may still be the text a form gave (« 12 » for an integer): read it
    # as the column would, so that it compares equal to the stored one.
    with contextlib.suppress(ValidationError):
        value = (field.target_field if field.is_relation else field).to_python(value)  # type: ignore[attr-defined]
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _text(str(value))


@dataclass(frozen=True)
class _Column:
    name: str
    attname: str
    field: models.Field[Any, Any]
    secret: bool
    # Plain text, or an integer (a number or a foreign key): a value already of that type needs
    # no conversion, which matters for the 20,000 rows of an import.
    text: bool
    number: bool


# Per process, and harmless so: each model's columns, read from its definition alike everywhere.
_COLUMNS: dict[type[models.Model], tuple[_Column, ...]] = {}


def _columns(model: type[models.Model]) -> tuple[_Column, ...]:
    """The concrete fields of a model that the journal records, worked out once per model."""
    columns = _COLUMNS.get(model)
    if columns is None:
        columns = tuple(
            _Column(
                name=field.name,
                attname=field.attname,
                field=field,
                secret=field.name in SECRET_FIELDS
                or field.name in getattr(model, "audit_secret_fields", ()),
                text=type(field) in TEXT_FIELDS,
                number=isinstance(getattr(field, "target_field", field), models.IntegerField),
            )
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in NOISE_FIELDS
        )
        _COLUMNS[model] = columns
    return columns


TEXT_FIELDS: Final = frozenset({models.CharField, models.TextField, models.EmailField})


def _current(column: _Column, instance: models.Model) -> Value:
    value = column.field.value_from_object(instance)
    if column.text and type(value) is str:  # most values: skip the general conversion
        return _text(value)
    return audit_value(column.field, value)


def audit_values(instance: models.Model) -> Changes:
    """A row's recorded values, ``{field: value}``, leaving out the empty ones (a create or a
    delete: an empty field says nothing, and 10,000 imported persons make it count)."""
    values: Changes = {}
    loaded = instance.__dict__
    for column in _columns(type(instance)):
        raw = (
            loaded[column.attname]
            if column.attname in loaded
            else column.field.value_from_object(instance)
        )
        if raw is None or raw == "":
            continue
        kind = type(raw)
        if kind is str and column.text:
            value: Value = _text(raw)
        elif kind is int and column.number:
            value = raw
        else:
            value = audit_value(column.field, raw)
            if value is None or value == "":
                continue
        values[column.name] = HIDDEN if column.secret else value
    return values


# --- what an entry names --------------------------------------------------------------------


def audit_object_repr(instance: models.Model) -> str:
    """What the entry calls the record: the model's ``audit_label()`` (see
    ``kalan.core.audit_registry``), which names it from what is already loaded, with no query;
    else its ``str()``."""
    return audit_label(instance)[:200]


# --- writing ----------------------------------------------------------------------------------


def _entry(
    *,
    action: str,
    actor: Actor,
    obj: models.Model | None = None,
    object_type: str = "",
    changes: Changes | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_name=actor.name[:150],
        action=action,
        object_type=object_type,
        changes=changes or {},
        detail=detail or {},
        address=actor.address,
    )
    if obj is not None:
        entry.object_type = object_type or obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_uid = getattr(obj, "uid", None)
        entry.object_repr = audit_object_repr(obj)
    return entry


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    changes: Changes | None = None,
    detail: dict[str, Any] | None = None,
    actor: User | Contextual | None = FROM_CONTEXT,
    actor_name: str | None = None,
    address: str | Contextual | None = FROM_CONTEXT,
) -> AuditEntry:
    """Write one entry. Who and from where default to the current request (or the system).

    ``obj`` names the record (type, pk, uid, text); ``object_type`` alone names a kind of
    record (a model's label for an export of a whole list). ``detail`` says what the changes
    cannot: which list an export held, which persons a merge joined. Never the content of an
    export, never a password.
    """
    current = audit_actor()
    user_id, name = current.user_id, current.name
    if actor is not FROM_CONTEXT:
        user_id = actor.pk if actor is not None else None
        name = actor.get_username() if actor is not None else SYSTEM
    entry = _entry(
        action=action,
        actor=Actor(
            user_id=user_id,
            name=actor_name if actor_name is not None else name,
            address=current.address if address is FROM_CONTEXT else address,
        ),
        obj=obj,
        object_type=object_type,
        changes=changes,
        detail=detail,
    )
    entry.save()
    return entry


def audit_bulk_created(objs: Iterable[models.Model]) -> int:
    """One create entry per row that ``bulk_create`` wrote (it sends no signal); returns how
    many. The rows must have their pk (bulk_create sets it on SQLite and PostgreSQL).

    An import writes 20,000 of these at once (bench/participants_import.py): they go in with
    ``executemany`` rather than through model instances and ``bulk_create``, which cost several
    times more for the same rows.
    """
    actor = audit_actor()
    connection = connections[router.db_for_write(AuditEntry)]
    meta = AuditEntry._meta

    def prep(name: str, value: Any) -> Any:
        return meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]

    at = prep("at", timezone.now())
    address = prep("address", actor.address)
    detail = prep("detail", {})
    uid_field = meta.get_field("object_uid")
    changes_field = meta.get_field("changes")
    rows = [
        (
            at,
            actor.user_id,
            actor.name[:150],
            Action.CREATE.value,
            obj._meta.label_lower,
            str(obj.pk),
            uid_field.get_db_prep_save(getattr(obj, "uid", None), connection),
            audit_object_repr(obj),
            changes_field.get_db_prep_save(audit_values(obj), connection),
            detail,
            address,
        )
        for obj in objs
        if audit_followed(type(obj))
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(meta.get_field(name).column)) for name in BULK_COLUMNS)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(BULK_COLUMNS))
    # Names from the model's own metadata, values as parameters: nothing from outside.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_BATCH):
            cursor.executemany(sql, rows[start : start + BULK_BATCH])
    return len(rows)


def audit_export(
    *,
    what: str,
    fmt: str,
    obj: models.Model | None = None,
    object_type: str = "",
    rows: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """Record that a list left Kalan: which one (``what``: persons, roster, results,
    payment_statement, audit…), of which record, in which format, how many rows when known.
    Never the content."""
    known = {key: value for key, value in detail.items() if value not in (None, "", {})}
    return audit_record(
        action=Action.EXPORT,
        obj=obj,
        object_type=object_type,
        detail={
            "list": what,
            "format": fmt,
            **({"rows": rows} if rows is not None else {}),
            **known,
        },
    )


class CountedRows:
    """Rows passed through unchanged, counted: an export's row count is known once written."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.count += 1
            yield row


# --- signal handlers --------------------------------------------------------------------------

# Where pre_save leaves the stored values for post_save, on the instance itself.
_BEFORE: Final = "_kalan_audit_before"
_M2M_BEFORE: Final = "_kalan_audit_m2m_"
_SKIP: Final = object()


def _pre_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    using: str | None = None,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw or instance.pk is None:
        # A new row, or one loaded from a fixture: nothing stored to compare with.
        instance.__dict__.pop(_BEFORE, None)
        return
    columns = _columns(sender)
    if update_fields is not None:
        columns = tuple(c for c in columns if c.name in update_fields or c.attname in update_fields)
        if not columns:
            # Only bookkeeping is saved (a login's last_login): no entry, and no query for it.
            instance.__dict__[_BEFORE] = _SKIP
            return
    stored = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*(column.attname for column in columns))
        .first()
    )
    instance.__dict__[_BEFORE] = (columns, stored)


def _post_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or before is _SKIP:
        return
    if created or before is None or before[1] is None:
        audit_record(action=Action.CREATE, obj=instance, changes=audit_values(instance))
        return
    columns, stored = before
    changes: Changes = {}
    for column in columns:
        old = audit_value(column.field, stored[column.attname])
        new = _current(column, instance)
        if old != new:
            changes[column.name] = [HIDDEN, HIDDEN] if column.secret else [old, new]
    if changes:
        audit_record(action=Action.UPDATE, obj=instance, changes=changes)


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    audit_record(action=Action.DELETE, obj=instance, changes=audit_values(instance))


_M2M_FIELDS: dict[type[models.Model], models.ManyToManyField[Any, Any]] = {}


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A many-to-many link changed (trainers assigned to a session): an update of the side the
    change was made from, ``{relation: [pks before, pks after]}``."""
    field = _M2M_FIELDS[sender]
    name = field.remote_field.get_accessor_name() if reverse else field.name
    if name is None or not audit_followed(type(instance)):
        return
    key = _M2M_BEFORE + sender._meta.label_lower
    if action.startswith("pre_"):
        manager = getattr(instance, name)
        instance.__dict__[key] = {str(pk) for pk in manager.values_list("pk", flat=True)}
        return
    before = instance.__dict__.pop(key, None)
    if before is None:
        return
    given = {str(pk) for pk in pk_set or ()}
    after = (
        before | given
        if action == "post_add"
        else set()
        if action == "post_clear"
        else before - given
    )
    if after != before:
        audit_record(
            action=Action.UPDATE,
            obj=instance,
            changes={name: [_pk_list(before), _pk_list(after)]},
        )


def _pk_list(pks: set[str]) -> list[str]:
    return sorted(pks, key=lambda pk: (len(pk), pk))


def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(
        action=Action.LOGIN,
        actor=user,
        address=client_address(request) if request is not None else None,
    )


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The name that was tried, and nothing else of the credentials (Django has already masked
    # the password in them, but the journal does not even keep the mask).
    tried = str(credentials.get("username") or "")[:150]
    audit_record(
        action=Action.LOGIN_FAILED,
        actor=None,
        actor_name=tried,
        address=client_address(request) if request is not None else None,
    )


def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # a visitor who was not signed in pressed « Se déconnecter »
        return
    audit_record(
        action=Action.LOGOUT,
        actor=user,
        address=client_address(request) if request is not None else None,
    )


def audit_connect() -> None:
    """Hook the journal to every audited model and to the login signals (once per process).

    Receivers are connected per model (``sender=``) so that historical models in migrations,
    and the models left out, pay nothing: with no receiver, Django still fast-deletes them.
    """
    for model in audited_models():
        uid = f"kalan-audit-{model._meta.label_lower}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if isinstance(through, type) and through._meta.auto_created:
                _M2M_FIELDS[through] = field
                m2m_changed.connect(
                    _m2m_changed, sender=through, dispatch_uid=f"{uid}-{field.name}"
                )
    user_logged_in.connect(_logged_in, dispatch_uid="kalan-audit-login")
    user_login_failed.connect(_login_failed, dispatch_uid="kalan-audit-login-failed")
    user_logged_out.connect(_logged_out, dispatch_uid="kalan-audit-logout")


def audit_connected_models() -> Sequence[str]:
    """The labels of the models the journal follows (for the journal's filter and the tests)."""
    return sorted(model._meta.label_lower for model in audited_models())
