"""The page « Retours de terrain »: a laptop's return bundle uploaded, previewed, imported.

A bundle waits for its import under ``DATA_DIR/imports/`` (outside anything served, kept in
backups, as the participant lists waiting for theirs) under a random name that is also its
token in the page's address: the file carries no name an officer typed, and its address tells
nothing of its content. It is deleted once imported, refused or abandoned; one forgotten is
deleted at the next upload once a day old (``STALE``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kalan.core.datadir import IMPORTS_FOLDER
from kalan.fieldkit.bundle import SUFFIX, BundleError, Pending
from kalan.fieldkit.kit import kit_model
from kalan.fieldkit.models import FieldReturn

CHUNK = 1 << 20
# A return carries rows, the statements' PDFs and the photos of a few sessions: tens of MB.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
STALE = dt.timedelta(days=1)
PREFIX = "retour-"
TOKEN = re.compile(r"[0-9a-f]{32}")


def return_max_bytes() -> int:
    return int(getattr(settings, "KALAN_FIELD_RETURN_MAX_BYTES", DEFAULT_MAX_BYTES))


def _folder() -> Path:
    path = Path(settings.DATA_DIR) / IMPORTS_FOLDER
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def return_upload_path(token: str) -> Path | None:
    """The stored bundle of ``token``, or None when there is none (or the token is no token)."""
    if not TOKEN.fullmatch(token):
        return None
    path = _folder() / f"{PREFIX}{token}{SUFFIX}"
    return path if path.is_file() else None


def return_upload_store(*, content: IO[bytes], filename: str) -> str:
    """Keep an uploaded bundle until its import; its token. Raises BundleError ``too_large``."""
    _stale_delete()
    token = secrets.token_hex(16)
    path = _folder() / f"{PREFIX}{token}{SUFFIX}"
    limit, size = return_max_bytes(), 0
    with path.open("wb") as handle:
        while chunk := content.read(CHUNK):
            size += len(chunk)
            if size > limit:
                break
            handle.write(chunk)
    if size > limit:
        path.unlink()
        raise BundleError(
            _("« %(file)s » dépasse la taille permise (%(limit)s Mo).")
            % {"file": Path(filename).name, "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    path.chmod(0o600)
    return token


def return_upload_discard(token: str) -> None:
    path = return_upload_path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def _stale_delete() -> None:
    """Bundles left waiting (a tab closed on the preview) go once a day old."""
    limit = time.time() - STALE.total_seconds()
    for path in _folder().glob(f"{PREFIX}*{SUFFIX}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue  # another request deleted it first


def field_returns() -> QuerySet[FieldReturn]:
    """The bundles imported here, newest first, with their kit and who imported them."""
    return FieldReturn.objects.select_related("kit", "imported_by").order_by("-created_at")


# --- what to decide, as the preview shows it --------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A ``Pending`` of ``bundle_import`` in the words of the page."""

    key: str
    kind: str  # "conflict", "deleted_here", "person"
    what: str  # the row, as headquarters names it
    column: str
    headquarters: str
    laptop: str
    facts: list[tuple[str, str]]  # a walk-in's: service number, birth date, phone
    choices: list[tuple[str, str]]
    chosen: str  # "" while undecided


def _row_uid(pending: Pending) -> str:
    return pending.key.split(":", 1)[0]


def _field_name(pending: Pending) -> str:
    return pending.key.split(":", 1)[1] if ":" in pending.key else ""


def _names(pendings: Iterable[Pending]) -> dict[str, str]:
    """Each pending row and each row a conflicting value points at, named as headquarters
    names it: one query per model, not one per row."""
    wanted: dict[type[models.Model], set[str]] = {}
    for pending in pendings:
        model = kit_model(pending.model)
        if model is None or pending.kind == "person":
            continue
        wanted.setdefault(model, set()).add(_row_uid(pending))
        name = _field_name(pending)
        target: Any = model._meta.get_field(name) if name else None
        if target is not None and target.is_relation:
            values = [pending.headquarters, pending.laptop]
            if not target.many_to_many:
                values = [[v] for v in values]
            for value in values:
                wanted.setdefault(target.related_model, set()).update(
                    str(v) for v in (value or []) if _uuid(v)
                )
    names = {}
    for kind, uids in wanted.items():
        for obj in kind._default_manager.filter(uid__in=uids):
            names[str(getattr(obj, "uid", ""))] = str(obj)
    return names


def _uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _shown(value: Any, names: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return ", ".join(_shown(v, names) for v in value)
    return names.get(str(value), str(value))


def decisions_described(pendings: Iterable[Pending], decisions: dict[str, str]) -> list[Decision]:
    """What the preview asks, each with the value of both sides and the choice already made."""
    pendings = list(pendings)
    names = _names(pendings)
    described = []
    for pending in pendings:
        facts: list[tuple[str, str]] = []
        if pending.kind == "person":
            laptop = pending.laptop or {}
            facts = [
                (_("Matricule"), _shown(laptop.get("service_number"), {})),
                (_("Date de naissance"), _shown(laptop.get("birth_date"), {})),
                (_("Téléphone"), _shown(laptop.get("phone"), {})),
            ]
            what = pending.what
        else:
            model = kit_model(pending.model)
            kind = capfirst(str(model._meta.verbose_name)) if model else pending.model
            found = names.get(_row_uid(pending))
            what = f"{kind} — {found}" if found else pending.what
        described.append(
            Decision(
                key=pending.key,
                kind=pending.kind,
                what=what,
                column=pending.column,
                headquarters=_shown(pending.headquarters, names),
                laptop="" if facts else _shown(pending.laptop, names),
                facts=facts,
                choices=[(str(v), str(label)) for v, label in pending.choices],
                chosen=decisions.get(pending.key, ""),
            )
        )
    return described
