"""The activity report of a workshop: each figure against counts made here with the ORM, both
files read back, both languages, the observations page, and who may open what.

The programme is ``tests.reports.report_data``'s: workshop A has two sessions (Sévaré by whole
days, Ségou by half-days), pre/post tests, a survey, two funders, statements and photos.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
import pytest
from django.db.models import Avg, Count, Q, Sum
from django.test import Client
from django.urls import reverse

from kalan.assessments.models import Answer, Submission
from kalan.core.models import Partner, User
from kalan.plans.models import Axis
from kalan.reports.models import ActivityReport
from kalan.workshops.models import Attendance, Enrollment, Funding
from tests.documents.readers import docx_text, pdf_pages
from tests.reports.report_data import FACILITATOR, Programme, build, persons_named

pytestmark = pytest.mark.django_db

PARTICIPANT = Enrollment.Role.PARTICIPANT


@pytest.fixture
def programme(axis: Axis, funder: Partner, programme_officer: User) -> Programme:
    return build(axis=axis, funder=funder, by=programme_officer)


def url(name: str, programme: Programme, **kwargs: str) -> str:
    return reverse(name, kwargs={"pk": programme.workshop.pk, **kwargs})


def download(client: Client, programme: Programme, language: str, fmt: str) -> bytes:
    response = client.get(url("activity_report_download", programme, language=language, fmt=fmt))
    assert response.status_code == 200, response.status_code
    return response.content


def tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [
        [[cell.text.replace("\u202f", " ").replace("\u00a0", " ") for cell in row.cells]
         for row in table.rows]
        for table in document.tables
    ]  # fmt: skip


def table_with(data: bytes, first_cell: str) -> list[list[str]]:
    return next(t for t in tables(data) if t and t[0][0] == first_cell)


def facts(data: bytes) -> dict[str, str]:
    """Every two-column row of every table, label -> value."""
    return {row[0]: row[1] for table in tables(data) for row in table if len(row) == 2}


def expected(programme: Programme) -> dict[str, float]:
    """The workshop's figures, counted here without kalan.reports.figures."""
    workshop = programme.workshop
    trained = Enrollment.objects.filter(
        session__workshop=workshop, role=PARTICIPANT, attendances__isnull=False
    ).distinct()
    persons = trained.values("person_id").distinct()
    present = Attendance.objects.filter(
        enrollment__session__workshop=workshop, enrollment__role=PARTICIPANT
    )
    person_days = present.filter(half="day").count() + 0.5 * present.exclude(half="day").count()
    offered = sum(
        ((s.end_date - s.start_date).days + 1)
        * s.enrollments.filter(role=PARTICIPANT).exclude(status="withdrawn").count()
        for s in workshop.sessions.all()
    )
    sent = Submission.objects.filter(test__session__workshop=workshop, submitted_at__isnull=False)
    pre = {s.enrollment_id: 100 * s.score / s.max_score for s in sent.filter(test__kind="pre")}
    post = {s.enrollment_id: 100 * s.score / s.max_score for s in sent.filter(test__kind="post")}
    gains = [(post[e] - pre[e]) / (100 - pre[e]) for e in post if e in pre and pre[e] < 100]
    paired = [e for e in post if e in pre]
    paired_pre = sum(pre[e] for e in paired) / len(paired)
    paired_post = sum(post[e] for e in paired) / len(paired)
    ratings = Answer.objects.filter(
        submission__in=sent.filter(test__kind="survey"), rating__isnull=False
    ).aggregate(mean=Avg("rating"))
    return {
        "trained": trained.count(),
        "distinct": persons.count(),
        "women": trained.filter(person__sex="F").values("person_id").distinct().count(),
        "men": trained.filter(person__sex="M").values("person_id").distinct().count(),
        "person_days": person_days,
        "rate": 100 * person_days / offered,
        "pre": sum(pre.values()) / len(pre),
        "post": sum(post.values()) / len(post),
        "gain": 100 * sum(gains) / len(gains),
        "hake": 100 * (paired_post - paired_pre) / (100 - paired_pre),
        "pass": 100 * sum(1 for p in post.values() if p >= 70) / len(post),
        "satisfaction": ratings["mean"],
        "committed": Funding.objects.filter(workshop=workshop).aggregate(s=Sum("amount"))["s"],
    }


def fr_number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    return text


