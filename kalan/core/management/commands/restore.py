from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.core.backup import BackupError, backup_passphrase, backup_restore


class Command(BaseCommand):
    help = (
        "Restaurer une sauvegarde dans un dossier de données vide, puis la vérifier. "
        "/ Restore a backup into an empty data folder and check it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--data-dir",
            required=True,
            metavar="DOSSIER",
            help="dossier de données à créer (vide ou inexistant)",
        )
        parser.add_argument(
            "--passphrase-file",
            metavar="FICHIER",
            help="fichier contenant la phrase secrète (jamais en argument)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = backup_passphrase(passphrase_file=options["passphrase_file"])
            result = backup_restore(
                source=Path(options["file"]).expanduser(),
                data_dir=Path(options["data_dir"]).expanduser().resolve(),
                passphrase=passphrase,
                database=settings.DATABASES["default"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"engine: {result.engine}")
        self.stdout.write(f"tables: {result.tables}")
        self.stdout.write(f"rows: {result.rows}")
        self.stdout.write(f"files: {result.files}")
        self.stdout.write("check: ok")
