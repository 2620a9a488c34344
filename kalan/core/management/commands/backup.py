from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.core.backup import (
    BackupError,
    backup_create,
    backup_passphrase,
    backup_prune,
    default_backup_path,
)
from kalan.core.datadir import IMPORTS_FOLDER


class Command(BaseCommand):
    help = (
        "Sauvegarder la base et les fichiers déposés, chiffrés (--keep N pour élaguer).\n"
        "La phrase secrète vient de KALAN_BACKUP_PASSPHRASE ou de --passphrase-file. "
        "/ Encrypted backup of the database and uploaded files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", metavar="FICHIER", help="fichier à écrire (défaut : DATA_DIR/backups/)"
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="ne garder que les N sauvegardes kalan-*.kbak les plus récentes du dossier",
        )
        parser.add_argument(
            "--passphrase-file",
            metavar="FICHIER",
            help="fichier contenant la phrase secrète (jamais en argument)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destination = (
            Path(options["to"]).expanduser().resolve()
            if options["to"]
            else default_backup_path(Path(settings.DATA_DIR))
        )
        try:
            passphrase = backup_passphrase(passphrase_file=options["passphrase_file"])
            result = backup_create(
                database=settings.DATABASES["default"],
                media_root=Path(settings.MEDIA_ROOT),
                imports_root=Path(settings.DATA_DIR) / IMPORTS_FOLDER,
                destination=destination,
                passphrase=passphrase,
            )
            removed = (
                backup_prune(folder=destination.parent, keep=options["keep"])
                if options["keep"] is not None
                else []
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup: {result.path}")
        self.stdout.write(f"engine: {result.engine}")
        self.stdout.write(f"tables: {result.tables}")
        self.stdout.write(f"rows: {result.rows}")
        self.stdout.write(f"files: {result.files}")
        self.stdout.write(f"bytes: {result.size}")
        self.stdout.write(f"pruned: {len(removed)}")
