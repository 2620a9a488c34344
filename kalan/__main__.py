"""The ``kalan`` command: Kalan's own commands first, every Django command behind them."""

from __future__ import annotations

import os
import sys

from kalan.core.datadir import DataDirError, prepare_data_dir

# The Django commands a Kalan user needs, after Kalan's own (`kalan help --all` lists the rest),
# summed up in French: Django's own help texts are in English.
DJANGO_COMMANDS = {
    "migrate": "Créer ou mettre à jour la base de données.",
    "changepassword": "Changer le mot de passe d’un compte.",
    "check": "Vérifier l’installation.",
    "dbshell": "Ouvrir la console de la base de données.",
}
# Commands that neither need the data folder nor should make it: help, a read-only check, and
# restore, which fills a folder of its own (--data-dir) that must be empty.
WITHOUT_DATA_DIR = {"help", "--version", "check", "restore"}


def commands() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every command of a ``kalan.*`` app, and DJANGO_COMMANDS: (name, summary) pairs."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()  # reads the settings only: makes no folder, needs no key
    found = get_commands()
    own = sorted(name for name, app in found.items() if app.startswith("kalan."))
    django_own = [name for name in DJANGO_COMMANDS if name not in own]

    def described(names: list[str]) -> list[tuple[str, str]]:
        return [(name, summary(load_command_class(found[name], name).help)) for name in names]

    return described(own), [(name, DJANGO_COMMANDS[name]) for name in django_own]


def summary(help_text: str) -> str:
    """The first line of a command's ``help``, French part only (Kalan writes "fr / en")."""
    lines = help_text.strip().splitlines()
    return lines[0].split(" / ")[0].strip() if lines else ""


def usage() -> str:
    lines = [
        "Kalan — formation aux droits de l’homme des forces de sécurité",
        "Kalan — human-rights training for law-enforcement officers",
        "",
        "Usage : kalan COMMANDE [options]    (kalan COMMANDE --help pour le détail)",
        "",
        "Commandes :",
    ]
    own, django_own = commands()
    lines += [f"  {name:<16}{text}" for name, text in own]
    lines += ["", "Commandes de Django / Django commands :"]
    lines += [f"  {name:<16}{text}" for name, text in django_own]
    lines += ["", "  kalan help --all   toutes les commandes (Django comprises)"]
    return "\n".join(lines)


def needs_data_dir(args: list[str]) -> bool:
    return not (args[0] in WITHOUT_DATA_DIR or "-h" in args or "--help" in args)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "kalan"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    if len(argv) == 1 or argv[1:] in (["-h"], ["--help"], ["help"]):
        print(usage())
        return
    if argv[1:] == ["help", "--all"]:
        argv = ["kalan", "help"]
    if needs_data_dir(argv[1:]):
        # Before Django reads the settings, so that they find the key this makes.
        try:
            prepare_data_dir()
        except DataDirError as error:
            sys.exit(f"kalan : {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