def test_the_figures_are_those_counted_from_the_records(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    want = expected(programme)
    # The scenario says what the ORM must find: a wrong builder would not hide behind a wrong test.
    assert (want["trained"], want["distinct"], want["women"], want["men"]) == (4, 3, 1, 2)
    assert want["person_days"] == 7.5
    data = download(client_for(programme_officer), programme, "fr", "docx")
    found = facts(data)
    assert found["Personnes formées"] == fr_number(want["trained"])
    assert found["Personnes distinctes"] == fr_number(want["distinct"])
    assert found["Femmes"] == f"{want['women']} (33,3 %)"
    assert found["Hommes"] == fr_number(want["men"])
    assert found["Jours-personnes"] == fr_number(want["person_days"], 1)
    assert found["Taux de présence"].startswith(f"{fr_number(want['rate'], 1)} %")
    assert found["Moyenne au pré-test"] == f"{fr_number(want['pre'], 1)} %"
    assert found["Moyenne au post-test"] == f"{fr_number(want['post'], 1)} %"
    # Pre 75 and 25, post 100 and 62.5: gains 1 and 0.5; means 50 → 81.25.
    assert (want["gain"], want["hake"]) == (75.0, 62.5)
    assert found["Gain normalisé individuel moyen"] == f"{fr_number(want['gain'], 1)} %"
    assert found["Gain de Hake (moyennes du groupe)"] == f"{fr_number(want['hake'], 1)} %"
    assert "Gain normalisé moyen" not in found
    assert found["Réussite au post-test"] == f"{fr_number(want['pass'], 1)} %"
    assert "Note moyenne : 4,00 sur 5" in docx_text(data)
    assert want["satisfaction"] == 4.0


def test_the_sessions_table_gives_each_session_its_own_figures(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    rows = table_with(download(client_for(programme_officer), programme, "fr", "docx"), "N°")
    counts = {
        session.number: Enrollment.objects.filter(session=session, role=PARTICIPANT)
        .exclude(status="withdrawn")
        .aggregate(
            enrolled=Count("pk", distinct=True),
            trained=Count("pk", distinct=True, filter=Q(attendances__isnull=False)),
        )
        for session in (programme.sevare, programme.segou)
    }
    assert rows[1][:2] == ["1", "Sévaré (Mopti)"]
    assert rows[1][4:] == [str(counts[1]["enrolled"]), str(counts[1]["trained"]), "66,7 %"]
    assert rows[2][1] == "Ségou"  # a regional capital is its own region
    assert rows[2][4:] == [str(counts[2]["enrolled"]), str(counts[2]["trained"]), "37,5 %"]
    assert rows[3][1] == "Total"


def test_participants_are_broken_down_by_corps_rank_group_and_region(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    data = download(client_for(programme_officer), programme, "fr", "docx")
    trained = Enrollment.objects.filter(
        session__workshop=programme.workshop, role=PARTICIPANT, attendances__isnull=False
    )

    def persons(**filters: object) -> str:
        return str(trained.filter(**filters).values("person_id").distinct().count())

    corps = table_with(data, "Corps")
    gendarmerie = {"person__corps__short_name": "Gendarmerie"}
    assert [
        "Gendarmerie nationale",
        persons(person__sex="F", **gendarmerie),
        persons(person__sex="M", **gendarmerie),
        persons(**gendarmerie),
    ] in corps
    assert ["Police nationale", "0", "1", "1"] in corps
    groups = table_with(data, "Catégorie")
    assert groups[1] == ["Officier", "1", "0", persons(person__rank__group="officer")]
    assert groups[2] == ["Sous-officier", "0", "2", persons(person__rank__group="nco")]
    regions = table_with(data, "Région")
    assert ["Mopti", "1", "0", "1"] in regions
    assert ["Ségou", "0", "2", persons(person__unit__place__parent__name="Ségou")] in regions


def test_objectives_come_with_their_curriculum_text_and_gain(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    rows = table_with(download(client_for(programme_officer), programme, "fr", "docx"), "Objectif")
    # OBJ-A: two single-choice questions. Pre: Aïssata 1+0, Bakary 0+0 -> 1 of 4 = 25 %;
    # post: 1+1, 1+0 -> 3 of 4 = 75 %. OBJ-B: pre 1+1, 1+0 -> 75 %; post 1+1, 1+0.5 -> 87.5 %.
    assert rows[1] == [
        "OBJ-A — Connaître les délais de la garde à vue.",
        "25,0 %",
        "75,0 %",
        "+50,0 pts",
    ]
    assert rows[2] == ["OBJ-B — Prévenir la torture.", "75,0 %", "87,5 %", "+12,5 pts"]


def test_budget_gives_each_funder_and_the_latest_statement(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    data = download(client_for(programme_officer), programme, "fr", "docx")
    rows = table_with(data, "Partenaire")
    assert rows[1] == ["EUCAP", "9 000 000 FCFA"]
    assert rows[2] == ["DDC", "3 000 000 FCFA"]
    assert rows[3] == ["Total des financements", "12 000 000 FCFA"]
    # Aïssata and Bakary, 3 days each, and the facilitator: 3 x (3 x 25 000 + 15 000).
    assert programme.statement.total == 270_000
    text = docx_text(data)
    assert "versés (derniers états de paiement émis) : 270 000 FCFA, pour 1 session sur 2" in text


def test_the_report_has_every_section_names_facilitators_and_no_participant(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    data = download(client_for(programme_officer), programme, "fr", "docx")
    text = docx_text(data)
    for heading in (
        "1. Contexte et objectifs", "2. Les sessions", "3. Les participants",
        "4. Acquis : pré-test et post-test", "5. Satisfaction", "6. Facilitateurs", "7. Budget",
        "8. Photos", "9. Observations et recommandations",
    ):  # fmt: skip
        assert heading in text
    assert "Axe 1 : Concilier le respect des droits" in text
    assert "Connaître la garde à vue." in text  # a specific objective of the workshop
    assert "OPJ de la gendarmerie et de la police" in text  # the target audience
    assert f"{FACILITATOR[0].upper()} {FACILITATOR[1]}" in text
    assert persons_named(text.replace("Coulibaly", "")) == []
    # The family photo comes first, with its caption, then the other one.
    assert text.index("Photo de famille à Sévaré") < text.index("Remise des attestations")
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 2 + 2  # two charts, two photos


def test_the_pdf_holds_the_same_sections_and_figures(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    pages = pdf_pages(download(client_for(programme_officer), programme, "fr", "pdf"))
    text = " ".join(" ".join(pages).split())
    assert "Rapport d’activité" in pages[0]
    for part in (
        "1. Contexte et objectifs", "3. Les participants", "Personnes formées 4",
        "Jours-personnes 7,5", "Gain de Hake (moyennes du groupe) 62,5 %",
        "Gain normalisé individuel moyen 75,0 %", "9. Observations et recommandations",
        "Photo de famille à Sévaré",
    ):  # fmt: skip
        assert part in text


def test_the_english_report_takes_the_english_texts_of_the_data(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    ActivityReport.objects.create(
        workshop=programme.workshop, language="en", observations="Punctual participants."
    )
    text = docx_text(download(client_for(programme_officer), programme, "en", "docx"))
    assert "OBJ-A — Know custody limits." in text
    assert "Group photo" in text
    assert "Punctual participants." in text
    assert "Photo de famille à Sévaré" not in text


def test_observations_are_written_per_language_and_printed(
    client_for: Callable[[User], Client], programme: Programme, monitoring_officer: User
) -> None:
    client = client_for(monitoring_officer)
    edit = url("activity_report_edit", programme, language="fr")
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {"observations": "Forte participation.", "recommendations": "Organiser un suivi à 6 mois."},
    )
    assert response.status_code == 302
    saved = ActivityReport.objects.get(workshop=programme.workshop, language="fr")
    assert (saved.observations, saved.updated_by) == ("Forte participation.", monitoring_officer)
    text = docx_text(download(client, programme, "fr", "docx"))
    assert "Forte participation." in text
    assert "Organiser un suivi à 6 mois." in text
    assert not ActivityReport.objects.filter(language="en").exists()


@pytest.mark.parametrize("role", ["administrator", "programme_officer", "monitoring_officer"])
def test_report_writers_open_every_page(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    programme: Programme,
    role: str,
) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("activity_report", programme)).status_code == 200
    assert client.get(url("activity_report_edit", programme, language="en")).status_code == 200
    response = client.get(url("activity_report_download", programme, language="en", fmt="pdf"))
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "role", ["trainer", "finance_officer", "communication_officer", "donor_viewer", "outsider"]
)
def test_other_roles_are_refused(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
    programme: Programme,
    role: str,
) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("activity_report", programme)).status_code == 403
    download_url = url("activity_report_download", programme, language="fr", fmt="docx")
    assert client.get(download_url).status_code == 403
    response = client.post(
        url("activity_report_edit", programme, language="fr"), {"observations": "x"}
    )
    assert response.status_code == 403
    assert not ActivityReport.objects.exists()


def test_an_unknown_language_or_format_or_workshop_is_not_found(
    client_for: Callable[[User], Client], programme: Programme, programme_officer: User
) -> None:
    client = client_for(programme_officer)
    for language, fmt in (("de", "pdf"), ("fr", "odt")):
        response = client.get(
            url("activity_report_download", programme, language=language, fmt=fmt)
        )
        assert response.status_code == 404
    missing = reverse("activity_report", kwargs={"pk": programme.other_workshop.pk + 100})
    assert client.get(missing).status_code == 404
