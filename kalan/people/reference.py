"""Load the reference data: Mali's map, the corps, their ranks and the ways lists write them.

``reference_load`` reads ``data/reference_ml.json`` for migration people.0002;
``reference_2026_load`` reads ``data/gazetteer_ml.json`` and ``data/ranks_ml.json`` for migration
people.0008 and for commands. Both take an ``apps`` registry (migrations pass their historical
one) and are idempotent: loading twice adds nothing, and rows an administrator edited by hand are
left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from django.apps.registry import Apps
from django.db import transaction

from kalan.core.text import fold

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


# The 2026 reference data (migration people.0008): Mali's gazetteer, every corps Kalan ships with
# its ranks, and the ways lists write the corps. Kept apart from ``reference_load``: migration 0002
# runs that one with historical models that have none of the fields these files fill.

GAZETTEER_FILE = Path(__file__).parent / "data" / "gazetteer_ml.json"
RANKS_FILE = Path(__file__).parent / "data" / "ranks_ml.json"


@dataclass
class LoadCounts:
    """What one load created or filled in; all zero when the data was already there."""

    places: int = 0
    places_filled: int = 0
    corps: int = 0
    corps_filled: int = 0
    ranks: int = 0
    ranks_filled: int = 0
    aliases: int = 0

    def total(self) -> int:
        return sum(getattr(self, field.name) for field in fields(self))


def gazetteer_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    return data


def ranks_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RANKS_FILE.read_text(encoding="utf-8"))
    return data


def reference_2026_load(apps: Apps) -> LoadCounts:
    """Load the gazetteer, the corps with their ranks and the corps aliases; idempotent.

    Takes an ``apps`` registry: the migration passes its historical one, a command
    ``django.apps.apps``. Rows an administrator edited keep their values.
    """
    counts = LoadCounts()
    with transaction.atomic():
        gazetteer_load(apps, counts)
        ranks_load(apps, counts)
    return counts


# Gazetteer ----------------------------------------------------------------------------------------


def gazetteer_load(apps: Apps, counts: LoadCounts) -> None:
    """Country → regions (and the district) → cercles → communes, found or created by
    (parent, kind, name); an empty code or year of creation is filled, a set one is kept."""
    place_model = apps.get_model("core", "Place")
    data = gazetteer_data()
    country = _place(place_model, counts, None, "country", data["country"])
    for region in data["regions"]:
        node = _place(place_model, counts, country, region.get("kind", "region"), region)
        for commune in region.get("communes", []):
            _place(place_model, counts, node, "commune", commune)
        for cercle in region.get("cercles", []):
            cercle_node = _place(place_model, counts, node, "cercle", cercle)
            for commune in cercle.get("communes", []):
                _place(place_model, counts, cercle_node, "commune", commune)


def _place(model: Any, counts: LoadCounts, parent: Any, kind: str, entry: Any) -> Any:
    entry = {"name": entry} if isinstance(entry, str) else entry
    wanted = {"code": entry.get("code", ""), "established": entry.get("established")}
    place, created = model.objects.get_or_create(
        parent=parent, kind=kind, name=entry["name"], defaults=wanted
    )
    if created:
        counts.places += 1
    elif _fill_blanks(place, wanted):
        counts.places_filled += 1
    return place


def _fill_blanks(row: Any, wanted: dict[str, Any]) -> bool:
    """Give ``row`` the wanted values of its empty fields only; saves and says whether it did."""
    changed = [
        name
        for name, value in wanted.items()
        if value not in ("", None) and getattr(row, name) in ("", None)
    ]
    for name in changed:
        setattr(row, name, wanted[name])
    if changed:
        row.save(update_fields=changed)
    return bool(changed)


# Corps, ranks and corps aliases -------------------------------------------------------------------


def ranks_load(apps: Apps, counts: LoadCounts) -> None:
    corps_model = apps.get_model("people", "Corps")
    for entry in ranks_data()["corps"]:
        corps, created = corps_model.objects.get_or_create(
            name=entry["name"],
            defaults={
                "short_name": entry["short_name"],
                "name_en": entry["name_en"],
                "order": entry["order"],
            },
        )
        if created:
            counts.corps += 1
        elif _fill_blanks(corps, {"short_name": entry["short_name"], "name_en": entry["name_en"]}):
            counts.corps_filled += 1
        _ranks_load(apps, counts, corps, entry["ranks"])
        _corps_aliases_load(apps, counts, corps, entry["aliases"])


def _ranks_load(apps: Apps, counts: LoadCounts, corps: Any, ranks: list[list[str]]) -> None:
    """Each rank of the file, from the most junior up. A rank the corps lacks goes just above
    the one the file puts before it (first when none), the ranks above moving up one place:
    their order among themselves, maybe set by hand, is kept."""
    rank_model = apps.get_model("people", "Rank")
    existing = {rank.name: rank for rank in rank_model.objects.filter(corps=corps)}
    below = 0
    for name, abbreviation, group, feminine, variants in ranks:
        wanted = {"abbreviation": abbreviation, "feminine": feminine, "variants": variants}
        rank = existing.get(name)
        if rank is not None:
            counts.ranks_filled += _fill_blanks(rank, wanted)
        else:
            _make_room(rank_model, corps, below + 1)
            rank = rank_model.objects.create(
                corps=corps, name=name, order=below + 1, group=group, **wanted
            )
            counts.ranks += 1
            # The ranks above have moved: read their orders again.
            existing = {rank.name: rank for rank in rank_model.objects.filter(corps=corps)}
        below = rank.order


def _make_room(rank_model: Any, corps: Any, order: int) -> None:
    """Free ``order`` in ``corps`` by moving it and the ranks above up by one, the highest first
    so that no two ranks ever share an order (the database checks each row as it is written)."""
    if not rank_model.objects.filter(corps=corps, order=order).exists():
        return
    for rank in rank_model.objects.filter(corps=corps, order__gte=order).order_by("-order"):
        rank.order += 1
        rank.save(update_fields=["order"])


def _corps_aliases_load(apps: Apps, counts: LoadCounts, corps: Any, aliases: list[str]) -> None:
    """A way of writing a corps that no alias holds yet; one that points elsewhere is left:
    an administrator's choice wins over the file."""
    alias_model = apps.get_model("people", "ReferenceAlias")
    for text in aliases:
        folded = fold(text)
        if alias_model.objects.filter(kind="corps", folded=folded).exists():
            continue
        # Historical models do not run ReferenceAlias.save(), which folds the text itself.
        alias_model.objects.create(kind="corps", text=text, folded=folded, corps=corps)
        counts.aliases += 1
