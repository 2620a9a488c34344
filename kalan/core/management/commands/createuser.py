from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kalan.core.models import User


class Command(BaseCommand):
    help = "Créer un compte utilisateur. / Create a user account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--admin", action="store_true", help="administrateur (tous les droits)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="lire le mot de passe sur l’entrée standard (jamais en argument : "
            "il serait visible dans la liste des processus)",
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans créer")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"Le compte « {username} » existe déjà.")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Mot de passe : ")
            if password != getpass.getpass("Mot de passe (encore) : "):
                raise CommandError("Les deux mots de passe diffèrent.")
        user = User(
            username=username,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            is_staff=options["admin"],
            is_superuser=options["admin"],
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["dry_run"]:
            self.stdout.write(f"would_create: {username}")
            return
        user.set_password(password)
        user.save()
        self.stdout.write(f"created: {username}")
