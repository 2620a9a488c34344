"""A merge moves rows, never makes or loses one, and its undo gives every row back as it was.

Two records of one person, both in the Sévaré session with pre- and post-test copies (answers
included), one of them holding a certificate, both on an issued payment statement, both relays
with a commitment, restitutions, follow-up rounds and a personal code, one out of the follow-up
(a departure): every table
counts the same rows before the merge, after it and after its undo, and every page of both
persons answers. A property test does the same for random sequences of merges and undos.

What a merge adds on purpose is left out of the counts: its own record (``PersonMerge``) and
the audit entries naming it (``AuditEntry``); and, when it fills the kept person's corps, rank or
unit, the posting it records on the merge day (``details["postings_made"]``), which its undo
deletes: the counts then allow for it, and the undo gives back every row all the same.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django import Settings

from kalan.assessments import services as assessments
from kalan.assessments.models import Submission, Test
from kalan.assessments.selectors import session_results
from kalan.certificates.models import Certificate
from kalan.certificates.services import (
    certificate_eligibility,
    certificates_issue,
    certificates_of_session,
)
from kalan.core.errors import KalanError
from kalan.core.models import AuditEntry, User
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import statement_issue, statement_lines, statement_outdated
from kalan.people.merge import person_merge, person_merge_preview, person_merge_undo
from kalan.people.models import Person, PersonMerge
from kalan.people.signals import persons_merging
from kalan.relays.models import CallAttempt, Departure, Round
from kalan.relays.services import relay_code_for
from kalan.reports.figures import Scope, participation
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop
from kalan.workshops.selectors import session_roster
from tests.assessments.builders import small_bank
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    corps,
    place,
    rank,
)
from tests.relays.factories import (
    CallAttemptFactory,
    CommitmentFactory,
    DepartureFactory,
    RespondentFactory,
    ResponseFactory,
    RestitutionFactory,
    RoundFactory,
    RoundQuestionFactory,
)

# What a merge writes on purpose, beside the rows it moves: its record and its audit entries.
BOOKKEEPING = {PersonMerge, AuditEntry}
# Written by signing in and by page visits, not by a merge: left out of the row-by-row check.
REQUEST_APPS = {"sessions", "axes"}
RIGHT = ["A", "AC", "V", "A", "AC", "V"]  # small_bank's six questions, all right
WRONG = ["B", "B", "F", "B", "B", "F"]


def tables() -> list[type[models.Model]]:
    """Every model of the project, m2m tables included, but the merge's bookkeeping."""
    return [m for m in apps.get_models(include_auto_created=True) if m not in BOOKKEEPING]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in tables()}


