"""Lock-out after repeated failed logins (django-axes): per account and per address."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from kalan.core.http import client_address
from kalan.core.models import User
from tests.factories import PASSWORD

LOCKED = "Connexion bloquée"


def attempt(client: Client, username: str, password: str, address: str) -> str:
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return f"{response.status_code} {response.content.decode()}"


def test_five_wrong_passwords_lock_the_account_with_a_french_message(
    programme_officer: User,
) -> None:
    client = Client()
    for _ in range(4):
        assert LOCKED not in attempt(client, "programme_officer", "faux", "10.0.0.1")

    answer = attempt(client, "programme_officer", "faux", "10.0.0.1")

    assert answer.startswith("429 ")
    assert LOCKED in answer
    assert "Réessayez dans 15 minutes" in answer
    assert "Traceback" not in answer


def test_the_right_password_is_refused_while_locked(programme_officer: User) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "programme_officer", "faux", "10.0.0.1")

    answer = attempt(client, "programme_officer", PASSWORD, "10.0.0.1")

    assert answer.startswith("429 ")
    assert "_auth_user_id" not in client.session


def test_the_account_stays_locked_from_another_address(programme_officer: User) -> None:
    for _ in range(5):
        attempt(Client(), "programme_officer", "faux", "10.0.0.1")

    client = Client()
    assert attempt(client, "programme_officer", PASSWORD, "10.9.9.9").startswith("429 ")
    assert "_auth_user_id" not in client.session


def test_the_address_stays_locked_for_another_account(
    programme_officer: User, trainer: User
) -> None:
    for _ in range(5):
        attempt(Client(), "programme_officer", "faux", "10.0.0.1")

    assert attempt(Client(), "trainer", PASSWORD, "10.0.0.1").startswith("429 ")


def test_another_account_from_another_address_logs_in(
    programme_officer: User, trainer: User
) -> None:
    for _ in range(5):
        attempt(Client(), "programme_officer", "faux", "10.0.0.1")

    client = Client()
    answer = attempt(client, "trainer", PASSWORD, "10.0.0.2")

    assert answer.startswith("302 ")
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_a_success_before_the_limit_resets_the_count(programme_officer: User) -> None:
    for _ in range(4):
        attempt(Client(), "programme_officer", "faux", "10.0.0.1")
    assert attempt(Client(), "programme_officer", PASSWORD, "10.0.0.1").startswith("302 ")

    for _ in range(4):
        assert LOCKED not in attempt(Client(), "programme_officer", "faux", "10.0.0.1")


@pytest.mark.parametrize(
    ("behind_proxy", "expected"), [(False, "10.0.0.1"), (True, "198.51.100.7")]
)
def test_the_address_comes_from_the_proxy_only_behind_one(
    settings: Settings, behind_proxy: bool, expected: str
) -> None:
    settings.KALAN_BEHIND_PROXY = behind_proxy
    settings.KALAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().post(
        "/connexion/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",  # the first is the client's claim
    )

    assert client_address(request) == expected
