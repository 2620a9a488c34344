"""The registry out to XLSX and CSV: the person list as filtered on its page.

**Only what the user may see.** ``person_export_columns(user)`` is the one place that decides the
columns of any person list (the registry here, a session's roster in
``kalan.workshops.exports``); contacts (phone, e-mail) come only with ``kalan.view_contacts``, and
are not even read from the database otherwise. The writing rules (no formula, bounded memory)
are ``kalan.core.render.spreadsheets``'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from kalan.core.models import Place, User
from kalan.core.render.spreadsheets import CHUNK_SIZE, CellValue, ExportTable, spreadsheet_safe
from kalan.people.models import Person
from kalan.people.selectors import person_filter

Row = Mapping[str, Any]
Viewer = User | AnonymousUser


@dataclass(frozen=True, kw_only=True)
class ExportColumn:
    """One column of a person export: its header, the ``values()`` fields it reads, its cell."""

    key: str  # stable name for code and tests: "last_name", "phone"
    header: str  # translated when the columns are built
    fields: tuple[str, ...]
    value: Callable[[Row], CellValue]


def _blank(key: str) -> Callable[[Row], CellValue]:
    """The row's value under ``key``; a missing relation (NULL) prints as an empty cell."""
    get = itemgetter(key)
    return lambda row: get(row) or ""


def _field_column(*, key: str, header: str, field: str) -> ExportColumn:
    """A column that prints one ``values()`` field as it is."""
    return ExportColumn(key=key, header=header, fields=(field,), value=_blank(field))


def person_export_columns(user: Viewer) -> list[ExportColumn]:
    """The columns of a person export for this user: the one place that decides what leaves.

    Contacts (phone, e-mail) only with ``kalan.view_contacts``. Labels are resolved here, in
    the request's language, because a CSV is written after the request's language is gone.
    """
    sexes = {value: str(label) for value, label in Person.Sex.choices}

    def sex(row: Row) -> CellValue:
        return sexes.get(row["sex"], row["sex"])

    def corps(row: Row) -> CellValue:
        return row["corps__short_name"] or row["corps__name"] or ""

    columns = [
        ExportColumn(key="number", header=_("N°"), fields=(), value=itemgetter("number")),
        _field_column(key="last_name", header=_("Nom"), field="last_name"),
        _field_column(key="first_names", header=_("Prénoms"), field="first_names"),
        ExportColumn(key="sex", header=_("Sexe"), fields=("sex",), value=sex),
        ExportColumn(
            key="corps", header=_("Corps"), fields=("corps__short_name", "corps__name"), value=corps
        ),
        _field_column(key="rank", header=_("Grade"), field="rank__name"),
        _field_column(key="service_number", header=_("Matricule"), field="service_number"),
        _field_column(key="unit", header=_("Unité"), field="unit__name"),
        _field_column(key="place", header=_("Localité"), field="unit__place__name"),
        # The region is found from the unit's place (see RegionIndex), not read as a field.
        ExportColumn(
            key="region", header=_("Région"), fields=("unit__place_id",), value=_blank("region")
        ),
    ]
    if user.has_perm("kalan.view_contacts"):
        columns += [
            _field_column(key="phone", header=_("Téléphone"), field="phone"),
            _field_column(key="email", header=_("Courriel"), field="email"),
        ]
    return columns


# Widths in characters for the XLSX columns, by column key; attendance columns are narrow.
WIDTHS = {
    "number": 6,
    "last_name": 18,
    "first_names": 22,
    "sex": 8,
    "corps": 14,
    "rank": 22,
    "service_number": 14,
    "unit": 30,
    "place": 16,
    "region": 14,
    "phone": 18,
    "email": 28,
}


class RegionIndex:
    """The region (or district) of every place, from one query of the whole map of places.

    The map is small (hundreds of rows) and a region is its places' ancestor at any depth, so
    one read and a walk in memory beat a join per level or a query per row.
    """

    def __init__(self) -> None:
        self._places = {
            pk: (name, kind, parent_id)
            for pk, name, kind, parent_id in Place.objects.values_list(
                "pk", "name", "kind", "parent_id"
            )
        }
        self._regions: dict[int, str] = {}

    def region(self, place_id: int | None) -> str:
        if place_id is None:
            return ""
        if place_id not in self._regions:
            name, current = "", self._places.get(place_id)
            while current is not None:
                if current[1] in (Place.Kind.REGION, Place.Kind.DISTRICT):
                    name = current[0]
                    break
                current = self._places.get(current[2]) if current[2] is not None else None
            self._regions[place_id] = name
        return self._regions[place_id]


def person_cells(
    columns: Sequence[ExportColumn], row: dict[str, Any], regions: RegionIndex
) -> list[CellValue]:
    if "unit__place_id" in row:
        row["region"] = regions.region(row["unit__place_id"])
    return [spreadsheet_safe(column.value(row)) for column in columns]


def _fields(columns: Sequence[ExportColumn]) -> list[str]:
    """The ``values()`` fields the columns read, each once, in column order."""
    return list(dict.fromkeys(field for column in columns for field in column.fields))


def person_export_table(*, user: Viewer, query: str = "") -> ExportTable:
    """The registry filtered as on the person list (``q``), as an export table.

    Two queries whatever the number of rows (the places, then the persons in chunks); the rows
    are produced lazily, so a CSV starts before the last person is read.
    """
    columns = person_export_columns(user)
    persons = person_filter(query=query).values(*_fields(columns))

    def rows() -> Iterator[list[CellValue]]:
        regions = RegionIndex()
        for number, row in enumerate(persons.iterator(chunk_size=CHUNK_SIZE), start=1):
            row["number"] = number
            yield person_cells(columns, row, regions)

    return ExportTable(
        title=_("Personnes"),
        headers=[column.header for column in columns],
        rows=rows(),
        widths=[WIDTHS.get(column.key, 12) for column in columns],
    )


def person_row(person: Person) -> dict[str, Any]:
    """A person loaded with its relations, as the ``values()`` row the columns read."""
    corps, rank, unit = person.corps, person.rank, person.unit
    return {
        "last_name": person.last_name,
        "first_names": person.first_names,
        "sex": person.sex,
        "corps__short_name": corps.short_name if corps else None,
        "corps__name": corps.name if corps else None,
        "rank__name": rank.name if rank else None,
        "service_number": person.service_number,
        "unit__name": unit.name if unit else None,
        "unit__place__name": unit.place.name if unit else None,
        "unit__place_id": unit.place_id if unit else None,
        "phone": person.phone,
        "email": person.email,
    }
