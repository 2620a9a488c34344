"""The data folder and its secret key: made by what runs Kalan, never by reading the settings.

``kalan.settings`` only computes the folder's path (``data_dir_path``) and reads the key when it
is there (``secret_key_setting``): importing it writes nothing, so ``mypy``, ``kalan --help`` or
a script that only reads a setting leave no folder behind. ``prepare_data_dir`` makes them; it is
called in one place per way of starting Kalan: the ``kalan`` command (``kalan/__main__.py``,
before Django runs a command), the WSGI entry point (``kalan/wsgi.py``) and the test run
(``conftest.py``).

This module is imported by the settings: nothing here may read ``django.conf.settings``.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import cast

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

KEY_FILE = "secret_key"
STATIC_FOLDER = "static"  # STATIC_ROOT: WhiteNoise warns at start-up when it is missing
IMPORTS_FOLDER = "imports"  # uploaded lists awaiting their import (kept in backups)


class DataDirError(Exception):
    """The data folder cannot be made or written; the message names it, in French and English."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(
            f"Le dossier de données {folder} n’est pas accessible en écriture (KALAN_DATA_DIR) "
            f"/ The data folder {folder} is not writable (KALAN_DATA_DIR): {reason}"
        )
        self.folder = folder


def data_dir_path() -> Path:
    """Where the data folder is (``KALAN_DATA_DIR``, ``var`` by default); nothing is made."""
    return Path(os.environ.get("KALAN_DATA_DIR") or "var").expanduser().resolve()


PRIVATE_UMASK = 0o077  # what this process creates is its owner's only: files 0600, folders 0700


def prepare_data_dir(folder: Path | None = None) -> Path:
    """Make the data folder (0700) and, unless KALAN_SECRET_KEY is given, its secret key (0600).

    Sets the process's umask to 077 first: the database, its WAL, the photos, the statements
    and the pending imports hold officers' names and units, and no other account of the machine
    may read them. A folder made before this rule (0755, files 0644) is closed again: the folder
    itself to 0700, and what is in it to its owner only.

    Idempotent; a key that exists is kept as it is. Returns the folder.
    Raises DataDirError when the folder cannot be made or written.
    """
    os.umask(PRIVATE_UMASK)
    folder = data_dir_path() if folder is None else folder
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _close_to_others(folder)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError("permission refusée / permission denied")
        (folder / STATIC_FOLDER).mkdir(exist_ok=True)
        if not os.environ.get("KALAN_SECRET_KEY"):
            _secret_key_create(folder / KEY_FILE)
    except OSError as error:
        raise DataDirError(folder, error.strerror or str(error)) from None
    return folder


def _close_to_others(folder: Path) -> None:
    """Take every permission of group and others off the folder and what it holds, when any is
    there (one stat per entry; a folder already private costs no write).

    Not on Windows, which has neither owners' uids (``os.getuid``) nor group and others' bits
    (``chmod`` only sets read-only): there the folder is private by its place, under the
    account's own profile (README, "Installer sur un portable de site")."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return
    for path in (folder, *folder.rglob("*")):
        if path.is_symlink() or path.stat().st_uid != getuid():
            continue  # a link or another account's file is not Kalan's to change
        mode = path.stat().st_mode & 0o777
        if mode & PRIVATE_UMASK:
            path.chmod(mode & ~PRIVATE_UMASK)


def _secret_key_create(path: Path) -> None:
    """Write a new key to ``path`` unless it exists, readable by its owner only.

    O_EXCL makes the creation atomic: when two processes start together, one writes the key and
    the other keeps it.
    """
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: theirs is kept
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))


def secret_key_setting(folder: Path) -> str:
    """KALAN_SECRET_KEY when given, else the key kept in ``folder``.

    When the key file is not there yet, the setting is read at its first use instead, and that
    use raises ImproperlyConfigured naming the file: settings still import (``kalan --help``,
    mypy, a test run that prepares the folder after pytest-django has read the settings), but
    nothing is ever signed without the key.
    """
    given = os.environ.get("KALAN_SECRET_KEY", "")
    if given:
        return given
    try:
        return _secret_key_read(folder)
    except ImproperlyConfigured:
        read_once = functools.cache(functools.partial(_secret_key_read, folder))
        return cast(str, lazy(read_once, str)())


def _secret_key_read(folder: Path) -> str:
    path = folder / KEY_FILE
    try:
        key = path.read_text().strip()
    except OSError as error:
        reason = error.strerror or str(error)
    else:
        if key:
            return key
        reason = "fichier vide / empty file"
    raise ImproperlyConfigured(
        f"Pas de clé secrète dans {path} ({reason}). Lancez une commande kalan (« kalan migrate »"
        f" par exemple), qui la crée dans le dossier de données (KALAN_DATA_DIR), ou définissez "
        f"KALAN_SECRET_KEY. / No secret key in {path}: run a kalan command (e.g. `kalan "
        f"migrate`), which creates it in the data folder (KALAN_DATA_DIR), or set "
        f"KALAN_SECRET_KEY."
    )
