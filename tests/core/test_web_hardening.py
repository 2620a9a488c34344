"""Content-Security-Policy, no inline script, and the deployment check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.test import Client
from django.urls import reverse

import kalan
from kalan.core.models import User

TEMPLATES = sorted(Path(kalan.__file__).resolve().parent.glob("*/templates/**/*.html"))
# <script> with content, or without src=: both are inline script, which the policy refuses.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_a_page_carries_the_content_security_policy(
    client_for: Callable[[User], Client], programme_officer: User
) -> None:
    response = client_for(programme_officer).get(reverse("home"))

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "form-action 'self'" in policy
    assert "base-uri 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_participant_page_style_is_let_in_by_its_nonce(db: None) -> None:
    response = Client().get(reverse("take_join"))

    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode())
    assert nonce is not None
    assert f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"]


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 20


def test_no_template_has_an_inline_script_or_style_attribute() -> None:
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or "style=" in text:
            offenders.append(str(path))
    assert offenders == []


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    # The test run allows async-unsafe database access (for the browser tests); production must not.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KALAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        KALAN_DATA_DIR=str(tmp_path),
        KALAN_SECURE_COOKIES="true",
        KALAN_HSTS_SECONDS="31536000",
        KALAN_SSL_REDIRECT="true",
        KALAN_SECRET_KEY=secrets.token_urlsafe(50),
    )
    done = subprocess.run(
        [sys.executable, "-m", "kalan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
