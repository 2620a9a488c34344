"""The audit trail is append-only in the database too: an UPDATE of a line is refused.

DELETE is left to the database owner (a test database is emptied between tests, and an
institution may have to purge old lines by law); Kalan itself never deletes a line.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """,
]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit entries are append-only'; END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()
    """,
]
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS core_auditentry_append_only"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
        "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
    ],
}


def create(apps: Any, schema_editor: Any) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    for statement in statements or []:
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def administrators(apps: Any, schema_editor: Any) -> None:
    """Accounts made before roles: a superuser becomes an administrator; others get no role."""
    apps.get_model("core", "User").objects.filter(is_superuser=True).update(role="administrator")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_roles_and_audit")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(administrators, migrations.RunPython.noop),
    ]
