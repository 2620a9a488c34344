from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.core.errors import KalanError
from kalan.demo.programme import DemoResult, demo_load


class Command(BaseCommand):
    help = (
        "Charger le programme de démonstration (atelier de Sévaré, 2022).\n"
        "La CNDH du Mali, l’atelier OPJ de Sévaré et de Ségou (novembre 2022), 80 participants, "
        "leurs présences et deux comptes de démonstration. Relancer ne crée rien de plus. "
        "/ Load the demo programme; running it again creates nothing more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="dire ce qui serait créé, sans rien enregistrer / say what would be created",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load(dry_run=options["dry_run"])
        except KalanError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._report(result)

    def _report(self, result: DemoResult) -> None:
        if result.dry_run:
            self.stdout.write(
                "Simulation (--dry-run) : voici ce qui serait créé ; rien n’est enregistré. "
                "/ Dry run: what would be created; nothing is saved."
            )
        elif result.created_anything:
            self.stdout.write("Programme de démonstration chargé. / Demo programme loaded.")
        else:
            self.stdout.write(
                "Programme de démonstration déjà présent : rien de nouveau. "
                "/ Demo programme already loaded: nothing new."
            )
        for name, value in result.created.items():
            self.stdout.write(f"{name}: {value}")
        self.stdout.write("")
        # Where `make run` serves (it sets KALAN_PUBLIC_URL from HOST and PORT).
        url = settings.KALAN_PUBLIC_URL.rstrip("/") + "/"
        self.stdout.write(f"Adresse : {url}  (après « kalan serve » / after `kalan serve`)")
        for state in result.accounts:
            account = state.account
            if state.password_is_demo:
                self.stdout.write(
                    f"Compte de démonstration : {account.username} / {account.password}  "
                    f"— {account.role_fr} (demo account: {account.role_en})"
                )
            else:
                self.stdout.write(
                    f"Compte de démonstration : {account.username} — mot de passe changé depuis, "
                    f"non affiché (password changed since, not shown)"
                )
        self.stdout.write(
            self.style.WARNING(
                "Ces mots de passe sont publics : changez-les avant tout usage réel. "
                "/ These passwords are public: change them before any real use."
            )
        )
