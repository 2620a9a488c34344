"""The programme's dashboard: each chart against counts made here with the ORM, the filters, the
downloads read back, the queries, and who may open it.

The data set: two regions (Mopti, Ségou), two corps, women and men, two funders, two axes, and
sessions in three months, one of them planned.

- Sévaré (Mopti), November 2022, axis 1, EUCAP: Aïssata (gendarme, two days) and Moussa
  (gendarme, one day) came, Oumar (police) never did; a facilitator came too (never counted).
  Pre- and post-tests answered by Aïssata and Moussa.
- Ségou, February 2023, axis 1, EUCAP: Aïssata again, and Awa (police).
- Ségou, February 2023, by half-days, axis 2, the second funder: Bakary (police) one morning,
  Oumou (police) a morning and an afternoon.
- Sévaré, in six weeks, axis 2, the second funder: planned, Seydou enrolled.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.db.models import Avg, Q, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from kalan.assessments.models import Answer, CurriculumObjective
from kalan.assessments.models import Test as AssessmentTest
from kalan.core.models import Partner, Place, User
from kalan.people.models import Corps, Person
from kalan.plans.models import Axis, StrategicPlan
from kalan.reports.dashboard import timeline_label
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.assessments.results_data import build_test, content, send_copy
from tests.factories import (
    AttendanceFactory,
    AxisFactory,
    CorpsFactory,
    EnrollmentFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    corps,
    place,
)
from tests.spreadsheets import body, csv_rows, xlsx_has_formulas

pytestmark = pytest.mark.django_db

URL = reverse("dashboard")
TODAY = timezone.localdate()
PARTICIPANT = Enrollment.Role.PARTICIPANT
AM, PM = Attendance.Half.MORNING, Attendance.Half.AFTERNOON
CHARTS = ["participants", "sessions", "regions", "corps", "sexe", "objectifs"]
OBJ_A = "Connaître les délais de la garde à vue."

Charts = dict[str, dict[str, list[Any]]]


@dataclass
class Programme:
    axis_one: Axis
    axis_two: Axis
    eucap: Partner
    other: Partner
    mopti: Place
    segou: Place
    sevare: Session
    segou_session: Session
    halves: Session
    planned: Session


def present(enrollment: Enrollment, *days: dt.date, half: str = Attendance.Half.DAY) -> None:
    for day in days:
        AttendanceFactory(enrollment=enrollment, day=day, half=half)


@pytest.fixture
def programme(plan: StrategicPlan, funder: Partner) -> Programme:
    axis_one, axis_two = AxisFactory(plan=plan, number=1), AxisFactory(plan=plan, number=2)
    other = PartnerFactory(name="Ambassade du Royaume des Pays-Bas", acronym="")
    first = WorkshopFactory(axis=axis_one, fundings=[(funder, 30_000_000)])
    second = WorkshopFactory(axis=axis_two, fundings=[(other, 12_000_000)])
    nov = dt.date(2022, 11, 8)
    sevare = SessionFactory(workshop=first, place=place("Sévaré"), start_date=nov)
    segou_session = SessionFactory(
        workshop=first, place=place("Ségou"), start_date=dt.date(2023, 2, 6)
    )
    halves = SessionFactory(
        workshop=second, place=place("Ségou"), start_date=dt.date(2023, 2, 20), half_days=True
    )
    planned = SessionFactory(
        workshop=second, place=place("Sévaré"), start_date=TODAY + dt.timedelta(days=45)
    )

    gendarmerie, police = corps("Gendarmerie"), corps("Police")
    aissata = PersonFactory(sex=Person.Sex.FEMALE, corps=gendarmerie)
    moussa = PersonFactory(sex=Person.Sex.MALE, corps=gendarmerie)
    oumar = PersonFactory(sex=Person.Sex.MALE, corps=police)
    awa = PersonFactory(sex=Person.Sex.FEMALE, corps=police)
    bakary = PersonFactory(sex=Person.Sex.MALE, corps=police)
    oumou = PersonFactory(sex=Person.Sex.FEMALE, corps=police)
    seydou = PersonFactory(sex=Person.Sex.MALE, corps=gendarmerie)
    facilitator = PersonFactory(sex=Person.Sex.FEMALE, corps=gendarmerie)

    aissata_sevare = EnrollmentFactory(session=sevare, person=aissata)
    moussa_sevare = EnrollmentFactory(session=sevare, person=moussa)
    present(aissata_sevare, nov, nov + dt.timedelta(days=1))
    present(moussa_sevare, nov)
    EnrollmentFactory(session=sevare, person=oumar)
    present(
        EnrollmentFactory(session=sevare, person=facilitator, role=Enrollment.Role.FACILITATOR),
        nov,
    )
    present(EnrollmentFactory(session=segou_session, person=aissata), dt.date(2023, 2, 6))
    present(
        EnrollmentFactory(session=segou_session, person=awa),
        dt.date(2023, 2, 6),
        dt.date(2023, 2, 7),
    )
    present(EnrollmentFactory(session=halves, person=bakary), dt.date(2023, 2, 20), half=AM)
    oumou_halves = EnrollmentFactory(session=halves, person=oumou)
    present(oumou_halves, dt.date(2023, 2, 20), half=AM)
    present(oumou_halves, dt.date(2023, 2, 20), half=PM)
    EnrollmentFactory(session=planned, person=seydou)

    CurriculumObjective.objects.create(code="OBJ-A", text=OBJ_A, order=1)
    pre = build_test(sevare)
    send_copy(pre, aissata_sevare, [1, 0, 1, 0.5])
    send_copy(pre, moussa_sevare, [0, 0, 1, 0])
    post = build_test(sevare, kind=AssessmentTest.Kind.POST)
    send_copy(post, aissata_sevare, [1, 1, 1, 1])
    send_copy(post, moussa_sevare, [1, 0, 1, 1])
    return Programme(
        axis_one=axis_one,
        axis_two=axis_two,
        eucap=funder,
        other=other,
        mopti=place("Mopti", kind=Place.Kind.REGION),
        segou=place("Ségou", kind=Place.Kind.REGION),
        sevare=sevare,
        segou_session=segou_session,
        halves=halves,
        planned=planned,
    )


@pytest.fixture
def officer(monitoring_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(monitoring_officer)


# --- what the test expects, counted with the ORM ---------------------------------------------


def month(day: dt.date) -> str:
    return date_format(day, "F Y")


def trained(sessions: QuerySet[Session]) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        session__in=sessions, role=PARTICIPANT, attendances__isnull=False
    ).distinct()


def held(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions begun where at least one participant was marked present."""
    return sessions.filter(
        start_date__lte=TODAY, pk__in=trained(sessions).values("session_id")
    ).distinct()


