"""Encrypted backups of the database and the uploaded files, and their restore.

A backup is a tar holding ``manifest.json``, the database (``database/kalan.sqlite3`` taken with
SQLite's online backup API, or ``database/kalan.pgdump`` from ``pg_dump --format=custom``) and
every file under ``media/`` and ``imports/`` (the lists uploaded and not yet imported: a
restore must let their preview be finished). The tar is encrypted with a key derived from a
passphrase (scrypt) in AES-256-GCM chunks, so a backup of any size streams through a fixed
amount of memory and a changed, reordered or truncated byte makes the whole restore fail before
anything is written.

File layout: ``KALANBAK`` · version · log2(n), r, p of scrypt · 16-byte salt · 7-byte nonce
prefix, then chunks of at most 1 MiB + 16-byte tag. A chunk's nonce is the prefix, its index and
a flag marking the last chunk (the STREAM construction); the header is the associated data.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.datadir import IMPORTS_FOLDER
from kalan.core.errors import KalanError

MAGIC = b"KALANBAK"
VERSION = 1
CHUNK = 1024 * 1024
TAG = 16
HEADER = struct.Struct(">8sBBBB16s7s")
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB, about 0.1 s: costly to guess in bulk
SQLITE_MEMBER = "database/kalan.sqlite3"
PGDUMP_MEMBER = "database/kalan.pgdump"
# The folders of files, each restored under the same name in the data folder.
MEDIA_MEMBER = "media"
IMPORTS_MEMBER = IMPORTS_FOLDER
FILE_MEMBERS = frozenset({MEDIA_MEMBER, IMPORTS_MEMBER})
SUFFIX = ".kbak"


class BackupError(KalanError):
    """A backup cannot be made or restored: no passphrase, wrong passphrase, altered file…"""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    tables: int
    rows: int
    files: int


# --- passphrase and encryption -------------------------------------------------------------


def backup_passphrase(*, passphrase_file: str | None) -> str:
    """The passphrase from ``--passphrase-file``, else from ``KALAN_BACKUP_PASSPHRASE``.

    Never from the command line, where any user of the machine would read it in the process list.
    Raises BackupError (code ``no_passphrase``) when there is none.
    """
    if passphrase_file:
        try:
            text = Path(passphrase_file).read_text(encoding="utf-8")
        except OSError as error:
            raise BackupError(
                _("Fichier de phrase secrète illisible : %(error)s") % {"error": error.strerror},
                code="no_passphrase",
            ) from None
        passphrase = text.rstrip("\r\n")
    else:
        passphrase = os.environ.get("KALAN_BACKUP_PASSPHRASE", "")
    if not passphrase:
        raise BackupError(
            _(
                "Aucune phrase secrète : définissez KALAN_BACKUP_PASSPHRASE ou donnez "
                "--passphrase-file FICHIER."
            ),
            code="no_passphrase",
        )
    return passphrase


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return AESGCM(kdf.derive(passphrase.encode("utf-8")))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", index, last)


def encrypt_file(source: IO[bytes], target: IO[bytes], *, passphrase: str) -> None:
    salt, prefix = os.urandom(16), os.urandom(7)
    header = HEADER.pack(MAGIC, VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix)
    aead = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    target.write(header)
    stream_encrypt(source, target, aead=aead, prefix=prefix, header=header)


def stream_encrypt(
    source: IO[bytes], target: IO[bytes], *, aead: AESGCM, prefix: bytes, header: bytes
) -> None:
    """``source`` in chunks of CHUNK bytes, each sealed with its index and a last-chunk flag in
    its nonce and ``header`` (written before by the caller) as associated data: STREAM."""
    index, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        target.write(aead.encrypt(_nonce(prefix, index, last), chunk, header))
        if last:
            return
        index, chunk = index + 1, following


def decrypt_file(source: IO[bytes], target: IO[bytes], *, passphrase: str) -> None:
    """Raises BackupError: ``not_a_backup``, ``wrong_passphrase`` (or altered file)."""
    header = source.read(HEADER.size)
    if len(header) < HEADER.size or not header.startswith(MAGIC):
        raise BackupError(_("Ce fichier n’est pas une sauvegarde Kalan."), code="not_a_backup")
    _magic, version, log2_n, r, p, salt, prefix = HEADER.unpack(header)
    if version != VERSION or not (10 <= log2_n <= 22) or not (1 <= r <= 32) or not (1 <= p <= 8):
        raise BackupError(
            _("Version de sauvegarde inconnue ou en-tête altéré."), code="not_a_backup"
        )
    aead = _key(passphrase, salt, log2_n, r, p)
    if not stream_decrypt(source, target, aead=aead, prefix=prefix, header=header):
        raise BackupError(
            _("Phrase secrète incorrecte, ou sauvegarde altérée ou tronquée."),
            code="wrong_passphrase",
        )


def stream_decrypt(
    source: IO[bytes], target: IO[bytes], *, aead: AESGCM, prefix: bytes, header: bytes
) -> bool:
    """The reverse of ``stream_encrypt``; False when a chunk fails its check (a wrong key, or a
    changed, reordered or missing chunk — the last one included: a truncated file)."""
    index, chunk = 0, source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            target.write(aead.decrypt(_nonce(prefix, index, last), chunk, header))
        except InvalidTag:
            return False
        if last:
            return True
        index, chunk = index + 1, following


# --- backup --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }
    finally:
        connection.close()


def _sqlite_copy(source: Path, target: Path) -> dict[str, int]:
    """Copy with the online backup API: one read transaction, so writers may go on meanwhile."""
    if not source.exists():
        raise BackupError(
            _("Base de données introuvable : %(path)s") % {"path": source}, code="no_database"
        )
    live = sqlite3.connect(source, timeout=20)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # all pages in one step: a snapshot, not a mix of before and after
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        live.close()
    return _sqlite_counts(target)


def _pg_params(database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])  # never on the command line
    return args, env


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("Programme introuvable : %(name)s (installez les outils clients PostgreSQL).")
            % {"name": name},
            code="no_program",
        )
    return path


def _pg_connect(database: Mapping[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from pg_tables)
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_copy(database: Mapping[str, Any], target: Path) -> dict[str, int]:
    """pg_dump reads the snapshot in which the rows were counted, so both agree."""
    args, env = _pg_params(database)
    with _pg_connect(database) as connection, connection.cursor() as cursor:
        connection.autocommit = True  # the snapshot's transaction is the one begun below
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        done = subprocess.run(  # noqa: S603
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        cursor.execute("ROLLBACK")
    if done.returncode != 0:
        raise BackupError(
            _("pg_dump a échoué : %(error)s") % {"error": done.stderr.strip()}, code="pg_dump"
        )
    return counts


def _folder_files(root: Path | None, member: str) -> Iterator[tuple[Path, str]]:
    """Every file under ``root``, named ``<member>/<its path under root>`` in the archive."""
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, f"{member}/" + path.relative_to(root).as_posix()


def default_backup_path(data_dir: Path) -> Path:
    """``backups/kalan-YYYYMMDD-HHMMSS.kbak``, with ``-2``, ``-3``… when that second is taken.

    Two backups in the same second (a schedule and a hand-run one) must both succeed;
    ``backup_create`` still opens the file with O_EXCL, so a race loses loudly, never silently.
    """
    stem = data_dir / "backups" / f"kalan-{datetime.now():%Y%m%d-%H%M%S}"
    path, number = stem.with_name(stem.name + SUFFIX), 1
    while path.exists():
        number += 1
        path = stem.with_name(f"{stem.name}-{number}{SUFFIX}")
    return path


def backup_create(
    *,
    database: Mapping[str, Any],
    media_root: Path,
    destination: Path,
    passphrase: str,
    imports_root: Path | None = None,
) -> BackupResult:
    """Write an encrypted backup to ``destination`` (created with mode 0600, never overwritten):
    the database, the files under ``media_root`` and those under ``imports_root``.

    Raises BackupError: ``no_database``, ``pg_dump``, ``exists``, ``unsupported_engine``.
    """
    engine_name = str(database["ENGINE"])
    with tempfile.TemporaryDirectory(prefix="kalan-backup-") as work:
        folder = Path(work)
        if engine_name.endswith("sqlite3"):
            engine, member = "sqlite", SQLITE_MEMBER
            dump = folder / "kalan.sqlite3"
            counts = _sqlite_copy(Path(database["NAME"]), dump)
        elif "postgresql" in engine_name:
            engine, member = "postgresql", PGDUMP_MEMBER
            dump = folder / "kalan.pgdump"
            counts = _pg_copy(database, dump)
        else:
            raise BackupError(
                _("Moteur de base de données non pris en charge : %(engine)s")
                % {"engine": engine_name},
                code="unsupported_engine",
            )
        members = [
            (dump, member),
            *_folder_files(media_root, MEDIA_MEMBER),
            *_folder_files(imports_root, IMPORTS_MEMBER),
        ]
        hashes = {name: _sha256(path) for path, name in members}
        manifest = {
            "format": VERSION,
            "kalan_version": metadata.version("kalan"),
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "tables": counts,
            "files": hashes,
        }
        plain = folder / "backup.tar"
        with tarfile.open(plain, "w") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            for path, name in members:
                tar.add(path, arcname=name, recursive=False)

        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise BackupError(
                _("Le fichier %(path)s existe déjà.") % {"path": destination}, code="exists"
            ) from None
        try:
            with plain.open("rb") as source, os.fdopen(fd, "wb") as target:
                encrypt_file(source, target, passphrase=passphrase)
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
    return BackupResult(
        path=destination,
        engine=engine,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(members) - 1,
        size=destination.stat().st_size,
    )


def backup_prune(*, folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest ``kalan-*.kbak`` files of ``folder``; return them."""
    if keep < 1:
        raise BackupError(_("--keep doit valoir au moins 1."), code="bad_keep")
    backups = sorted(
        folder.glob(f"kalan-*{SUFFIX}"),
        key=lambda path: (path.stat().st_mtime_ns, path.name),
        reverse=True,
    )
    removed = backups[keep:]
    for path in removed:
        path.unlink()
    return removed


