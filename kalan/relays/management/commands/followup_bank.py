"""``kalan followup_bank load [--dry-run]``: load the follow-up questions' file into the bank."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kalan.relays.bank import BANK_FILE, followup_bank_load
from kalan.relays.errors import RelayError


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Charge la banque de questions de suivi (data/followup_ml.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--dry-run", action="store_true", help="ne rien enregistrer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                done = followup_bank_load()
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            prefix = "[dry-run] "
        except RelayError as error:
            raise CommandError(str(error)) from error
        else:
            prefix = ""
        self.stdout.write(
            f"{prefix}{BANK_FILE.name}: {done.created} created, {done.updated} updated, "
            f"{done.unchanged} unchanged"
        )
