"""One source of numbers: on the demo data, every document that leaves Kalan about the workshop
says the same persons trained, women, person-days, attendance rate and both gains (Hake's gain on
the class averages, the mean individual normalised gain), each under its own name.

Read back from each: the activity report (Word), the donor report (Excel and Word), the
dashboard's data and the press release's draft (which states only persons and women). Then the
figures against the pages that computed them first: ``figures.learning`` against the results page
of the Sévaré session (``session_results``), ``figures.budget`` against the statements issued.

The demo is loaded once for this module, inside a transaction rolled back at its end; each test
runs in a savepoint of it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
import pytest
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from kalan.assessments.selectors import session_results
from kalan.core.models import Partner, User
from kalan.demo.programme import demo_load
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import statement_issue
from kalan.reports import figures
from kalan.reports.activity import activity_document
from kalan.reports.dashboard import dashboard_get
from kalan.reports.donor import donor_document
from kalan.reports.press import PressSubject, press_draft
from kalan.workshops.models import Attendance, Session, Workshop

pytestmark = pytest.mark.django_db

PERIOD = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31)}


@dataclass(frozen=True)
class Demo:
    workshop: Workshop
    partner: Partner
    sevare: Session
    segou: Session


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Demo]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            demo_load()
        workshop = Workshop.objects.get()
        sevare, segou = workshop.sessions.order_by("start_date")
        finance = User.objects.get(username="finances")
        statement_issue(session=sevare, by=finance)
        # A day marked after the statement: the next one is the one that counts.
        absent = (
            sevare.enrollments.exclude(attendances__day=sevare.start_date)
            .filter(role="participant")
            .first()
        )
        assert absent is not None
        Attendance.objects.create(enrollment=absent, day=sevare.start_date)
        statement_issue(session=sevare, by=finance)
        statement_issue(session=segou, by=finance)
        yield Demo(workshop=workshop, partner=Partner.objects.get(), sevare=sevare, segou=segou)
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Said:
    """What one document says, as it prints it (rates in percent, one decimal)."""

    persons_trained: int
    women: int
    person_days: float | None = None
    attendance_rate: float | None = None
    hake_gain: float | None = None  # « Gain de Hake (moyennes du groupe) »
    mean_gain: float | None = None  # « Gain normalisé individuel moyen »


def _number(text: str) -> float:
    return float(
        text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    )


def _docx_rows(data: bytes) -> dict[str, str]:
    document = docx.Document(io.BytesIO(data))
    return {
        row.cells[0].text: row.cells[1].text
        for table in document.tables
        for row in table.rows
        if len(row.cells) >= 2
    }


def _percent(text: str) -> float:
    return _number(text.split("%")[0])


def said_by_activity_report(demo: Demo) -> Said:
    rows = _docx_rows(activity_document(workshop=demo.workshop, language="fr", fmt="docx"))
    return Said(
        persons_trained=int(_number(rows["Personnes formées"])),
        women=int(_number(rows["Femmes"].split("(")[0])),
        person_days=_number(rows["Jours-personnes"]),
        attendance_rate=_percent(rows["Taux de présence"]),
        hake_gain=_percent(rows["Gain de Hake (moyennes du groupe)"]),
        mean_gain=_percent(rows["Gain normalisé individuel moyen"]),
    )


def said_by_donor_workbook(demo: Demo) -> Said:
    data = donor_document(partner=demo.partner, language="fr", fmt="xlsx", **PERIOD)
    sheet = load_workbook(io.BytesIO(data))["Indicateurs"]
    total = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] == "Total"}
    return Said(
        persons_trained=total["Personnes formées"],
        women=total["Femmes formées"],
        person_days=total["Jours-personnes"],
        attendance_rate=round(total["Taux de présence"], 1),
        hake_gain=round(total["Gain de Hake (moyennes du groupe)"], 1),
        mean_gain=round(total["Gain normalisé individuel moyen"], 1),
    )


def said_by_donor_narrative(demo: Demo) -> Said:
    rows = _docx_rows(donor_document(partner=demo.partner, language="fr", fmt="docx", **PERIOD))
    return Said(
        persons_trained=int(_number(rows["Personnes formées"])),
        women=int(_number(rows["Femmes formées"])),
        person_days=_number(rows["Jours-personnes"]),
        attendance_rate=_percent(rows["Taux de présence"]),
        hake_gain=_percent(rows["Gain de Hake (moyennes du groupe)"]),
        mean_gain=_percent(rows["Gain normalisé individuel moyen"]),
    )


def said_by_dashboard(demo: Demo) -> Said:
    board = dashboard_get(scope=figures.Scope(workshop_id=demo.workshop.pk))
    rate, gain = board.figures.attendance_rate, board.learning.mean_normalised_gain
    hake = board.learning.hake_gain
    assert rate is not None and gain is not None and hake is not None
    return Said(
        persons_trained=board.figures.persons_trained,
        women=board.figures.women,
        person_days=board.figures.person_days,
        attendance_rate=round(100 * rate, 1),
        hake_gain=round(100 * hake, 1),
        mean_gain=round(100 * gain, 1),
    )


def said_by_press_release(demo: Demo) -> Said:
    body = press_draft(subject=PressSubject.of_workshop(demo.workshop), language="fr").body
    found = re.search(r"réuni [^(]*\((\d+)\) participants, dont [^(]*\((\d+)\) femmes", body)
    assert found, body
    return Said(persons_trained=int(found[1]), women=int(found[2]))


def test_every_document_says_the_same_numbers(demo: Demo) -> None:
    reference = said_by_activity_report(demo)
    # The demo: 80 OPJ trained in two sessions, 13 of them women; one absence was corrected.
    assert (reference.persons_trained, reference.women) == (80, 13)
    assert reference.person_days == 236
    # Two figures, two names: on the demo they differ, so a name on the wrong number shows.
    assert reference.hake_gain is not None and reference.mean_gain is not None
    assert reference.hake_gain != reference.mean_gain
    for source in (said_by_donor_workbook, said_by_donor_narrative, said_by_dashboard):
        assert source(demo) == reference, source.__name__
    press = said_by_press_release(demo)
    assert (press.persons_trained, press.women) == (reference.persons_trained, reference.women)


def test_learning_says_what_the_results_page_says(demo: Demo) -> None:
    page = session_results(session=demo.sevare)
    learned = figures.learning(scope=figures.Scope(session_id=demo.sevare.pk))
    assert page.pre is not None and page.post is not None
    assert learned.pre_copies == page.pre.copies == 39
    assert learned.post_copies == page.post.copies
    assert learned.pre_mean == pytest.approx(page.pre.mean_percent)
    assert learned.post_mean == pytest.approx(page.post.mean_percent)
    assert learned.post_pass_share == pytest.approx(page.post.pass_share)
    assert learned.paired == len(page.matched)
    individual = [p.normalised_gain for p in page.matched if p.normalised_gain is not None]
    assert learned.mean_normalised_gain == pytest.approx(sum(individual) / len(individual))
    assert learned.mean_normalised_gain == pytest.approx(page.mean_normalised_gain)
    assert learned.paired_pre_mean == pytest.approx(page.matched_mean_pre)
    assert learned.paired_post_mean == pytest.approx(page.matched_mean_post)
    assert learned.hake_gain == pytest.approx(page.hake_gain)
    for kind, test_results in (("pre", page.pre), ("post", page.post)):
        on_page = {objective.code: objective.percent for objective in test_results.objectives}
        in_figures = {
            line.code: (line.pre_percent if kind == "pre" else line.post_percent)
            for line in learned.by_objective
        }
        assert in_figures == pytest.approx(on_page), kind
    # The workshop's figures are those of its one assessed session.
    whole = figures.learning(scope=figures.Scope(workshop_id=demo.workshop.pk))
    assert whole == learned


def test_budget_counts_the_latest_statement_of_each_session(demo: Demo) -> None:
    latest = {
        session: PaymentStatement.objects.filter(session=session).order_by("-created_at", "-pk")[0]
        for session in (demo.sevare, demo.segou)
    }
    assert PaymentStatement.objects.filter(session=demo.sevare).count() == 2
    found = figures.budget(scope=figures.Scope(workshop_id=demo.workshop.pk))
    assert found.per_diem_paid == sum(statement.total for statement in latest.values())
    assert found.sessions_with_statement == 2
    # The first Sévaré statement, now outdated, is not added to the second.
    first = PaymentStatement.objects.filter(session=demo.sevare).order_by("created_at", "pk")[0]
    assert first.total < latest[demo.sevare].total
    assert [(f.partner, f.amount) for f in found.funders] == [("EUCAP Sahel Mali", 11_500_000)]
    per_workshop = figures.budget_per_workshop(scope=figures.Scope(partner_id=demo.partner.pk))
    assert per_workshop[demo.workshop.pk] == found


def test_totals_added_up_from_the_workshops_are_those_asked_at_once(demo: Demo) -> None:
    scope = figures.Scope(partner_id=demo.partner.pk, **PERIOD)
    assert figures.participation_per(scope=scope, per="session", total=True)[
        None
    ] == figures.participation(scope=scope)
    assert figures.participation_per(scope=scope, per="workshop", total=True)[
        None
    ] == figures.participation(scope=scope)
    learned = figures.learning_per(scope=scope, per="session", objectives=True, total=True)[None]
    at_once = figures.learning(scope=scope)
    assert learned.mean_normalised_gain == pytest.approx(at_once.mean_normalised_gain)
    assert learned.hake_gain == pytest.approx(at_once.hake_gain)
    assert learned.pre_mean == pytest.approx(at_once.pre_mean)
    assert (learned.paired, learned.post_passed, learned.by_objective) == (
        at_once.paired,
        at_once.post_passed,
        at_once.by_objective,
    )
    assert figures.satisfaction_per(scope=scope, per="session", total=True)[
        None
    ] == figures.satisfaction(scope=scope)
    assert figures.budget_per_workshop(scope=scope, total=True)[None] == figures.budget(scope=scope)


# --- the follow-up (kalan.reports.figures_followup) ---------------------------------------------


def _followup_added(demo: Demo) -> None:
    """A follow-up of the demo's relays, whatever the demo already holds: commitments, one
    departure, restitutions in two units and without one, two rounds with partial answers."""
    from kalan.people.models import Unit
    from kalan.relays.models import Departure, Respondent, Response, RoundQuestion
    from kalan.relays.selectors import relays_of_workshop
    from tests.relays.factories import CommitmentFactory, RestitutionFactory, RoundFactory

    relays = list(relays_of_workshop(workshop=demo.workshop).order_by("pk"))
    units = list(Unit.objects.order_by("pk")[:2])
    Departure.objects.get_or_create(
        person=relays[0].person, defaults={"reason": "left", "since": dt.date(2023, 3, 1)}
    )
    for n, relay in enumerate(relays[:30]):
        if not hasattr(relay, "commitment"):
            CommitmentFactory(enrollment=relay, people_planned=10 + n)
        for k in range(n % 3):
            RestitutionFactory(
                enrollment=relay,
                held_on=relay.session.end_date + dt.timedelta(days=30 + 50 * k + n),
                unit=units[n % 2] if n % 5 else None,
                women=n % 4,
                men=5 + n,
                colleagues=5 + n + n % 4 - 2,
                leaders=2,
            )
    taken = set(
        demo.workshop.followup_rounds.values_list("number", flat=True)  # type: ignore[attr-defined]
    )
    for number in (1, 2):
        round_ = RoundFactory(
            workshop=demo.workshop, number=max(taken | {0}) + number, months=number, status="closed"
        )
        question = RoundQuestion.objects.create(
            round=round_,
            order=1,
            content={"code": "AGREE-RIGHTS", "kind": "practice", "text": "?", "practice": "Droits"},
        )
        for n, relay in enumerate(relays):
            respondent = Respondent.objects.create(round=round_, enrollment=relay)
            if (n + number) % 3:
                respondent.answered_at = dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
                respondent.save()
                value = ("changed", "already", "not_yet", "not_applicable")[(n * number) % 4]
                Response.objects.create(respondent=respondent, question=question, value=value)


def _numbers(text: str) -> list[float]:
    return [_number(found) for found in re.findall(r"\d[\d\u202f\u00a0 ]*(?:,\d+)?", text)]


def test_every_document_says_the_same_follow_up(demo: Demo) -> None:
    from pypdf import PdfReader

    from kalan.reports.figures_followup import followup

    _followup_added(demo)
    found = followup(scope=figures.Scope(workshop_id=demo.workshop.pk))
    assert found.departed and found.due and found.on_time and found.practice_relays
    share = round(100 * (found.restitution_share or 0), 1)
    practice = round(100 * (found.practice_change_share or 0), 1)
    rate = round(100 * (found.response_rate or 0), 1)
    bounds = [float(found.reached.lower_bound), float(found.reached.upper_bound)]
    assert bounds[0] < bounds[1]

    rows = _docx_rows(activity_document(workshop=demo.workshop, language="fr", fmt="docx"))
    assert _percent(rows["Restitution dans les 3 mois"]) == share
    assert _numbers(rows["Restitution dans les 3 mois"])[1:] == [found.on_time, found.due]
    assert _percent(rows["Relais déclarant un changement de pratique"]) == practice
    assert _percent(rows["Taux de réponse aux tours de suivi"]) == rate
    assert _numbers(rows["Personnes touchées"]) == bounds
    assert _number(rows["Restitutions tenues"]) == found.reached.restitutions

    data = donor_document(partner=demo.partner, language="fr", fmt="xlsx", **PERIOD)
    sheet = load_workbook(io.BytesIO(data))["Indicateurs"]
    total = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] == "Total"}
    assert round(total["Relais ayant tenu une restitution en 3 mois"], 1) == share
    assert round(total["Relais déclarant un changement de pratique"], 1) == practice
    assert round(total["Taux de réponse aux tours de suivi"], 1) == rate
    assert [
        total["Personnes touchées (borne basse)"],
        total["Personnes touchées (borne haute)"],
    ] == (bounds)
    narrative = _docx_rows(
        donor_document(partner=demo.partner, language="fr", fmt="docx", **PERIOD)
    )
    assert _percent(narrative["Relais ayant tenu une restitution en 3 mois"]) == share
    assert _number(narrative["Personnes touchées (borne haute)"]) == bounds[1]

    pdf = activity_document(workshop=demo.workshop, language="fr", fmt="pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
    reached = re.search(r"Personnes touchées entre ([\d ]+) et ([\d ]+)", text)
    assert reached, text[-3000:]
    assert [_number(reached[1]), _number(reached[2])] == bounds

    chain = dashboard_get(scope=figures.Scope(workshop_id=demo.workshop.pk)).chain
    assert [(link.restitution, link.practice, link.due) for link in chain] == [
        (found.restitution_share, found.practice_change_share, found.due)
    ]


# --- the evidence of change (kalan.reports.figures_custody) -------------------------------------

CELL = re.compile(r"(\d+) / (\d+) : ([\d,]+) % \(IC 95 % : ([\d,]+)–([\d,]+) %\)")


def _evidence_tables(data: bytes) -> dict[str, list[list[str]]]:
    """The evidence's tables of a Word report, by theme: the comparison's row then the
    difference-in-differences' (plain spaces)."""
    found: dict[str, list[list[str]]] = {}
    for table in docx.Document(io.BytesIO(data)).tables:
        cells = [[re.sub(r"\s", " ", cell.text) for cell in row.cells] for row in table.rows]
        if cells and cells[0][0] == "Thème":
            for row in cells[1:]:
                found.setdefault(row[0], []).append(row[1:])
    return found


