from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve


class Command(BaseCommand):
    help = (
        "Servir Kalan (serveur WSGI de production, fichiers statiques compris).\n"
        "Le serveur est waitress ; les fichiers statiques sont servis par Kalan lui-même "
        "(WhiteNoise). / Serve Kalan with a production server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="adresse d’écoute (0.0.0.0 = réseau local)"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="ne pas rassembler les fichiers statiques avant de démarrer",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Made after collectstatic: WhiteNoise indexes the static files when the application
        # starts. The same application kalan/wsgi.py gives a production server.
        application = get_wsgi_application()

        host, port = options["host"], options["port"]
        self.stdout.write(f"Kalan : http://{host}:{port}/  (Ctrl+C pour arrêter)")
        # waitress is pure Python: the same server on a Windows laptop at a venue and on Linux.
        serve(application, host=host, port=port, threads=options["threads"], ident="Kalan")
