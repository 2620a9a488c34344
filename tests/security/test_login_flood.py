"""A flood of logins from one address, each for a different made-up account, locks the address.

Per-account lock-out, and the unit test of the address behind a proxy, are in
``tests/core/test_lockout.py``; here an attacker never repeats an account name, so only the count
per address can stop them.
"""

from __future__ import annotations

import secrets

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from kalan.core.models import User
from tests.factories import PASSWORD

FLOOD = 30
LOCKED = "Connexion bloquée"


def attempt(client: Client, username: str, password: str, **meta: str) -> tuple[int, str]:
    response = client.post(reverse("login"), {"username": username, "password": password}, **meta)
    return response.status_code, response.content.decode()


def made_up_account() -> str:
    return f"agent-{secrets.token_hex(4)}"


def flood(address: str, **meta: str) -> list[tuple[int, str]]:
    """Thirty wrong passwords, each for an account name never tried before, as fast as it goes."""
    client = Client()
    return [
        attempt(client, made_up_account(), secrets.token_urlsafe(12), REMOTE_ADDR=address, **meta)
        for _ in range(FLOOD)
    ]


def test_a_flood_of_made_up_accounts_locks_the_address_with_the_french_page(db: None) -> None:
    answers = flood("10.20.30.40")

    limit = settings.AXES_FAILURE_LIMIT
    assert 0 < limit < FLOOD
    statuses = [status for status, _page in answers]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the login form, with its error
    assert statuses[limit - 1 :] == [429] * (FLOOD - limit + 1)
    page = answers[-1][1]
    assert LOCKED in page
    assert "Réessayez dans 15 minutes" in page
    assert "Traceback" not in page


def test_the_right_password_is_refused_from_the_locked_address(programme_officer: User) -> None:
    flood("10.20.30.40")
    client = Client()

    status, page = attempt(client, "programme_officer", PASSWORD, REMOTE_ADDR="10.20.30.40")

    assert status == 429
    assert LOCKED in page
    assert "_auth_user_id" not in client.session


def test_the_flood_locks_the_address_not_the_accounts_of_others(
    programme_officer: User,
) -> None:
    flood("10.20.30.40")
    client = Client()

    status, _page = attempt(client, "programme_officer", PASSWORD, REMOTE_ADDR="10.20.30.41")

    assert status == 302
    assert client.session["_auth_user_id"] == str(programme_officer.pk)


def test_a_forwarded_for_header_made_up_by_the_client_does_not_reset_the_count(
    programme_officer: User,
) -> None:
    # Not behind a proxy, X-Forwarded-For is whatever the client writes: a new one each time.
    client = Client()
    statuses = [
        attempt(
            client,
            made_up_account(),
            "faux",
            REMOTE_ADDR="10.20.30.40",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )[0]
        for n in range(FLOOD)
    ]

    assert statuses[-1] == 429
    assert attempt(Client(), "programme_officer", PASSWORD, REMOTE_ADDR="10.20.30.40")[0] == 429


def test_behind_a_proxy_the_client_s_own_forwarded_entries_do_not_reset_the_count(
    settings: Settings, programme_officer: User
) -> None:
    settings.KALAN_BEHIND_PROXY = True
    settings.KALAN_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()
    statuses = [
        attempt(
            client,
            made_up_account(),
            "faux",
            REMOTE_ADDR="10.0.0.1",  # the proxy
            # The client writes the first entry; the proxy appends the address it saw.
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        )[0]
        for n in range(FLOOD)
    ]

    assert statuses[-1] == 429
    status, _page = attempt(
        Client(),
        "programme_officer",
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert status == 429
    # Another client behind the same proxy is not locked out by this one.
    other = attempt(
        Client(),
        "programme_officer",
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other[0] == 302


@pytest.mark.parametrize(
    ("username", "status"),
    [
        # Longer than any account: refused by the form before any password is checked (it
        # went on to django-axes, whose record of it PostgreSQL refused: a 500).
        ("x" * 2000, 200),
        ("admin' OR '1'='1", 200),
        ("a\x00b", 400),  # no database can compare it
    ],
)
def test_an_absurd_account_name_is_refused_without_an_error(
    programme_officer: User, username: str, status: int
) -> None:
    client = Client()

    answer, page = attempt(client, username, PASSWORD, REMOTE_ADDR="10.20.30.50")

    assert answer == status
    assert "Traceback" not in page
    assert "_auth_user_id" not in client.session
    if len(username) > 150:  # no account has such a name: no password was checked for it
        assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page  # as any miss
        assert not AccessAttempt.objects.exists()


def test_the_flood_keeps_no_password_it_was_sent(db: None) -> None:
    client = Client()
    passwords = [f"secret-{secrets.token_hex(6)}" for _ in range(FLOOD)]
    for password in passwords:
        attempt(client, made_up_account(), password, REMOTE_ADDR="10.20.30.40")

    stored = " ".join(
        f"{a.username} {a.get_data} {a.post_data} {a.http_accept}"
        for a in AccessAttempt.objects.all()
    )
    assert AccessAttempt.objects.exists()
    assert not any(password in stored for password in passwords)