def _said_cell(text: str) -> tuple[int, int, float, float, float] | str:
    matched = CELL.fullmatch(text)
    if not matched:
        return text
    k, n, share, low, high = matched.groups()
    return int(k), int(n), _number(share), _number(low), _number(high)


def _expected_cell(cell: Any) -> tuple[int, int, float, float, float] | str:
    from kalan.reports.figures_custody import TOO_FEW

    if not cell.enough:
        return str(TOO_FEW)
    if cell.one_place:
        return "un seul lieu : non publié"
    low, high = cell.interval
    return (
        cell.compliant,
        cell.answers,
        round(100 * cell.share, 1),
        round(100 * low, 1),
        round(100 * high, 1),
    )


def _expected_gap(value: float | None, *cells: Any) -> str | float:
    from kalan.reports.figures_custody import TOO_FEW

    if value is None or not all(cell.enough for cell in cells):
        return str(TOO_FEW)
    return round(value, 1)


def _said_gap(text: str) -> str | float:
    matched = re.fullmatch(r"([+−]?)([\d,]+) pts", text)
    if not matched:
        return text
    return (-1 if matched[1] == "−" else 1) * _number(matched[2])


def _check_report(data: bytes, found: Any) -> None:
    tables = _evidence_tables(data)
    assert found.themes and found.did_themes
    for row, did in zip(found.themes, found.did_themes, strict=True):
        comparison, changes = tables[row.line.label]
        assert [_said_cell(text) for text in comparison[:2]] == [
            _expected_cell(row.trained),
            _expected_cell(row.others),
        ], row.line.label
        assert _said_gap(comparison[2]) == _expected_gap(row.difference, row.trained, row.others)
        cells = [did.trained_before, did.trained_after, did.others_before, did.others_after]
        assert [_said_cell(text) for text in changes[:4]] == [_expected_cell(c) for c in cells]
        assert _said_gap(changes[4]) == _expected_gap(did.did, *cells)


