"""Settings read from KALAN_* variables through small typed helpers, and the database they give."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kalan.core.datadir import DataDirError, prepare_data_dir, secret_key_setting
from kalan.core.env import envbool, envint, envlist

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# envbool, envint, envlist -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", " yes ", "on", "oui", "Oui"])
def test_envbool_reads_true(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KALAN_TEST_FLAG", value)

    assert envbool("TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", " off", "non"])
def test_envbool_reads_false(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KALAN_TEST_FLAG", value)

    assert envbool("TEST_FLAG", True) is False


@pytest.mark.parametrize("value", [None, "", "   "])
def test_envbool_falls_back_to_the_default_when_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("KALAN_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("KALAN_TEST_FLAG", value)

    assert envbool("TEST_FLAG", True) is True
    assert envbool("TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["2", "vrai", "maybe"])
def test_envbool_refuses_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KALAN_TEST_FLAG", value)

    with pytest.raises(ValueError, match="KALAN_TEST_FLAG"):
        envbool("TEST_FLAG", False)


@pytest.mark.parametrize(("value", "expected"), [("8", 8), (" 28800 ", 28800), ("-1", -1)])
def test_envint_reads_an_integer(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv("KALAN_TEST_NUMBER", value)

    assert envint("TEST_NUMBER", 0) == expected


def test_envint_falls_back_to_the_default_when_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KALAN_TEST_NUMBER", raising=False)
    assert envint("TEST_NUMBER", 3600) == 3600
    monkeypatch.setenv("KALAN_TEST_NUMBER", " ")
    assert envint("TEST_NUMBER", 3600) == 3600


@pytest.mark.parametrize("value", ["8h", "1.5", "huit"])
def test_envint_refuses_a_non_integer_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KALAN_TEST_NUMBER", value)

    with pytest.raises(ValueError, match=r"KALAN_TEST_NUMBER must be an integer"):
        envint("TEST_NUMBER", 0)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KALAN_TEST_LIST", " kalan.local, 192.168.1.10 ,,  ")

    assert envlist("TEST_LIST", ["localhost"]) == ["kalan.local", "192.168.1.10"]


def test_envlist_falls_back_to_the_default_when_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KALAN_TEST_LIST", raising=False)
    assert envlist("TEST_LIST", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("KALAN_TEST_LIST", "  ")
    assert envlist("TEST_LIST", ["localhost"]) == ["localhost"]


# The data folder and the secret key ---------------------------------------------------------------


def test_prepare_data_dir_makes_the_folder_readable_by_its_owner_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)

    folder = prepare_data_dir(tmp_path / "kalan" / "var")

    assert folder == tmp_path / "kalan" / "var"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / "static").is_dir()  # STATIC_ROOT: WhiteNoise warns when it is missing


def test_prepare_data_dir_makes_the_folder_kalan_data_dir_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KALAN_DATA_DIR", str(tmp_path / "kalan" / "var"))

    assert prepare_data_dir() == tmp_path / "kalan" / "var"
    assert (tmp_path / "kalan" / "var").is_dir()


def test_secret_key_is_generated_into_the_data_folder_readable_by_its_owner_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)

    prepare_data_dir(tmp_path)

    path = tmp_path / "secret_key"
    key = secret_key_setting(tmp_path)
    assert isinstance(key, str) and len(key) >= 50
    assert path.read_text().strip() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_secret_key_is_kept_when_the_folder_is_prepared_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)
    prepare_data_dir(tmp_path)
    first = secret_key_setting(tmp_path)

    prepare_data_dir(tmp_path)

    assert secret_key_setting(tmp_path) == first


def test_secret_key_written_by_another_process_first_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("written-by-the-other-process")
    # The other process wrote it between our look and our write: O_EXCL refuses to overwrite.
    monkeypatch.setattr(Path, "exists", lambda self: False)

    prepare_data_dir(tmp_path)

    assert (tmp_path / "secret_key").read_text() == "written-by-the-other-process"


def test_each_data_folder_gets_its_own_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)
    prepare_data_dir(tmp_path / "a")
    prepare_data_dir(tmp_path / "b")

    assert secret_key_setting(tmp_path / "a") != secret_key_setting(tmp_path / "b")


def test_secret_key_comes_from_kalan_secret_key_when_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KALAN_SECRET_KEY", "given-by-the-administrator")

    prepare_data_dir(tmp_path)

    assert secret_key_setting(tmp_path) == "given-by-the-administrator"
    assert not (tmp_path / "secret_key").exists()


def test_prepare_data_dir_refuses_a_folder_that_cannot_be_made_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    folder = tmp_path / "file" / "sub"  # can never be made, even by root

    with pytest.raises(DataDirError) as refused:
        prepare_data_dir(folder)

    said = str(refused.value)
    assert f"Le dossier de données {folder} n’est pas accessible en écriture" in said
    assert f"The data folder {folder} is not writable" in said
    assert "KALAN_DATA_DIR" in said


# The settings module as a whole, read in a fresh interpreter --------------------------------------


def read_settings(tmp_path: Path, **env: str) -> dict[str, object]:
    """Import kalan.settings with these KALAN_* variables in a new process; return a few values."""
    script = (
        "import json, kalan.settings as s; db = s.DATABASES['default'];"
        "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']),"
        " 'options': db.get('OPTIONS', {}), 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KALAN_")}
    clean.update({"KALAN_DATA_DIR": str(tmp_path)}, **env)
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise ValueError(done.stderr)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_settings_default_to_sqlite_in_wal_mode_in_the_data_folder(tmp_path: Path) -> None:
    values = read_settings(tmp_path)

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "kalan.sqlite3")
    assert "journal_mode=WAL" in str(values["options"])
    assert values["debug"] is False
    assert values["hosts"] == ["127.0.0.1", "localhost", "[::1]"]


def test_settings_take_the_database_from_kalan_database_url(tmp_path: Path) -> None:
    values = read_settings(tmp_path, KALAN_DATABASE_URL="postgres://kalan@db.example:5432/kalan")

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "kalan"
    assert values["options"] == {}


def test_settings_refuse_to_start_with_a_bad_boolean(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="KALAN_DEBUG must be a boolean"):
        read_settings(tmp_path, KALAN_DEBUG="peut-être")


def fresh_python(script: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a new interpreter with KALAN_DATA_DIR and these KALAN_* variables only."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    clean.update({"KALAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "kalan.settings"})
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("key", ["", "given-by-the-administrator"])
def test_importing_the_settings_makes_no_folder_and_writes_no_key(tmp_path: Path, key: str) -> None:
    folder = tmp_path / "kalan" / "var"

    done = fresh_python(
        "import kalan.settings as s; print(s.DATA_DIR)", folder, KALAN_SECRET_KEY=key
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(folder)
    assert not (tmp_path / "kalan").exists()


def test_settings_read_the_key_kept_in_the_data_folder(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("kept-in-the-data-folder\n")

    done = fresh_python("import kalan.settings as s; print(s.SECRET_KEY)", tmp_path)

    assert done.stdout.strip() == "kept-in-the-data-folder"


def test_settings_prefer_kalan_secret_key_to_the_key_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("kept-in-the-data-folder\n")

    done = fresh_python(
        "import kalan.settings as s; print(s.SECRET_KEY)", tmp_path, KALAN_SECRET_KEY="given"
    )

    assert done.stdout.strip() == "given"


def test_django_starts_without_a_key_but_refuses_to_use_one_naming_kalan_data_dir(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "kalan" / "var"
    script = (
        "import django; django.setup(); print('started', flush=True);"
        "from django.conf import settings; settings.SECRET_KEY"
    )

    done = fresh_python(script, folder)

    assert done.stdout.strip() == "started"
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: Pas de clé secrète")
    assert "KALAN_DATA_DIR" in last and "No secret key" in last
    assert not (tmp_path / "kalan").exists()


@pytest.mark.skipif(ON_POSTGRESQL, reason="WAL is a journal mode of SQLite; PostgreSQL has none")
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]

    assert journal_mode == "wal"
    assert foreign_keys == 1
