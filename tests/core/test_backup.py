"""``kalan backup`` and ``kalan restore``: encrypted, consistent while written to, checked back."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kalan.core.backup import (
    BackupError,
    backup_create,
    backup_passphrase,
    backup_prune,
    backup_restore,
    default_backup_path,
    encrypt_file,
)

PASSPHRASE = "Palmeraie Sévaré 2022, cahier de présence"
KALAN = Path(sys.executable).parent / "kalan"


@pytest.fixture
def live(tmp_path: Path) -> dict[str, Any]:
    """A data folder as Kalan keeps it: an SQLite database in WAL mode, one uploaded file and
    one list awaiting its import."""
    folder = tmp_path / "live"
    (folder / "media" / "signatures").mkdir(parents=True)
    (folder / "media" / "signatures" / "feuille-jour-1.pdf").write_bytes(b"%PDF-1.4 " * 500)
    (folder / "imports").mkdir()
    (folder / "imports" / "3f2a.upload").write_bytes(b"PK\x03\x04 liste de Mopti")
    database = folder / "kalan.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    connection.execute("CREATE TABLE persons (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    connection.executemany(
        "INSERT INTO notes (body) VALUES (?)", [(f"note {i}" * 20,) for i in range(5000)]
    )
    connection.execute("INSERT INTO persons (name) VALUES ('Aminata Traoré')")
    connection.commit()
    connection.close()
    return {
        "database": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)},
        "media_root": folder / "media",
        "imports_root": folder / "imports",
    }


def backup(live: dict[str, Any], destination: Path, passphrase: str = PASSPHRASE) -> Path:
    backup_create(**live, destination=destination, passphrase=passphrase)
    return destination


def test_backup_taken_during_writes_restores_the_same_rows_and_files(
    live: dict[str, Any], tmp_path: Path
) -> None:
    database = Path(live["database"]["NAME"])
    stop, inserted = threading.Event(), threading.Event()

    def write() -> None:
        connection = sqlite3.connect(database, timeout=20)
        while not stop.is_set():
            connection.execute("INSERT INTO notes (body) VALUES ('written during the backup')")
            connection.commit()
            inserted.set()
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert inserted.wait(5)
        result = backup_create(
            **live, destination=tmp_path / "out" / "b.kbak", passphrase=PASSPHRASE
        )
        inserted.clear()
        assert inserted.wait(5)  # the writer was still going after the copy
    finally:
        stop.set()
        writer.join()

    restored = tmp_path / "restored"
    report = backup_restore(source=result.path, data_dir=restored, passphrase=PASSPHRASE)

    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    assert (report.tables, report.rows, report.files) == (2, result.rows, 2)
    assert result.files == 2
    assert (restored / "imports" / "3f2a.upload").read_bytes() == b"PK\x03\x04 liste de Mopti"
    copy = sqlite3.connect(restored / "kalan.sqlite3")
    ids = [row[0] for row in copy.execute("SELECT id FROM notes ORDER BY id")]
    copy.close()
    source = sqlite3.connect(database)
    live_rows = source.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    source.close()
    assert 5000 < len(ids) < live_rows  # some of the writes, not all: a copy taken mid-way
    assert ids == list(range(1, len(ids) + 1))  # and a snapshot, without holes
    assert (restored / "media" / "signatures" / "feuille-jour-1.pdf").read_bytes() == (
        b"%PDF-1.4 " * 500
    )


def test_backup_is_encrypted(live: dict[str, Any], tmp_path: Path) -> None:
    data = backup(live, tmp_path / "b.kbak").read_bytes()

    assert data.startswith(b"KALANBAK")
    assert b"Aminata" not in data and b"manifest" not in data and b"%PDF" not in data


def test_restore_refuses_a_wrong_passphrase_and_writes_nothing(
    live: dict[str, Any], tmp_path: Path
) -> None:
    path = backup(live, tmp_path / "b.kbak")

    with pytest.raises(BackupError) as error:
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase="pas la bonne")

    assert error.value.code == "wrong_passphrase"
    assert not (tmp_path / "restored").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.kbak", "live"]


@pytest.mark.parametrize("where", [40, -5])  # early in the file, and in the last tag
def test_restore_refuses_a_tampered_backup(
    live: dict[str, Any], tmp_path: Path, where: int
) -> None:
    path = backup(live, tmp_path / "b.kbak")
    data = bytearray(path.read_bytes())
    data[where] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(BackupError) as error:
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase=PASSPHRASE)

    assert error.value.code == "wrong_passphrase"
    assert not (tmp_path / "restored").exists()


def test_restore_refuses_a_truncated_backup(live: dict[str, Any], tmp_path: Path) -> None:
    path = backup(live, tmp_path / "b.kbak")
    path.write_bytes(path.read_bytes()[:-100])

    with pytest.raises(BackupError):
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase=PASSPHRASE)


def encrypted_tar(path: Path, members: dict[str, bytes], files: dict[str, str]) -> Path:
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as tar:
        manifest = json.dumps({"engine": "sqlite", "tables": {}, "files": files}).encode()
        for name, data in {"manifest.json": manifest, **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    plain.seek(0)
    with path.open("wb") as out:
        encrypt_file(plain, out, passphrase=PASSPHRASE)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.txt", "media/../../evil.txt", "/etc/evil.txt", "evil.txt"]
)
def test_restore_refuses_paths_outside_the_data_folder(tmp_path: Path, name: str) -> None:
    path = encrypted_tar(tmp_path / "evil.kbak", {name: b"x"}, {name: "0" * 64})

    with pytest.raises(BackupError) as error:
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase=PASSPHRASE)

    assert error.value.code == "unsafe_path"
    assert not (tmp_path / "restored").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_restore_refuses_a_member_whose_digest_differs_from_the_manifest(tmp_path: Path) -> None:
    path = encrypted_tar(tmp_path / "b.kbak", {"media/a.txt": b"x"}, {"media/a.txt": "0" * 64})

    with pytest.raises(BackupError) as error:
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase=PASSPHRASE)

    assert error.value.code == "altered"


def test_restore_refuses_a_folder_that_is_not_empty(live: dict[str, Any], tmp_path: Path) -> None:
    path = backup(live, tmp_path / "b.kbak")
    (tmp_path / "restored").mkdir()
    (tmp_path / "restored" / "kalan.sqlite3").write_bytes(b"precious")

    with pytest.raises(BackupError) as error:
        backup_restore(source=path, data_dir=tmp_path / "restored", passphrase=PASSPHRASE)

    assert error.value.code == "target_not_empty"
    assert (tmp_path / "restored" / "kalan.sqlite3").read_bytes() == b"precious"


def test_prune_keeps_the_newest_backups_only(tmp_path: Path) -> None:
    for day in range(1, 6):
        path = tmp_path / f"kalan-2024010{day}-020000.kbak"
        path.write_bytes(b"old")
        os.utime(path, (day * 86400, day * 86400))
    (tmp_path / "notes.txt").write_text("not a backup")

    removed = backup_prune(folder=tmp_path, keep=2)

    assert len(removed) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kalan-20240104-020000.kbak",
        "kalan-20240105-020000.kbak",
        "notes.txt",
    ]


def test_passphrase_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KALAN_BACKUP_PASSPHRASE", raising=False)

    with pytest.raises(BackupError) as error:
        backup_passphrase(passphrase_file=None)

    assert error.value.code == "no_passphrase"
    assert "KALAN_BACKUP_PASSPHRASE" in str(error.value)


def test_passphrase_file_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KALAN_BACKUP_PASSPHRASE", "from the environment")
    (tmp_path / "pass").write_text("from the file\n")

    assert backup_passphrase(passphrase_file=str(tmp_path / "pass")) == "from the file"


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the command line round trip runs on the SQLite default",
)
def test_kalan_backup_and_restore_on_the_command_line(tmp_path: Path) -> None:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("KALAN_", "DJANGO_"))
    }
    env |= {"KALAN_DATA_DIR": str(tmp_path / "data"), "KALAN_BACKUP_PASSPHRASE": PASSPHRASE}

    def kalan(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [str(KALAN), *args], env=env | extra, capture_output=True, text=True, check=False
        )

    assert kalan("migrate", "--noinput").returncode == 0
    (tmp_path / "data" / "media").mkdir(exist_ok=True)
    (tmp_path / "data" / "media" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "data" / "imports").mkdir(exist_ok=True)  # a list uploaded, not yet imported
    (tmp_path / "data" / "imports" / "9c1e.upload").write_bytes(b"PK liste")
    for _ in range(2):
        done = kalan("backup", "--keep", "1")
        assert done.returncode == 0, done.stderr
    backups = list((tmp_path / "data" / "backups").glob("kalan-*.kbak"))
    assert len(backups) == 1

    wrong = kalan(
        "restore", str(backups[0]), "--data-dir", str(tmp_path / "new"),
        KALAN_BACKUP_PASSPHRASE="pas la bonne",
    )  # fmt: skip
    done = kalan("restore", str(backups[0]), "--data-dir", str(tmp_path / "new"))

    assert wrong.returncode != 0
    assert "Phrase secrète incorrecte" in wrong.stderr
    assert done.returncode == 0, done.stderr
    report = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert int(report["tables"]) > 10 and report["files"] == "2" and report["check"] == "ok"
    assert (tmp_path / "new" / "media" / "logo.png").read_bytes() == b"\x89PNG"
    assert (tmp_path / "new" / "imports" / "9c1e.upload").read_bytes() == b"PK liste"


def test_two_backups_in_the_same_second_get_two_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls(2026, 11, 29, 3, 3, 27)

    monkeypatch.setattr("kalan.core.backup.datetime", Frozen)
    names = []
    for _ in range(3):
        path = default_backup_path(tmp_path)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"taken")
        names.append(path.name)

    assert names == [
        "kalan-20261129-030327.kbak", "kalan-20261129-030327-2.kbak", "kalan-20261129-030327-3.kbak"
    ]  # fmt: skip
