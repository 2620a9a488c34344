"""Benchmark: the paper of one 40-participant, 3-day session, produced at once.

``document_pack_40_s`` is the median wall time (REPEAT runs after one warm-up) of producing, for
the bench's 40-participant session of ``bench/run.py``: the sign-in sheets of its 3 days
(``kalan.workshops.sheets``), the per-diem payment statement PDF, lines computed from attendance
(``kalan.finance.statements``), the 40 certificates in one PDF (``certificates``) and the badges
(``badges``). The certificates are issued before the clock starts (a one-time write, not paper);
the session's rule is lowered to 60 % so that all 40 earn one (the bench's attendance leaves some
a day short). Each PDF is read back with pypdf, so that a fast empty file is no result.

A renderer whose module or function is missing is skipped and named in ``missing``: the figure
then covers what exists.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REPEAT = 3
TARGET_S = 3.0


@dataclass
class PackFigures:
    seconds: float
    pages: dict[str, int]
    missing: list[str] = field(default_factory=list)


def _renderer(module: str, name: str, missing: list[str]) -> Callable[..., bytes] | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        missing.append(f"{module}.{name}")
        return None


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def measure_document_pack(session: Any, user: Any) -> PackFigures:
    from kalan.certificates.services import (
        certificates_issue,
        certificates_of_session,
        certificates_pdf,
    )
    from kalan.core.selectors import organisation_current
    from kalan.workshops.models import Session

    Session.objects.filter(pk=session.pk).update(certificate_min_percent=60)
    session.refresh_from_db()
    certificates_issue(session=session, by=user)

    missing: list[str] = []
    sheets = _renderer("kalan.workshops.sheets", "sign_in_sheets_pdf", missing)
    lines_of = _renderer("kalan.finance.statements", "statement_lines", missing)
    statement = _renderer("kalan.finance.statements", "statement_pdf", missing)
    badges = _renderer("kalan.workshops.badges", "badges_pdf", missing)

    def pack() -> dict[str, bytes]:
        produced: dict[str, bytes] = {}
        if sheets is not None:
            produced["sheets"] = sheets(session=session, user=user)
        if lines_of is not None and statement is not None:
            produced["statement"] = statement(
                session=session,
                organisation=organisation_current(),
                lines=lines_of(session=session),
                number="EP-BENCH-0001",
                issued_on=dt.date(2022, 11, 10),
            )
        produced["certificates"] = certificates_pdf(
            certificates=certificates_of_session(session=session)
        )
        if badges is not None:
            produced["badges"] = badges(session=session)
        return produced

    pack()  # warm-up: fonts registered, templates and modules loaded
    timings, produced = [], {}
    for _ in range(REPEAT):
        began = time.perf_counter()
        produced = pack()
        timings.append(time.perf_counter() - began)
    pages = {name: _pages(data) for name, data in produced.items()}
    if pages["certificates"] != 40:
        sys.exit(f"bench: the 40 certificates came out on {pages['certificates']} pages, not 40")
    return PackFigures(seconds=statistics.median(timings), pages=pages, missing=missing)


def report(figures: PackFigures) -> int:
    """Print the figure; non-zero when above the target or when a renderer is missing."""
    print(f"document_pack_40_s: {figures.seconds:.2f} s")
    status = 0
    if figures.missing:
        print(
            "bench: the document pack lacks " + ", ".join(figures.missing) + ": timed without it",
            file=sys.stderr,
        )
        status = 1
    if figures.seconds > TARGET_S:
        print(
            f"bench: the document pack of a 40-participant session took {figures.seconds:.2f} s, "
            f"above the {TARGET_S} s target (pages: {figures.pages}).",
            file=sys.stderr,
        )
        status = 1
    return status
