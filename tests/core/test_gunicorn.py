"""Kalan under gunicorn with two worker processes (kalan/gunicorn_conf.py), on a fresh SQLite
data folder: the public certificate page's limit holds across both workers, and the access
log holds no query string and no certificate code.

A real server in subprocesses: the only way to see two processes share (or fail to share) a
count. Linux only, as gunicorn is; CI runs it on both of its runs (it brings its own SQLite
database whatever KALAN_DATABASE_URL says).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kalan.certificates.views import VERIFY_LIMIT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on Unix only")

BIN = Path(sys.executable).parent
LOOKUPS = VERIFY_LIMIT + 20
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    env.update(KALAN_DATA_DIR=str(data_dir), **extra)
    return env


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn with 2 workers on a free port, after `kalan migrate`; its port and access log."""
    data_dir, log = tmp_path / "data", tmp_path / "access.log"
    subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "kalan"), "migrate", "--noinput"],
        env=environment(data_dir),
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "gunicorn"), "-c", "python:kalan.gunicorn_conf"],
        env=environment(
            data_dir,
            KALAN_BIND=f"127.0.0.1:{port}",
            KALAN_WORKERS="2",
            KALAN_THREADS="2",
            KALAN_ACCESS_LOG=str(log),
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_it_answers(port, process)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def wait_until_it_answers(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"gunicorn stopped at start-up:\n{errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)  # polling for readiness, not a timing assertion
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT_S} s")


def look_up(port: int, number: int) -> int:
    """One look-up of a certificate code, on a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", f"/v/NOPE{number:04d}/?trace=secret{number}")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def access_lines(log: Path, expected: int) -> list[str]:
    """The look-ups' lines of the access log, once all are there: a worker writes its line
    just after it has sent the answer, so the last ones may come a moment after."""
    deadline = time.monotonic() + 30
    while True:
        lines = [line for line in log.read_text().splitlines() if '"GET /v/' in line]
        if len(lines) >= expected or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_verification_limit_holds_across_two_workers(server: tuple[int, Path]) -> None:
    port, log = server
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: look_up(port, n), range(LOOKUPS)))

    # Exactly the limit answered (404: no such certificate), whichever worker took each.
    assert statuses.count(404) == VERIFY_LIMIT
    assert statuses.count(429) == LOOKUPS - VERIFY_LIMIT
    lines = access_lines(log, LOOKUPS)
    workers = {re.search(r"<(\d+)>", line).group(1) for line in lines}  # type: ignore[union-attr]
    assert len(lines) == LOOKUPS
    assert len(workers) == 2, "both workers must have answered for the test to mean anything"
    # The access log names no code and keeps no query string.
    assert not any("NOPE" in line or "secret" in line or "?" in line for line in lines)
