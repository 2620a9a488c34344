"""Operations the migrations of several apps share.

``content_types_move`` goes with a model moved from one app to another without touching its
table (issue 10): its content type row, and everything that points at it, follows the model.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

Move = tuple[str, str, str]  # (old app label, model name in lower case, new app label)


def _move(apps: Any, moves: tuple[Move, ...], *, backwards: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for old_app, model, new_app in moves:
        source, target = (new_app, old_app) if backwards else (old_app, new_app)
        # On a database that never had the row (a new one), or already has it under the new
        # label, there is nothing to move.
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_move(*moves: Move) -> migrations.RunPython:
    """Relabel the content types of moved models; undone by relabelling them back."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _move(apps, moves, backwards=False)

    def backwards(apps: Any, schema_editor: Any) -> None:
        _move(apps, moves, backwards=True)

    return migrations.RunPython(forwards, backwards)