# --- restore -------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and ".." not in path.parts
        and (name == "manifest.json" or path.parts[0] in {"database", *FILE_MEMBERS})
    )


def _read_archive(plain: Path) -> tuple[dict[str, Any], list[tarfile.TarInfo]]:
    """Check every member's name and digest against the manifest before anything is written."""
    altered = BackupError(_("Sauvegarde incohérente ou altérée."), code="altered")
    with tarfile.open(plain, "r:") as tar:
        members = tar.getmembers()
        for info in members:
            if not _safe_name(info.name):
                raise BackupError(
                    _("Chemin refusé dans la sauvegarde : %(name)s") % {"name": info.name},
                    code="unsafe_path",
                )
            if not info.isfile():
                raise BackupError(
                    _("Membre refusé dans la sauvegarde (pas un fichier) : %(name)s")
                    % {"name": info.name},
                    code="unsafe_path",
                )
        names = [info.name for info in members]
        if "manifest.json" not in names or len(set(names)) != len(names):
            raise altered
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        try:
            manifest = json.loads(handle.read())
        except ValueError:
            raise altered from None
        files: dict[str, str] = manifest.get("files", {})
        if set(files) != set(names) - {"manifest.json"}:
            raise altered
        for info in members:
            if info.name == "manifest.json":
                continue
            handle = tar.extractfile(info)
            assert handle is not None
            digest = hashlib.sha256()
            for block in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                digest.update(block)
            if digest.hexdigest() != files[info.name]:
                raise altered
    return manifest, members


