"""Benchmark of the session page (roster with daily attendance) at 40 and 400 participants.

Builds its own data in a throwaway SQLite database (a temporary data folder, so nothing of the
developer's ``var/`` is touched), then renders ``session_detail`` through django.test.Client as a
logged-in user. Prints one figure per line, ``name: value unit``:

    session_page_ms_40: 12.3 ms         median server time of REPEAT requests after WARMUP
    session_page_ms_400: ...
    session_page_queries_40: 9 queries  SQL queries of one request
    session_page_queries_400: 9 queries

Exits non-zero when the page runs more queries at 400 participants than at 40: the number of
queries of a page that lists rows must not grow with the rows.

Usage: .venv/bin/python bench/run.py   (``make bench``)
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WARMUP = 2
REPEAT = 15
SIZES = (40, 400)
DAYS = 3


def configure(data_dir: Path) -> None:
    """Point Kalan at the throwaway folder before Django reads its settings."""
    os.environ["KALAN_DATA_DIR"] = str(data_dir)
    os.environ.pop("KALAN_DATABASE_URL", None)  # always the embedded SQLite, never a real base
    os.environ["KALAN_SECRET_KEY"] = "bench-only-not-secret"
    os.environ["KALAN_DEBUG"] = "false"  # DEBUG keeps every query in memory: not what we serve
    # django.test.Client talks to "testserver". Adding it here rather than through
    # setup_test_environment() keeps Django's test instrumentation of template rendering out
    # of the measure.
    os.environ["KALAN_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalan.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()


def build() -> tuple[Any, dict[int, Any]]:
    """A user and one session per size: 3 days, every participant enrolled and marked."""
    from django.core.management import call_command

    from kalan.core.models import Organisation, User
    from kalan.people.models import Corps, Person, Place, Unit
    from kalan.plans.models import Axis, StrategicPlan
    from kalan.workshops import services
    from kalan.workshops.models import Attendance, Enrollment

    call_command("migrate", verbosity=0, interactive=False)

    user = User.objects.create_user(username="bench", password="bench-password-1")
    mali = Place.objects.get(kind=Place.Kind.COUNTRY)
    organisation = Organisation.objects.create(
        name="Commission nationale des droits de l’homme", acronym="CNDH", country=mali
    )
    plan = StrategicPlan.objects.create(
        organisation=organisation, title="Plan stratégique", start_year=2020, end_year=2022
    )
    axis = Axis.objects.create(
        plan=plan,
        number=3,
        title="Concilier le respect des droits et les impératifs sécuritaires",
    )
    workshop = services.workshop_create(
        axis=axis,
        title="Atelier de formation des OPJ sur les droits de l’homme",
        general_objective="Renforcer les capacités des OPJ.",
        objectives=["Connaître les règles de la garde à vue.", "Prévenir la torture."],
        target_audience="OPJ de la gendarmerie et de la police",
    )

    towns = list(Place.objects.filter(kind=Place.Kind.TOWN).order_by("name")[:8])
    sevare = Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré")
    corps_list = list(Corps.objects.prefetch_related("ranks").order_by("order")[:2])
    units = Unit.objects.bulk_create(
        Unit(corps=corps, name=f"Brigade territoriale de {town.name}", place=town)
        for corps in corps_list
        for town in towns
    )

    sessions: dict[int, Any] = {}
    start = dt.date(2022, 11, 8)
    for size in SIZES:
        session = services.session_create(
            workshop=workshop,
            place=sevare,
            venue="Hôtel La Palmeraie",
            start_date=start,
            end_date=start + dt.timedelta(days=DAYS - 1),
            capacity=size,
            per_diem_rate=25000,
            transport_rate=10000,
        )
        persons = []
        for n in range(size):
            corps = corps_list[n % len(corps_list)]
            ranks = list(corps.ranks.all())
            corps_units = [u for u in units if u.corps_id == corps.pk]
            persons.append(
                Person(
                    last_name=f"Traoré{size}x{n:03d}",
                    first_names="Aïssata" if n % 5 == 0 else "Moussa",
                    sex=Person.Sex.FEMALE if n % 5 == 0 else Person.Sex.MALE,
                    corps=corps,
                    rank=ranks[n % len(ranks)],
                    service_number=f"{size}-{n:05d}",
                    unit=corps_units[n % len(corps_units)],
                    phone=f"+223 70 {n % 100:02d} {n // 100:02d} 00",
                )
            )
        persons = Person.objects.bulk_create(persons)
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(session=session, person=person, enrolled_by=user) for person in persons
        )
        # Most come every day, some miss a day: the marks differ from row to row.
        Attendance.objects.bulk_create(
            Attendance(enrollment=enrollment, day=day, marked_by=user)
            for n, enrollment in enumerate(enrollments)
            for d, day in enumerate(session.days)
            if (n + d) % 7 != 0
        )
        sessions[size] = session
    return user, sessions


def measure(client: Any, url: str, size: int) -> tuple[float, int]:
    """Median milliseconds of REPEAT requests after WARMUP, and the queries of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        check(client.get(url), url, size)
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        check(response, url, size)
    with CaptureQueriesContext(connection) as queries:
        check(client.get(url), url, size)
    return statistics.median(timings), len(queries)


def check(response: Any, url: str, size: int) -> None:
    """A fast error page is no result: the roster must be there, last row included."""
    if response.status_code != 200:
        sys.exit(f"bench: GET {url} answered {response.status_code}, not 200")
    if f"Traoré{size}x{size - 1:03d}".upper() not in response.content.decode().upper():
        sys.exit(f"bench: GET {url} does not show the last of the {size} participants")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kalan-bench-") as folder:
        configure(Path(folder))

        from django.db import connections
        from django.test import Client
        from django.urls import reverse

        user, sessions = build()
        client = Client()
        client.force_login(user)
        results = {}
        for size, session in sessions.items():
            url = reverse("session_detail", kwargs={"uid": session.uid})
            results[size] = measure(client, url, size)
        connections.close_all()

    for size in SIZES:
        print(f"session_page_ms_{size}: {results[size][0]:.1f} ms")
    for size in SIZES:
        print(f"session_page_queries_{size}: {results[size][1]} queries")
    small, large = (results[size][1] for size in SIZES)
    if large != small:
        print(
            f"bench: the session page runs {large} queries at {SIZES[1]} participants and "
            f"{small} at {SIZES[0]}: some query runs once per row (a missing select_related "
            "or prefetch_related in the roster, or a lookup in the template).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
