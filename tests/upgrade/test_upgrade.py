"""A database made by Kalan at commit e990814 upgrades to today's layout with every row intact.

The test database is taken back to the migrations of that commit (``legacy-e990814.json``),
emptied, and filled with every row of ``data/kalan-e990814.sqlite3`` (built by
``build_legacy_db.py``; values converted by the field types of that commit's historical models).
Then ``migrate`` runs as ``kalan migrate`` would, and every row must still be there, equal
column by column, and the pages must open. Moved models keep their ``db_table``: tables are
named as they were.

A migration that changes existing values on purpose declares them in ``CHANGED``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeAlias

import pytest
from django.apps.registry import Apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

COMMIT = "e990814"
DATA = Path(__file__).resolve().parent / "data"
MANIFEST = json.loads((DATA / f"legacy-{COMMIT}.json").read_text())
# Not rows of the application: the test database keeps its own migration history.
SKIPPED = {"django_migrations", "sqlite_sequence"}
# Columns a migration since that commit changes on purpose. A moved model's content type
# follows it to its new app.
CHANGED: dict[str, set[str]] = {
    "django_content_type": {"app_label"},
    # people.0008 slips ranks a corps lacked in among its ranks: those above move up one place.
    "people_rank": {"order"},
}
# Columns a migration since that commit removes on purpose; ``check_signatories`` looks at
# what took their place.
REMOVED: dict[str, set[str]] = {"core_signatory": {"signs_statements"}}
# Rows post_migrate may add (content types and permissions of new models): more, never fewer.
# So may the reference data of people.0008: the gazetteer, the corps and ranks Kalan ships.
GROWS = {"django_content_type", "auth_permission", "people_place", "people_corps", "people_rank"}
PAGE_STATUSES = {200, 302, 403}

Model: TypeAlias = type[models.Model]
Leaf: TypeAlias = tuple[str, str]
Node: TypeAlias = tuple[str, str | None]  # (app, None): none of that app's migrations
Row: TypeAlias = tuple[Any, ...]


# --- the legacy file ------------------------------------------------------------------------


@pytest.fixture
def legacy() -> Iterator[sqlite3.Connection]:
    """The legacy file, read-only and immutable: nothing is ever written next to it."""
    path = DATA / f"kalan-{COMMIT}.sqlite3"
    source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        yield source
    finally:
        source.close()


def legacy_tables(legacy: sqlite3.Connection) -> list[str]:
    rows = legacy.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows if name not in SKIPPED]


def legacy_leaves() -> list[Leaf]:
    return [(app, name) for app, name in MANIFEST["leaf_nodes"]]


# --- migrations ---------------------------------------------------------------------------


def migrate_back() -> Apps:
    """Unapply what came after the legacy commit; its historical models."""
    executor = MigrationExecutor(connection)
    leaves = legacy_leaves()
    known = {app for app, _name in leaves}
    newer_apps = {app for app, _name in executor.loader.graph.leaf_nodes()} - known
    targets: list[Node] = [*leaves, *((app, None) for app in sorted(newer_apps))]
    executor.migrate(targets)
    return executor.loader.project_state(leaves).apps


def migrate_forward() -> None:
    """As ``kalan migrate`` does: every migration, then post_migrate (content types…)."""
    call_command("migrate", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


def unapplied() -> list[Leaf]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


@pytest.fixture
def upgrade_db(transactional_db: None) -> Iterator[None]:
    """Whatever happens in the test, the database ends at the latest migration (the flush of
    transactional_db then empties it for the tests that follow)."""
    try:
        yield
    finally:
        if unapplied():
            migrate_forward()
        ContentType.objects.clear_cache()


# --- copying the rows ---------------------------------------------------------------------


def models_by_table(apps: Apps) -> dict[str, Model]:
    every = apps.get_models(include_auto_created=True)
    return {m._meta.db_table: m for m in every if m._meta.managed and not m._meta.proxy}


def columns_of(model: Model) -> dict[str, models.Field[Any, Any]]:
    return {field.column: field for field in model._meta.concrete_fields}


def quoted(name: str) -> str:
    """A table or column name of the schema, quoted (both engines quote with ")."""
    return connection.ops.quote_name(name)


def empty_database() -> None:
    tables = [t for t in connection.introspection.table_names() if t not in SKIPPED]
    flush = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    connection.ops.execute_sql_flush(flush)


def to_database(field: models.Field[Any, Any], raw: Any) -> Any:
    """A value as SQLite holds it (0/1, text dates, hex uuids, JSON text) for this database."""
    if raw is None or isinstance(field, models.JSONField):
        return raw  # JSON text as is: PostgreSQL casts the untyped literal to jsonb
    value = field.to_python(raw)
    if isinstance(field, models.DateTimeField) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # Django keeps UTC in SQLite
    return field.get_db_prep_value(value, connection, prepared=False)


def copy_table(legacy: sqlite3.Connection, table: str, model: Model) -> None:
    cursor = legacy.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the file
    names = [column for column, *_rest in cursor.description]
    fields = columns_of(model)
    unknown = set(names) - set(fields)
    assert not unknown, f"{table}: columns {unknown} unknown to the legacy models"
    rows = [[to_database(fields[n], v) for n, v in zip(names, row, strict=True)] for row in cursor]
    into = f"{quoted(table)} ({', '.join(map(quoted, names))})"
    sql = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    with connection.cursor() as target:
        target.executemany(sql, rows)


def copy_legacy(legacy: sqlite3.Connection, by_table: dict[str, Model]) -> None:
    """Every row, in one transaction: foreign keys are checked at its end (Django creates them
    DEFERRABLE INITIALLY DEFERRED on both engines), so the order of the tables is free."""
    unknown = set(legacy_tables(legacy)) - set(by_table)
    assert not unknown, f"tables of the legacy file without a legacy model: {unknown}"
    with transaction.atomic():
        for table in legacy_tables(legacy):
            copy_table(legacy, table, by_table[table])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
            cursor.execute(sql)
    ContentType.objects.clear_cache()


# --- comparing ----------------------------------------------------------------------------


def instant(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def normaliser(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """Reads a value from either engine (raw cursor) or the file as one comparable value."""
    kinds: list[tuple[type[models.Field[Any, Any]], Callable[[Any], Any]]] = [
        (models.JSONField, lambda v: json.loads(v) if isinstance(v, str) else v),
        (models.BooleanField, bool),
        (models.DateTimeField, instant),
        (models.DateField, lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v),
        (models.UUIDField, lambda v: v if isinstance(v, uuid.UUID) else uuid.UUID(v)),
        (models.DecimalField, lambda v: decimal.Decimal(str(v))),
        (models.FloatField, float),
        (models.GenericIPAddressField, str),
    ]
    for kind, function in kinds:
        if isinstance(field, kind):
            return lambda v: None if v is None else function(v)
    return lambda v: v


def rows_by_key(
    rows: list[Row], names: list[str], model: Model, columns: list[str]
) -> dict[Any, dict[str, Any]]:
    fields = columns_of(model)
    read = {n: normaliser(fields[n]) for n in names}
    key = names.index(model._meta.pk.column)
    return {
        row[key]: {n: read[n](v) for n, v in zip(names, row, strict=True) if n in columns}
        for row in rows
    }


def difference(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {name: (value, new.get(name)) for name, value in old.items() if new.get(name) != value}


def compare_table(legacy: sqlite3.Connection, table: str, model: Model) -> list[str]:
    """What differs between the file's rows and the database's, for this table."""
    names = [n for n in columns_of(model) if n not in REMOVED.get(table, set())]
    select = f"SELECT {', '.join(map(quoted, names))} FROM {quoted(table)}"  # noqa: S608
    before = legacy.execute(select).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(select)
        after = cursor.fetchall()
    columns = [n for n in names if n not in CHANGED.get(table, set())]
    old = rows_by_key(before, names, model, columns)
    new = rows_by_key(after, names, model, columns)
    problems = [f"{table}: {len(before)} rows before, {len(after)} after"]
    if len(after) == len(before) or (table in GROWS and len(after) > len(before)):
        problems = []
    lost = [k for k in old if k not in new]
    changed = [k for k in old if k in new and old[k] != new[k]]
    problems += [f"{table}: row {k} lost" for k in lost[:5]]
    problems += [f"{table}: row {k}: {difference(old[k], new[k])}" for k in changed[:5]]
    return problems


def query(sql: str) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


# --- files and pages ----------------------------------------------------------------------


@pytest.fixture
def legacy_files(settings: Settings, tmp_path: Path) -> Path:
    """The data folder's files (statement PDFs, photos, logo, an upload in preview) in place."""
    folder = tmp_path / "data"
    shutil.copytree(DATA / f"files-{COMMIT}", folder)
    settings.DATA_DIR = folder
    settings.MEDIA_ROOT = folder / "media"
    return folder


def body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response.close()
        return content
    return response.content  # type: ignore[attr-defined]


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def session_pages() -> list[tuple[str, dict[str, Any]]]:
    pages: list[tuple[str, dict[str, Any]]] = []
    for (uid,) in query("SELECT uid FROM workshops_session ORDER BY id"):
        kwargs = {"uid": as_uuid(uid)}
        names = ["session_detail", "session_tests", "session_certificates"]
        names += ["session_statements", "session_photos"]
        pages += [(name, kwargs) for name in names]
        pages += [("session_press", {**kwargs, "language": lang}) for lang in ("fr", "en")]
    return pages


def workshop_pages() -> list[tuple[str, dict[str, Any]]]:
    pages: list[tuple[str, dict[str, Any]]] = []
    for (pk,) in query("SELECT id FROM workshops_workshop ORDER BY id"):
        names = ["workshop_detail", "activity_report", "workshop_targets"]
        pages += [(name, {"pk": pk}) for name in names]
        pages += [("workshop_press", {"pk": pk, "language": lang}) for lang in ("fr", "en")]
    return pages


def record_pages() -> list[tuple[str, dict[str, Any]]]:
    persons = query("SELECT uid FROM people_person WHERE merged_into_id IS NULL ORDER BY id")
    tests = query("SELECT uid FROM assessments_test ORDER BY id")
    batches = query("SELECT uid FROM people_importbatch ORDER BY id")
    pages = [("person_detail", {"uid": as_uuid(uid)}) for (uid,) in persons]
    pages += [
        (n, {"uid": as_uuid(uid)}) for (uid,) in tests for n in ("test_detail", "test_results")
    ]
    pages += [("import_preview", {"uid": as_uuid(uid)}) for (uid,) in batches]
    return pages


def admin_pages() -> list[tuple[str, dict[str, Any]]]:
    lists = ["home", "person_list", "duplicate_list", "workshop_list", "plan_list", "bank_list"]
    lists += ["audit_list", "dashboard", "donor_reports", "funded_overview", "user_list"]
    lists += ["organisation_settings"]
    pages: list[tuple[str, dict[str, Any]]] = [(name, {}) for name in lists]
    return pages + session_pages() + workshop_pages() + record_pages()


def visit(client: Client, pages: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
    """Each page's status, by ``name url``."""
    statuses = {}
    for name, kwargs in pages:
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        body(response)
        statuses[f"{name} {url}"] = response.status_code
    return statuses


def check_pages() -> None:
    """No page fails; the administrator sees every one but the partners' page (and a committed
    import's preview, which sends to its session); a partner sees its page."""
    seen = visit(client_of("admin"), admin_pages())
    assert {page: s for page, s in seen.items() if s not in PAGE_STATUSES} == {}
    not_shown = {page.split()[0] for page, status in seen.items() if status != 200}
    assert not_shown <= {"funded_overview", "import_preview"}, not_shown
    donor = ["home", "funded_overview", "donor_reports", "dashboard"]
    seen = visit(client_of("partenaire"), [(name, {}) for name in donor])
    assert set(seen.values()) <= PAGE_STATUSES, seen
    assert seen[f"funded_overview {reverse('funded_overview')}"] == 200


# --- the test -----------------------------------------------------------------------------


def upgrade(legacy: sqlite3.Connection) -> dict[str, Model]:
    """The legacy rows in a database at the legacy migrations, then ``migrate``."""
    by_table = models_by_table(migrate_back())
    empty_database()
    copy_legacy(legacy, by_table)
    migrate_forward()
    assert unapplied() == []
    return by_table


def check_signatories(legacy: sqlite3.Connection) -> None:
    """Who signed statements still does, in the box their order gives (core migration 0006)."""
    signed = 'SELECT name FROM core_signatory WHERE signs_statements ORDER BY "order", name'
    boxes = ["prepared", "checked", "approved"]
    expected = {(name, box) for (name,), box in zip(legacy.execute(signed), boxes, strict=False)}
    assert expected
    assert expected <= set(query("SELECT name, statement_role FROM core_signatory"))


def check_documents(legacy: sqlite3.Connection) -> None:
    """Certificate numbers and codes, statements and merges as issued and recorded."""
    certificates = "SELECT number, short_code, revoked_at IS NOT NULL FROM documents_certificate"
    assert set(query(certificates)) == set(legacy.execute(certificates).fetchall())
    assert ("CNDH-2022-0001", True) in {(n, bool(r)) for n, _code, r in query(certificates)}
    statements = "SELECT number, total, fingerprint, pdf FROM documents_paymentstatement"
    assert set(query(statements)) == set(legacy.execute(statements).fetchall())
    merges = "SELECT id, kept_id, merged_id, undone_at IS NULL FROM people_personmerge"
    assert {(i, k, m, bool(u)) for i, k, m, u in query(merges)} == {
        (i, k, m, bool(u)) for i, k, m, u in legacy.execute(merges)
    }
    merged = "SELECT id, merged_into_id FROM people_person WHERE merged_into_id IS NOT NULL"
    assert set(query(merged)) == set(legacy.execute(merged).fetchall()) != set()


def check_files(legacy: sqlite3.Connection) -> None:
    """Each statement's PDF and each photo served byte for byte as issued."""
    admin = client_of("admin")
    expected = MANIFEST["files_sha256"]
    for uid, pdf in legacy.execute("SELECT uid, pdf FROM documents_paymentstatement"):
        response = admin.get(reverse("statement_pdf", kwargs={"uid": as_uuid(uid)}))
        assert response.status_code == 200
        assert hashlib.sha256(body(response)).hexdigest() == expected[f"media/{pdf}"]
    for uid, image in legacy.execute("SELECT uid, image FROM reports_photo"):
        url = reverse("photo_image", kwargs={"uid": as_uuid(uid), "variant": "image"})
        response = admin.get(url)
        assert response.status_code == 200
        assert hashlib.sha256(body(response)).hexdigest() == expected[f"media/{image}"]


def check_public_verification(legacy: sqlite3.Connection) -> None:
    """Each certificate's public page says what it said: valid, or revoked. Each from its own
    address (the page counts look-ups per address)."""
    rows = legacy.execute("SELECT short_code, revoked_at IS NULL FROM documents_certificate")
    states = {code: "valid" if valid else "revoked" for code, valid in rows}
    assert "revoked" in states.values()
    for n, (code, state) in enumerate(sorted(states.items())):
        client = Client(REMOTE_ADDR=f"10.0.{n // 200}.{n % 200 + 1}")
        response = client.get(reverse("certificate_verify", kwargs={"code": code}))
        assert (response.status_code, response.context["state"]) == (200, state), code


@pytest.mark.django_db(transaction=True)
def test_legacy_database_upgrades_with_every_row(
    upgrade_db: None, legacy: sqlite3.Connection, legacy_files: Path
) -> None:
    by_table = upgrade(legacy)

    problems = []
    for table in legacy_tables(legacy):
        problems += compare_table(legacy, table, by_table[table])
    assert problems == []
    check_documents(legacy)
    check_signatories(legacy)
    check_files(legacy)
    check_pages()
    check_public_verification(legacy)