def expected_charts(sessions: QuerySet[Session]) -> Charts:
    """Every chart's numbers for these sessions, counted here without kalan.reports."""
    firsts = sorted({session.start_date.replace(day=1) for session in sessions})

    def of_month(first: dt.date) -> QuerySet[Session]:
        return sessions.filter(start_date__year=first.year, start_date__month=first.month)

    persons = Person.objects.filter(enrollments__in=trained(sessions)).distinct()
    regions = Place.objects.filter(kind=Place.Kind.REGION)
    objectives: dict[str, list[Any]] = {}
    # OBJ-A is in the curriculum (its label carries its wording), OBJ-B is not.
    for code, label in (("OBJ-A", f"OBJ-A — {OBJ_A}"), ("OBJ-B", "OBJ-B")):
        means = [
            Answer.objects.filter(
                submission__test__session__in=sessions,
                submission__test__kind=kind,
                submission__submitted_at__isnull=False,
                question__content__objective=code,
            ).aggregate(mean=Avg("points"))["mean"]
            for kind in (AssessmentTest.Kind.PRE, AssessmentTest.Kind.POST)
        ]
        if means[0] is not None:
            objectives[label] = [round(100 * mean, 1) for mean in means]
    charts: Charts = {
        "participants": {
            month(first): [trained(of_month(first)).count()]
            for first in firsts
            if trained(of_month(first)).exists()
        },
        "sessions": {
            month(first): [
                held(of_month(first)).count(),
                of_month(first).filter(start_date__gt=TODAY).count(),
                of_month(first).filter(start_date__lte=TODAY).count()
                - held(of_month(first)).count(),
            ]
            for first in firsts
        },
        "regions": {
            region.name: [n]
            for region in regions
            if (n := trained(sessions.filter(Q(place=region) | Q(place__parent=region))).count())
        },
        "corps": {
            name: [n]
            for name in Corps.objects.values_list("name", flat=True)
            if (n := persons.filter(corps__name=name).count())
        },
        "sexe": {
            "Femmes": [persons.filter(sex=Person.Sex.FEMALE).count()],
            "Hommes": [persons.filter(sex=Person.Sex.MALE).count()],
        },
        "objectifs": objectives,
    }
    if not persons.exists():
        charts["sexe"] = {}
    return charts


