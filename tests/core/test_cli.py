"""The ``kalan`` console script and its ``createuser`` command."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from kalan.__main__ import main
from kalan.core.models import User
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


def test_createuser_reads_the_password_from_stdin(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    out = createuser(
        "awa.diarra", "--password-stdin", "--first-name", "Awa", "--last-name", "Diarra"
    )

    user = User.objects.get(username="awa.diarra")
    assert user.check_password(STRONG)
    assert (user.first_name, user.last_name) == ("Awa", "Diarra")
    assert not user.is_superuser
    assert out.strip() == "created: awa.diarra"


def test_createuser_admin_makes_a_superuser(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    createuser("chef", "--admin", "--password-stdin")

    user = User.objects.get(username="chef")
    assert user.is_superuser and user.is_staff


@pytest.mark.parametrize("weak", ["12345678", "motdepasse", "court", "awa.diarra2022"])
def test_createuser_refuses_a_weak_password(db: None, stdin: Feed, weak: str) -> None:
    stdin(f"{weak}\n")

    with pytest.raises(CommandError):
        createuser("awa.diarra", "--password-stdin")

    assert not User.objects.exists()


@pytest.mark.parametrize("username", ["awa.diarra", "AWA.Diarra"])
def test_createuser_refuses_an_existing_username(db: None, stdin: Feed, username: str) -> None:
    existing = UserFactory(username="awa.diarra")
    stdin(f"{STRONG}\n")

    with pytest.raises(CommandError) as caught:
        createuser(username, "--password-stdin")

    assert "existe déjà" in str(caught.value)
    assert list(User.objects.all()) == [existing]


def test_createuser_dry_run_creates_nothing(db: None, stdin: Feed) -> None:
    stdin(f"{STRONG}\n")

    out = createuser("awa.diarra", "--password-stdin", "--dry-run")

    assert out.strip() == "would_create: awa.diarra"
    assert not User.objects.exists()


def test_createuser_dry_run_still_refuses_a_weak_password(db: None, stdin: Feed) -> None:
    stdin("12345678\n")

    with pytest.raises(CommandError):
        createuser("awa.diarra", "--password-stdin", "--dry-run")


def test_createuser_asks_twice_and_refuses_two_different_passwords(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError):
        createuser("awa.diarra")

    assert not User.objects.exists()


def test_the_kalan_script_runs_createuser_and_exits_non_zero_on_error(
    db: None, stdin: Feed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A command run from the command line closes the connections when done, which would end the
    # test's transaction: keep them open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    stdin(f"{STRONG}\n")

    main(["kalan", "createuser", "awa.diarra", "--password-stdin"])
    assert capsys.readouterr().out.strip() == "created: awa.diarra"

    stdin(f"{STRONG}\n")
    with pytest.raises(SystemExit) as exited:
        main(["kalan", "createuser", "awa.diarra", "--password-stdin"])

    assert exited.value.code == 1
    assert "existe déjà" in capsys.readouterr().err
    assert User.objects.filter(username="awa.diarra").count() == 1
