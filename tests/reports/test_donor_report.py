"""The report to a partner: the workbook's numbers against counts made here with the ORM, the
targets, the period, the narrative in Word and PDF, no person ever named, and who gets what (a
donor viewer its own partner's report, 404 for any other).

The programme is ``tests.reports.report_data``'s: EUCAP funds workshop A (two sessions in
November 2022); the Swiss cooperation funds A and workshop B (Kayes, February 2023).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.models import DonorReport, Target
from kalan.workshops.models import Attendance, Enrollment, Funding
from tests.documents.readers import docx_text, pdf_pages
from tests.reports.report_data import FACILITATOR, Programme, build, persons_named

pytestmark = pytest.mark.django_db

PARTICIPANT = Enrollment.Role.PARTICIPANT
YEAR_2022 = {"du": "2022-01-01", "au": "2022-12-31", "langue": "fr"}


@pytest.fixture
def programme(axis: Axis, funder: Partner, programme_officer: User) -> Programme:
    return build(axis=axis, funder=funder, by=programme_officer)


def query(partner: Partner, **period: str) -> dict[str, Any]:
    return {"partenaire": partner.pk, **(period or YEAR_2022)}


def download(client: Client, fmt: str, partner: Partner, **period: str) -> bytes:
    response = client.get(
        reverse("donor_report_download", kwargs={"fmt": fmt}), query(partner, **period)
    )
    assert response.status_code == 200, response.status_code
    return response.content


def narrative_url(partner: Partner) -> str:
    return (
        f"{reverse('donor_report_narrative')}?partenaire={partner.pk}"
        "&du=2022-01-01&au=2022-12-31&langue=fr"
    )


def indicators(data: bytes) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(workshop, indicator) -> (value, target), as the workbook holds them."""
    sheet = load_workbook(io.BytesIO(data))["Indicateurs"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Atelier", "Indicateur", "Valeur", "Cible", "Unité")
    return {(row[0], row[1]): (row[2], row[3]) for row in rows[1:]}


def trained(workshop_ids: list[int]) -> Any:
    return Enrollment.objects.filter(
        session__workshop__in=workshop_ids,
        session__start_date__year=2022,
        role=PARTICIPANT,
        attendances__isnull=False,
    ).distinct()


def test_the_workbook_holds_each_indicator_as_a_number_from_the_records(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    found = indicators(download(client_for(programme_officer), "xlsx", programme.eucap))
    workshop = programme.workshop
    total = "Total"
    enrollments = trained([workshop.pk])
    present = Attendance.objects.filter(
        enrollment__session__workshop=workshop, enrollment__role=PARTICIPANT
    )
    person_days = present.filter(half="day").count() + 0.5 * present.exclude(half="day").count()
    committed = Funding.objects.filter(workshop=workshop, partner=programme.eucap).aggregate(
        s=Sum("amount")
    )["s"]
    for group in (workshop.title, total):
        assert found[(group, "Personnes formées")][0] == enrollments.count() == 4
        assert found[(group, "Personnes distinctes formées")][0] == 3
        assert (
            found[(group, "Femmes formées")][0]
            == enrollments.filter(person__sex="F").values("person_id").distinct().count()
        )
        assert found[(group, "Hommes formés")][0] == 2
        assert found[(group, "Jours-personnes")][0] == person_days == 7.5
        assert found[(group, "Taux de présence")][0] == pytest.approx(100 * 7.5 / 13)
        assert found[(group, "Sessions tenues")][0] == 2
        # Pre 75 and 25, post 100 and 62.5: gains 1 and 0.5; one of two passes at 70 %.
        assert found[(group, "Gain normalisé individuel moyen")][0] == pytest.approx(75.0)
        # Hake's gain on the means, 50 → 81.25: 31.25 / 50.
        assert found[(group, "Gain de Hake (moyennes du groupe)")][0] == pytest.approx(62.5)
        assert found[(group, "Part réussissant le post-test")][0] == pytest.approx(50.0)
        assert found[(group, "Moyenne au pré-test")][0] == pytest.approx(50.0)
        assert found[(group, "Satisfaction moyenne (sur 5)")][0] == pytest.approx(4.0)
        assert found[(group, "Fonds engagés par le partenaire")][0] == committed == 9_000_000
        assert found[(group, "Per diem et transport versés")][0] == programme.statement.total
        assert found[(group, "Part des fonds versée en indemnités")][0] == pytest.approx(3.0)
    assert all(
        isinstance(value, (int, float)) for value, _target in found.values() if value is not None
    )
    assert {group for group, _label in found} == {workshop.title, total}


def test_targets_set_on_the_workshop_page_are_printed_next_to_their_indicator(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    client = client_for(programme_officer)
    page = reverse("workshop_targets", kwargs={"pk": programme.workshop.pk})
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"persons_trained": "80", "attendance_rate": "90", "mean_gain": ""}
    )
    assert response.status_code == 302
    assert dict(Target.objects.values_list("indicator", "value")) == {
        "persons_trained": 80.0,
        "attendance_rate": 90.0,
    }
    found = indicators(download(client, "xlsx", programme.eucap))
    assert found[(programme.workshop.title, "Personnes formées")] == (4, 80)
    assert found[(programme.workshop.title, "Taux de présence")][1] == 90
    assert found[(programme.workshop.title, "Gain normalisé individuel moyen")][1] is None
    assert found[("Total", "Personnes formées")][1] is None
    text = docx_text(download(client, "docx", programme.eucap))
    assert "Personnes formées | 4 | 80" in text
    # Clearing a value removes its target.
    client.post(page, {"persons_trained": "", "attendance_rate": "90"})
    assert list(Target.objects.values_list("indicator", flat=True)) == ["attendance_rate"]


def test_breakdown_sheets_split_the_persons_by_sex_corps_and_region(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    book = load_workbook(
        io.BytesIO(download(client_for(programme_officer), "xlsx", programme.eucap))
    )
    assert book.sheetnames == [
        "Rapport",
        "Indicateurs",
        "Sexe",
        "Corps",
        "Région",
        "Grade",
        "Garde à vue",
    ]
    sexes = list(book["Sexe"].iter_rows(values_only=True))
    assert sexes[1:] == [(programme.workshop.title, 1, 2, 3), ("Total", 1, 2, 3)]
    corps = list(book["Corps"].iter_rows(values_only=True))
    assert ("Total", "Gendarmerie nationale", 1, 1, 2) in corps
    assert ("Total", "Police nationale", 0, 1, 1) in corps
    regions = list(book["Région"].iter_rows(values_only=True))
    assert ("Total", "Ségou", 0, 2, 2) in regions
    assert ("Total", "Mopti", 1, 0, 1) in regions
    groups = list(book["Grade"].iter_rows(values_only=True))
    assert ("Total", "Officier", 1, 0, 1) in groups


def test_the_period_keeps_the_workshops_whose_sessions_start_in_it(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    client = client_for(programme_officer)
    in_2022 = indicators(download(client, "xlsx", programme.swiss))
    assert {group for group, _label in in_2022} == {programme.workshop.title, "Total"}
    both = indicators(
        download(client, "xlsx", programme.swiss, du="2022-01-01", au="2023-12-31", langue="fr")
    )
    assert {group for group, _label in both} == {
        programme.workshop.title,
        programme.other_workshop.title,
        "Total",
    }
    kayes = Enrollment.objects.filter(session=programme.kayes, attendances__isnull=False).count()
    assert both[(programme.other_workshop.title, "Personnes formées")][0] == kayes == 1
    assert both[("Total", "Personnes formées")][0] == 4 + 1
    # The Swiss cooperation's own amounts: 3 000 000 to A and 5 000 000 to B.
    assert both[("Total", "Fonds engagés par le partenaire")][0] == 8_000_000


def test_the_narrative_is_written_by_staff_and_printed_in_word_and_pdf(
    client_for: Callable[[User], Client], programme: Programme, monitoring_officer: User
) -> None:
    client = client_for(monitoring_officer)
    page = reverse("donor_reports")
    assert client.get(page, query(programme.eucap)).status_code == 200
    response = client.post(
        narrative_url(programme.eucap),
        {
            "introduction": "Grâce à l’appui d’EUCAP, 80 OPJ ont été formés.",
            "conclusions": "À poursuivre.",
        },
    )
    assert response.status_code == 302
    saved = DonorReport.objects.get()
    assert (saved.partner, saved.start, saved.end, saved.language) == (
        programme.eucap, dt.date(2022, 1, 1), dt.date(2022, 12, 31), "fr"
    )  # fmt: skip
    text = docx_text(download(client, "docx", programme.eucap))
    for part in (
        "Rapport au partenaire", "1. Introduction", "Grâce à l’appui d’EUCAP", "2. Synthèse",
        "3. Les ateliers", programme.workshop.title, "4. Conclusions et perspectives",
        "À poursuivre.", "Personnes formées | 4", "Jours-personnes | 7,5",
        "Taux de présence | 57,7 %", "Gain normalisé individuel moyen | 75,0 %",
        "Gain de Hake (moyennes du groupe) | 62,5 %",
    ):  # fmt: skip
        assert part in text
    pages = pdf_pages(download(client, "pdf", programme.eucap))
    flat = " ".join(" ".join(pages).split())
    assert "Rapport au partenaire" in flat
    assert "Grâce à l’appui d’EUCAP" in flat
    assert "Personnes formées 4" in flat


def test_no_file_names_a_person(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    client = client_for(programme_officer)
    DonorReport.objects.create(
        partner=programme.eucap, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31),
        language="fr", introduction="Texte.", updated_by=programme_officer,
    )  # fmt: skip
    book = load_workbook(io.BytesIO(download(client, "xlsx", programme.eucap)))
    cells = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    texts = {
        "xlsx": cells,
        "docx": docx_text(download(client, "docx", programme.eucap)),
        "pdf": " ".join(pdf_pages(download(client, "pdf", programme.eucap))),
    }
    for fmt, text in texts.items():
        assert persons_named(text) == [], fmt
        assert FACILITATOR[0] not in text, fmt
        assert programme_officer.last_name not in text, fmt


def test_a_donor_viewer_gets_its_own_partners_report(
    client_for: Callable[[User], Client], programme: Programme, donor_viewer: User
) -> None:
    client = client_for(donor_viewer)
    response = client.get(reverse("donor_reports"), query(programme.eucap))
    assert response.status_code == 200
    assert b"Texte du rapport" not in response.content  # reads, never writes the narrative
    found = indicators(download(client, "xlsx", programme.eucap))
    assert found[("Total", "Personnes formées")][0] == 4
    assert docx_text(download(client, "docx", programme.eucap)).startswith("Commission")
    assert download(client, "pdf", programme.eucap).startswith(b"%PDF-")


def test_a_donor_viewer_gets_not_found_for_another_partner(
    client_for: Callable[[User], Client], programme: Programme, donor_viewer: User
) -> None:
    client = client_for(donor_viewer)
    assert client.get(reverse("donor_reports"), query(programme.swiss)).status_code == 404
    for fmt in ("xlsx", "docx", "pdf"):
        url = reverse("donor_report_download", kwargs={"fmt": fmt})
        assert client.get(url, query(programme.swiss)).status_code == 404
        assert client.get(url, {**query(programme.swiss), "partenaire": "999"}).status_code == 404
    narrative = narrative_url(programme.eucap)
    assert client.post(narrative, {"introduction": "Nous avons tout payé."}).status_code == 403
    assert not DonorReport.objects.exists()


@pytest.mark.parametrize(
    "role", ["trainer", "finance_officer", "communication_officer", "outsider"]
)
def test_roles_without_reports_are_refused(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    programme: Programme,
    role: str,
) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("donor_reports")).status_code == 403
    url = reverse("donor_report_download", kwargs={"fmt": "xlsx"})
    assert client.get(url, query(programme.eucap)).status_code == 403


def test_targets_need_the_right_to_change_the_programme(
    client_for: Callable[[User], Client], programme: Programme, monitoring_officer: User
) -> None:
    page = reverse("workshop_targets", kwargs={"pk": programme.workshop.pk})
    client = client_for(monitoring_officer)
    assert client.get(page).status_code == 403
    assert client.post(page, {"persons_trained": "10"}).status_code == 403
    assert not Target.objects.exists()


def test_a_negative_target_is_refused_with_its_reason(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    page = reverse("workshop_targets", kwargs={"pk": programme.workshop.pk})
    response = client_for(programme_officer).post(page, {"persons_trained": "-5"})
    assert response.status_code == 200
    assert "persons_trained" in response.context["form"].errors
    assert not Target.objects.exists()
