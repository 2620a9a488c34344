"""Import benchmark: a 10,000-row participant sheet, planned and committed into a session.

Called by bench/run.py once Django is set up on its throwaway database. The sheet is written the
way a command sends it (a title, a header, service numbers, ranks, units, phones), so the import
reads, maps, matches, creates units and persons and enrols them, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import openpyxl

ROWS = 10_000
LAST = ["Traoré", "COULIBALY", "Diarra", "KEÏTA", "Maïga", "Touré", "Sangaré", "Cissé", "Konaté"]
FIRST = ["Moussa", "AÏSSATA", "Oumar", "Fatoumata", "Seydou", "Mariam", "Bakary", "Kadiatou"]
UNITS = [
    "Brigade territoriale de Sévaré",
    "Brigade territoriale de Djenné",
    "Compagnie de gendarmerie de Mopti",
    "Brigade de Niono",
    "Brigade de Macina",
]
RANKS = ["Adjudant", "Adjudant-chef", "Maréchal des logis-chef", "Major", "Lieutenant"]


def sheet_write(
    path: Path, *, prefix: str, ranks: list[str] = RANKS, units: list[str] = UNITS
) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Liste")
    sheet.append(["GENDARMERIE NATIONALE — LISTE DES OPJ"])
    sheet.append([])
    sheet.append(
        ["N°", "NOM", "Prénom(s)", "Grade", "N° Mle", "Unité d'affectation", "Contact", "Sexe"]
    )
    for n in range(ROWS):
        sheet.append(
            [
                n + 1,
                f"{LAST[n % len(LAST)]}-{prefix}{n:05d}",
                FIRST[n % len(FIRST)],
                ranks[n % len(ranks)],
                f"{prefix}-{n:06d}",
                units[n % len(units)],
                f"7{n % 10} {n % 100:02d} {n // 100 % 100:02d} {n % 97:02d}",
                "F" if n % 5 == 0 else "M",
            ]
        )
    book.save(path)
    return path


def session_for_import(label: str) -> Any:
    """A session large enough for the sheet, in a workshop of its own."""
    from kalan.core.models import Place
    from kalan.plans.models import Axis
    from kalan.workshops import services

    workshop = services.workshop_create(
        axis=Axis.objects.first(),  # type: ignore[arg-type]
        title=f"Atelier de mesure de l’import ({label})",
        general_objective="Mesurer.",
        objectives=["Mesurer l’import."],
    )
    return services.session_create(
        workshop=workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré"),
        venue="Hôtel La Palmeraie",
        start_date=dt.date(2023, 1, 9),
        end_date=dt.date(2023, 1, 11),
        capacity=ROWS,
    )


ALIASED_RANKS = 100
ALIASED_UNITS = 200


def aliases_remember() -> tuple[list[str], list[str]]:
    """300 spellings the registry does not hold (« Adjudant (v17) », « BT Sévaré n° 42 »), each
    already answered on an earlier list and so remembered as an alias of the gendarmerie's rank
    or unit: the spellings, for the sheet to use."""
    from kalan.core.models import Place
    from kalan.people.models import Corps, Rank, ReferenceAlias, Unit

    gendarmerie = Corps.objects.get(name="Gendarmerie nationale")
    ranks = list(Rank.objects.filter(corps=gendarmerie, name__in=RANKS))
    unit = Unit.objects.create(
        corps=gendarmerie,
        name="Brigade territoriale de Sévaré (mesure)",
        kind=Unit.Kind.BRIGADE,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré"),
    )
    rank_texts = [f"{ranks[k % len(ranks)].name} (v{k})" for k in range(ALIASED_RANKS)]
    unit_texts = [f"BT Sévaré n° {k}" for k in range(ALIASED_UNITS)]
    aliases = [
        ReferenceAlias(kind="rank", text=text, corps=gendarmerie, rank=ranks[k % len(ranks)])
        for k, text in enumerate(rank_texts)
    ] + [
        ReferenceAlias(kind="unit", text=text, corps=gendarmerie, unit=unit) for text in unit_texts
    ]
    for alias in aliases:
        alias.save()
    return rank_texts, unit_texts


def measure_import(
    folder: Path, *, label: str, prefix: str, aliases: tuple[list[str], list[str]] | None = None
) -> float:
    """Seconds to read, plan and commit a fresh 10,000-row sheet (every row a new person); with
    ``aliases``, its ranks and units written in those spellings, none of which may be asked."""
    from kalan.people.models import Person
    from kalan.workshops.importing.columns import mapping_guess
    from kalan.workshops.importing.plan import import_plan
    from kalan.workshops.importing.reader import table_read
    from kalan.workshops.importing.service import import_commit

    spellings = {"ranks": aliases[0], "units": aliases[1]} if aliases else {}
    path = sheet_write(folder / f"import-{label}.xlsx", prefix=prefix, **spellings)
    session = session_for_import(label)
    before = Person.objects.count()
    started = time.perf_counter()
    table = table_read(path=path, filename=path.name)
    plan = import_plan(session=session, table=table, mapping=mapping_guess(table.headers))
    result = import_commit(plan=plan, by=None)
    elapsed = time.perf_counter() - started
    # Units to create are questions answered by default; with aliases, nothing may be asked.
    asked = plan.questions if aliases else [q for q in plan.questions if not q.answered]
    if asked or result.enrolled != ROWS or Person.objects.count() - before != ROWS:
        raise SystemExit(
            f"bench: the import of {ROWS} rows enrolled {result.enrolled} and created "
            f"{Person.objects.count() - before} persons; errors: {plan.all_errors[:3]}; "
            f"questions: {[q.text for q in asked[:3]]}"
        )
    return elapsed
