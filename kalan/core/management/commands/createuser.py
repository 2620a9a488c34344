from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from kalan.core.errors import KalanError
from kalan.core.models import Partner
from kalan.core.roles import Role
from kalan.core.services_users import user_create

ROLES = ", ".join(Role.values)


class Command(BaseCommand):
    help = "Créer un compte utilisateur. / Create a user account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        # Checked by the command rather than by argparse's choices, whose message is English.
        parser.add_argument("--role", default="", help=f"rôle du compte : {ROLES}")
        parser.add_argument(
            "--partner",
            default="",
            help="pour --role donor : le nom ou le sigle du partenaire dont il voit les chiffres",
        )
        parser.add_argument(
            "--admin",
            action="store_true",
            help="administrateur (tous les droits) : --role administrator",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="lire le mot de passe sur l’entrée standard (jamais en argument : "
            "il serait visible dans la liste des processus)",
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans créer")

    def handle(self, *args: Any, **options: Any) -> None:
        role = self._role(options)
        partner = self._partner(options["partner"])
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Mot de passe : ")
            if password != getpass.getpass("Mot de passe (encore) : "):
                raise CommandError("Les deux mots de passe diffèrent.")
        username = options["username"].strip()
        try:
            with transaction.atomic():
                user_create(
                    username=username,
                    role=role,
                    password=password,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    email=options["email"],
                    partner=partner,
                )
                # A dry run goes through every check, the database's included, then undoes it.
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except KalanError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{'would_create' if options['dry_run'] else 'created'}: {username}")

    def _role(self, options: dict[str, Any]) -> str:
        role = options["role"].strip()
        if options["admin"]:
            if role and role != Role.ADMINISTRATOR:
                raise CommandError(
                    f"--admin fait un administrateur : il ne va pas avec --role {role}."
                )
            return Role.ADMINISTRATOR
        if not role:
            raise CommandError(
                f"Précisez le rôle du compte : --role ROLE (l’un de : {ROLES}) ou --admin."
            )
        if role not in Role.values:
            raise CommandError(f"Rôle inconnu : « {role} ». Rôles possibles : {ROLES}.")
        return role

    def _partner(self, name: str) -> Partner | None:
        name = name.strip()
        if not name:
            return None
        found = list(Partner.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name))[:2])
        if len(found) != 1:
            known = ", ".join(str(p.name) for p in Partner.objects.order_by("name")) or "aucun"
            problem = "Partenaire inconnu" if not found else "Plusieurs partenaires répondent à"
            raise CommandError(f"{problem} « {name} ». Partenaires enregistrés : {known}.")
        return found[0]