# --- what the page draws -----------------------------------------------------------------------

DATA = re.compile(r'<script id="dashboard-data" type="application/json">(.*?)</script>', re.S)


def drawn(client: Client, **filters: Any) -> Charts:
    """The charts as the page hands them to Chart.js: label → values of each drawn series.

    Months with nothing in them (kept so that time stays to scale) are left out of the
    participants chart, as the ORM counts above only see months with sessions.
    """
    response = client.get(URL, {"par": "month", **filters})
    assert response.status_code == 200
    match = DATA.search(response.content.decode())
    assert match, "no chart data in the page"
    charts: Charts = {slug: {} for slug in CHARTS}
    for chart in json.loads(match.group(1))["charts"]:
        values = zip(*(dataset["data"] for dataset in chart["datasets"]), strict=True)
        charts[chart["slug"]] = {
            label: list(row) for label, row in zip(chart["labels"], values, strict=True) if any(row)
        }
    return charts


def test_each_chart_shows_the_counts_of_the_whole_programme(
    programme: Programme, officer: Client
) -> None:
    charts = drawn(officer)

    assert charts == expected_charts(Session.objects.all())
    # The same, written out: what a reader of the data set above would count.
    assert charts["participants"] == {"novembre 2022": [2], "février 2023": [4]}
    assert charts["sessions"] == {
        "novembre 2022": [1, 0, 0],
        "février 2023": [2, 0, 0],
        month(programme.planned.start_date): [0, 1, 0],
    }
    assert charts["regions"] == {"Mopti": [2], "Ségou": [4]}  # Aïssata twice
    assert charts["corps"] == {"Gendarmerie nationale": [2], "Police nationale": [3]}
    assert charts["sexe"] == {"Femmes": [3], "Hommes": [2]}
    # OBJ-A: questions 1-2; pre 1+0+0+0 of 4, post 1+1+1+0 of 4. OBJ-B: questions 3-4.
    assert charts["objectifs"] == {
        f"OBJ-A — {OBJ_A}": [25.0, 75.0],
        "OBJ-B": [62.5, 100.0],
    }


