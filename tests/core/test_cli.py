"""The ``kalan`` console script and its ``createuser`` command (``--role``, ``--partner``,
``--admin``)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from kalan.__main__ import main
from kalan.core.models import User
from kalan.core.roles import Role
from kalan.plans.models import Partner
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
