"""gunicorn's access log (kalan/core/access_log.py) keeps no personal part of a request, whatever
format an administrator writes."""

from __future__ import annotations

import base64
import datetime as dt
from types import SimpleNamespace

import pytest

# gunicorn is a dependency on every platform but Windows, where this module is skipped.
pytest.importorskip("gunicorn", reason="gunicorn is installed on Unix only")

from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from kalan.core.access_log import QuietLogger

# Every atom that can hold something of the person or of what they typed.
REVEALING = (
    '%(h)s %(u)s "%(r)s" %(U)s %(q)s "%(f)s" "%(a)s" %({cookie}i)s %({authorization}i)s '
    "%({x-forwarded-for}i)s %({set-cookie}o)s %({query_string}e)s %(s)s %(p)s"
)
SECRETS = ("Q7XK2M9P", "secret", "Maiga", "203.0.113.9", "sessionid", "Pixel")


def line(path: str, query: str) -> str:
    logger = QuietLogger(Config())
    credentials = base64.b64encode(b"Maiga:secret").decode()
    headers = [
        ("Cookie", "sessionid=abc; csrftoken=def"),
        ("Authorization", f"Basic {credentials}"),
        ("X-Forwarded-For", "203.0.113.9"),
    ]
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://kalan.example.org{path}?{query}",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14; Pixel 7)",
        "HTTP_AUTHORIZATION": f"Basic {credentials}",
    }
    response = SimpleNamespace(
        status="404 Not Found", sent=120, headers=[("Set-Cookie", "sessionid=xyz")]
    )
    request = SimpleNamespace(headers=headers)
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    return REVEALING % SafeAtoms(atoms)


def test_a_certificate_s_code_and_the_query_string_stay_out_of_the_line() -> None:
    written = line("/v/Q7XK2M9P/", "q=Maiga&secret=1")

    assert not any(secret in written for secret in SECRETS), written
    assert '"GET /v/…/ HTTP/1.1"' in written
    assert " 404 " in written


def test_other_paths_are_kept_as_they_are() -> None:
    written = line("/sessions/8f0e/presences/", "q=Maiga")

    assert "/sessions/8f0e/presences/" in written
    assert "Maiga" not in written
