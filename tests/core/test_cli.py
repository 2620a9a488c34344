"""The ``kalan`` console script and its ``createuser`` command (``--role``, ``--partner``,
``--admin``)."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

import kalan
from kalan.__main__ import main
from kalan.core.models import Partner, User
from kalan.core.roles import Role
from tests.factories import UserFactory

STRONG = "Palmeraie-Sevare-2022"
Feed = Callable[[str], None]


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Feed:
    """``stdin("text")``: what the command will read on its standard input."""

    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def createuser(*args: str) -> str:
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "argv", [["kalan", "--help"], ["kalan", "-h"], ["kalan", "help"], ["kalan"]]
)
def test_kalan_help_lists_kalans_own_commands(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(argv)

    out = capsys.readouterr().out
    commands = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    for command in ("serve", "migrate", "demo", "createuser"):
        assert command in commands
    assert "Usage" in out


def listed(out: str) -> dict[str, str]:
    """The commands ``kalan --help`` lists, each with its summary."""
    lines = [line.split(maxsplit=1) for line in out.splitlines() if line.startswith("  ")]
    return {words[0]: words[1] if len(words) > 1 else "" for words in lines}


def test_kalan_help_lists_every_command_in_kalans_apps_with_a_short_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Walks the folders rather than asking Django: a command added anywhere under kalan/ and
    # missing from the help (an app left out of INSTALLED_APPS, say) fails here.
    found = {
        path.stem
        for path in Path(kalan.__file__).parent.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert {"serve", "demo", "createuser", "participants", "bank"} <= found

    main(["kalan", "--help"])

    commands = listed(capsys.readouterr().out)
    for name in found:
        assert name in commands, f"kalan --help does not list {name}"
        assert 10 <= len(commands[name]) <= 80, f"{name}: {commands[name]!r}"
        assert " / " not in commands[name]  # the French part only


def test_kalan_help_lists_the_django_commands_a_user_needs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["kalan", "--help"])

    commands = listed(capsys.readouterr().out)
    for name in ("migrate", "changepassword", "check", "dbshell"):
        assert commands[name]
    assert "makemigrations" not in commands and "runserver" not in commands


# The data folder: made by the commands that need it, never by reading the settings -----------


def kalan_run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``kalan ARGS`` in a new process, with this data folder, no KALAN_SECRET_KEY, on SQLite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    env["KALAN_DATA_DIR"] = str(data_dir)
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-m", "kalan", *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("args", [["--help"], ["migrate", "--help"], ["check"]])
def test_help_and_check_make_no_data_folder(tmp_path: Path, args: list[str]) -> None:
    done = kalan_run(tmp_path / "var", *args)

    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "var").exists()


def test_the_first_command_makes_the_folder_and_the_key_for_its_owner_only(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "kalan" / "var"

    done = kalan_run(folder, "migrate", "--noinput", "--plan")

    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key = folder / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 50


def test_the_database_and_every_file_kalan_writes_are_its_owner_s_only(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    # A folder made before the rule, as the penetration test found it: 0755, files 0644.
    (folder / "media" / "photos").mkdir(parents=True)
    old_photo = folder / "media" / "photos" / "old.jpg"
    old_photo.write_bytes(b"\xff\xd8")
    for path, mode in ((folder, 0o755), (folder / "media", 0o755), (old_photo, 0o644)):
        path.chmod(mode)

    done = kalan_run(folder, "migrate", "--noinput")

    assert done.returncode == 0, done.stderr
    database = folder / "kalan.sqlite3"
    assert database.exists()
    modes = {
        path.relative_to(folder).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in (folder, *folder.rglob("*"))
    }
    assert modes["kalan.sqlite3"] == 0o600
    assert modes["media/photos/old.jpg"] == 0o600
    assert modes["."] == 0o700
    assert {path: mode for path, mode in modes.items() if mode & 0o077} == {}


def test_kalan_migrate_names_a_data_folder_it_cannot_make_in_french_and_english(
    tmp_path: Path,
) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    folder = tmp_path / "file" / "sub"  # can never be made, even by root

    done = kalan_run(folder, "migrate", "--noinput")

    assert done.returncode == 1
    assert done.stderr.startswith(
        f"kalan : Le dossier de données {folder} n’est pas accessible en écriture (KALAN_DATA_DIR)"
        f" / The data folder {folder} is not writable"
    )
    assert "Traceback" not in done.stderr


def test_kalan_restore_leaves_the_data_folder_alone(tmp_path: Path) -> None:
    # Restoring into KALAN_DATA_DIR itself must find it empty: no key may be written there first.
    done = kalan_run(
        tmp_path / "var", "restore", str(tmp_path / "missing.kbak"), "--data-dir",
        str(tmp_path / "var"),
    )  # fmt: skip

    assert done.returncode != 0
    assert not (tmp_path / "var").exists()


def test_createuser_reads_the_password_from_stdin(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    out = createuser(
        "awa.diarra",
        "--password-stdin",
        "--role",
        "trainer",
        "--first-name",
        "Awa",
        "--last-name",
        "Diarra",
    )

    user = User.objects.get(username="awa.diarra")
    assert user.check_password(STRONG)
    assert (user.first_name, user.last_name) == ("Awa", "Diarra")
    assert user.role == Role.TRAINER
    assert not user.is_superuser
    assert out.strip() == "created: awa.diarra"


def test_createuser_admin_makes_a_superuser_administrator(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    createuser("chef", "--admin", "--password-stdin")

    user = User.objects.get(username="chef")
    assert user.is_superuser and user.is_staff
    assert user.role == Role.ADMINISTRATOR
    assert user.has_perm("kalan.manage_users")


@pytest.mark.parametrize("role", [r for r in Role.values if r not in ("administrator", "donor")])
def test_createuser_gives_the_role_asked(db: None, stdin: Feed, role: str) -> None:
    stdin(f"{STRONG}\n")

    createuser("awa.diarra", "--role", role, "--password-stdin")

    user = User.objects.get(username="awa.diarra")
    assert user.role == role
    assert not user.is_superuser and user.partner is None


@pytest.mark.parametrize("name", ["EUCAP Sahel Mali", "eucap"])
def test_createuser_ties_a_donor_to_its_partner_by_name_or_acronym(
    db: None, stdin: Feed, funder: Partner, name: str
) -> None:
    stdin(f"{STRONG}\n")

    createuser("claire.martin", "--role", "donor", "--partner", name, "--password-stdin")

    user = User.objects.get(username="claire.martin")
    assert (user.role, user.partner) == (Role.DONOR, funder)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "Précisez le rôle"),
        (["--role", "chef"], "Rôle inconnu : « chef »"),
        (["--role", "donor"], "rattaché à son partenaire"),
        (["--role", "donor", "--partner", "Inconnu"], "Partenaire inconnu « Inconnu »"),
        (["--role", "trainer", "--partner", "EUCAP"], "Seul un compte partenaire"),
        (["--admin", "--role", "trainer"], "--admin fait un administrateur"),
    ],
)
def test_createuser_refuses_a_missing_or_wrong_role_or_partner_in_french(
    db: None, stdin: Feed, funder: Partner, args: list[str], said: str
) -> None:
    stdin(f"{STRONG}\n")

    with pytest.raises(CommandError, match=re.escape(said)):
        createuser("awa.diarra", "--password-stdin", *args)

    assert not User.objects.filter(username="awa.diarra").exists()


@pytest.mark.parametrize("weak", ["12345678", "motdepasse", "court", "awa.diarra2022"])
def test_createuser_refuses_a_weak_password(db: None, stdin: Feed, weak: str) -> None:
    stdin(f"{weak}\n")

    with pytest.raises(CommandError):
        createuser("awa.diarra", "--role", "trainer", "--password-stdin")

    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["awa.diarra", "AWA.Diarra"])
def test_createuser_refuses_an_existing_username(db: None, stdin: Feed, username: str) -> None:
    existing = UserFactory(username="awa.diarra")
    stdin(f"{STRONG}\n")

    with pytest.raises(CommandError) as caught:
        createuser(username, "--role", "trainer", "--password-stdin")

    assert "existe déjà" in str(caught.value)
    assert list(User.objects.all()) == [existing]


def test_createuser_dry_run_creates_nothing(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    out = createuser("awa.diarra", "--role", "trainer", "--password-stdin", "--dry-run")

    assert out.strip() == "would_create: awa.diarra"
    assert not User.objects.exists()


def test_createuser_dry_run_still_refuses_a_donor_without_partner(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    with pytest.raises(CommandError, match="partenaire"):
        createuser("awa.diarra", "--role", "donor", "--password-stdin", "--dry-run")


def test_createuser_dry_run_still_refuses_a_weak_password(db: None, stdin: Feed) -> None:
    stdin("12345678\n")

    with pytest.raises(CommandError):
        createuser("awa.diarra", "--role", "trainer", "--password-stdin", "--dry-run")


def test_createuser_asks_twice_and_refuses_two_different_passwords(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError):
        createuser("awa.diarra", "--role", "trainer")

    assert not User.objects.exists()


def test_the_kalan_script_runs_createuser_and_exits_non_zero_on_error(
    db: None, stdin: Feed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A command run from the command line closes the connections when done, which would end the
    # test's transaction: keep them open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    stdin(f"{STRONG}\n")

    main(["kalan", "createuser", "awa.diarra", "--role", "trainer", "--password-stdin"])
    assert capsys.readouterr().out.strip() == "created: awa.diarra"

    stdin(f"{STRONG}\n")
    with pytest.raises(SystemExit) as exited:
        main(["kalan", "createuser", "awa.diarra", "--role", "trainer", "--password-stdin"])

    assert exited.value.code == 1
    assert "existe déjà" in capsys.readouterr().err
    assert User.objects.filter(username="awa.diarra").count() == 1
