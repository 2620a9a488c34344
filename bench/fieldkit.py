"""Benchmark of the field kit (``kalan.fieldkit``): two sessions of 400 to the venue and back.

Run by bench/run.py once the registry holds its 200,000 persons: the session of 400 that
``build()`` made and a second one of 400 officers of the registry, both marked three days, go in
one kit; a venue laptop (a data folder of its own, SQLite, driven through ``kalan`` as at a
venue) opens it, marks the days some missed, issues the certificates and a payment statement,
enrols a walk-in, then writes its return bundle, which headquarters imports.

    field_kit_out_s: 0.3 s        ``kit_create`` at headquarters, file written
    field_kit_mb: 1.9 MB          the kit's file
    field_kit_open_s: 8.5 s       ``kalan field open`` on the laptop (migrations included)
    field_bundle_in_s: 1.6 s      ``bundle_import`` at headquarters into the 200,000 persons

(With the machine's two cores busy with other test runs: 0.8 s, 1.8 MB, 20.7 s and 5.2 s.)
Target: each of the three the issue names under TARGET_S. The run checks what it measured:
the certificates the laptop issued are at headquarters afterwards, or it stops (exit 1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET_S = 30.0
PASSPHRASE = "bench-only-kit-passphrase"
LAPTOP_WORK = """
import datetime as dt
from kalan.certificates.services import certificates_issue
from kalan.finance.statements import statement_issue
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Enrollment, Session
issued = 0
for session in Session.objects.all():
    marked = set(Attendance.objects.filter(enrollment__session=session)
                 .values_list("enrollment_id", "day"))
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, day=day)
        for e in session.enrollments.all() for day in session.days
        if (e.pk, day) not in marked
    )
    issued += len(certificates_issue(session=session, by=None))
    statement_issue(session=session, by=None)
first = Person.objects.order_by("pk").first()
walk_in = Person.objects.create(
    last_name="Sangaré", first_names="Oumar", sex="M", corps=first.corps
)
Enrollment.objects.create(session=Session.objects.first(), person=walk_in, code="9999")
print(issued)
"""


@dataclass(frozen=True)
class FieldKitBench:
    kit_out_s: float
    kit_mb: float
    open_s: float
    bundle_in_s: float
    persons: int
    certificates: int


def _kalan(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    env |= {"KALAN_DATA_DIR": str(folder), "KALAN_BACKUP_PASSPHRASE": PASSPHRASE}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kalan", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(
            f"bench: kalan {args[0]} {args[1] if len(args) > 1 else ''}: {done.stderr[-2000:]}"
        )
    return done.stdout


def _second_session(first: Any, user: Any) -> Any:
    """400 officers of the registry in a second session of the same workshop, marked 3 days."""
    from kalan.people.models import Person
    from kalan.workshops import services
    from kalan.workshops.models import Attendance, Enrollment

    session = services.session_create(
        workshop=first.workshop,
        place=first.place,
        venue="Hôtel Bozo",
        start_date=first.start_date,
        end_date=first.end_date,
        capacity=400,
        per_diem_rate=25000,
        transport_rate=10000,
    )
    taken = Enrollment.objects.values("person_id")
    persons = list(Person.objects.exclude(pk__in=taken).order_by("pk")[:400])
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(session=session, person=person, enrolled_by=user) for person in persons
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day, marked_by=user)
        for enrollment in enrollments
        for day in session.days
    )
    return session


def measure_fieldkit(folder: Path, session: Any, user: Any) -> FieldKitBench:
    from kalan.certificates.models import Certificate
    from kalan.fieldkit.bundle import bundle_import
    from kalan.fieldkit.kit import kit_create

    sessions = [session, _second_session(session, user)]
    kit_path = folder / "field" / "kit.kkit"
    start = time.perf_counter()
    kit = kit_create(sessions=sessions, by=user, passphrase=PASSPHRASE, destination=kit_path)
    kit_out_s = time.perf_counter() - start

    laptop = folder / "field" / "laptop"
    start = time.perf_counter()
    _kalan(laptop, "field", "open", str(kit_path))
    open_s = time.perf_counter() - start
    issued = int(_kalan(laptop, "shell", "-c", LAPTOP_WORK).strip().splitlines()[-1])
    bundle_path = folder / "field" / "retour.kret"
    _kalan(laptop, "field", "bundle", "--to", str(bundle_path))

    before = Certificate.objects.count()
    start = time.perf_counter()
    result = bundle_import(source=bundle_path, by=user)
    bundle_in_s = time.perf_counter() - start
    if not result.applied or Certificate.objects.count() - before != issued or issued < 800:
        sys.exit(
            f"bench: the bundle brought {Certificate.objects.count() - before} of the "
            f"{issued} certificates the laptop issued (pending: {len(result.pending)})"
        )
    return FieldKitBench(
        kit_out_s=kit_out_s,
        kit_mb=kit_path.stat().st_size / 1e6,
        open_s=open_s,
        bundle_in_s=bundle_in_s,
        persons=kit.persons,
        certificates=issued,
    )


def report_fieldkit(bench: FieldKitBench) -> int:
    print(f"field_kit_out_s: {bench.kit_out_s:.1f} s")
    print(f"field_kit_mb: {bench.kit_mb:.1f} MB")
    print(f"field_kit_open_s: {bench.open_s:.1f} s")
    print(f"field_bundle_in_s: {bench.bundle_in_s:.1f} s")
    slow = {
        name: value
        for name, value in (
            ("field_kit_out_s", bench.kit_out_s),
            ("field_bundle_in_s", bench.bundle_in_s),
            ("field_kit_mb", bench.kit_mb),
        )
        if value > TARGET_S
    }
    for name, value in slow.items():
        print(f"bench: {name} is {value:.1f}, above the {TARGET_S:.0f} target.", file=sys.stderr)
    return 1 if slow else 0
