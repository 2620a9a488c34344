"""A session is held once at least one participant was marked present there: a session whose days
are past and whose attendance is empty is not held, even with persons enrolled (cancelled, or
its attendance not entered yet). It is counted apart, « sans présence enregistrée », so that
held, planned and without attendance still add up to the sessions in scope.

The programme: one workshop funded by EUCAP Sahel Mali, three sessions.

- Sévaré, 8-10 November 2022: Aïssata present the first day. Held.
- Ségou, 6-8 March 2023: Bakary and Awa enrolled, nobody marked present; only the facilitator
  was (a facilitator is never a participant). Not held.
- Mopti, in a month: Seydou enrolled. Planned.

The home page, the dashboard, the partner's page and the report to the partner each count one
session held.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.figures import Scope, participation, participation_per, timeline
from kalan.workshops.models import Enrollment, Session, Workshop
from tests.documents.readers import docx_text
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FundingFactory,
    SessionFactory,
    WorkshopFactory,
    place,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FACILITATOR = Enrollment.Role.FACILITATOR


@dataclass(frozen=True)
class Programme:
    workshop: Workshop
    held: Session
    unattended: Session
    planned: Session


@pytest.fixture
def programme(axis: Axis, funder: Partner) -> Programme:
    workshop = WorkshopFactory(axis=axis)
    FundingFactory(workshop=workshop, partner=funder, amount=5_000_000)
    held = SessionFactory(workshop=workshop, start_date=dt.date(2022, 11, 8))
    unattended = SessionFactory(
        workshop=workshop, place=place("Ségou"), start_date=dt.date(2023, 3, 6)
    )
    planned = SessionFactory(
        workshop=workshop, place=place("Mopti"), start_date=TODAY + dt.timedelta(days=30)
    )
    AttendanceFactory(enrollment=EnrollmentFactory(session=held), day=held.start_date)
    EnrollmentFactory.create_batch(2, session=unattended)
    AttendanceFactory(
        enrollment=EnrollmentFactory(session=unattended, role=FACILITATOR),
        day=unattended.start_date,
    )
    EnrollmentFactory(session=planned)
    return Programme(workshop=workshop, held=held, unattended=unattended, planned=planned)


def test_a_past_session_with_nobody_present_is_not_held(programme: Programme) -> None:
    figures = participation(scope=Scope(workshop_id=programme.workshop.pk))

    assert figures.sessions_held == 1
    assert figures.sessions_unattended == 1
    assert figures.sessions_planned == 1
    assert figures.sessions == 3  # what a press release says: « en trois sessions »
    assert figures.participants == 4  # enrolled all the same


def test_the_session_is_held_once_a_participant_is_marked_present(programme: Programme) -> None:
    bakary = programme.unattended.enrollments.filter(role="participant").first()
    assert bakary is not None
    AttendanceFactory(enrollment=bakary, day=programme.unattended.start_date)

    figures = participation(scope=Scope(workshop_id=programme.workshop.pk))

    assert (figures.sessions_held, figures.sessions_unattended) == (2, 0)


def participation_per_session(scope: Scope) -> dict[int, tuple[int, int, int]]:
    """Sessions held, planned and without attendance, of each session in scope."""
    return {
        pk: (found.sessions_held, found.sessions_planned, found.sessions_unattended)
        for pk, found in participation_per(scope=scope, per="session").items()
    }


def test_per_session_per_workshop_and_over_time_it_is_not_held(programme: Programme) -> None:
    scope = Scope(workshop_id=programme.workshop.pk)
    per_session = participation_per_session(scope)
    per_workshop = participation_per(scope=scope, per="workshop", total=True)
    periods = {period.start: period for period in timeline(scope=scope)}

    assert per_session[programme.unattended.pk] == (0, 0, 1)
    assert per_session[programme.held.pk] == (1, 0, 0)
    for group in (programme.workshop.pk, None):  # the workshop, and the total
        assert (per_workshop[group].sessions_held, per_workshop[group].sessions_unattended) == (
            1,
            1,
        )
    march = periods[dt.date(2023, 3, 1)]
    assert (march.sessions_held, march.sessions_planned, march.sessions_unattended) == (0, 0, 1)
    assert sum(p.sessions_held for p in periods.values()) == 1
    assert sum(p.sessions_unattended for p in periods.values()) == 1


def stat(html: str, state: str) -> str:
    """The key figure of the sessions in that state (« tenue », « prévue »), as shown."""
    found = re.findall(
        rf'<span class="num">([^<]+)</span><span class="label">sessions? {state}s?</span>', html
    )
    assert len(found) == 1, found
    return str(found[0])


def test_the_home_page_does_not_count_it(
    programme: Programme, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(programme_officer).get(reverse("home"))

    assert response.context["headline"].sessions_held == 1
    assert stat(response.content.decode(), "tenue") == "1"


def test_the_dashboard_does_not_count_it(
    programme: Programme, monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(monitoring_officer).get(reverse("dashboard"), {"par": "month"})
    html = response.content.decode()

    assert stat(html, "tenue") == "1"
    assert stat(html, "prévue") == "1"
    sessions = next(chart for chart in response.context["board"].charts if chart.slug == "sessions")
    rows = {label: [value for value, _format in cells] for label, cells in sessions.rows}
    assert [series.label for series in sessions.series] == [
        "Sessions tenues",
        "Sessions prévues",
        "Sessions sans présence enregistrée",
    ]
    assert rows["novembre 2022"] == [1, 0, 0]
    assert rows["mars 2023"] == [0, 0, 1]


def test_the_partners_page_does_not_count_it(
    programme: Programme, donor_viewer: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(donor_viewer).get(reverse("funded_overview")).content.decode()
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))

    assert figures["Sessions tenues"] == "1"
    assert figures["Sessions prévues"] == "1"
    assert figures["Sessions sans présence enregistrée"] == "1"


def test_the_report_to_the_partner_does_not_count_it(
    programme: Programme,
    funder: Partner,
    monitoring_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(monitoring_officer)
    period = {"partenaire": funder.pk, "du": "2022-01-01", "au": "2023-12-31", "langue": "fr"}

    def download(fmt: str) -> bytes:
        response = client.get(reverse("donor_report_download", kwargs={"fmt": fmt}), period)
        assert response.status_code == 200
        return response.content

    sheet = load_workbook(io.BytesIO(download("xlsx")))["Indicateurs"]
    held = {
        row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row[1] == "Sessions tenues"
    }
    assert held == {programme.workshop.title: 1, "Total": 1}
    text = docx_text(download("docx"))
    assert text.count("Sessions tenues | 1") == 2  # the totals, then the workshop
    assert (
        "une session passée sans aucune présence enregistrée n’est pas comptée comme tenue" in text
    )
    # The page lists the two sessions that started in the period, held or not.
    page = client.get(reverse("donor_reports"), period).content.decode()
    assert re.search(r'<th scope="row">Total</th><td class="num">2</td>', page)
