from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.assessments.bank import BANK_FILE, bank_load
from kalan.core.errors import KalanError


class Command(BaseCommand):
    help = (
        "Banque de questions : « kalan bank load » charge ou met à jour le curriculum.\n"
        "Charge le curriculum, les règles légales et les questions du fichier livré (ou de "
        "--path) : crée ce qui manque, met à jour ce qui a changé ; les tests déjà construits ne "
        "changent pas. / Question bank: `kalan bank load` creates or updates the curriculum "
        "and questions from the shipped file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load", help="charger ou mettre à jour la banque / load or update the bank"
        )
        load.add_argument(
            "--dry-run",
            action="store_true",
            help="dire ce qui changerait, sans rien enregistrer / say what would change",
        )
        load.add_argument(
            "--only-new",
            action="store_true",
            help=(
                "créer seulement ce qui manque, garder les questions modifiées depuis / create "
                "only what is missing, keep questions edited since"
            ),
        )
        load.add_argument(
            "--path",
            type=Path,
            default=BANK_FILE,
            help="fichier JSON de la banque / bank JSON file (default: the shipped one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = bank_load(
                path=options["path"], dry_run=options["dry_run"], only_new=options["only_new"]
            )
        except KalanError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["dry_run"]:
            self.stdout.write(
                "Simulation (--dry-run) : voici ce qui changerait ; rien n’est enregistré. "
                "/ Dry run: what would change; nothing is saved."
            )
        else:
            self.stdout.write("Banque de questions chargée. / Question bank loaded.")
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")
