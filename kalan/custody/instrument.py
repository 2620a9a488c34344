"""The visit instrument: the shipped file (``data/instrument.json``, French and English) and its
loader.

Each item is a question the team answers at every visit (yes, partly, no, not seen) with a note.
Its ``sources`` name the law and the standards it rests on, by key of ``SOURCES``, with the
article or paragraph numbers kept as data: the Malian codes are revised (a new code of criminal
procedure was being adopted when this file was written), so every number is to be checked against
the codes in force before a report quotes it, and the file's ``note`` says so. Correcting a number
is an edit of the file and ``kalan instrument load``, never a change of code.

The loader is idempotent by ``key``: a new key is created, a known one has its texts, theme,
order and sources updated, a key missing from the file is left as it is (its answers stay; an
administrator may mark it out of use). It never touches the answers already given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from kalan.custody.errors import CustodyError
from kalan.custody.models import InstrumentItem

if TYPE_CHECKING:
    from django.apps.registry import Apps

INSTRUMENT_FILE = Path(__file__).resolve().parent / "data" / "instrument.json"
THEMES = (
    "register",
    "duration",
    "rights",
    "medical",
    "separation",
    "conditions",
    "treatment",
    "complaints",
)
FIELDS = ("theme", "order", "text", "text_en", "guidance", "guidance_en", "sources")


@dataclass(frozen=True)
class InstrumentLoad:
    created: int
    updated: int
    unchanged: int


def instrument_data(path: Path = INSTRUMENT_FILE) -> dict[str, Any]:
    """The file's sources and items, checked: CustodyError naming the item when one is
    wrong (an unknown theme or source, a key twice, a text missing in either language)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = data["sources"]
    seen: set[str] = set()
    register = 0
    for n, item in enumerate(data["items"], start=1):
        key = str(item.get("key", "")).strip()
        where = f"{path.name}, point {n} ({key or 'sans clé'})"
        if not key or len(key) > 60 or key in seen:
            raise CustodyError(
                f"{where} : clé absente, trop longue ou en double", code="instrument_invalid"
            )
        seen.add(key)
        if item.get("theme") not in THEMES:
            raise CustodyError(
                f"{where} : thème inconnu « {item.get('theme')} »", code="instrument_invalid"
            )
        if not item.get("text") or not item.get("text_en"):
            raise CustodyError(
                f"{where} : question absente en français ou en anglais", code="instrument_invalid"
            )
        if len(item["text"]) > 300 or len(item["text_en"]) > 300:
            raise CustodyError(
                f"{where} : question de plus de 300 caractères", code="instrument_invalid"
            )
        for source in item.get("sources", []):
            if source.get("source") not in sources:
                raise CustodyError(
                    f"{where} : fondement inconnu « {source.get('source')} »",
                    code="instrument_invalid",
                )
        register += bool(item.get("register_check"))
    if register > 1:
        raise CustodyError(
            f"{path.name} : un seul point porte le décompte du registre", code="instrument_invalid"
        )
    return data


@transaction.atomic
def instrument_load(apps: Apps | None = None, path: Path = INSTRUMENT_FILE) -> InstrumentLoad:
    """Create or update the items of the file (``apps``: a migration's historical models)."""
    model: Any = apps.get_model("custody", "InstrumentItem") if apps else InstrumentItem
    data = instrument_data(path)
    known = {item.key: item for item in model.objects.all()}
    created = updated = unchanged = 0
    for order, entry in enumerate(data["items"], start=1):
        values = {
            "theme": entry["theme"],
            "order": order,
            "text": entry["text"],
            "text_en": entry["text_en"],
            "guidance": entry.get("guidance", ""),
            "guidance_en": entry.get("guidance_en", ""),
            "sources": entry.get("sources", []),
            "register_check": bool(entry.get("register_check")),
        }
        item = known.get(entry["key"])
        if item is None:
            model.objects.create(key=entry["key"], **values)
            created += 1
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            updated += 1
        else:
            unchanged += 1
    return InstrumentLoad(created=created, updated=updated, unchanged=unchanged)


def instrument_sources(path: Path = INSTRUMENT_FILE) -> dict[str, dict[str, str]]:
    """The sources the items name: ``{key: {"name": …, "name_en": …, "note": …}}``."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["sources"])