def test_every_document_says_the_same_evidence_of_change(demo: Demo) -> None:
    from kalan.custody.models import DetentionPlace
    from kalan.reports.figures_custody import evidence

    workshop = evidence(scope=figures.Scope(workshop_id=demo.workshop.pk))
    # The demo shows both a difference and a cell with too few visits to conclude.
    assert any(row.difference is not None for row in workshop.themes)
    assert any(row.did is not None for row in workshop.did_themes)
    activity = activity_document(workshop=demo.workshop, language="fr", fmt="docx")
    _check_report(activity, workshop)
    said = [text for rows in _evidence_tables(activity).values() for row in rows for text in row]
    assert "pas assez de visites pour conclure" in said

    partner = evidence(scope=figures.Scope(partner_id=demo.partner.pk, **PERIOD))
    narrative = donor_document(partner=demo.partner, language="fr", fmt="docx", **PERIOD)
    _check_report(narrative, partner)
    data = donor_document(partner=demo.partner, language="fr", fmt="xlsx", **PERIOD)
    sheet = list(load_workbook(io.BytesIO(data))["Garde à vue"].iter_rows(values_only=True))
    by_theme = {
        (row[1], row[2]): row[3:] for row in sheet[1:] if row[0] == "Avec ou sans officier formé"
    }
    for row in partner.themes:
        for group, cell in (
            ("avec un officier formé", row.trained),
            ("autres visites", row.others),
        ):
            answers, compliant, share, low, high, note = by_theme[(row.line.label, group)]
            expected = _expected_cell(cell)
            if isinstance(expected, str):
                assert (answers, share, note) == (None, None, expected)
            else:
                assert (compliant, answers) == expected[:2]
                assert [round(v, 1) for v in (share, low, high)] == list(expected[2:])
        gap_line = by_theme[(row.line.label, "écart (points)")]
        said_gap = gap_line[5] if gap_line[2] is None else round(gap_line[2], 1)
        assert said_gap == _expected_gap(row.difference, row.trained, row.others)
    # Never a unit's name in what leaves for a partner or about a workshop.
    texts = [
        "\n".join(p.text for p in docx.Document(io.BytesIO(doc)).paragraphs)
        + " ".join(
            c.text for t in docx.Document(io.BytesIO(doc)).tables for r in t.rows for c in r.cells
        )
        for doc in (activity, narrative)
    ]
    names = set(DetentionPlace.objects.values_list("name", flat=True)) | set(
        DetentionPlace.objects.filter(unit__isnull=False).values_list("unit__name", flat=True)
    )
    assert names
    for text in texts:
        assert not [name for name in names if name in text]