def _pg_restore(database: Mapping[str, Any], dump: Path) -> dict[str, int]:
    with _pg_connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
        if cursor.fetchone()[0]:
            raise BackupError(
                _("La base PostgreSQL %(name)s n’est pas vide.") % {"name": database["NAME"]},
                code="target_not_empty",
            )
    args, env = _pg_params(database)
    done = subprocess.run(  # noqa: S603
        [
            _program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--no-password",
            *args,
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _("pg_restore a échoué : %(error)s") % {"error": done.stderr.strip()},
            code="pg_restore",
        )
    with _pg_connect(database) as connection, connection.cursor() as cursor:
        return _pg_counts(cursor)


def backup_restore(
    *, source: Path, data_dir: Path, passphrase: str, database: Mapping[str, Any] | None = None
) -> RestoreResult:
    """Restore ``source`` into the empty (or new) folder ``data_dir``, then check it.

    SQLite backups are restored fully into ``data_dir/kalan.sqlite3``. PostgreSQL backups are
    restored (best effort, with ``pg_restore``) into ``database``, which must hold no table.
    Raises BackupError: ``target_not_empty``, ``not_a_backup``, ``wrong_passphrase``,
    ``unsafe_path``, ``altered``, ``pg_restore``, ``check_failed``.
    """
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(
            _("Le dossier %(path)s n’est pas vide : restaurez dans un dossier vide.")
            % {"path": data_dir},
            code="target_not_empty",
        )
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the target (same file system) so that the final move is a rename.
    with tempfile.TemporaryDirectory(prefix=".kalan-restore-", dir=data_dir.parent) as work:
        folder = Path(work)
        plain = folder / "backup.tar"
        _backup_decrypt(source, plain, passphrase=passphrase)
        manifest, members = _read_archive(plain)
        engine = manifest.get("engine")
        _engine_check(engine, database)
        staged = folder / "data"
        _members_extract(plain, members, staged=staged)
        counts = _restored_counts(staged, engine=engine, database=database)
        if counts != manifest.get("tables", {}):
            raise BackupError(
                _("Contrôle échoué : les lignes restaurées diffèrent du manifeste."),
                code="check_failed",
            )
        if data_dir.exists():
            data_dir.rmdir()  # empty, checked above
        staged.rename(data_dir)
    files = sum(1 for info in members if PurePosixPath(info.name).parts[0] in FILE_MEMBERS)
    return RestoreResult(
        engine=str(engine), tables=len(counts), rows=sum(counts.values()), files=files
    )


def _engine_check(engine: Any, database: Mapping[str, Any] | None) -> None:
    """A PostgreSQL backup goes into a PostgreSQL database only: else engine_mismatch."""
    if engine == "postgresql" and (database is None or "postgresql" not in str(database["ENGINE"])):
        raise BackupError(
            _(
                "Cette sauvegarde vient de PostgreSQL : définissez KALAN_DATABASE_URL vers "
                "une base PostgreSQL vide."
            ),
            code="engine_mismatch",
        )


def _backup_decrypt(source: Path, plain: Path, *, passphrase: str) -> None:
    """Decrypt the backup ``source`` into the tar ``plain``; an unreadable one is not_a_backup."""
    try:
        with source.open("rb") as encrypted, plain.open("wb") as target:
            decrypt_file(encrypted, target, passphrase=passphrase)
    except OSError as error:
        raise BackupError(
            _("Sauvegarde illisible : %(error)s") % {"error": error.strerror},
            code="not_a_backup",
        ) from None


def _members_extract(plain: Path, members: list[tarfile.TarInfo], *, staged: Path) -> None:
    """Write the checked members into the new folder ``staged``, the database under the name
    the data folder gives it, every file readable by its owner only."""
    staged.mkdir(mode=0o700)
    with tarfile.open(plain, "r:") as tar:
        for info in members:
            if info.name == "manifest.json":
                continue
            name = info.name
            if name == SQLITE_MEMBER:
                name = "kalan.sqlite3"
            elif name == PGDUMP_MEMBER:
                name = "kalan.pgdump"
            path = staged / name
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = tar.extractfile(info)
            assert handle is not None
            with path.open("xb") as out:
                shutil.copyfileobj(handle, out)
            os.chmod(path, 0o600)


def _restored_counts(
    staged: Path, *, engine: Any, database: Mapping[str, Any] | None
) -> dict[str, int]:
    """The rows of each table of the restored database: the staged SQLite file, or the
    PostgreSQL database the staged dump is restored into (the dump then removed)."""
    if engine == "sqlite":
        return _sqlite_counts(staged / "kalan.sqlite3")
    assert database is not None
    counts = _pg_restore(database, staged / "kalan.pgdump")
    (staged / "kalan.pgdump").unlink()
    return counts