def with_postings_made(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` with the postings that the merges not undone recorded on their day."""
    made = sum(
        len(merge.details.get("postings_made", []))
        for merge in PersonMerge.objects.filter(undone_at__isnull=True)
    )
    return {**counts, "people.Posting": counts["people.Posting"] + made}


def all_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, without ``updated_at`` (a merge and its undo are changes)."""
    found = {}
    for model in tables():
        if model._meta.app_label in REQUEST_APPS:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
        found[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*names))
    return found


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def paper(test: Test, entries: dict[Enrollment, Sequence[str]]) -> None:
    assessments.paper_answers_save(
        test=test,
        rows={e.pk: list(answers) for e, answers in entries.items()},
        by_enrollment={e.pk: e for e in entries},
    )


def started_on_a_phone(test: Test, enrollment: Enrollment) -> Submission:
    """A copy begun on a phone, one answer given, not sent."""
    copy = assessments.submission_start(
        access_code=test.access_code, participant_code=enrollment.code
    )
    question = test.questions.order_by("order").first()
    assert question is not None
    assessments.answer_save(submission=copy, question=question, choices=["A"])
    return copy


@dataclass
class Twins:
    """Moussa Coulibaly (kept) and Moussa Koulibaly (merged), one officer twice over."""

    kept: Person
    merged: Person
    session: Session
    ours: Enrollment  # kept's enrollment in Sévaré
    theirs: Enrollment  # merged's enrollment in Sévaré
    segou: Enrollment  # merged's only, in Ségou
    pre: Test
    post: Test
    statement: PaymentStatement


def twins_build(*, session: Session, workshop: Workshop, by: User, kept_days: int = 1) -> Twins:
    gendarmerie = corps("Gendarmerie")
    kept = PersonFactory(
        last_name="Coulibaly", first_names="Moussa", corps=gendarmerie, service_number="G-77"
    )
    merged = PersonFactory(
        last_name="Koulibaly", first_names="Moussa", corps=gendarmerie, service_number=""
    )
    ours = EnrollmentFactory(session=session, person=kept)
    theirs = EnrollmentFactory(session=session, person=merged, status=Enrollment.Status.ATTENDED)
    other = EnrollmentFactory(session=session, person=PersonFactory(last_name="Diarra"))
    for day in session.days[:kept_days]:
        AttendanceFactory(enrollment=ours, day=day)
    for day in session.days:
        AttendanceFactory(enrollment=theirs, day=day)
        AttendanceFactory(enrollment=other, day=day)
    later = SessionFactory(workshop=workshop, start_date=dt.date(2023, 3, 6))
    segou = EnrollmentFactory(session=later, person=merged)
    AttendanceFactory(enrollment=segou, day=later.start_date)
    pre = assessments.test_create(
        session=session,
        kind=Test.Kind.PRE,
        title="Pré-test",
        questions=assessments.bank_questions_for(objective_codes=[o.code for o in small_bank()]),
    )
    post = assessments.test_copy(source=pre, session=session, kind=Test.Kind.POST)
    assessments.test_open(test=post)
    paper(pre, {ours: WRONG, theirs: RIGHT, other: RIGHT})
    # Kept began the post-test on a phone; merged sent it on paper: merged's copy will count.
    started_on_a_phone(post, ours)
    paper(post, {theirs: RIGHT, other: WRONG})
    certificates_issue(session=session, by=by)
    statement = statement_issue(session=session, by=by)
    relays_build(workshop=workshop, ours=ours, theirs=theirs, segou=segou)
    return Twins(kept, merged, session, ours, theirs, segou, pre, post, statement)


def relays_build(
    *, workshop: Workshop, ours: Enrollment, theirs: Enrollment, segou: Enrollment
) -> None:
    """Both records are relays: a commitment each (with objectives: m2m rows), restitutions,
    both on round 1's call list and merged alone on round 2's, a personal code each; merged
    left the follow-up. What collides stays; the rest moves to kept's enrollment."""
    objectives = list(workshop.objectives.all())
    first, second = (RoundFactory(workshop=workshop, number=n, months=n) for n in (1, 3))
    question = RoundQuestionFactory(round=first)
    for enrollment in (ours, theirs, segou):
        CommitmentFactory(enrollment=enrollment).objectives.set(objectives)
        RestitutionFactory(enrollment=enrollment).objectives.set(objectives[:1])
        relay_code_for(enrollment=enrollment)
    RestitutionFactory(enrollment=theirs, men=3, colleagues=3)
    for enrollment in (ours, theirs):
        respondent = RespondentFactory(round=first, enrollment=enrollment)
        ResponseFactory(respondent=respondent, question=question)
    called = RespondentFactory(round=second, enrollment=theirs)
    CallAttemptFactory(respondent=called, outcome=CallAttempt.Outcome.TRANSFERRED)
    DepartureFactory(person=theirs.person, reason=Departure.Reason.TRANSFERRED)


@pytest.fixture
def twins(sevare_session: Session, workshop: Workshop, administrator: User) -> Twins:
    return twins_build(session=sevare_session, workshop=workshop, by=administrator)


def merge_url(twins: Twins) -> str:
    return reverse(
        "person_merge", kwargs={"kept_uid": twins.kept.uid, "merged_uid": twins.merged.uid}
    )


def pages(twins: Twins) -> dict[str, str]:
    session = {"uid": twins.session.uid}
    return {
        "kept": reverse("person_detail", kwargs={"uid": twins.kept.uid}),
        "merged": reverse("person_detail", kwargs={"uid": twins.merged.uid}),
        "session": reverse("session_detail", kwargs=session),
        "tests": reverse("session_tests", kwargs=session),
        "pre results": reverse("test_results", kwargs={"uid": twins.pre.uid}),
        "post results": reverse("test_results", kwargs={"uid": twins.post.uid}),
        "post live": reverse("test_live", kwargs={"uid": twins.post.uid}),
        "pre paper": reverse("test_paper_entry", kwargs={"uid": twins.pre.uid}),
        "certificates": reverse("session_certificates", kwargs=session),
        "statements": reverse("session_statements", kwargs=session),
        "duplicates": reverse("duplicate_list"),
        "segou": reverse("session_detail", kwargs={"uid": twins.segou.session.uid}),
    }


def statuses(client: Client, twins: Twins) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in pages(twins).items()}


def test_the_counts_cover_every_model_of_the_project(db: None) -> None:
    counted = set(row_counts())
    every = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert counted == every - {m._meta.label for m in BOOKKEEPING}
    assert {"people.Posting", "people.ReferenceAlias", "people.Person"} <= counted
    assert {"workshops.Enrollment", "assessments.Submission", "certificates.Certificate"} <= counted
    assert {
        "relays.Commitment",
        "relays.Commitment_objectives",
        "relays.Restitution_objectives",
        "relays.Respondent",
        "relays.Departure",
    } <= counted


def test_the_twins_are_relays_on_both_records(twins: Twins) -> None:
    """The relays' tables have rows on both persons, so the counts below mean something."""
    for person in (twins.kept, twins.merged):
        enrollments = person.enrollments.all()
        assert person.enrollments.filter(commitment__objectives__isnull=False).exists()
        assert Round.objects.filter(respondents__enrollment__in=enrollments).exists()
        assert enrollments.filter(restitutions__objectives__isnull=False).exists()
        assert enrollments.filter(relay_code__isnull=False).exists()
    assert Departure.objects.filter(person=twins.merged).exists()


# --- the merge page --------------------------------------------------------------------------


def test_the_merge_page_shows_what_collides_before_anything_is_merged(
    twins: Twins, administrator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(administrator)
    before = all_rows()
    response = client.get(merge_url(twins), {"score": "96"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("en ont chacun une copie") == 2  # the pre-test and the post-test
    assert "seule celle de KOULIBALY Moussa compte" in body  # the post-test copy sent
    assert "seule celle de COULIBALY Moussa compte" in body  # the pre-test: both sent
    assert "y sont tous deux inscrits" in body
    assert f"l’attestation {Certificate.objects.get(enrollment=twins.theirs).number}" in body
    assert "payée deux fois" in body and twins.statement.number in body
    assert "1 inscription de KOULIBALY Moussa" in body  # Ségou
    assert "Les photos appartiennent aux sessions" in body
    assert 'name="score" value="96.0"' in body
    assert all_rows() == before and not PersonMerge.objects.exists()


def test_the_merge_page_of_a_refused_merge_goes_back_with_the_reason(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    a = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-1")
    b = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-2")
    url = reverse("person_merge", kwargs={"kept_uid": a.uid, "merged_uid": b.uid})
    response = client_for(administrator).get(url)
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert "deux personnes distinctes" in str(message)


# --- conservation ----------------------------------------------------------------------------


def test_merge_and_undo_keep_every_row_of_every_table_and_every_page_answers(
    twins: Twins, administrator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(administrator)
    assert set(statuses(client, twins).values()) == {200}
    counts, rows = row_counts(), all_rows()
    pdf = Path(twins.statement.pdf.path).read_bytes()

    response = client.post(merge_url(twins), {"score": "96"})
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    assert row_counts() == counts
    seen = statuses(client, twins)
    assert seen.pop("merged") == 404  # hidden from the registry, not an error
    assert set(seen.values()) == {200}

    client.post(reverse("person_merge_undo", kwargs={"uid": merge.uid}))
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert row_counts() == counts
    assert all_rows() == rows
    assert set(statuses(client, twins).values()) == {200}
    assert Path(twins.statement.pdf.path).read_bytes() == pdf
    assert not statement_outdated(twins.statement)


def test_a_merge_that_fills_the_unit_adds_one_posting_that_its_undo_takes_back(
    twins: Twins, administrator: User, client_for: Callable[[User], Client]
) -> None:
    unit = UnitFactory(corps=twins.merged.corps)
    Person.all_objects.filter(pk=twins.merged.pk).update(unit=unit)
    client = client_for(administrator)
    counts, rows = row_counts(), all_rows()

    client.post(merge_url(twins))
    merge = PersonMerge.objects.get()
    assert len(merge.details["postings_made"]) == 1
    assert row_counts() == {**counts, "people.Posting": counts["people.Posting"] + 1}
    assert row_counts() == with_postings_made(counts)

    client.post(reverse("person_merge_undo", kwargs={"uid": merge.uid}))
    assert row_counts() == counts
    assert all_rows() == rows


def test_after_the_merge_the_person_counts_once_everywhere(twins: Twins) -> None:
    certificate = Certificate.objects.get(enrollment=twins.theirs)
    statement = PaymentStatement.objects.get()
    person_merge(kept=twins.kept, merged=twins.merged, by=None)

    theirs = Enrollment.objects.get(pk=twins.theirs.pk)
    assert (theirs.person, theirs.superseded_by) == (twins.merged, twins.ours)
    assert Enrollment.objects.get(pk=twins.segou.pk).person == twins.kept
    roster = session_roster(session=twins.session)
    assert [row.enrollment for row in roster.rows if row.enrollment.person == twins.kept] == [
        twins.ours
    ]
    assert len(roster.rows) == 2
    assert {r.enrollment for r in roster.rows if r.present_count == 3} >= {twins.ours}
    # The copies: all on kept's enrollment, one per test counting.
    results = session_results(session=twins.session)
    assert [p.enrollment for p in results.participants].count(twins.ours) == 1
    assert len(results.participants) == 2
    kept_line = next(p for p in results.participants if p.enrollment == twins.ours)
    assert (kept_line.pre, kept_line.post) == (0.0, 100.0)  # kept's pre, merged's post
    assert Submission.objects.filter(enrollment=twins.ours).count() == 4
    assert Submission.objects.filter(enrollment=twins.ours, superseded_by__isnull=True).count() == 2
    # The certificate: moved to kept, who is not given a second one.
    certificate.refresh_from_db()
    assert certificate.enrollment == twins.ours
    rows = certificate_eligibility(session=twins.session)
    assert len(rows) == 2
    assert next(r for r in rows if r.enrollment == twins.ours).certificate == certificate
    # The statement: kept as issued, outdated; the next one pays the person once.
    assert PaymentStatement.objects.get() == statement
    assert statement.lines == PaymentStatement.objects.get().lines
    assert statement_outdated(statement)
    lines = statement_lines(session=twins.session)
    assert [line.name for line in lines].count("COULIBALY Moussa") == 1 and len(lines) == 2
    figures = participation(scope=Scope(session_id=twins.session.pk))
    assert (figures.participants, figures.persons_trained, figures.distinct_persons) == (2, 2, 2)


def test_both_certificates_are_kept_and_the_session_lists_one(
    sevare_session: Session, workshop: Workshop, administrator: User
) -> None:
    twins = twins_build(session=sevare_session, workshop=workshop, by=administrator, kept_days=3)
    ours = Certificate.objects.get(enrollment=twins.ours)
    theirs = Certificate.objects.get(enrollment=twins.theirs)
    (line,) = [
        line
        for line in person_merge_preview(kept=twins.kept, merged=twins.merged)
        if "restent valables" in line
    ]
    assert ours.number in line and theirs.number in line
    merge = person_merge(kept=twins.kept, merged=twins.merged, by=None)
    assert merge.details["certificates"] == {"moved": [], "kept_both": [[theirs.pk, ours.pk]]}
    assert Certificate.objects.filter(pk__in=[ours.pk, theirs.pk], revoked_at=None).count() == 2
    assert theirs not in certificates_of_session(session=sevare_session)
    assert ours in certificates_of_session(session=sevare_session)
    person_merge_undo(merge=merge, by=None)
    assert theirs in certificates_of_session(session=sevare_session)


def test_the_merge_record_gives_each_app_its_key(twins: Twins) -> None:
    merge = person_merge(kept=twins.kept, merged=twins.merged, by=None)
    details = merge.details
    assert details["version"] == 2
    assert details["workshops"]["moved"] == [twins.segou.pk]
    (superseded,) = details["workshops"]["superseded"]
    assert (superseded["enrollment"], superseded["by"]) == (twins.theirs.pk, twins.ours.pk)
    (moved,) = details["assessments"]["moved"]
    assert (moved["from"], moved["to"], len(moved["submissions"])) == (
        twins.theirs.pk,
        twins.ours.pk,
        2,
    )
    assert len(details["assessments"]["superseded"]) == 2
    assert len(details["certificates"]["moved"]) == 1
    assert "finance" not in details  # nothing of finance moves
    relays = details["relays"]
    assert [move[1:] for move in relays["restitutions"]] == [[twins.theirs.pk, twins.ours.pk]] * 2
    assert relays["commitments"] == [] and len(relays["kept_both"]["commitments"]) == 1
    assert len(relays["respondents"]) == 1 and len(relays["kept_both"]["respondents"]) == 1
    assert relays["departure"][1:] == [twins.merged.pk, twins.kept.pk]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.MERGE).first()
    assert entry is not None
    assert entry.detail["enrollments_moved"] == 1
    assert entry.detail["submissions_moved"] == 2
    assert entry.detail["certificates_moved"] == 1
    assert entry.detail["restitutions_moved"] == 2


def test_an_app_refusing_the_merge_stops_it_with_its_message(
    twins: Twins, administrator: User, client_for: Callable[[User], Client]
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise KalanError("Fusion impossible pour l’instant.", code="refused")

    client = client_for(administrator)
    rows = all_rows()
    persons_merging.connect(refuse, dispatch_uid="test-refuse")
    try:
        response = client.post(merge_url(twins))
    finally:
        persons_merging.disconnect(dispatch_uid="test-refuse")
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and "Fusion impossible" in str(message)
    # The apps that had already moved their rows moved nothing after all.
    assert all_rows() == rows and not PersonMerge.objects.exists()


def test_undo_is_refused_when_a_moved_copy_was_deleted_since(twins: Twins) -> None:
    merge = person_merge(kept=twins.kept, merged=twins.merged, by=None)
    Test.objects.filter(pk=twins.post.pk).delete()  # takes its copies along
    with pytest.raises(KalanError) as error:
        person_merge_undo(merge=merge, by=None)
    assert error.value.code == "merge_changed_since"
    assert Person.all_objects.get(pk=twins.merged.pk).merged_into == twins.kept


# --- a merge recorded before each app had its key (version 1) -----------------------------


def _json(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _snapshot(row: models.Model) -> dict[str, object]:
    return {f.attname: _json(f.value_from_object(row)) for f in row._meta.concrete_fields}


def test_undo_of_a_version_1_merge_brings_back_the_enrollment_it_deleted(
    sevare_session: Session, workshop: Workshop
) -> None:
    kept, merged = PersonFactory(service_number=""), PersonFactory(service_number="")
    ours = EnrollmentFactory(session=sevare_session, person=kept)
    theirs = EnrollmentFactory(session=sevare_session, person=merged)
    first, second = sevare_session.days[:2]
    AttendanceFactory(enrollment=ours, day=first)
    AttendanceFactory(enrollment=theirs, day=first)
    lacked = AttendanceFactory(enrollment=theirs, day=second)
    segou = EnrollmentFactory(person=merged)
    before = all_rows()
    # What version 1 did: moved Ségou and the mark kept lacked, saved and deleted the rest.
    Enrollment.objects.filter(pk=segou.pk).update(person=kept)
    Attendance.objects.filter(pk=lacked.pk).update(enrollment=ours)
    kept_marks = Attendance.objects.filter(enrollment=theirs)
    entry = {
        "session": sevare_session.pk,
        "kept_enrollment": ours.pk,
        "attendance_moved": [lacked.pk],
        "status_before": None,
        "enrollment": _snapshot(theirs),
        "attendance": [_snapshot(mark) for mark in kept_marks],
    }
    theirs.delete()
    Person.all_objects.filter(pk=merged.pk).update(merged_into=kept)
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        details={
            "version": 1,
            "enrollments_moved": [segou.pk],
            "same_session": [entry],
            "fields_filled": {},
            "service_number": "",
        },
    )
    person_merge_undo(merge=merge, by=None)
    assert all_rows() == before


# --- any sequence of merges and undos ---------------------------------------------------------

PERSONS = 4
COPY = st.sampled_from(["none", "sent", "started"])
ENROLLMENT = st.none() | st.fixed_dictionaries(
    {
        "days": st.sets(st.integers(0, 2)),
        "pre": COPY,
        "post": COPY,
        "certificate": st.booleans(),
        "relay": st.booleans(),
    }
)
WORLD = st.lists(
    st.fixed_dictionaries(
        {
            "numbered": st.booleans(),
            # Ranks and units that differ: merges fill blank units and record postings.
            "rank": st.sampled_from(["Maréchal des logis", "Adjudant"]),
            "unit": st.sampled_from([None, 0, 1]),
            "sessions": st.lists(ENROLLMENT, min_size=2, max_size=2),
        }
    ),
    min_size=PERSONS,
    max_size=PERSONS,
)
STEPS = st.lists(
    st.tuples(st.sampled_from(["merge", "undo"]), st.integers(0, PERSONS - 1), st.integers(0, 9)),
    max_size=7,
)


@pytest.fixture
def two_sessions(workshop: Workshop) -> list[tuple[Session, dict[str, Test]]]:
    """Two sessions, each with an open pre-test and post-test: made once, shared by the
    examples (each rolls back what it adds)."""
    questions = assessments.bank_questions_for(objective_codes=[o.code for o in small_bank()])
    found = []
    for n in range(2):
        session = SessionFactory(
            workshop=workshop, start_date=dt.date(2022, 11, 8) + dt.timedelta(days=30 * n)
        )
        tests = {
            kind: assessments.test_open(
                test=assessments.test_create(
                    session=session, kind=kind, title=str(kind), questions=questions
                )
            )
            for kind in (Test.Kind.PRE, Test.Kind.POST)
        }
        found.append((session, tests))
    return found


def world_build(
    world: list[dict[str, Any]], sessions: list[tuple[Session, dict[str, Test]]]
) -> list[Person]:
    gendarmerie = corps("Gendarmerie")
    units = [
        UnitFactory(corps=gendarmerie, name=f"Brigade n° {n}", place=place("Konna"))
        for n in range(2)
    ]
    persons = [
        PersonFactory(
            last_name="Coulibaly",
            corps=gendarmerie,
            rank=rank("Gendarmerie", person["rank"]),
            unit=None if person["unit"] is None else units[person["unit"]],
            service_number=f"G-{n}" if person["numbered"] else "",
        )
        for n, person in enumerate(world)
    ]
    for session_number, (session, tests) in enumerate(sessions):
        for person, plan in zip(persons, world, strict=True):
            enrolled = plan["sessions"][session_number]
            if enrolled is None:
                continue
            enrollment = EnrollmentFactory(session=session, person=person)
            for day in sorted(enrolled["days"]):
                AttendanceFactory(enrollment=enrollment, day=session.days[day])
            for kind, key in ((Test.Kind.PRE, "pre"), (Test.Kind.POST, "post")):
                if enrolled[key] == "sent":
                    paper(tests[kind], {enrollment: RIGHT})
                elif enrolled[key] == "started":
                    started_on_a_phone(tests[kind], enrollment)
            if enrolled["certificate"]:
                Certificate.objects.create(
                    enrollment=enrollment,
                    number=f"T-{enrollment.pk}",
                    short_code=f"C{enrollment.pk}",
                )
            if enrolled["relay"]:
                relay_rows(enrollment, round_number=session_number + 1)
    return persons


def relay_rows(enrollment: Enrollment, *, round_number: int) -> None:
    """A relay's commitment, restitution, code and call-list row (one round per session)."""
    workshop = enrollment.session.workshop
    found = Round.objects.filter(workshop=workshop, number=round_number).first()
    CommitmentFactory(enrollment=enrollment)
    RestitutionFactory(enrollment=enrollment)
    relay_code_for(enrollment=enrollment)
    RespondentFactory(
        round=found or RoundFactory(workshop=workshop, number=round_number),
        enrollment=enrollment,
    )


def invariants() -> None:
    """A person counts once: no current enrollment on a merged person, and copies and
    certificates only on current enrollments or with their superseded enrollment."""
    current = Enrollment.objects.filter(superseded_by__isnull=True)
    assert not current.filter(person__merged_into__isnull=False).exists()
    assert not Submission.objects.filter(enrollment__superseded_by__isnull=False).exists()
    for session_id in current.values_list("session_id", flat=True).distinct():
        persons = list(current.filter(session_id=session_id).values_list("person_id", flat=True))
        assert len(persons) == len(set(persons))


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=WORLD, steps=STEPS)
def test_any_merges_and_undos_conserve_every_row_and_undoing_all_restores_all(
    world: list[dict[str, Any]],
    steps: list[tuple[str, int, int]],
    two_sessions: list[tuple[Session, dict[str, Test]]],
) -> None:
    # One example, one rollback: each starts from the same two sessions, with no one enrolled.
    with transaction.atomic():
        persons = world_build(world, two_sessions)
        counts, rows = row_counts(), all_rows()
        for action, a, b in steps:
            try:
                if action == "merge":
                    person_merge(
                        kept=Person.all_objects.get(pk=persons[a].pk),
                        merged=Person.all_objects.get(pk=persons[(a + 1 + b) % PERSONS].pk),
                        by=None,
                    )
                else:
                    merges = list(PersonMerge.objects.filter(undone_at__isnull=True))
                    if merges:
                        person_merge_undo(merge=merges[b % len(merges)], by=None)
            except KalanError:
                pass  # a refusal (already merged, undo the newest first…) changes nothing
            assert row_counts() == with_postings_made(counts)
            invariants()
        for merge in PersonMerge.objects.filter(undone_at__isnull=True).order_by("-pk"):
            person_merge_undo(merge=merge, by=None)
        assert row_counts() == counts
        assert all_rows() == rows
        transaction.set_rollback(True)
