"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium (apt package
``chromium``). Outside CI a machine without it skips these tests; in CI (``CI=true``) a missing
browser, or any browser test that skips for whatever reason, is a failure: a green pipeline must
mean the pages were really clicked through.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; Django then refuses database work
# from that thread unless told it is safe (it is: nothing else runs in that loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Sévaré-2022-formation"  # noqa: S105 (a throwaway test database only)
RESULTS = Path(__file__).resolve().parent.parent / "test-results"
# The smallest phones participants and relays bring (the pages must fit without scrolling sideways).
SMALL_PHONE = {"width": 360, "height": 740}
# Where to keep screenshots of pages for a person to look at: none unless set.
SCREENSHOTS = os.environ.get("KALAN_SCREENSHOTS", "")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):  # named per process by conftest.py
        test_database = str(Path(settings.DATA_DIR) / "test-kalan-<worker>-<pid>.sqlite3")
    else:  # pytest-xdist's workers add _gw0, _gw1…
        test_database = database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
    browser = CHROMIUM if CHROMIUM.exists() else f"{CHROMIUM} missing"
    return [
        f"kalan database: {database['ENGINE'].rsplit('.', 1)[-1]}, tests in {test_database}",
        f"kalan browser: {browser} (CI={'yes' if in_ci() else 'no'})",
    ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.skipped and in_ci() and item.get_closest_marker("browser") is not None:
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI, which must run it: {report.longrepr}"
    # The page fixture reads this to keep a screenshot of a failed test.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if in_ci():
            pytest.fail(f"CI must run the browser tests, but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile per test.

    Its language is English, like many laptops at a venue: Kalan must open in French anyway.
    """
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


@pytest.fixture
def page_errors(page: Any) -> list[str]:
    """JavaScript errors the pages raise: a broken script fails the test, not only the user."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Mali's places, corps and ranks, which migrations people.0002 and 0008 load.

    Tests that use the live server run in a transactional database that is flushed after each
    test, and the flush takes the migration's rows with it: load them again (it is idempotent).
    """
    from django.apps import apps

    from kalan.people.reference import reference_2026_load, reference_load

    reference_load(apps)
    reference_2026_load(apps)


@pytest.fixture
def programme(reference_data: None) -> Any:
    """The CNDH with its 2020-2022 plan and axis 3, which every workshop hangs from."""
    from kalan.core.models import Organisation, Place
    from kalan.plans.models import Axis, StrategicPlan

    organisation = Organisation.objects.create(
        name="Commission nationale des droits de l’homme",
        acronym="CNDH",
        country=Place.objects.get(kind=Place.Kind.COUNTRY),
    )
    plan = StrategicPlan.objects.create(
        organisation=organisation,
        title="Plan stratégique de la CNDH",
        start_year=2020,
        end_year=2022,
    )
    return Axis.objects.create(
        plan=plan,
        number=3,
        title="Concilier le respect des droits et les impératifs sécuritaires",
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(transactional_db: None) -> Any:
    """A programme officer's account (``kalan.core.roles.Role.PROGRAMME``)."""
    from kalan.core.models import User
    from kalan.core.roles import Role

    return User.objects.create_user(
        username="awa.coulibaly",
        password=PASSWORD,
        first_name="Awa",
        last_name="Coulibaly",
        role=Role.PROGRAMME,
    )


def log_in(context: Any, live_server: Any, user: Any) -> None:
    """Give the browser a logged-in session without going through the login page."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


@pytest.fixture
def sevare_session(programme: Any, officer: Any) -> Any:
    """The Sévaré session of 8-10 November 2022 with a dozen officers, some marked present.

    Built through the services, as the pages would build it. Names are long on purpose: a roster
    must stay usable on a phone with « KONATÉ Mahamadou Abdoulaye Ousmane ».
    """
    from kalan.core.models import Place
    from kalan.people.models import Corps
    from kalan.people.services import person_create
    from kalan.workshops import services

    workshop = services.workshop_create(
        axis=programme,
        title="Droits de l’homme et garde à vue",
        general_objective="Renforcer le respect des droits de la personne gardée à vue.",
        objectives=["Connaître les délais de la garde à vue.", "Prévenir la torture."],
    )
    session = services.session_create(
        workshop=workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Sévaré"),
        venue="Hôtel La Palmeraie",
        start_date=dt.date(2022, 11, 8),
        end_date=dt.date(2022, 11, 10),
        capacity=40,
        per_diem_rate=25_000,
        transport_rate=15_000,
    )
    gendarmerie = Corps.objects.get(name="Gendarmerie nationale")
    ranks = list(gendarmerie.ranks.order_by("-order"))
    for n in range(12):
        person = person_create(
            last_name=f"Konaté-Dembélé {n:02d}",
            first_names="Mahamadou Abdoulaye Ousmane",
            sex="M" if n % 3 else "F",
            corps=gendarmerie,
            rank=ranks[n % len(ranks)],
            service_number=f"G-{2022_0000 + n}",
        )
        enrollment = services.enrollment_create(session=session, person=person, by=officer)
        if n % 2:
            services.attendance_set(
                enrollment=enrollment, day=session.start_date, present=True, by=officer
            )
    return session


def phone_context(browser: Any, *, viewport: dict[str, int] = SMALL_PHONE) -> Any:
    """A phone with JavaScript off, as the participants' and relays' pages are made for."""
    context = browser.new_context(
        locale="fr-FR",
        viewport=viewport,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = phone_context(browser)
    yield context
    context.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a screenshot of the page under KALAN_SCREENSHOTS, when it is set."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)
