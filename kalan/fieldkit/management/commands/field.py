from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.core.backup import BackupError, backup_passphrase
from kalan.fieldkit.kit import FieldKitError, default_kit_name, kit_create, kit_open
from kalan.workshops.models import Session


class Command(BaseCommand):
    help = (
        "Kits de terrain : emporter des sessions sur un portable de site et les ouvrir.\n"
        "  kalan field kit --session ID… [--account NOM…] [--to FICHIER]   (au siège)\n"
        "  kalan field open KIT                                            (sur le portable)\n"
        "La phrase secrète vient de KALAN_BACKUP_PASSPHRASE ou de --passphrase-file. "
        "/ Field kits: take sessions to a venue laptop and open them there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        kit = actions.add_parser("kit", help="émettre un kit (au siège)")
        kit.add_argument(
            "--session",
            action="append",
            required=True,
            metavar="ID",
            help="identifiant global (uid) de la session, répétable",
        )
        kit.add_argument(
            "--account",
            action="append",
            default=[],
            metavar="NOM",
            help="compte emporté en plus des formateurs des sessions, répétable",
        )
        kit.add_argument(
            "--to", metavar="FICHIER", help="fichier à écrire (défaut : DATA_DIR/kits/)"
        )
        opened = actions.add_parser("open", help="ouvrir un kit sur un portable neuf")
        opened.add_argument("kit", metavar="KIT", help="le fichier .kkit")
        for sub in (kit, opened):
            sub.add_argument(
                "--passphrase-file",
                metavar="FICHIER",
                help="fichier contenant la phrase secrète (jamais en argument)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = backup_passphrase(passphrase_file=options["passphrase_file"])
            if options["action"] == "kit":
                self._kit(passphrase, options)
            else:
                self._open(passphrase, options)
        except (BackupError, FieldKitError) as error:
            raise CommandError(str(error)) from None

    def _kit(self, passphrase: str, options: dict[str, Any]) -> None:
        wanted = options["session"]
        sessions = list(Session.objects.filter(uid__in=_uuids(wanted)).select_related("place"))
        if len(sessions) != len(set(wanted)):
            found = {str(s.uid) for s in sessions}
            missing = [uid for uid in wanted if uid not in found]
            raise CommandError(f"Session inconnue / unknown session: {', '.join(missing)}")
        destination = (
            Path(options["to"]).expanduser().resolve()
            if options["to"]
            else Path(settings.DATA_DIR) / "kits" / default_kit_name(sessions)
        )
        result = kit_create(
            sessions=sessions,
            by=None,
            passphrase=passphrase,
            destination=destination,
            accounts=options["account"],
        )
        self.stdout.write(f"kit: {result.path}")
        self.stdout.write(f"id: {result.kit.uid}")
        self.stdout.write(f"persons: {result.persons}")
        self.stdout.write(f"rows: {result.rows}")
        self.stdout.write(f"files: {result.files}")
        self.stdout.write(f"bytes: {result.size}")

    def _open(self, passphrase: str, options: dict[str, Any]) -> None:
        # A fresh laptop: the database is made first, as `kalan migrate` would.
        call_command("migrate", interactive=False, verbosity=0)
        result = kit_open(source=Path(options["kit"]).expanduser(), passphrase=passphrase)
        self.stdout.write(f"kit: {result.label}")
        for session in result.sessions:
            self.stdout.write(f"session: {session}")
        self.stdout.write(f"persons: {result.persons}")
        self.stdout.write(f"rows: {result.rows}")
        self.stdout.write(f"accounts: {', '.join(result.accounts) or '-'}")
        for block in result.blocks:
            self.stdout.write(f"numbers: {block}")


def _uuids(values: list[str]) -> list[str]:
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            raise CommandError(
                f"Identifiant de session invalide / invalid session id: {value}"
            ) from None
    return valid
