from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kalan.core.backup import BackupError, backup_passphrase
from kalan.fieldkit.bundle import bundle_create, bundle_import, default_bundle_name
from kalan.fieldkit.kit import FieldKitError, default_kit_name, kit_create, kit_open
from kalan.fieldkit.models import FieldSite
from kalan.workshops.models import Session


class Command(BaseCommand):
    help = (
        "Kits de terrain : emporter des sessions sur un portable de site et les ouvrir.\n"
        "  kalan field kit --session ID… [--account NOM…] [--to FICHIER]   (au siège)\n"
        "  kalan field open KIT                                            (sur le portable)\n"
        "  kalan field bundle [--to FICHIER]          (sur le portable, en fin de session)\n"
        "  kalan field return RETOUR [--decision CLÉ=CHOIX…]                   (au siège)\n"
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
        bundle = actions.add_parser("bundle", help="écrire le retour du portable")
        bundle.add_argument(
            "--to", metavar="FICHIER", help="fichier à écrire (défaut : DATA_DIR/retours/)"
        )
        back = actions.add_parser("return", help="importer un retour au siège")
        back.add_argument("bundle", metavar="RETOUR", help="le fichier .kret")
        back.add_argument(
            "--decision",
            action="append",
            default=[],
            metavar="CLÉ=CHOIX",
            help="une décision que l’import a demandée, répétable",
        )
        for sub in (kit, opened):
            sub.add_argument(
                "--passphrase-file",
                metavar="FICHIER",
                help="fichier contenant la phrase secrète (jamais en argument)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "bundle":
                self._bundle(options)
            elif options["action"] == "return":
                self._return(options)
            else:
                passphrase = backup_passphrase(passphrase_file=options["passphrase_file"])
                if options["action"] == "kit":
                    self._kit(passphrase, options)
                else:
                    self._open(passphrase, options)
        except (BackupError, FieldKitError) as error:
            raise CommandError(str(error)) from None

    def _bundle(self, options: dict[str, Any]) -> None:
        site = FieldSite.objects.first()
        destination = (
            Path(options["to"]).expanduser().resolve()
            if options["to"]
            else Path(settings.DATA_DIR) / "retours" / (default_bundle_name(site) if site else "-")
        )
        result = bundle_create(destination=destination)
        self.stdout.write(f"bundle: {result.path}")
        self.stdout.write(f"new: {result.new}")
        self.stdout.write(f"changed: {result.changed}")
        self.stdout.write(f"deleted: {result.deleted}")
        self.stdout.write(f"files: {result.files}")
        self.stdout.write(f"audit: {result.audit}")
        self.stdout.write(f"bytes: {result.size}")

    def _return(self, options: dict[str, Any]) -> None:
        decisions = {}
        for given in options["decision"]:
            key, sep, value = given.partition("=")
            if not sep:
                raise CommandError(f"Décision sans « = » / decision without '=': {given}")
            decisions[key.strip()] = value.strip()
        result = bundle_import(source=Path(options["bundle"]).expanduser(), decisions=decisions)
        self.stdout.write(f"kit: {result.kit}")
        self.stdout.write(f"machine: {result.machine}")
        if result.already:
            self.stdout.write("déjà importé / already imported: rien n’a changé")
            return
        if result.pending:
            for pending in result.pending:
                choices = ", ".join(f"{value} ({label})" for value, label in pending.choices)
                self.stdout.write(
                    f"à décider: {pending.key} — {pending.what} {pending.column} — "
                    f"siège: {pending.headquarters} / terrain: {pending.laptop} — {choices}"
                )
            count = len(result.pending)
            raise CommandError(
                f"{count} décision(s) à prendre : rien n’a été importé. Relancez avec "
                f"--decision CLÉ=CHOIX. / {count} decision(s) needed: nothing imported.",
                returncode=3,
            )
        self.stdout.write(f"created: {result.created}")
        self.stdout.write(f"updated: {result.updated}")
        self.stdout.write(f"deleted: {result.deleted}")
        self.stdout.write(f"unchanged: {result.unchanged}")
        self.stdout.write(f"persons matched: {result.persons_matched}")
        self.stdout.write(f"audit: {result.audit}")

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