def test_months_without_sessions_are_listed_with_zeros(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(URL, {"par": "month", "au": "2023-03-31"})
    participants = response.context["board"].charts[0]

    assert participants.labels == [
        "novembre 2022",
        "décembre 2022",
        "janvier 2023",
        "février 2023",
    ]
    assert participants.series[0].values == [2, 0, 0, 4]


def test_quarters_add_up_the_months(programme: Programme, officer: Client) -> None:
    response = officer.get(URL, {"par": "quarter", "au": "2023-03-31"})
    participants, sessions = response.context["board"].charts[:2]

    assert participants.labels == ["T4 2022", "T1 2023"]
    assert participants.series[0].values == [2, 4]
    assert sessions.series[0].values == [1, 2]


def test_the_gain_of_each_objective_is_in_the_table(programme: Programme, officer: Client) -> None:
    objectives = officer.get(URL).context["board"].charts[-1]
    gain = objectives.series[-1]

    assert gain.label == "Gain (points)"
    assert gain.drawn is False
    assert gain.values == [50.0, 37.5]
    assert "+50,0" in officer.get(URL).content.decode()


def test_key_figures_agree_with_the_charts(programme: Programme, officer: Client) -> None:
    figures = officer.get(URL).context["board"].figures

    assert figures.distinct_persons == 5  # Aïssata, Moussa, Awa, Bakary, Oumou
    assert figures.women == 3
    assert figures.sessions_held == 3
    assert figures.sessions_planned == 1
    # Aïssata 2 + 1, Moussa 1, Awa 2, Bakary 0.5, Oumou 0.5 + 0.5.
    assert figures.person_days == 7.5


# --- filters ------------------------------------------------------------------------------------

FILTERS: dict[str, Callable[[Programme], tuple[dict[str, Any], QuerySet[Session]]]] = {
    "axis": lambda p: (
        {"axe": p.axis_two.pk},
        Session.objects.filter(workshop__axis=p.axis_two),
    ),
    "funder": lambda p: (
        {"partenaire": p.eucap.pk},
        Session.objects.filter(workshop__fundings__partner=p.eucap),
    ),
    "region": lambda p: (
        {"region": p.segou.pk},
        Session.objects.filter(Q(place=p.segou) | Q(place__parent=p.segou)),
    ),
    "period": lambda p: (
        {"du": "2023-01-01", "au": "2023-12-31"},
        Session.objects.filter(start_date__year=2023),
    ),
    "period and funder": lambda p: (
        {"du": "2022-01-01", "au": "2023-12-31", "partenaire": p.other.pk},
        Session.objects.filter(workshop__fundings__partner=p.other, start_date__year=2023),
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_every_chart(programme: Programme, officer: Client, name: str) -> None:
    filters, sessions = FILTERS[name](programme)

    charts = drawn(officer, **filters)

    assert charts == expected_charts(sessions)
    assert charts != drawn(officer), "the filter changed nothing"


def test_the_period_typed_jj_mm_aaaa_filters_as_the_same_period_in_iso(
    programme: Programme, officer: Client
) -> None:
    typed = officer.get(URL, {"du": "01/01/2023", "au": "31/12/2023"})
    html = typed.content.decode()
    assert 'name="du" value="01/01/2023"' in html
    assert 'placeholder="jj/mm/aaaa"' in html
    # The download links the page writes carry the dates in ISO.
    assert typed.context["query"] == "du=2023-01-01&au=2023-12-31"
    assert drawn(officer, du="01/01/2023", au="31/12/2023") == drawn(
        officer, du="2023-01-01", au="2023-12-31"
    )
    iso = officer.get(URL, {"du": "2023-01-01"})
    assert 'name="du" value="01/01/2023"' in iso.content.decode()


def test_a_region_filter_leaves_the_objectives_of_other_regions_out(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(URL, {"region": programme.segou.pk})

    assert response.context["board"].charts[-1].empty
    assert "Aucune donnée pour ces filtres." in response.content.decode()


def test_the_selects_are_filled_from_the_database(programme: Programme, officer: Client) -> None:
    html = officer.get(URL).content.decode()

    assert f'<option value="{programme.axis_two.pk}">2020-2022 · axe 2 : ' in html
    assert f'<option value="{programme.other.pk}">Ambassade du Royaume des Pays-Bas' in html
    assert f'<option value="{programme.segou.pk}">Ségou</option>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "2023-13-45"}, "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"),
        ({"au": "demain"}, "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"),
        ({"du": "12/31/2023"}, "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"),
        ({"du": "2023-06-01", "au": "2023-01-01"}, "La date de fin précède la date de début."),
        ({"axe": "abc"}, "Sélectionnez un choix valide."),
        ({"region": "999999"}, "Sélectionnez un choix valide."),
        ({"par": "semaine"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_filters_are_explained_in_french(
    programme: Programme, officer: Client, query: dict[str, str], message: str
) -> None:
    response = officer.get(URL, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "dashboard-data" not in html  # no numbers for filters not understood
    download = officer.get(reverse("dashboard_download", args=["regions", "csv"]), query)
    assert download.status_code == 400
    assert message in download.content.decode()


# --- downloads ----------------------------------------------------------------------------------


def download(client: Client, slug: str, fmt: str, **filters: Any) -> bytes:
    response = client.get(reverse("dashboard_download", args=[slug, fmt]), filters)
    assert response.status_code == 200
    assert f"kalan-tableau-de-bord-{slug}-" in response["Content-Disposition"]
    return body(response)


def number(text: str) -> int | float | None:
    """A CSV cell as French Excel reads it: « 62,5 » is 62.5."""
    if text == "":
        return None
    return float(text.replace(",", ".")) if "," in text else int(text)


def chart_rows(client: Client, slug: str, **filters: Any) -> list[list[Any]]:
    """The chart's table on the page: its header, then each label with every series."""
    board = client.get(URL, filters).context["board"]
    chart = next(chart for chart in board.charts if chart.slug == slug)
    return [
        [chart.category, *(series.label for series in chart.series)],
        *([label, *(value for value, _ in cells)] for label, cells in chart.rows),
    ]


@pytest.mark.parametrize("slug", CHARTS)
def test_each_chart_downloads_as_csv_and_xlsx_with_the_same_numbers(
    programme: Programme, officer: Client, slug: str
) -> None:
    expected = chart_rows(officer, slug)
    assert len(expected) > 1

    header, *rows = csv_rows(download(officer, slug, "csv"))
    assert [header, *([label, *map(number, values)] for label, *values in rows)] == expected

    data = download(officer, slug, "xlsx")
    book = load_workbook(io.BytesIO(data))
    numbers, filters = book.worksheets
    assert [[cell.value for cell in row] for row in numbers.iter_rows()] == expected
    assert ["Période", "toutes les dates"] in [
        [cell.value for cell in row] for row in filters.iter_rows()
    ]
    assert not xlsx_has_formulas(data)


def test_a_download_keeps_the_page_filters(programme: Programme, officer: Client) -> None:
    filters = {"region": programme.segou.pk, "par": "month"}

    header, *rows = csv_rows(download(officer, "participants", "csv", **filters))

    assert [header, *([label, int(n)] for label, n in rows)] == chart_rows(
        officer, "participants", **filters
    )
    assert rows == [["février 2023", "4"]]
    book = load_workbook(io.BytesIO(download(officer, "participants", "xlsx", **filters)))
    described = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows(min_row=2)}
    assert described["Région"] == "Ségou"


def test_downloads_hold_aggregates_never_a_person(programme: Programme, officer: Client) -> None:
    names = set(Person.objects.values_list("last_name", flat=True))
    names |= set(Person.objects.values_list("first_names", flat=True))

    for slug in CHARTS:
        text = download(officer, slug, "csv").decode("utf-8-sig")
        assert not [name for name in names if name in text], slug


def test_a_label_that_looks_like_a_formula_stays_text(
    programme: Programme, officer: Client
) -> None:
    odd = CorpsFactory(name='=HYPERLINK("http://example.org")', short_name="Formule")
    AttendanceFactory(
        enrollment=EnrollmentFactory(session=programme.sevare, person=PersonFactory(corps=odd))
    )

    rows = csv_rows(download(officer, "corps", "csv"))
    data = download(officer, "corps", "xlsx")

    assert ['\'=HYPERLINK("http://example.org")', "1"] in rows
    assert not xlsx_has_formulas(data)


def test_an_unknown_chart_is_not_found(programme: Programme, officer: Client) -> None:
    assert officer.get("/tableau-de-bord/personnes.csv").status_code == 404


# --- queries ------------------------------------------------------------------------------------


def sessions_with_participants(count: int) -> None:
    """Sessions a month apart, each with three participants present and one facilitator."""
    workshop = WorkshopFactory(fundings=[(PartnerFactory(), 1_000_000)])
    for n in range(count):
        session = SessionFactory(
            workshop=workshop,
            place=place("Ségou" if n % 2 else "Sévaré"),
            start_date=dt.date(2023, 1 + n, 9),
        )
        for _ in range(3):
            person = PersonFactory(corps=corps("Police"))
            AttendanceFactory(enrollment=EnrollmentFactory(session=session, person=person))
        EnrollmentFactory(session=session, role=Enrollment.Role.FACILITATOR)
        build_test(session, contents=[content("single", objective="OBJ-A")])


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [2, 8])
def test_the_page_runs_a_fixed_number_of_queries(
    officer: Client, django_assert_max_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    sessions_with_participants(count)

    # 25, and eleven for the Kirkpatrick chain (satisfaction, gain, follow-up per workshop).
    with django_assert_max_num_queries(36):
        assert officer.get(URL).status_code == 200


def test_queries_do_not_grow_with_the_sessions(officer: Client) -> None:
    sessions_with_participants(2)
    officer.get(URL)  # the first request of a login writes to its session: not counted
    page, csv_file = queries(officer, URL), queries(officer, URL.rstrip("/") + "/regions.csv")

    sessions_with_participants(6)

    assert queries(officer, URL) == page
    assert queries(officer, URL.rstrip("/") + "/regions.csv") == csv_file


# --- who may open it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("programme_officer", 200),
        ("monitoring_officer", 200),
        ("communication_officer", 200),
        ("administrator", 200),
        ("trainer", 403),
        ("finance_officer", 403),
        ("donor_viewer", 403),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_dashboard_and_its_downloads(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    programme: Programme,
    role: str,
    status: int,
) -> None:
    client = client_for(request.getfixturevalue(role))

    assert client.get(URL).status_code == status
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("dashboard_download", args=["sexe", fmt]))
        assert response.status_code == status
        if response.streaming:
            body(response)  # read to the end, which closes the file behind it


def test_the_menu_shows_the_dashboard_only_to_those_who_may_open_it(
    client_for: Callable[[User], Client], monitoring_officer: User, finance_officer: User
) -> None:
    link = f'href="{URL}"'
    assert link in client_for(monitoring_officer).get(reverse("home")).content.decode()
    assert link not in client_for(finance_officer).get(reverse("home")).content.decode()


def test_someone_logged_out_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_without_scripts_each_chart_has_its_table_open(
    programme: Programme, officer: Client
) -> None:
    html = officer.get(URL).content.decode()

    # The chart boxes wait for dashboard.js; the tables are open until it folds them.
    assert html.count('<details class="chart-data" open>') == len(CHARTS)
    assert html.count("<canvas") == len(CHARTS)
    assert len(re.findall(r'<div class="chart-box[^"]*" hidden>', html)) == len(CHARTS)
    assert "<script>" not in html and "style=" not in html
    assert '<script id="dashboard-data" type="application/json">' in html


def test_a_month_is_written_in_full_in_the_table_and_abbreviated_on_the_axis() -> None:
    february = dt.date(2023, 2, 1)
    with translation.override("fr"):
        assert timeline_label(february, "month") == "février 2023"
        assert timeline_label(february, "month", short=True) == "févr. 2023"
        assert timeline_label(dt.date(2023, 10, 1), "quarter") == "T4 2023"
    with translation.override("en"):
        assert timeline_label(february, "month", short=True) == "Feb 2023"
