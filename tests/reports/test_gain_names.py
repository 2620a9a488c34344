"""Two gains, two names: Hake's gain on the class averages and the mean of the participants' own
normalised gains are two numbers; the dashboard, the donor report's files and the targets form
print each under its own name with its definition beside it, and never the old « Gain normalisé
moyen » that could be either. (The results page and its workbook: tests/assessments.)

The programme is ``tests.reports.report_data``'s. In Sévaré, Aïssata went from 75 % to 100 % and
Bakary from 25 % to 62.5 %:

- Hake's gain (class averages): means 50 → 81.25, (81.25 − 50) / (100 − 50) = 62.5 %;
- mean individual normalised gain: Aïssata 25 / 25 = 1, Bakary 37.5 / 75 = 0.5, mean 75 %.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.figures import Scope, learning
from tests.documents.readers import docx_text, pdf_pages
from tests.reports.report_data import Programme, build

pytestmark = pytest.mark.django_db

HAKE = "Gain de Hake (moyennes du groupe)"
INDIVIDUAL = "Gain normalisé individuel moyen"
OLD = "Gain normalisé moyen"
HAKE_DEFINED = (
    f"{HAKE} : (moyenne au post-test − moyenne au pré-test) / (100 − moyenne au pré-test), sur "
    "les participants ayant passé les deux tests."
)
INDIVIDUAL_DEFINED = (
    f"{INDIVIDUAL} : moyenne des (post − pré) / (100 − pré) de chaque participant ayant passé "
    "les deux tests, sauf qui avait déjà le score maximal au pré-test."
)
YEAR_2022 = {"du": "2022-01-01", "au": "2022-12-31", "langue": "fr"}


@pytest.fixture
def programme(axis: Axis, funder: Partner, programme_officer: User) -> Programme:
    return build(axis=axis, funder=funder, by=programme_officer)


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


def donor_file(client: Client, partner: Partner, fmt: str) -> bytes:
    response = client.get(
        reverse("donor_report_download", kwargs={"fmt": fmt}),
        {"partenaire": partner.pk, **YEAR_2022},
    )
    assert response.status_code == 200
    return response.content


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_two_gains_are_two_numbers(programme: Programme) -> None:
    found = learning(scope=Scope(session_id=programme.sevare.pk))

    assert found.hake_gain == pytest.approx(0.625)
    assert found.mean_normalised_gain == pytest.approx(0.75)
    assert (found.paired_pre_mean, found.paired_post_mean) == (50.0, 81.25)


def test_the_donor_workbook_names_each_gain_with_its_value_and_defines_both(
    programme: Programme, officer: Client
) -> None:
    book = load_workbook(io.BytesIO(donor_file(officer, programme.eucap, "xlsx")))

    values = {
        (row[0], row[1]): row[2]
        for row in book["Indicateurs"].iter_rows(min_row=2, values_only=True)
    }
    for group in (programme.workshop.title, "Total"):
        assert values[(group, HAKE)] == pytest.approx(62.5)
        assert values[(group, INDIVIDUAL)] == pytest.approx(75.0)
    definitions = {row[0]: row[1] for row in book["Rapport"].iter_rows(values_only=True)}[
        "Définitions"
    ]
    assert HAKE_DEFINED in definitions
    assert INDIVIDUAL_DEFINED in definitions
    cells = [
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    ]
    assert not [cell for cell in cells if OLD in cell]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_donor_narrative_names_each_gain_with_its_value_and_defines_both(
    programme: Programme, officer: Client, fmt: str
) -> None:
    data = donor_file(officer, programme.eucap, fmt)
    text = flat(docx_text(data) if fmt == "docx" else " ".join(pdf_pages(data)))
    between = " | " if fmt == "docx" else " "

    # The totals' table, then the workshop's (with an empty target column).
    assert text.count(f"{HAKE}{between}62,5 %") == 2
    assert text.count(f"{INDIVIDUAL}{between}75,0 %") == 2
    assert HAKE_DEFINED in text
    assert INDIVIDUAL_DEFINED in text
    assert OLD not in text


def test_the_dashboard_names_each_gain_with_its_value_and_definition(
    programme: Programme, officer: Client
) -> None:
    html = officer.get(reverse("dashboard")).content.decode()

    def shown(item: str) -> tuple[str, str]:
        found = re.search(
            rf'<li id="{item}"><span class="num">([^<]+)</span><span class="label">([^<]+)</span>',
            html,
        )
        assert found, item
        return found[1].replace("\u00a0", " "), found[2]

    assert shown("hake-gain") == ("62,5 %", HAKE)
    assert shown("individual-gain") == ("75,0 %", INDIVIDUAL)
    definitions = re.search(r'<p class="muted small gain-definitions">([^<]+)</p>', html)
    assert definitions
    assert flat(definitions[1]) == f"{HAKE_DEFINED} {INDIVIDUAL_DEFINED}"
    assert OLD not in html


def test_the_targets_form_names_the_individual_gain(programme: Programme, officer: Client) -> None:
    page = officer.get(reverse("workshop_targets", kwargs={"pk": programme.workshop.pk}))
    html = page.content.decode()

    assert "gain normalisé individuel moyen (%)" in html
    assert "gain normalisé moyen" not in html
