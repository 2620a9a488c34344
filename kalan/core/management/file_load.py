"""The shape of ``kalan <data> load [--dry-run]``: a command that loads a file shipped with an
app (the follow-up question bank, the custody visit instrument) into its table, idempotent by
key, and says how many rows it created, updated and left unchanged. ``--dry-run`` runs the whole
load in a transaction and rolls it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kalan.core.errors import KalanError


class _DryRun(Exception):
    pass


class FileLoadCommand(BaseCommand):
    """Subclasses set ``help``, ``file`` and ``load``: a function of no argument returning
    counts ``created``, ``updated`` and ``unchanged``, and raising a KalanError on a bad file."""

    file: ClassVar[Path]
    load: ClassVar[Callable[..., Any]]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--dry-run", action="store_true", help="ne rien enregistrer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                done = type(self).load()
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            prefix = "[dry-run] "
        except KalanError as error:
            raise CommandError(str(error)) from error
        else:
            prefix = ""
        self.stdout.write(
            f"{prefix}{self.file.name}: {done.created} created, {done.updated} updated, "
            f"{done.unchanged} unchanged"
        )
