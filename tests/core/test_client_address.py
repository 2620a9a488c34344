"""``client_address``: X-Forwarded-For is read only from the trusted proxies, right to left."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from pytest_django import Settings

from kalan.core.http import client_address


@pytest.fixture
def behind_proxy(settings: Settings) -> Settings:
    settings.KALAN_BEHIND_PROXY = True
    settings.KALAN_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128", "10.1.0.0/16"]
    return settings


def address(remote: str, forwarded: str | None = None) -> str | None:
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/v/", REMOTE_ADDR=remote, **extra))


def test_without_a_proxy_the_header_is_ignored(settings: Settings) -> None:
    settings.KALAN_BEHIND_PROXY = False
    settings.KALAN_TRUSTED_PROXIES = []

    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_the_client_is_the_address_the_trusted_proxy_appended() -> None:
    # The client wrote the first entry; Caddy on the same machine appended the second.
    assert address("127.0.0.1", "198.51.100.1, 203.0.113.9") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_entry() -> None:
    # A load balancer (10.1.0.5) in front of the local proxy (127.0.0.1).
    assert address("127.0.0.1", "198.51.100.1, 203.0.113.9, 10.1.0.5") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_a_client_reaching_kalan_without_the_proxy_cannot_choose_its_address() -> None:
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_an_ipv4_client_seen_through_an_ipv6_socket_is_still_the_trusted_proxy() -> None:
    assert address("::ffff:127.0.0.1", "203.0.113.9") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_a_proxy_without_the_header_is_the_address() -> None:
    assert address("127.0.0.1") == "127.0.0.1"


@pytest.mark.usefixtures("behind_proxy")
def test_an_entry_that_is_no_address_is_never_taken_for_a_proxy() -> None:
    assert address("127.0.0.1", "203.0.113.9, unknown") == "unknown"
