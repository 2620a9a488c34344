"""Load the reference data (Mali's map, corps and ranks) from ``data/reference_ml.json``.

Used by migration people.0002 with the historical models, so it takes an ``apps`` registry. It is
idempotent: loading twice adds nothing, and rows an administrator edited by hand are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps.registry import Apps

REFERENCE_FILE = Path(__file__).parent / "data" / "reference_ml.json"


def reference_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return data


def _place_model(apps: Apps) -> Any:
    """The map is core's since issue 10; migration people.0002 loads it with the historical
    models of its time, when it was the people app's."""
    try:
        return apps.get_model("core", "Place")
    except LookupError:
        return apps.get_model("people", "Place")


def reference_load(apps: Apps) -> None:
    place_model = _place_model(apps)
    corps_model = apps.get_model("people", "Corps")
    rank_model = apps.get_model("people", "Rank")
    data = reference_data()
    country, _ = place_model.objects.get_or_create(
        kind="country",
        name=data["country"]["name"],
        parent=None,
        defaults={"code": data["country"]["code"]},
    )
    for region in data["regions"]:
        kind = region.get("kind", "region")
        node, _ = place_model.objects.get_or_create(
            kind=kind,
            name=region["name"],
            parent=country,
            defaults={"code": region.get("code", ""), "established": region.get("established")},
        )
        for town in region["towns"]:
            if kind == "district" and town == "Bamako":
                continue  # the district is the town
            place_model.objects.get_or_create(kind="town", name=town, parent=node)
    for entry in data["corps"]:
        corps, _ = corps_model.objects.get_or_create(
            name=entry["name"],
            defaults={"short_name": entry["short_name"], "order": entry["order"]},
        )
        for order, (name, abbreviation, group) in enumerate(entry["ranks"], start=1):
            rank_model.objects.get_or_create(
                corps=corps,
                name=name,
                defaults={"abbreviation": abbreviation, "order": order, "group": group},
            )
