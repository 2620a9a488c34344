"""The ``kalan`` command: Kalan's own commands first, every Django command behind them."""

from __future__ import annotations

import os
import sys

COMMANDS = [
    ("serve", "Servir Kalan (serveur WSGI de production, fichiers statiques compris)"),
    ("migrate", "Créer ou mettre à jour la base de données"),
    ("demo", "Charger le programme de démonstration (atelier de Sévaré, 2022)"),
    ("bank", "Banque de questions : « kalan bank load » charge ou met à jour le curriculum"),
    ("createuser", "Créer un compte utilisateur"),
    ("changepassword", "Changer le mot de passe d’un compte"),
    ("backup", "Sauvegarder la base et les fichiers (chiffré, --keep N pour élaguer)"),
    ("restore", "Restaurer une sauvegarde dans un dossier vide et la vérifier"),
    ("check", "Vérifier l’installation"),
    ("dbshell", "Ouvrir la console de la base de données"),
]


def usage() -> str:
    lines = [
        "Kalan — formation aux droits de l’homme des forces de sécurité",
        "Kalan — human-rights training for law-enforcement officers",
        "",
        "Usage : kalan COMMANDE [options]    (kalan COMMANDE --help pour le détail)",
        "",
        "Commandes :",
    ]
    lines += [f"  {name:<16}{text}" for name, text in COMMANDS]
    lines += ["", "  kalan help --all   toutes les commandes (Django comprises)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "kalan"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    if len(argv) == 1 or argv[1:] in (["-h"], ["--help"], ["help"]):
        print(usage())
        return
    if argv[1:] == ["help", "--all"]:
        argv = ["kalan", "help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
