"""The period of the report to a partner: it opens over the partner's data, its dates are typed
jj/mm/aaaa (or sent in ISO by the links), and a date left empty is the partner's first or last
day of sessions.

The programme is ``tests.reports.report_data``'s: EUCAP funds workshop A (Sévaré 8-10 and Ségou
14-15 November 2022); the Swiss cooperation funds A and workshop B (Kayes, 6-7 February 2023).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.models import DonorReport
from tests.factories import PartnerFactory
from tests.reports.report_data import Programme, build

pytestmark = pytest.mark.django_db

PAGE = reverse("donor_reports")
INVALID = "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"


@pytest.fixture
def programme(axis: Axis, funder: Partner, programme_officer: User) -> Programme:
    return build(axis=axis, funder=funder, by=programme_officer)


@pytest.fixture
def officer(client_for: Callable[[User], Client], programme_officer: User) -> Client:
    return client_for(programme_officer)


def address(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def workbook_groups(data: bytes) -> set[str]:
    """The workshops (and « Total ») of the report's workbook."""
    sheet = load_workbook(io.BytesIO(data))["Indicateurs"]
    return {row[0] for row in list(sheet.iter_rows(values_only=True))[1:]}


def test_the_page_opens_over_the_span_of_the_first_partners_sessions(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(PAGE)
    assert response.status_code == 200
    form = response.context["form"]
    # The Swiss cooperation comes first by name: Sévaré's first day to Kayes' last.
    assert form.initial["partenaire"] == programme.swiss
    assert (form.initial["du"], form.initial["au"]) == (dt.date(2022, 11, 8), dt.date(2023, 2, 7))
    html = response.content.decode()
    assert 'name="du" value="08/11/2022"' in html
    assert 'name="au" value="07/02/2023"' in html
    assert 'type="date"' not in html


def test_a_donor_viewer_opens_it_over_its_own_partners_sessions(
    programme: Programme, client_for: Callable[[User], Client], donor_viewer: User
) -> None:
    form = client_for(donor_viewer).get(PAGE).context["form"]
    assert form.initial["partenaire"] == programme.eucap
    assert (form.initial["du"], form.initial["au"]) == (
        dt.date(2022, 11, 8),
        dt.date(2022, 11, 15),
    )


def test_a_partner_without_sessions_opens_over_this_year(
    client_for: Callable[[User], Client], donor_viewer: User
) -> None:
    form = client_for(donor_viewer).get(PAGE).context["form"]
    year = timezone.localdate().year
    assert (form.initial["du"], form.initial["au"]) == (dt.date(year, 1, 1), dt.date(year, 12, 31))


def test_the_period_sent_as_the_page_shows_it_gives_the_report(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(
        PAGE,
        {"partenaire": programme.eucap.pk, "du": "08/11/2022", "au": "15/11/2022", "langue": "fr"},
    )
    assert response.status_code == 200
    facts = response.context["facts"]
    assert (facts.start, facts.end) == (dt.date(2022, 11, 8), dt.date(2022, 11, 15))
    assert [item.workshop for item in facts.workshops] == [programme.workshop]
    # The links carry ISO dates; the boxes show them jj/mm/aaaa.
    assert address("?" + response.context["query"]) == {
        "partenaire": str(programme.eucap.pk),
        "du": "2022-11-08",
        "au": "2022-11-15",
        "langue": "fr",
    }
    html = response.content.decode()
    assert 'name="du" value="08/11/2022"' in html
    assert "span_query" not in response.context  # the period covers all of EUCAP's sessions


def test_a_period_in_iso_from_an_old_link_gives_the_same_report(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(
        PAGE,
        {"partenaire": programme.eucap.pk, "du": "2022-11-08", "au": "2022-11-15", "langue": "fr"},
    )
    assert response.context["facts"].start == dt.date(2022, 11, 8)
    assert 'name="au" value="15/11/2022"' in response.content.decode()


def test_empty_dates_take_the_chosen_partners_span(programme: Programme, officer: Client) -> None:
    response = officer.get(
        PAGE, {"partenaire": programme.swiss.pk, "du": "", "au": "", "langue": "fr"}
    )
    assert response.status_code == 302
    assert address(response["Location"]) == {
        "partenaire": str(programme.swiss.pk),
        "du": "2022-11-08",
        "au": "2023-02-07",
        "langue": "fr",
    }
    facts = officer.get(response["Location"]).context["facts"]
    assert {item.workshop for item in facts.workshops} == {
        programme.workshop,
        programme.other_workshop,
    }


def test_one_empty_date_is_the_partners_first_or_last_day(
    programme: Programme, officer: Client
) -> None:
    since_2023 = officer.get(
        PAGE, {"partenaire": programme.swiss.pk, "du": "01/01/2023", "au": "", "langue": "fr"}
    )
    assert address(since_2023["Location"])["au"] == "2023-02-07"
    # A start after the partner's last day: the period is that one day, never upside down.
    later = officer.get(
        PAGE, {"partenaire": programme.swiss.pk, "du": "01/01/2025", "au": "", "langue": "fr"}
    )
    assert (address(later["Location"])["du"], address(later["Location"])["au"]) == (
        "2025-01-01",
        "2025-01-01",
    )
    until = officer.get(
        PAGE, {"partenaire": programme.swiss.pk, "du": "", "au": "31/12/2022", "langue": "fr"}
    )
    assert address(until["Location"])["du"] == "2022-11-08"


def test_a_period_that_leaves_sessions_out_offers_the_partners_whole_span(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(
        PAGE,
        {"partenaire": programme.swiss.pk, "du": "01/01/2022", "au": "31/12/2022", "langue": "fr"},
    )
    assert address("?" + response.context["span_query"]) == {
        "partenaire": str(programme.swiss.pk),
        "du": "2022-11-08",
        "au": "2023-02-07",
        "langue": "fr",
    }
    html = response.content.decode()
    assert "Afficher toute cette période" in html
    assert "du 8\u00a0novembre 2022 au 7\u00a0février 2023" in html


def test_a_date_that_is_not_one_is_explained_and_gives_no_report(
    programme: Programme, officer: Client
) -> None:
    response = officer.get(
        PAGE, {"partenaire": programme.eucap.pk, "du": "11/15/2022", "au": "", "langue": "fr"}
    )
    assert response.status_code == 200
    assert response.context["facts"] is None
    assert INVALID in response.content.decode()


def test_a_download_without_dates_covers_the_partners_span(
    programme: Programme, officer: Client
) -> None:
    url = reverse("donor_report_download", kwargs={"fmt": "xlsx"})
    response = officer.get(url, {"partenaire": programme.swiss.pk, "langue": "fr"})
    assert response.status_code == 200
    assert workbook_groups(response.content) == {
        programme.workshop.title,
        programme.other_workshop.title,
        "Total",
    }


def test_the_text_is_saved_for_the_period_typed_jj_mm_aaaa(
    programme: Programme, officer: Client
) -> None:
    query: dict[str, Any] = {
        "partenaire": programme.eucap.pk,
        "du": "08/11/2022",
        "au": "15/11/2022",
        "langue": "fr",
    }
    url = reverse("donor_report_narrative")
    response = officer.post(
        f"{url}?du={query['du']}&au={query['au']}&partenaire={query['partenaire']}&langue=fr",
        {"introduction": "Grâce à l’appui d’EUCAP.", "conclusions": ""},
    )
    assert response.status_code == 302
    assert address(response["Location"])["du"] == "2022-11-08"
    saved = DonorReport.objects.get()
    assert (saved.start, saved.end) == (dt.date(2022, 11, 8), dt.date(2022, 11, 15))


def test_a_partner_with_no_session_is_not_an_error(officer: Client) -> None:
    partner = PartnerFactory(name="Ambassade des Pays-Bas", acronym="")
    response = officer.get(PAGE, {"partenaire": partner.pk, "langue": "fr"})
    year = timezone.localdate().year
    assert address(response["Location"])["du"] == f"{year}-01-01"
    assert officer.get(response["Location"]).status_code == 200
