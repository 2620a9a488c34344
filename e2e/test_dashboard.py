"""The M&E officer opens the programme's dashboard: charts drawn by Kalan's own Chart.js, a filter,
a chart's numbers downloaded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monitoring_officer(transactional_db: None) -> Any:
    from kalan.core.models import User
    from kalan.core.roles import Role

    return User.objects.create_user(
        username="fatoumata.diarra",
        password=PASSWORD,
        first_name="Fatoumata",
        last_name="Diarra",
        role=Role.MONITORING,
    )


@pytest.fixture
def segou_session(sevare_session: Any, officer: Any) -> Any:
    """A second session of the workshop, in Ségou in February 2023: four police officers came."""
    from kalan.core.models import Place
    from kalan.people.models import Corps
    from kalan.people.services import person_create
    from kalan.workshops import services

    session = services.session_create(
        workshop=sevare_session.workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Ségou"),
        venue="Hôtel Djoliba",
        start_date=dt.date(2023, 2, 6),
        end_date=dt.date(2023, 2, 8),
        capacity=40,
        per_diem_rate=25_000,
        transport_rate=15_000,
    )
    police = Corps.objects.get(name="Police nationale")
    for n in range(4):
        person = person_create(
            last_name=f"Traoré {n}",
            first_names="Aminata",
            sex="F" if n % 2 else "M",
            corps=police,
            rank=police.ranks.order_by("order").first(),
            service_number=f"P-{2023_0000 + n}",
        )
        enrollment = services.enrollment_create(session=session, person=person, by=officer)
        services.attendance_set(
            enrollment=enrollment, day=session.start_date, present=True, by=officer
        )
    return session


@pytest.fixture
def tests_answered(sevare_session: Any) -> None:
    """Sévaré's pre- and post-test, answered by two of its participants."""
    from kalan.assessments.models import Test
    from tests.assessments.results_data import build_test, send_copy

    first, second = sevare_session.enrollments.order_by("pk")[:2]
    pre = build_test(sevare_session)
    send_copy(pre, first, [1, 0, 1, 0.5])
    send_copy(pre, second, [0, 0, 1, 0])
    post = build_test(sevare_session, kind=Test.Kind.POST)
    send_copy(post, first, [1, 1, 1, 1])
    send_copy(post, second, [1, 0, 1, 1])


def test_the_me_officer_reads_filters_and_downloads_the_dashboard(
    page: Any,
    page_errors: list[str],
    live_server: Any,
    monitoring_officer: Any,
    segou_session: Any,
    tests_answered: None,
) -> None:
    server = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).netloc != server and not request.url.startswith("data:")
            else None
        ),
    )
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(monitoring_officer.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation").get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name="Tableau de bord du programme")).to_be_visible()

    # Every chart drew on a canvas of real size, with Kalan's own Chart.js.
    sections = page.locator("section.chart")
    expect(sections).to_have_count(6)
    for index in range(6):
        section = sections.nth(index)
        canvas = section.locator("canvas")
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, index
        assert canvas.evaluate("c => window.Chart.getChart(c) !== undefined"), index
        # Drawn, so the table is folded away (still there for who wants the figures).
        expect(section.locator("details.chart-data")).not_to_have_attribute("open", "")
    regions = page.locator('section[data-chart="regions"]')
    regions.get_by_text("Données du graphique").click()
    expect(regions.get_by_role("row", name="Mopti 6")).to_be_visible()
    expect(regions.get_by_role("row", name="Ségou 4")).to_be_visible()
    key_figures = page.get_by_role("list", name="Chiffres clés").get_by_role("listitem")
    expect(key_figures.filter(has_text="personnes formées")).to_have_text("10personnes formées")

    # A region: the page comes back with Ségou's numbers only.
    page.get_by_label("Région", exact=True).select_option(label="Ségou")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"region=\d+"))
    expect(page.get_by_text("Région : Ségou")).to_be_visible()
    regions = page.locator('section[data-chart="regions"]')
    regions.get_by_text("Données du graphique").click()
    expect(regions.get_by_role("row")).to_have_count(2)  # the header and Ségou
    expect(regions.get_by_role("row", name="Ségou 4")).to_be_visible()
    # Sévaré's tests are not in Ségou's numbers.
    expect(page.locator('section[data-chart="objectifs"]')).to_contain_text(
        "Aucune donnée pour ces filtres."
    )

    # The corps chart's numbers, with the same filter, as a CSV for a spreadsheet.
    corps = page.locator('section[data-chart="corps"]')
    with page.expect_download() as download_info:
        corps.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"kalan-tableau-de-bord-corps-\d{4}-\d\d-\d\d\.csv", download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Corps", "Personnes formées"],
        ["Police nationale", "4"],
    ]

    assert elsewhere == [], "requests to another host than Kalan"
    assert console_errors == []
    assert page_errors == []
