"""Behind HTTPS, secure cookies and HSTS; on every page, no framing and no inline script; on
every form, a CSRF token or a refusal.

The page-by-page checks walk every URL pattern (``tests.security.routes``), so a page added
later is checked without being listed here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from kalan.core.models import User
from tests.factories import PASSWORD
from tests.security.routes import routes
from tests.security.support import Programme, fetched, row_counts

# What an institution sets when Kalan is served over HTTPS by a reverse proxy (README, deploy).
PRODUCTION = {
    "KALAN_SECURE_COOKIES": "true",
    "KALAN_HSTS_SECONDS": "31536000",
    "KALAN_SSL_REDIRECT": "true",
    "KALAN_BEHIND_PROXY": "true",
}
SECURITY_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
]
CSRF_REFUSED = b"kalan-test: refused for want of a CSRF token"


def security_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    """Import kalan.settings in a fresh interpreter with these KALAN_* variables (and no other),
    as ``tests/core/test_settings.py`` does; return the security settings it ends up with."""
    script = (
        "import json, kalan.settings as s;"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {SECURITY_SETTINGS!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KALAN_")}
    clean.update({"KALAN_DATA_DIR": str(tmp_path)}, **env)
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=True
    )
    values: dict[str, Any] = json.loads(done.stdout)
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    """This process's settings as the production variables make them."""
    values = security_settings(tmp_path, **PRODUCTION)
    for name, value in values.items():
        setattr(settings, name, value)
    return values


# --- Secure cookies and HSTS ---------------------------------------------------------------


def test_production_variables_turn_on_secure_cookies_hsts_and_the_https_redirect(
    tmp_path: Path,
) -> None:
    values = security_settings(tmp_path, **PRODUCTION)

    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_a_laptop_on_plain_http_keeps_cookies_it_can_send_and_no_hsts(tmp_path: Path) -> None:
    values = security_settings(tmp_path)

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_SSL_REDIRECT"] is False
    # Without a proxy that sets it, a client's X-Forwarded-Proto must not make it "HTTPS".
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_https_the_answer_carries_hsts_and_the_cookies_are_secure(
    production: dict[str, Any], programme_officer: User
) -> None:
    client = Client()

    page = client.get(reverse("login"), secure=True)
    login = client.post(
        reverse("login"),
        {"username": "programme_officer", "password": PASSWORD},
        secure=True,
    )

    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"] is True
    assert login.status_code == 302
    session = login.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_plain_http_request_is_sent_to_https(production: dict[str, Any], db: None) -> None:
    response = Client().get("/connexion/?next=/personnes/")

    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/connexion/?next=/personnes/"
    assert "Strict-Transport-Security" not in response.headers  # HSTS is sent over HTTPS only


def test_the_proxy_s_https_header_counts_only_behind_a_proxy(
    production: dict[str, Any], settings: Settings, db: None
) -> None:
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https"}

    behind = Client().get(reverse("login"), **forwarded)
    settings.SECURE_PROXY_SSL_HEADER = None  # KALAN_BEHIND_PROXY unset: a client's claim
    direct = Client().get(reverse("login"), **forwarded)

    assert behind.status_code == 200
    assert "Strict-Transport-Security" in behind.headers
    assert direct.status_code == 301


# --- Framing and inline script, on every page -------------------------------------------------


def script_sources(policy: str) -> list[str]:
    """The sources of the policy's script-src (default-src when it has none)."""
    directives = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives.get("script-src", directives.get("default-src", []))


def test_every_page_refuses_to_be_framed_and_runs_no_inline_script(
    programme: Programme, administrator: User, client_for: Callable[[User], Client]
) -> None:
    signed_in, visitor = client_for(administrator), Client()
    checked, shown, faults = 0, 0, []
    for route in routes():
        url = route.url(programme.kwargs(route))
        for client in (signed_in, visitor):
            response = fetched(client.get(url))
            if not response.headers.get("Content-Type", "").startswith("text/html"):
                continue
            checked += 1
            shown += response.status_code == 200
            policy = response.headers.get("Content-Security-Policy", "")
            sources = script_sources(policy)
            if (
                response.headers.get("X-Frame-Options") != "DENY"
                or "frame-ancestors 'none'" not in policy
                or "'self'" not in sources
                or {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(sources)
            ):
                faults.append(f"{url} ({response.status_code})")

    assert faults == []
    assert checked > 60
    assert shown > 30  # real pages, not only redirects and 404s


# --- CSRF, on every form ----------------------------------------------------------------------


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Stands for Django's CSRF failure page, so that a refusal is told from any other 403."""
    return HttpResponseForbidden(CSRF_REFUSED)


def test_every_post_without_a_csrf_token_is_refused_before_the_view(
    programme: Programme, administrator: User, settings: Settings
) -> None:
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(administrator)
    visitor = Client(enforce_csrf_checks=True)
    before = row_counts()
    posted, let_through = 0, []
    for route in routes():
        url = route.url(programme.kwargs(route))
        for client in (signed_in, visitor):
            response = fetched(client.post(url, {"reason": "sans jeton", "q": "x"}))
            posted += 1
            if response.status_code != 403 or response.content != CSRF_REFUSED:
                let_through.append(f"{url} ({response.status_code})")

    assert let_through == []
    assert posted > 80
    assert row_counts() == before


def test_the_same_post_with_its_token_gets_through(programme_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))

    response = client.post(
        reverse("login"),
        {
            "username": "programme_officer",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(programme_officer.pk)
