"""Who may open what: every page and every export of Kalan, for each role.

``GET`` holds, for every named URL of the project, the status each of the eight users gets, in
the order of ``USERS``:

- 200, or 302 for a page that redirects by design (the donor's home, the login page once signed
  in, the two-factor code page of a user without two-factor), or the file's 200 for an export;
- 403 when the role lacks the capability (``kalan.core.roles.GRANTS``), or for two-factor, when
  it is not offered to the role (administrators and programme officers only);
- 404 when the record is outside the user's scope: the trainer is assigned to the Sévaré session
  only, so every record of the Ségou session is « not found » for them (``both`` writes the two
  rows, Sévaré's and Ségou's, from one line); and the donor viewer reads the report to its own
  partner, EUCAP, and finds none to another, DDC (``partners`` writes both rows);
- 405 for an address that only takes a POST (403 first where the view checks the role before
  the method).

``POST`` holds, for every form and action, who is refused (``-``: allowed, not sent here); a
refused POST answers 403 (404 outside the trainer's scope) and changes nothing.

Participants' pages under ``/t/`` and the public verification page ``/v/`` need no account:
``ANONYMOUS`` checks them apart. A URL name of the project found in none of these tables fails
``test_every_url_name_of_the_project_has_a_row``: a page added later must say here who may
open it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from pytest_django import Settings

from kalan.assessments.models import CurriculumObjective, Question
from kalan.assessments.models import Test as AssessmentTest
from kalan.certificates import services as certificates
from kalan.certificates.models import Certificate
from kalan.core.models import Organisation, Partner, User
from kalan.custody.models import (
    DetentionPlace,
    InstrumentItem,
    Interview,
    ItemAnswer,
    Recommendation,
    RecommendationResponse,
    Visit,
    VisitPhoto,
)
from kalan.custody.services_visits import visit_photo_add
from kalan.documents.models import Addressee, Letter, MissionOrder
from kalan.documents.services import mission_orders_issue
from kalan.finance.models import BudgetLine, Expense, PaymentStatement
from kalan.finance.statements import statement_issue
from kalan.people import merge
from kalan.people.models import Person, PersonMerge, ReferenceAlias, Unit
from kalan.plans.models import Axis
from kalan.relays.bank import followup_bank_load
from kalan.relays.models import Respondent, Restitution, Round, Source
from kalan.relays.services_restitutions import restitution_record
from kalan.relays.services_rounds import round_open, rounds_plan
from kalan.reports.models import Indicator, Language, Photo
from kalan.reports.photos import photo_family_set, photos_upload
from kalan.reports.press import PressSubject, press_release_redraft
from kalan.reports.services_reports import activity_report_save, donor_report_save, targets_set
from kalan.reports.tdr import tdr_current, tdr_save
from kalan.workshops.importing.service import import_batch_create
from kalan.workshops.models import Attendance, Enrollment, ImportBatch, Session, Workshop
from tests.assessments.builders import bank_question, open_test, small_bank
from tests.documents.correspondence import (
    issue,
    letters_signatory,
    police_mopti_command,
    traveller_to,
)
from tests.factories import (
    EnrollmentFactory,
    FundingFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    WorkshopFactory,
    place,
)
from tests.finance.receipts import pdf_bytes
from tests.workshops.clicks import attendance_click

USERS = (
    "administrator",
    "programme_officer",
    "trainer",
    "monitoring_officer",
    "finance_officer",
    "communication_officer",
    "donor_viewer",
    "npm_monitor",
    "outsider",
)
TRAINER = USERS.index("trainer")
DONOR = USERS.index("donor_viewer")
# Roles that must never read a participant's phone, on any page they may open.
NO_CONTACTS = ("finance_officer", "communication_officer", "donor_viewer", "npm_monitor")
# The only roles that may read what a person in custody told the monitors.
READS_INTERVIEWS = ("administrator", "npm_monitor")
# The period of the reports to partners: the year of both sessions.
YEAR_START, YEAR_END = dt.date(2022, 1, 1), dt.date(2022, 12, 31)

# --- the data: two sessions, a record of each kind in each ------------------------------------


@dataclass(frozen=True)
class Site:
    """One session with a record of each kind the URLs name."""

    session: Session
    participant: Enrollment  # present every day, certified, paid; has a phone
    newcomer: Enrollment  # present every day since the statement and the certificates
    test: AssessmentTest  # an open pre-test
    statement: PaymentStatement
    certificate: Certificate
    photo: Photo  # the family photo, shown in the session's press release (saved, in French)

    @property
    def workshop(self) -> Workshop:
        return self.session.workshop

    @property
    def uid(self) -> dict[str, object]:
        return {"uid": self.session.uid}


@dataclass(frozen=True)
class Custody:
    """A visit of the NPM's team to the custody of the Sévaré participant's unit, with a record
    of each kind the custody pages name."""

    place: DetentionPlace
    visit: Visit  # done, its instrument answered in part
    interview: Interview
    recommendation: Recommendation  # to the unit, with one response


def _custody(*, unit: Unit, monitor: User) -> Custody:
    detention = DetentionPlace.objects.create(
        unit=unit, name=f"Chambre de sûreté — {unit.name}", kind="brigade", locality=unit.place
    )
    visit = Visit.objects.create(
        place=detention,
        kind=Visit.Kind.UNANNOUNCED,
        status=Visit.Status.DONE,
        visited_on=dt.date(2023, 2, 14),
        held_men=3,
        created_by=monitor,
    )
    visit.team.add(monitor)
    item = InstrumentItem.objects.get(key="register_kept")
    ItemAnswer.objects.create(visit=visit, item=item, value="yes")
    interview = Interview.objects.create(
        visit=visit, code="MX-01", consent=True, notes=INTERVIEW_NOTE, recorded_by=monitor
    )
    recommendation = Recommendation.objects.create(
        visit=visit, unit=unit, text="Tenir le registre à jour.", priority="high"
    )
    RecommendationResponse.objects.create(
        recommendation=recommendation,
        received_on=dt.date(2023, 3, 1),
        respondent="Le commandant de brigade",
        text="Registre ouvert.",
    )
    return Custody(place=detention, visit=visit, interview=interview, recommendation=recommendation)


@dataclass(frozen=True)
class World:
    custody: Custody
    sevare: Site  # assigned to the trainer, its workshop funded by the donor's partner
    segou: Site  # another workshop's session, assigned to nobody
    axis: Axis
    objectives: list[CurriculumObjective]
    question: Question
    batch: ImportBatch  # a participant list uploaded into Sévaré, in preview
    first: Person  # first and second: a likely pair of duplicates
    second: Person
    merge: PersonMerge  # a merge that can be undone
    partner: Partner  # the donor viewer's: funds Sévaré's workshop; a saved report for 2022
    other_partner: Partner  # funds Ségou's workshop; a saved report for 2022 too
    account: User  # the trainer's, as the user management pages edit it
    persons: list[Person]  # every person of the programme

    @property
    def phones(self) -> list[str]:
        return [person.phone for person in self.persons if person.phone]


def _present_every_day(enrollment: Enrollment) -> None:
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day) for day in enrollment.session.days
    )


def _jpeg(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _restitution_with_photo(relay: Enrollment) -> None:
    """A restitution the relay reported from their phone, with a photo of the audience."""
    restitution_record(
        enrollment=relay,
        held_on=relay.session.end_date + dt.timedelta(days=14),
        unit=None,
        place=None,
        women=3,
        men=9,
        colleagues=12,
        families=0,
        leaders=0,
        population=0,
        others=0,
        duration_minutes=60,
        objectives=[],
        note=RESTITUTION_NOTE,
        photo=_jpeg("restitution.jpg"),
        source=Source.PHONE,
        by=None,
    )


def _followup_round(session: Session, *, by: User) -> None:
    """Round 1 of the session's workshop, open: its call list holds the session's relays."""
    followup_bank_load()
    [first] = rounds_plan(workshop=session.workshop, months=[1], by=by)
    round_open(round=first, by=by)


def _site(session: Session, *, objectives: list[CurriculumObjective], n: int, by: User) -> Site:
    session.per_diem_rate, session.transport_rate = 25_000, 10_000
    session.save()
    participant = EnrollmentFactory(
        session=session,
        person=PersonFactory(
            last_name=("Ouologuem", "Kanouté")[n],
            first_names=("Kadiatou", "Rokia")[n],
            phone=("+223 76 54 32 10", "+223 65 43 21 09")[n],
            service_number=("G-901234", "G-905678")[n],
            unit=UnitFactory(),
        ),
    )
    _present_every_day(participant)
    test = open_test(session, objectives)
    statement = statement_issue(session=session, by=by)
    [certificate] = certificates.certificates_issue(session=session, by=by)
    # Present after both were issued: a new statement and a new certificate are due.
    newcomer = EnrollmentFactory(
        session=session,
        person=PersonFactory(last_name=("Tapily", "Guindo")[n], first_names="Amadou"),
    )
    _present_every_day(newcomer)
    [photo] = photos_upload(session=session, uploads=[_jpeg("famille.jpg")], by=by)
    photo = photo_family_set(photo=photo)
    press_release_redraft(subject=PressSubject.of_session(session), language="fr", by=by)
    _restitution_with_photo(participant)
    _followup_round(session, by=by)
    return Site(
        session=session,
        participant=participant,
        newcomer=newcomer,
        test=test,
        statement=statement,
        certificate=certificate,
        photo=photo,
    )


def _correspondence(organisation: Organisation, sessions: list[Session], *, by: User) -> None:
    """A command written to, and a letter and a mission order for each session (issue 19)."""
    letters_signatory(organisation)
    command = police_mopti_command()
    for session in sessions:
        dated = session.start_date - dt.timedelta(days=20)
        issue(
            session,
            [command],
            dated=dated,
            deadline=session.start_date - dt.timedelta(days=5),
            by=by,
        )
        mission_orders_issue(
            session=session, travellers=[traveller_to(session)], dated=dated, by=by
        )


@pytest.fixture
def world(
    settings: Settings,
    tmp_path: Path,
    organisation: Organisation,
    sevare_session: Session,
    funder: Partner,
    administrator: User,
    programme_officer: User,
    trainer: User,
    monitoring_officer: User,
    finance_officer: User,
    communication_officer: User,
    donor_viewer: User,
    npm_monitor: User,
    outsider: User,
) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    cache.clear()  # the public verification page counts look-ups in the cache
    workshop = sevare_session.workshop
    FundingFactory(workshop=workshop, partner=funder, amount=12_000_000)
    sevare_session.trainers.add(trainer)
    other = WorkshopFactory(axis=workshop.axis, title="Prévention de la torture en garde à vue")
    segou_session = SessionFactory(workshop=other, place=place("Ségou"), venue="Centre Ségou")
    objectives = small_bank()
    sevare = _site(sevare_session, objectives=objectives, n=0, by=programme_officer)
    segou = _site(segou_session, objectives=objectives, n=1, by=programme_officer)
    batch = import_batch_create(
        session=sevare_session,
        filename="liste.csv",
        content=io.BytesIO("NOM;Prénom(s);Sexe\nSANOGO;Awa;F\n".encode()),
        by=programme_officer,
    )
    first = PersonFactory(last_name="Doumbia", first_names="Bakary", service_number="")
    second = PersonFactory(last_name="Doumbia", first_names="Bakary", service_number="")
    kept = PersonFactory(last_name="Samaké", first_names="Awa", service_number="")
    gone = PersonFactory(last_name="Samake", first_names="Awa", service_number="")
    done = merge.person_merge(kept=kept, merged=gone, by=programme_officer, score=None)
    unit = sevare.participant.person.unit
    ReferenceAlias.objects.create(kind="unit", text="BT Sévaré", corps=unit.corps, unit=unit)
    # Written words around the figures: Sévaré's workshop has a report and a target, Ségou's has
    # neither (its pages show the drafts); each partner has its report for 2022.
    activity_report_save(
        workshop=workshop,
        language=Language.FRENCH,
        observations="Participation assidue.",
        recommendations="Reprendre le module 2.",
        by=programme_officer,
    )
    targets_set(workshop=workshop, values={Indicator.PERSONS_TRAINED: 30})
    swiss = PartnerFactory(name="Coopération suisse", acronym="DDC")
    FundingFactory(workshop=other, partner=swiss, amount=8_000_000)
    # The statements' per diems and transport on budget lines, their variance explained: the
    # financial report may be issued (an unexplained one refuses it).
    for budgeted, paying in ((workshop, funder), (other, swiss)):
        for category in ("per_diem", "transport"):
            BudgetLine.objects.create(
                workshop=budgeted,
                category=category,
                partner=paying,
                planned=1,
                variance_note="Matrice des rôles.",
            )
    for partner in (funder, swiss):
        donor_report_save(
            partner=partner,
            start=YEAR_START,
            end=YEAR_END,
            language=Language.FRENCH,
            introduction=f"Rapport à {partner.acronym}.",
            conclusions="À poursuivre.",
            by=programme_officer,
        )
    custody = _custody(unit=sevare.participant.person.unit, monitor=npm_monitor)
    _correspondence(organisation, [sevare_session, segou_session], by=programme_officer)
    return World(
        custody=custody,
        sevare=sevare,
        segou=segou,
        axis=workshop.axis,
        objectives=objectives,
        question=bank_question(objectives[0]),
        batch=batch,
        first=first,
        second=second,
        merge=done,
        partner=funder,
        other_partner=swiss,
        account=trainer,
        persons=list(Person.all_objects.all()),
    )


# --- the tables ---------------------------------------------------------------------------------

Kwargs = Callable[[World], dict[str, object]]
Data = Callable[[World], dict[str, object]]
Query = Callable[[World], dict[str, str]]


def _none(world: World) -> dict[str, object]:
    return {}


def _no_query(world: World) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: Kwargs
    expected: str  # one status per user of USERS; "-" in POST: allowed, not sent
    where: str = ""
    data: Data = _none
    query: Query = _no_query  # the address's query string (the reports to partners read theirs)

    @property
    def label(self) -> str:
        return f"{self.name} [{self.where}]" if self.where else self.name

    def url(self, world: World) -> str:
        url = reverse(self.name, kwargs=self.kwargs(world))
        query = self.query(world)
        return f"{url}?{urlencode(query)}" if query else url

    def status(self, user: str) -> str:
        statuses = self.expected.split()
        assert len(statuses) == len(USERS), self.label
        return statuses[USERS.index(user)]


def row(name: str, expected: str, kwargs: Kwargs = _none, data: Data = _none) -> list[Row]:
    return [Row(name, kwargs, expected, data=data)]


def both(
    name: str,
    expected: str,
    kwargs: Callable[[Site, World], dict[str, object]],
    data: Callable[[Site, World], dict[str, object]] | None = None,
) -> list[Row]:
    """The row for the Sévaré session's record and the row for Ségou's. In Ségou, not theirs,
    the trainer finds nothing wherever their role would open the page in Sévaré."""
    segou = expected.split()
    if segou[TRAINER] in ("200", "302", "-"):
        segou[TRAINER] = "404"

    def at(site: str) -> tuple[Kwargs, Data]:
        def kw(world: World) -> dict[str, object]:
            return kwargs(getattr(world, site), world)

        def body(world: World) -> dict[str, object]:
            return data(getattr(world, site), world) if data else {}

        return kw, body

    (sevare_kwargs, sevare_data), (segou_kwargs, segou_data) = at("sevare"), at("segou")
    return [
        Row(name, sevare_kwargs, expected, where="Sévaré", data=sevare_data),
        Row(name, segou_kwargs, " ".join(segou), where="Ségou", data=segou_data),
    ]


def _period(partner: Partner) -> dict[str, str]:
    return {
        "partenaire": str(partner.pk),
        "du": YEAR_START.isoformat(),
        "au": YEAR_END.isoformat(),
        "langue": "fr",
    }


def partners(name: str, expected: str, kwargs: Kwargs = _none, data: Data = _none) -> list[Row]:
    """The row for the report to the donor viewer's partner and the row for another partner's.
    The donor viewer finds nothing in the other's wherever it would open its own."""
    other = expected.split()
    if other[DONOR] in ("200", "302", "-"):
        other[DONOR] = "404"
    return [
        Row(name, kwargs, expected, where="EUCAP", data=data, query=lambda w: _period(w.partner)),
        Row(
            name,
            kwargs,
            " ".join(other),
            where="DDC",
            data=data,
            query=lambda w: _period(w.other_partner),
        ),
    ]


def funders(name: str, expected: str, kwargs: Kwargs = _none) -> list[Row]:
    """The financial report of the donor viewer's partner, of another partner's (404 for the
    donor viewer) and of every funder at once (404 for the donor viewer too)."""
    other = expected.split()
    if other[DONOR] in ("200", "302"):
        other[DONOR] = "404"

    def period(partner: Partner | None) -> dict[str, str]:
        return {
            "bailleur": str(partner.pk) if partner else "",
            "du": YEAR_START.isoformat(),
            "au": YEAR_END.isoformat(),
            "langue": "fr",
        }

    return [
        Row(name, kwargs, expected, where="EUCAP", query=lambda w: period(w.partner)),
        Row(name, kwargs, " ".join(other), where="DDC", query=lambda w: period(w.other_partner)),
        Row(name, kwargs, " ".join(other), where="tous", query=lambda w: period(None)),
    ]


def _session(site: Site, world: World) -> dict[str, object]:
    return site.uid


def _workshop(site: Site, world: World) -> dict[str, object]:
    return {"pk": site.workshop.pk}


def _test(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.test.uid}


def _statement(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.statement.uid}


def _budget_line(site: Site, world: World) -> dict[str, object]:
    line = BudgetLine.objects.filter(workshop=site.workshop).order_by("pk").first()
    assert line is not None
    return {"pk": site.workshop.pk, "line": line.pk}


def _expense(site: Site, world: World) -> dict[str, object]:
    """An unchecked expense of the workshop with its receipt, made again when a permitted POST
    deleted or checked it."""
    expense = Expense.objects.filter(workshop=site.workshop, checked_by=None).first()
    if expense is None:
        line = BudgetLine.objects.filter(workshop=site.workshop).order_by("pk").first()
        assert line is not None
        expense = Expense(
            workshop=site.workshop,
            category=line.category,
            partner=line.partner,
            amount=1_000,
            spent_on=site.session.start_date,
            description="Pause-café",
            receipt_name="recu.pdf",
        )
        expense.receipt.save("piece.pdf", ContentFile(pdf_bytes("Reçu de la matrice")), save=False)
        expense.save()
    return {"pk": site.workshop.pk, "expense": expense.pk}


def _certificate(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.certificate.uid}


def _letter(site: Site, world: World) -> dict[str, object]:
    return {"uid": Letter.objects.get(session=site.session).uid}


def _letters(site: Site, world: World) -> dict[str, object]:
    return {"batch": Letter.objects.get(session=site.session).batch}


def _mission_order(site: Site, world: World) -> dict[str, object]:
    return {"uid": MissionOrder.objects.get(session=site.session).uid}


def _mission_orders(site: Site, world: World) -> dict[str, object]:
    return {"batch": MissionOrder.objects.get(session=site.session).batch}


def _addressee(world: World) -> dict[str, object]:
    return {"pk": Addressee.objects.get().pk}


def _letters_form(site: Site, world: World) -> dict[str, object]:
    return {
        "addressees": [Addressee.objects.get().pk],
        "officers": "2",
        "deadline": f"{site.session.start_date - dt.timedelta(days=3):%d/%m/%Y}",
        "dated": f"{site.session.start_date - dt.timedelta(days=10):%d/%m/%Y}",
        "profile": "OPJ",
        "paid": "un per diem",
    }


def _mission_orders_form(site: Site, world: World) -> dict[str, object]:
    return {
        "dated": f"{site.session.start_date - dt.timedelta(days=10):%d/%m/%Y}",
        "travellers-TOTAL_FORMS": "1",
        "travellers-INITIAL_FORMS": "0",
        "travellers-0-include": "on",
        "travellers-0-name": "Awa Diarra",
        "travellers-0-function": "Comptable",
        "travellers-0-transport": "Car",
        "travellers-0-departure": f"{site.session.start_date:%d/%m/%Y}",
        "travellers-0-return_on": f"{site.session.end_date:%d/%m/%Y}",
    }


def _restitution(site: Site, world: World) -> dict[str, object]:
    found = Restitution.objects.get(enrollment=site.participant, note=RESTITUTION_NOTE)
    return {"uid": found.uid}


def _relay(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.participant.uid}


def _restitution_form(site: Site, world: World) -> dict[str, object]:
    held_on = site.session.end_date + dt.timedelta(days=20)
    return {
        "held_on": f"{held_on:%d/%m/%Y}",
        "women": "1",
        "colleagues": "1",
        "duration_minutes": "30",
    }


def _round(site: Site, world: World) -> dict[str, object]:
    return {"uid": Round.objects.get(workshop=site.workshop, number=1).uid}


def _call(site: Site, world: World) -> dict[str, object]:
    found = Respondent.objects.get(enrollment=site.participant)
    return {"uid": found.round.uid, "pk": found.pk}


def _relay_person(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.participant.person.uid}


def _photo(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.photo.uid}


def _session_in_french(site: Site, world: World) -> dict[str, object]:
    return {"uid": site.session.uid, "language": "fr"}


def _workshop_in_french(site: Site, world: World) -> dict[str, object]:
    return {"pk": site.workshop.pk, "language": "fr"}


def _tdr_version(site: Site, world: World) -> dict[str, object]:
    """Version 1 of the workshop's terms of reference in French, saved when none is yet."""
    tdr = tdr_current(workshop=site.workshop, language="fr")
    if tdr.pk is None:
        tdr = tdr_save(workshop=site.workshop, language="fr", sections=tdr.sections, by=None)
    return {"pk": site.workshop.pk, "language": "fr", "version": tdr.version, "fmt": "pdf"}


def _user(world: World) -> dict[str, object]:
    return {"pk": world.account.pk}


# The reference pages (manage_reference: administrators and programme officers, as CHANGE).
def _corps(world: World) -> dict[str, object]:
    return {"pk": world.sevare.participant.person.corps_id}


def _rank(world: World) -> dict[str, object]:
    return {"pk": world.sevare.participant.person.rank_id}


def _unit(world: World) -> dict[str, object]:
    return {"pk": world.sevare.participant.person.unit_id}


def _place(world: World) -> dict[str, object]:
    return {"pk": world.sevare.session.place_id}


def _alias(world: World) -> dict[str, object]:
    return {"pk": ReferenceAlias.objects.get(text="BT Sévaré").pk}


def _pair(world: World) -> dict[str, object]:
    return {"kept_uid": world.first.uid, "merged_uid": world.second.uid}


def _recommendation(world: World) -> dict[str, object]:
    return {"uid": world.custody.recommendation.uid}


def _detention(world: World) -> dict[str, object]:
    return {"uid": world.custody.place.uid}


def _visit(world: World) -> dict[str, object]:
    return {"uid": world.custody.visit.uid}


def _visit_photo(world: World) -> dict[str, object]:
    """The visit's photo of a cell, made again when a permitted POST deleted it."""
    photo = VisitPhoto.objects.filter(visit=world.custody.visit).first()
    if photo is None:
        photo = visit_photo_add(
            visit=world.custody.visit,
            image=_jpeg("cellule.jpg"),
            caption="Cellule",
            places_only=True,
            by=None,
        )
    return {"uid": photo.uid}


def _dismissed_pair(world: World) -> dict[str, object]:
    return {"first_uid": world.first.uid, "second_uid": world.second.uid}


RESTITUTION_NOTE = "Restitution de la matrice des rôles."
# What a person in custody told the monitors: no page of another role may show it.
INTERVIEW_NOTE = "Propos recueillis en privé, matrice des rôles."

# Statements in the order of USERS: administrator, programme officer, trainer, monitoring,
# finance, communication, donor viewer, NPM monitor, outsider.
STAFF = "200 200 200 200 200 200 403 403 403"  # view_programme
CHANGE = "200 200 403 403 403 403 403 403 403"  # change_programme, enroll, merge, change_bank
RUN = "200 200 200 403 403 403 403 403 403"  # run_tests, print_documents
READ_TESTS = "200 200 200 200 403 403 403 403 403"  # view_results, view_bank, view_certificates
PERSONS = "200 200 403 200 403 403 403 403 403"  # view_persons, export_persons
STATEMENTS = "200 200 403 200 200 403 403 403 403"  # view_statements
POST_ONLY = "405 405 405 405 405 405 405 405 405"
EVERYONE = "200 200 200 200 200 200 200 200 200"  # any_user: one's own account
ADMIN = "200 403 403 403 403 403 403 403 403"  # manage_users, view_audit, manage_organisation
# Two-factor is offered to a role, not granted as a capability (kalan.core.two_factor).
OFFERED = "200 200 403 403 403 403 403 200 403"
PHOTOS = "200 200 403 403 403 200 403 403 403"  # manage_photos, write_press
RELAYS = "200 200 200 200 403 403 403 403 403"  # view_relays
RESTITUTIONS = "200 200 403 200 403 403 403 403 403"  # record_restitutions
CUSTODY = "200 200 403 200 403 403 403 200 403"  # view_custody
VISITS = "200 403 403 403 403 403 403 200 403"  # record_visits
VISITS_POST_ONLY = "405 403 403 403 403 403 403 405 403"  # record_visits, checked before the method
INTERVIEWS = "200 403 403 403 403 403 403 200 403"  # view_interviews
# run_followup, checked before the method: 403 for the others, 405 for those who may POST.
RUN_FOLLOWUP_POST_ONLY = "405 405 403 405 403 403 403 403 403"
PHOTO_FILES = "200 200 200 200 403 200 403 403 403"  # the above, write_reports, run_tests
DASHBOARD = "200 200 403 200 403 200 403 403 403"  # view_dashboard
REPORTS = "200 200 403 200 403 403 403 403 403"  # write_reports
# write_reports, or view_funded for the report to the donor viewer's own partner (``partners``).
DONOR_REPORTS = "200 200 403 200 403 403 200 403 403"
# view_budget, or view_funded for the financial report of the donor viewer's own partner.
FINANCIAL = "200 200 403 200 200 403 200 403 403"
# issue_field_kits: a kit carries persons and trainers' credentials out of headquarters.
FIELD_KITS = "200 200 403 403 403 403 403 403 403"
# view_budget: a workshop's budget, expenses, receipts, funds; manage_budget writes and checks.
BUDGET = "200 200 403 200 200 403 403 403 403"
MANAGE_BUDGET = "200 403 403 403 200 403 403 403 403"
MANAGE_BUDGET_POST_ONLY = "405 403 403 403 405 403 403 403 403"  # checked before the method
# write_correspondence: letters to the commands, mission orders.
CORRESPONDENCE = "200 200 403 403 403 403 403 403 403"
# issue_field_kits, a return bundle's preview: none uploaded in this browser session, nothing found.
FIELD_RETURN = "404 404 403 403 403 403 403 403 403"

REFERENCE_GET: list[Row] = [
    *row("corps_list", CHANGE),
    *row("corps_create", CHANGE),
    *row("corps_edit", CHANGE, _corps),
    *row("corps_delete", POST_ONLY, _corps),
    *row("rank_list", CHANGE, _corps),
    *row("rank_create", CHANGE, _corps),
    *row("rank_edit", CHANGE, _rank),
    *row("rank_delete", POST_ONLY, _rank),
    *row("rank_merge", CHANGE, _rank),  # GET: choose the rank to keep, then confirm
    *row("unit_list", CHANGE),
    *row("unit_create", CHANGE),
    *row("unit_edit", CHANGE, _unit),
    *row("unit_delete", POST_ONLY, _unit),
    *row("unit_merge", CHANGE, _unit),
    *row("place_list", CHANGE),
    *row("place_create", CHANGE),
    *row("place_edit", CHANGE, _place),
    *row("place_delete", POST_ONLY, _place),
    *row("alias_list", CHANGE),
    *row("alias_remove", POST_ONLY, _alias),
    *row("plan_create", CHANGE),
    *row("axis_create", CHANGE, lambda w: {"pk": w.axis.plan_id}),
    *row("partner_create", CHANGE),
    # The commands the letters go to (manage_reference).
    *row("addressee_list", CHANGE),
    *row("addressee_create", CHANGE),
    *row("addressee_edit", CHANGE, _addressee),
    *row("addressee_delete", POST_ONLY, _addressee),
]


GET: list[Row] = [
    *row("login", "302 302 302 302 302 302 302 302 302"),  # signed in already: to the home page
    *row("logout", POST_ONLY),
    *row("set_language", "302 302 302 302 302 302 302 302 302"),
    *row("home", "200 200 200 200 200 200 302 200 200"),  # the donor's home is /partenaire/
    *row("funded_overview", "403 403 403 403 403 403 200 403 403"),
    *row("organisation_settings", ADMIN),
    *row("audit_list", ADMIN),
    *row("audit_export", ADMIN),
    *row("user_list", ADMIN),
    *row("user_create", ADMIN),
    *row("user_edit", ADMIN, _user),
    *row("user_password", ADMIN, _user),
    # The capability is checked before the method: 403 for the others, 405 for the administrator.
    *row("user_sessions_end", "405 403 403 403 403 403 403 403 403", _user),
    *row("account", EVERYONE),
    *row("account_sessions_end", POST_ONLY),
    *row("two_factor", OFFERED),
    # The role is checked before the method, as above.
    *row("two_factor_enable", "405 405 403 403 403 403 403 405 403"),
    *row("two_factor_confirm", "405 405 403 403 403 403 403 405 403"),
    *row("two_factor_cancel", "405 405 403 403 403 403 403 405 403"),
    *row("two_factor_disable", "405 405 403 403 403 403 403 405 403"),
    # No one here has two-factor on: nothing to verify, on to the home page.
    *row("two_factor_verify", "302 302 302 302 302 302 302 302 302"),
    *row("dashboard", DASHBOARD),
    *row("dashboard_download", DASHBOARD, lambda w: {"chart": "participants", "fmt": "csv"}),
    *row("dashboard_download", DASHBOARD, lambda w: {"chart": "regions", "fmt": "xlsx"}),
    *row("plan_list", STAFF),
    *row("axis_detail", STAFF, lambda w: {"pk": w.axis.pk}),
    *row("axis_edit", CHANGE, lambda w: {"pk": w.axis.pk}),
    *row("partner_edit", CHANGE, lambda w: {"pk": w.partner.pk}),
    *row("workshop_list", STAFF),
    *row("workshop_create", CHANGE),
    *both("workshop_detail", STAFF, _workshop),
    *both("workshop_edit", CHANGE, _workshop),
    *both("session_create", CHANGE, _workshop),
    *both("session_detail", STAFF, _session),
    *both("session_edit", CHANGE, _session),
    *both("enroll_existing", POST_ONLY, _session),
    *both("enroll_new", POST_ONLY, _session),
    *both("attendance_toggle", POST_ONLY, _session),
    *both("import_upload", CHANGE, _session),
    *row("import_preview", CHANGE, lambda w: {"uid": w.batch.uid}),
    *row("import_create", "405 405 403 403 403 403 403 403 403", lambda w: {"uid": w.batch.uid}),
    *row("person_list", PERSONS),
    *row("person_detail", PERSONS, lambda w: {"uid": w.sevare.participant.person.uid}),
    *row("person_export", PERSONS, lambda w: {"fmt": "csv"}),
    *row("duplicate_list", CHANGE),
    *row("person_merge", CHANGE, _pair),  # GET: what the merge would do, to confirm
    *row("duplicate_dismiss", POST_ONLY, _dismissed_pair),
    *row("person_merge_undo", POST_ONLY, lambda w: {"uid": w.merge.uid}),
    *row("bank_list", READ_TESTS),
    *row("question_create", CHANGE),
    *row("question_edit", CHANGE, lambda w: {"uid": w.question.uid}),
    *both("session_tests", READ_TESTS, _session),
    *both("test_create_from_bank", POST_ONLY, _session),
    *both("test_create_post_from_pre", POST_ONLY, _session),
    *both("test_create_copy", POST_ONLY, _session),
    *both("survey_create", POST_ONLY, _session),
    *both("test_detail", READ_TESTS, _test),
    *both("test_open", POST_ONLY, _test),
    *both("test_close", POST_ONLY, _test),
    *both("test_live", RUN, _test),
    *both("test_device_decide", POST_ONLY, _test),
    *both("test_results", READ_TESTS, _test),
    *both("results_export", PERSONS, _test),
    *both("test_print", RUN, _test),
    *both("test_paper_entry", RUN, _test),
    *both("sign_in_sheets", RUN, _session),
    *both(
        "sign_in_sheet_day",
        RUN,
        lambda s, w: {"uid": s.session.uid, "day": s.session.start_date.isoformat()},
    ),
    *both("sign_in_sheets_blank", RUN, _session),
    *both("session_badges", RUN, _session),
    *both("session_participants_docx", RUN, _session),
    *both("session_attendance_docx", RUN, _session),
    # Commitments (relays): view_relays reads them; enter_commitments (or print_documents for
    # the paper forms) writes them.
    *both("session_commitments", "200 200 200 200 403 403 403 403 403", _session),
    *both("commitment_enter", RUN, lambda s, w: {"uid": s.session.uid, "pk": s.participant.pk}),
    *both("commitment_forms_pdf", RUN, _session),
    *both("commitment_window", POST_ONLY, _session),
    # Restitutions (relays): view_relays reads them and their photos (a trainer, in their
    # sessions), record_restitutions writes them.
    *both("workshop_restitutions", RELAYS, _workshop),
    *both("restitution_create", RESTITUTIONS, _relay),
    *both("restitution_edit", RESTITUTIONS, _restitution),
    *both("restitution_delete", RESTITUTIONS, _restitution),  # the page that asks first
    *both("restitution_photo", RELAYS, _restitution),
    *both("session_export", PERSONS, lambda s, w: {"uid": s.session.uid, "fmt": "xlsx"}),
    *both("session_statements", STATEMENTS, _session),
    *both("workshop_budget", BUDGET, _workshop),
    *both("budget_line_edit", MANAGE_BUDGET, _budget_line),
    *both("budget_line_delete", MANAGE_BUDGET_POST_ONLY, _budget_line),
    *both("workshop_expenses", BUDGET, _workshop),
    *both("expense_create", MANAGE_BUDGET, _workshop),
    *both("expense_check", MANAGE_BUDGET_POST_ONLY, _expense),
    *both("expense_delete", MANAGE_BUDGET_POST_ONLY, _expense),
    *both("expense_receipt", BUDGET, _expense),
    *both("workshop_funds", BUDGET, _workshop),
    *both("session_statement_preview_xlsx", STATEMENTS, _session),
    *both("statement_pdf", STATEMENTS, _statement),
    *both("statement_xlsx", STATEMENTS, _statement),
    # Letters to the commands and mission orders (write_correspondence).
    *both("session_letters", CORRESPONDENCE, _session),
    *both("letter_pdf", CORRESPONDENCE, _letter),
    *both("letter_docx", CORRESPONDENCE, _letter),
    *both("letter_template", CORRESPONDENCE, _letter),
    *both("letters_zip", CORRESPONDENCE, _letters),
    *both("session_mission_orders", CORRESPONDENCE, _session),
    *both("mission_order_pdf", CORRESPONDENCE, _mission_order),
    *both("mission_order_docx", CORRESPONDENCE, _mission_order),
    *both("mission_orders_zip", CORRESPONDENCE, _mission_orders),
    *both("session_certificates", READ_TESTS, _session),
    *both("certificates_issue", POST_ONLY, _session),
    *both("certificates_download", READ_TESTS, _session),
    *both("certificate_download", READ_TESTS, _certificate),
    *both("certificate_revoke", POST_ONLY, _certificate),
    *both("session_photos", PHOTOS, _session),
    *both("photo_captions", POST_ONLY, _photo),
    *both("photo_family", POST_ONLY, _photo),
    *both("photo_move", POST_ONLY, _photo),
    *both("photo_delete", PHOTOS, _photo),  # the page that asks first
    # The files: for those who publish photos, write the reports that print them, or run the
    # session (the trainer, in theirs only); finance never needs faces.
    *both("photo_image", PHOTO_FILES, lambda s, w: {"uid": s.photo.uid, "variant": "image"}),
    *both("photo_image", PHOTO_FILES, lambda s, w: {"uid": s.photo.uid, "variant": "vignette"}),
    *both("session_press", PHOTOS, _session_in_french),
    *both("session_press_redraft", PHOTOS, _session_in_french),
    *both("session_press_docx", PHOTOS, _session_in_french),
    *both("session_press_pdf", PHOTOS, _session_in_french),
    *both("workshop_press", PHOTOS, _workshop_in_french),
    *both("workshop_press_redraft", PHOTOS, _workshop_in_french),
    *both("workshop_press_docx", PHOTOS, _workshop_in_french),
    *both("workshop_press_pdf", PHOTOS, _workshop_in_french),
    # Terms of reference: write_correspondence (administrator, programme officer) only.
    *both("workshop_tdr", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_redraft", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_preview", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_send", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_docx", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_pdf", CORRESPONDENCE, _workshop_in_french),
    *both("workshop_tdr_version", CORRESPONDENCE, _tdr_version),
    *both("activity_report", REPORTS, _workshop),
    *both("activity_report_edit", REPORTS, _workshop_in_french),
    *both(
        "activity_report_download",
        REPORTS,
        lambda s, w: {"pk": s.workshop.pk, "language": "fr", "fmt": "docx"},
    ),
    *both(
        "activity_report_download",
        REPORTS,
        lambda s, w: {"pk": s.workshop.pk, "language": "fr", "fmt": "pdf"},
    ),
    *both("workshop_targets", CHANGE, _workshop),
    *both("workshop_followup", RELAYS, _workshop),
    *both("workshop_followup_figures", RELAYS, _workshop),
    # Follow-up rounds (relays): view_relays reads the call lists (a trainer, the relays of their
    # sessions); run_followup plans, opens, closes, calls and marks departures.
    *row("relays_index", RELAYS),
    *both("rounds_plan", RUN_FOLLOWUP_POST_ONLY, _workshop),
    *both("round_open", RUN_FOLLOWUP_POST_ONLY, _round),
    *both("round_close", RUN_FOLLOWUP_POST_ONLY, _round),
    *both("round_calls", RELAYS, _round),
    *both("round_call", RELAYS, _call),
    *both("relay_departure", RESTITUTIONS, _relay_person),  # run_followup: the same roles
    *row("donor_reports", DONOR_REPORTS),  # no partner asked: the form, for the allowed ones
    *partners("donor_reports", DONOR_REPORTS),
    *partners("donor_report_narrative", POST_ONLY),
    *partners("donor_report_download", DONOR_REPORTS, lambda w: {"fmt": "xlsx"}),
    *partners("donor_report_download", DONOR_REPORTS, lambda w: {"fmt": "docx"}),
    *partners("donor_report_download", DONOR_REPORTS, lambda w: {"fmt": "pdf"}),
    # No period asked: to the address of the span of the funder's (or every funder's) sessions.
    *row("financial_report", "302 302 403 302 302 403 302 403 403"),
    *funders("financial_report", FINANCIAL),
    *funders("financial_report_download", FINANCIAL, lambda w: {"fmt": "xlsx"}),
    *funders("financial_report_download", FINANCIAL, lambda w: {"fmt": "docx"}),
    *funders("financial_report_download", FINANCIAL, lambda w: {"fmt": "pdf"}),
    # Anonymous interviews (custody): view_interviews only, never programme nor monitoring.
    *row("interview_create", INTERVIEWS, lambda w: {"uid": w.custody.visit.uid}),
    *row("interview", INTERVIEWS, lambda w: {"uid": w.custody.interview.uid}),
    *row("interview_edit", INTERVIEWS, lambda w: {"uid": w.custody.interview.uid}),
    # Recommendations (custody): view_custody reads them, record_visits writes them.
    *row("recommendations", CUSTODY),
    *row("recommendation", CUSTODY, _recommendation),
    *row("recommendation_create", VISITS, lambda w: {"uid": w.custody.visit.uid}),
    *row("recommendation_edit", VISITS, _recommendation),
    *row("recommendation_response", POST_ONLY, _recommendation),
    *row("recommendation_status", POST_ONLY, _recommendation),
    *row("recommendation_check", POST_ONLY, _recommendation),
    # The report of a visit: view_custody reads and downloads it, record_visits edits it.
    *row("visit_report", CUSTODY, lambda w: {"uid": w.custody.visit.uid}),
    *row("visit_report_redraft", VISITS, lambda w: {"uid": w.custody.visit.uid}),
    *row("visit_report_docx", CUSTODY, lambda w: {"uid": w.custody.visit.uid}),
    *row("visit_report_pdf", CUSTODY, lambda w: {"uid": w.custody.visit.uid}),
    # The evidence of change (aggregates of the visits): view_custody.
    *row("custody_evidence", CUSTODY),
    # Places of detention, visits, the grid, photos: view_custody reads, record_visits writes.
    *row("custody_index", CUSTODY),
    *row("detention_places", CUSTODY),
    *row("detention_place", CUSTODY, _detention),
    *row("detention_place_create", VISITS),
    *row("detention_place_edit", VISITS, _detention),
    *row("detention_places_from_units", VISITS_POST_ONLY),
    *row("visits", CUSTODY),
    *row("visit", CUSTODY, _visit),
    *row("visit_create", VISITS),
    *row("visit_edit", VISITS, _visit),
    *row("visit_instrument", VISITS, _visit),
    *row("visit_photos", VISITS_POST_ONLY, _visit),
    *row("visit_photo", CUSTODY, _visit_photo),
    *row("visit_photo_delete", VISITS_POST_ONLY, _visit_photo),
    # Field kits (issue 16): the list of kits issued and the form that issues one.
    *row("field_kit_list", FIELD_KITS),
    *row("field_kit_create", FIELD_KITS),
    # Their return bundles: uploaded, previewed, imported (issue_field_kits).
    *row("field_return_list", FIELD_KITS),
    *row("field_return_preview", FIELD_RETURN, lambda w: {"token": "0" * 32}),
    *REFERENCE_GET,
]

BY_CHANGE = (
    "- - 403 403 403 403 403 403 403"  # change_programme, enroll, merge, change_bank, certify
)
BY_RUN = "- - - 403 403 403 403 403 403"  # run_tests, mark_attendance
BY_ADMIN = "- 403 403 403 403 403 403 403 403"  # manage_users, manage_organisation
BY_OFFERED = "- - 403 403 403 403 403 - 403"  # two-factor: administrators, programme officers, NPM
BY_PHOTOS = "- - 403 403 403 - 403 403 403"  # manage_photos, write_press
BY_RESTITUTIONS = "- - 403 - 403 403 403 403 403"  # record_restitutions
BY_REPORTS = "- - 403 - 403 403 403 403 403"  # write_reports: never the donor viewer
BY_ANYONE = "- - - - - - - - -"
BY_BUDGET = "- 403 403 403 - 403 403 403 403"  # manage_budget  # one's own account: nobody refused
BY_VISITS_B = "- 403 403 403 403 403 403 - 403"  # record_visits, view_interviews
PASSWORD = "Mopti-Sévaré-2022-solide"


def _detention_form(world: World) -> dict[str, object]:
    return {"name": "Autre nom", "kind": "brigade", "locality": world.custody.place.locality_id}


def _visit_form(world: World) -> dict[str, object]:
    return {
        "place": world.custody.place.pk,
        "kind": "announced",
        "status": "done",
        "visited_on": "15/02/2023",
    }


def _interview_form(world: World) -> dict[str, object]:
    return {"code": "MX-02", "consent": "on", "notes": "Autres propos."}


def _recommendation_form(world: World) -> dict[str, object]:
    return {"text": "Autre recommandation.", "authority": "Préfet", "priority": "low"}


def _caption(site: Site, world: World) -> dict[str, object]:
    return {f"{site.photo.uid}-caption": "Autre légende", f"{site.photo.uid}-caption_en": "Other"}


def _press_text(site: Site, world: World) -> dict[str, object]:
    return {"title": "Autre titre", "body": "Autre texte.", "signature": ""}


def _copy_source(site: Site, world: World) -> dict[str, object]:
    other = world.segou if site is world.sevare else world.sevare
    return {"source": str(other.test.pk), "kind": "post"}


POST: list[Row] = [
    *row("axis_edit", BY_CHANGE, lambda w: {"pk": w.axis.pk}, lambda w: {"title": "Autre axe"}),
    *row(
        "partner_edit",
        BY_CHANGE,
        lambda w: {"pk": w.partner.pk},
        lambda w: {"name": "Autre nom", "name_en": "Other name"},
    ),
    *row("workshop_create", BY_CHANGE, data=lambda w: {"axis": w.axis.pk, "title": "Nouveau"}),
    *both("workshop_edit", BY_CHANGE, _workshop, lambda s, w: {"title": "Autre titre"}),
    *both("session_create", BY_CHANGE, _workshop, lambda s, w: {"venue": "Ailleurs"}),
    *both("session_edit", BY_CHANGE, _session, lambda s, w: {"venue": "Ailleurs"}),
    *both(
        "enroll_existing",
        BY_CHANGE,
        _session,
        lambda s, w: {"person": str(w.first.uid), "role": "participant"},
    ),
    *both(
        "enroll_new",
        BY_CHANGE,
        _session,
        lambda s, w: {"last_name": "Sow", "first_names": "Ali", "sex": "M", "role": "participant"},
    ),
    *both(
        "attendance_toggle",
        BY_RUN,
        _session,
        lambda s, w: attendance_click(s.newcomer, s.session.start_date)[1],
    ),
    *both("import_upload", BY_CHANGE, _session),
    *row(
        "import_preview", BY_CHANGE, lambda w: {"uid": w.batch.uid}, lambda w: {"action": "commit"}
    ),
    *row("import_create", BY_CHANGE, lambda w: {"uid": w.batch.uid}, lambda w: {"create": "0"}),
    *row("person_merge", BY_CHANGE, _pair),
    *row("duplicate_dismiss", BY_CHANGE, _dismissed_pair),
    *row("person_merge_undo", BY_CHANGE, lambda w: {"uid": w.merge.uid}),
    *row("question_create", BY_CHANGE),
    *row("question_edit", BY_CHANGE, lambda w: {"uid": w.question.uid}),
    *both(
        "test_create_from_bank",
        BY_RUN,
        _session,
        lambda s, w: {
            "kind": "post",
            "title": "",
            "objectives": [str(o.pk) for o in w.objectives],
            "per_objective": "1",
            "pass_mark": "60",
            "scoring": "all",
        },
    ),
    *both("test_create_post_from_pre", BY_RUN, _session),
    *both("test_create_copy", BY_RUN, _session, _copy_source),
    *both("survey_create", BY_RUN, _session, lambda s, w: {"title": ""}),
    *both("test_close", BY_RUN, _test),
    *both("test_device_decide", BY_RUN, _test),
    *both("test_open", BY_RUN, _test),
    *both("test_paper_entry", BY_RUN, _test),
    *row("organisation_settings", BY_ADMIN, data=lambda w: {"name": "X"}),
    *row(
        "user_create",
        BY_ADMIN,
        data=lambda w: {
            "username": "awa.diarra",
            "role": "administrator",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    ),
    *row(
        "user_edit",
        BY_ADMIN,
        _user,
        lambda w: {"username": w.account.username, "role": "administrator", "is_active": "on"},
    ),
    *row(
        "user_password",
        BY_ADMIN,
        _user,
        lambda w: {"password": PASSWORD, "password_confirm": PASSWORD},
    ),
    *row("user_sessions_end", BY_ADMIN, _user),
    *row("account", BY_ANYONE),
    *row("account_sessions_end", BY_ANYONE),
    *row("two_factor_enable", BY_OFFERED),
    *row("two_factor_confirm", BY_OFFERED, data=lambda w: {"code": "123456"}),
    *row("two_factor_cancel", BY_OFFERED),
    *row("two_factor_disable", BY_OFFERED, data=lambda w: {"code": "123456"}),
    *row("two_factor_verify", BY_ANYONE),
    # Programme and M&E read the statements; issuing one is finance's (and the administrator's).
    *both("session_statements", "- 403 403 403 - 403 403 403 403", _session),
    # A workshop's budget: manage_budget enters and checks (finance, administrator).
    *both("workshop_budget", BY_BUDGET, _workshop, lambda s, w: {"line-planned": "5"}),
    *both("budget_line_edit", BY_BUDGET, _budget_line, lambda s, w: {"action": "note"}),
    *both("budget_line_delete", BY_BUDGET, _budget_line),
    *both("expense_create", BY_BUDGET, _workshop, lambda s, w: {"amount": "5"}),
    *both("expense_check", BY_BUDGET, _expense),
    *both("expense_delete", BY_BUDGET, _expense),
    *both("workshop_funds", BY_BUDGET, _workshop, lambda s, w: {"amount": "5"}),
    *both("certificates_issue", BY_CHANGE, _session, lambda s, w: {"language": "fr"}),
    *both("commitment_window", BY_RUN, _session, lambda s, w: {"action": "open"}),
    *both("restitution_create", BY_RESTITUTIONS, _relay, _restitution_form),
    *both("restitution_edit", BY_RESTITUTIONS, _restitution, _restitution_form),
    *both("restitution_delete", BY_RESTITUTIONS, _restitution),
    # run_followup: the same roles as record_restitutions.
    *both("rounds_plan", BY_RESTITUTIONS, _workshop, lambda s, w: {"months": "12"}),
    *both("round_open", BY_RESTITUTIONS, _round),
    *both("round_close", BY_RESTITUTIONS, _round),
    *both("round_call", BY_RESTITUTIONS, _call, lambda s, w: {"action": "attempt"}),
    *both(
        "relay_departure",
        BY_RESTITUTIONS,
        _relay_person,
        lambda s, w: {"reason": "left", "since": "2023-01-10"},
    ),
    *both(
        "commitment_enter",
        BY_RUN,
        lambda s, w: {"uid": s.session.uid, "pk": s.participant.pk},
        lambda s, w: {"audiences": ["own_unit"], "people_planned": "10", "due_on": "2023-01-31"},
    ),
    *both("certificate_revoke", BY_CHANGE, _certificate, lambda s, w: {"reason": "Erreur"}),
    *both("session_photos", BY_PHOTOS, _session, lambda s, w: {"photos": [_jpeg("autre.jpg")]}),
    *both("photo_captions", BY_PHOTOS, _photo, _caption),
    *both("photo_family", BY_PHOTOS, _photo, lambda s, w: {"family": "0"}),
    *both("photo_move", BY_PHOTOS, _photo, lambda s, w: {"direction": "down"}),
    *both("photo_delete", BY_PHOTOS, _photo),
    *both("session_press", BY_PHOTOS, _session_in_french, _press_text),
    *both("session_press_redraft", BY_PHOTOS, _session_in_french),
    *both("workshop_press", BY_PHOTOS, _workshop_in_french, _press_text),
    *both("workshop_press_redraft", BY_PHOTOS, _workshop_in_french),
    # Terms of reference: write_correspondence, the same roles as change_programme.
    *both(
        "workshop_tdr",
        BY_CHANGE,
        _workshop_in_french,
        lambda s, w: {"title": "Autres termes de référence"},
    ),
    *both("workshop_tdr_redraft", BY_CHANGE, _workshop_in_french),
    *both(
        "workshop_tdr_send",
        BY_CHANGE,
        _workshop_in_french,
        lambda s, w: {"sent_to": w.partner.pk, "sent_on": "03/10/2022"},
    ),
    *both(
        "activity_report_edit",
        BY_REPORTS,
        _workshop_in_french,
        lambda s, w: {"observations": "Autres.", "recommendations": "Autres."},
    ),
    *both(
        "workshop_targets",
        BY_CHANGE,
        _workshop,
        lambda s, w: {Indicator.PERSONS_TRAINED.value: "99"},
    ),
    *partners(
        "donor_report_narrative",
        BY_REPORTS,
        data=lambda w: {"introduction": "Autre.", "conclusions": "Autres."},
    ),
    # The reference pages and the plans' creation pages: administrators and programme officers.
    *row("corps_create", BY_CHANGE, data=lambda w: {"name": "Douanes bis", "order": "1"}),
    *row("corps_edit", BY_CHANGE, _corps, lambda w: {"name": "Autre", "order": "1"}),
    *row("corps_delete", BY_CHANGE, _corps),
    *row("rank_create", BY_CHANGE, _corps, lambda w: {"name": "Nouveau", "order": "99"}),
    *row("rank_edit", BY_CHANGE, _rank, lambda w: {"name": "Autre", "order": "99"}),
    *row("rank_delete", BY_CHANGE, _rank),
    *row("rank_merge", BY_CHANGE, _rank),
    *row("unit_create", BY_CHANGE, data=lambda w: {"name": "Nouvelle", "kind": "other"}),
    *row("unit_edit", BY_CHANGE, _unit, lambda w: {"name": "Autre", "kind": "other"}),
    *row("unit_delete", BY_CHANGE, _unit),
    *row("unit_merge", BY_CHANGE, _unit),
    *row("place_create", BY_CHANGE, data=lambda w: {"name": "Nouveau", "kind": "town"}),
    *row("place_edit", BY_CHANGE, _place, lambda w: {"name": "Autre", "kind": "town"}),
    *row("place_delete", BY_CHANGE, _place),
    *row("alias_remove", BY_CHANGE, _alias),
    *row("plan_create", BY_CHANGE, data=lambda w: {"title": "Plan", "start_year": "2023"}),
    *row("axis_create", BY_CHANGE, lambda w: {"pk": w.axis.plan_id}, lambda w: {"title": "A"}),
    *row("partner_create", BY_CHANGE, data=lambda w: {"name": "Nouveau partenaire"}),
    # Custody: interviews (view_interviews) and recommendations (record_visits), the NPM's.
    *row(
        "interview_create",
        BY_VISITS_B,
        lambda w: {"uid": w.custody.visit.uid},
        _interview_form,
    ),
    *row(
        "interview_edit",
        BY_VISITS_B,
        lambda w: {"uid": w.custody.interview.uid},
        lambda w: {"code": "MX-01", "notes": "Autres propos."},
    ),
    *row(
        "recommendation_create",
        BY_VISITS_B,
        lambda w: {"uid": w.custody.visit.uid},
        _recommendation_form,
    ),
    *row("recommendation_edit", BY_VISITS_B, _recommendation, _recommendation_form),
    *row(
        "recommendation_response",
        BY_VISITS_B,
        _recommendation,
        lambda w: {"received_on": "2023-03-02", "respondent": "Préfet", "text": "Reçu."},
    ),
    *row(
        "recommendation_status", BY_VISITS_B, _recommendation, lambda w: {"status": "implemented"}
    ),
    *row(
        "recommendation_check",
        BY_VISITS_B,
        _recommendation,
        lambda w: {"visit": str(w.custody.visit.uid), "finding": "partly"},
    ),
    *row(
        "visit_report",
        BY_VISITS_B,
        lambda w: {"uid": w.custody.visit.uid},
        lambda w: {"title": "Rapport", "body": "Texte.", "signature": ""},
    ),
    *row("visit_report_redraft", BY_VISITS_B, lambda w: {"uid": w.custody.visit.uid}),
    # Places, visits, the grid, photos (record_visits).
    *row("detention_place_create", BY_VISITS_B, data=_detention_form),
    *row("detention_place_edit", BY_VISITS_B, _detention, lambda w: _detention_form(w)),
    *row("detention_places_from_units", BY_VISITS_B),
    *row("visit_create", BY_VISITS_B, data=_visit_form),
    *row("visit_edit", BY_VISITS_B, _visit, _visit_form),
    *row(
        "visit_instrument",
        BY_VISITS_B,
        _visit,
        lambda w: {"register_examined": "9", "register_over_limit": "1"},
    ),
    *row(
        "visit_photos",
        BY_VISITS_B,
        _visit,
        lambda w: {"image": _jpeg("cour.jpg"), "caption": "Cour", "places_only": "on"},
    ),
    *row("visit_photo_delete", BY_VISITS_B, _visit_photo),
    # Letters and mission orders (write_correspondence); the commands (manage_reference).
    *both("session_letters", BY_CHANGE, _session, _letters_form),
    *both("session_mission_orders", BY_CHANGE, _session, _mission_orders_form),
    *row("addressee_create", BY_CHANGE, data=lambda w: {"name": "X", "head_title": "Monsieur"}),
    *row(
        "addressee_edit", BY_CHANGE, _addressee, lambda w: {"name": "X", "head_title": "Monsieur"}
    ),
    *row("addressee_delete", BY_CHANGE, _addressee),
    # Field kits: administrators and programme officers (issue_field_kits).
    *row(
        "field_kit_create",
        BY_CHANGE,
        data=lambda w: {
            "sessions": [str(w.sevare.session.uid)],
            "passphrase": "Kit-Sevare-Palmeraie",
            "passphrase_confirm": "Kit-Sevare-Palmeraie",
        },
    ),
    *row(
        "field_return_list",
        BY_CHANGE,
        data=lambda w: {"bundle": SimpleUploadedFile("retour.kret", b"KALANRET")},
    ),
    *row(
        "field_return_preview",
        BY_CHANGE,
        lambda w: {"token": "0" * 32},
        lambda w: {"action": "import"},
    ),
]

# Pages that need no account: participants answering a test, anyone checking a certificate.
ANONYMOUS: dict[str, tuple[Kwargs, int]] = {
    "take_join": (_none, 200),
    "take_wait": (_none, 302),  # no phone waiting for a copy: back to the join page
    "take_question": (lambda w: {"n": 1}, 302),  # no test joined yet: back to the join page
    "take_summary": (_none, 302),
    "take_submit": (_none, 405),  # a POST only
    "take_done": (_none, 302),
    "commitment_join": (_none, 200),
    "commitment_form": (_none, 302),  # no code typed yet: back to the join page
    "commitment_done": (_none, 302),
    "relay_restitution": (_none, 302),  # no personal code typed yet: to the relay's join page
    "relay_restitution_done": (_none, 302),
    "relay_join": (_none, 200),
    "relay_home": (_none, 302),  # no personal code typed yet: to the relay's join page
    "relay_followup": (lambda w: _round(w.sevare, w), 302),
    "relay_done": (_none, 302),
    "certificate_verify_form": (_none, 200),
    "certificate_verify": (lambda w: {"code": w.sevare.certificate.short_code}, 200),
}


# --- reading what came back -----------------------------------------------------------------


def _content(response: HttpResponseBase) -> bytes:
    """The whole body, a streamed one read to its end (the test client then closes it)."""
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined,no-any-return]


def _text(response: HttpResponseBase, data: bytes) -> str:
    """What a person reads in the response, whatever its format."""
    kind = response.get("Content-Type", "")
    if kind.startswith("image/"):
        return ""  # a photo: re-encoded without metadata, it holds no text
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data))
        return "\n".join(
            str(cell.value) for sheet in book.worksheets for r in sheet.iter_rows() for cell in r
        )
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if kind.startswith("application/zip"):  # the letters or mission orders of one round
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                _text(
                    HttpResponse(content_type=ZIPPED[name.rsplit(".", 1)[-1]]), archive.read(name)
                )
                for name in archive.namelist()
            )
    return data.decode()


ZIPPED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _contacts_in(text: str, world: World) -> list[str]:
    flat = _squeezed(text)
    return [phone for phone in world.phones if _squeezed(phone) in flat]


def _model_state() -> dict[str, object]:
    """Rows and last change of every programme table, the accounts and their two-factor devices,
    to show a refused POST wrote nothing (the audit journal aside)."""
    state: dict[str, object] = {
        # Users have no updated_at: what a refused POST could change of them, field by field.
        "core.User": sorted(
            User.objects.values_list(
                "pk",
                "username",
                "first_name",
                "last_name",
                "email",
                "role",
                "partner_id",
                "is_active",
                "is_superuser",
                "password",
                "sessions_key",
            )
        ),
        "workshops.Session.trainers": sorted(
            Session.trainers.through.objects.values_list("session_id", "user_id")
        ),
    }
    for model in apps.get_models():
        if model._meta.app_label not in {
            "core",
            "people",
            "plans",
            "workshops",
            "assessments",
            "relays",
            "documents",
            "reports",
            "fieldkit",
            "otp_totp",
        } or model._meta.model_name in {"user", "auditentry"}:
            continue
        rows = model._default_manager.all()
        if hasattr(model, "all_objects"):
            rows = model.all_objects.all()
        last = None
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            last = rows.aggregate(last=Max("updated_at"))["last"]
        state[model._meta.label] = (rows.count(), last)
    return state


def _project_url_names() -> set[str]:
    def walk(patterns: list[Any]) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


# --- the tests ----------------------------------------------------------------------------------


def test_every_url_name_of_the_project_has_a_row() -> None:
    names = _project_url_names()
    in_get = {r.name for r in GET}
    covered = in_get | set(ANONYMOUS)
    missing = sorted(names - covered)
    assert not missing, (
        "URL names with no row in tests/core/test_role_matrix.py; add each to GET (and to POST "
        f"if it takes a form) with the status of every role: {missing}"
    )
    assert not in_get - names, f"rows for names the project no longer has: {in_get - names}"
    assert not set(ANONYMOUS) & in_get
    # Every address that takes a POST says who may send it.
    post_only = {r.name for r in GET if r.expected == POST_ONLY} - {"logout"}
    assert post_only <= {r.name for r in POST}, post_only - {r.name for r in POST}


@pytest.mark.parametrize("who", USERS)
def test_each_role_gets_what_the_table_says_on_every_page(
    who: str, world: World, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(who))
    wrong = []
    for line in GET:
        response = client.get(line.url(world))
        data = _content(response)
        expected = line.status(who)
        if str(response.status_code) != expected:
            wrong.append(f"{line.label}: {response.status_code}, expected {expected}")
        elif response.status_code == 200 and who in NO_CONTACTS:
            shown = _contacts_in(_text(response, data), world)
            if shown:
                wrong.append(f"{line.label}: shows the phones {shown}")
        if (
            response.status_code == 200
            and who not in READS_INTERVIEWS
            and INTERVIEW_NOTE in _text(response, data)
        ):
            wrong.append(f"{line.label}: shows an interview's notes")
    assert not wrong, f"{who}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("who", USERS)
def test_a_refused_post_answers_403_or_404_and_changes_nothing(
    who: str, world: World, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(who))
    wrong = []
    before = _model_state()
    for line in POST:
        expected = line.status(who)
        if expected == "-":
            continue
        response = client.post(line.url(world), line.data(world))
        if str(response.status_code) != expected:
            wrong.append(f"{line.label}: {response.status_code}, expected {expected}")
        if _model_state() != before:
            wrong.append(f"{line.label}: the POST changed the data")
            before = _model_state()
    assert not wrong, f"{who}:\n  " + "\n  ".join(wrong)


def test_participant_and_public_pages_open_without_an_account(world: World) -> None:
    client = Client()
    for name, (kwargs, expected) in ANONYMOUS.items():
        response = client.get(reverse(name, kwargs=kwargs(world)))
        assert response.status_code == expected, name
        if expected == 302:
            assert not response["Location"].startswith(reverse("login")), name
        assert not _contacts_in(response.content.decode(), world), name


def test_every_other_page_sends_an_anonymous_visitor_to_the_login_page(world: World) -> None:
    client = Client()
    for line in GET:
        if line.name in ("login", "set_language"):
            continue
        response = client.get(line.url(world))
        assert response.status_code == 302, line.label
        assert response["Location"].startswith(f"{reverse('login')}?next="), line.label


def test_the_donor_viewer_sees_figures_and_no_person(
    world: World, donor_viewer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(donor_viewer).get(reverse("funded_overview"))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.sevare.workshop.title in page
    assert world.segou.workshop.title not in page  # not funded by its partner
    assert "Participants formés" in page
    # Sévaré: its participant and the newcomer were present every day, both men or women.
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert figures["Participants formés"] == "2"
    assert figures["Sessions tenues"] == "1"
    lowered = page.lower()
    for person in world.persons:
        assert person.last_name.lower() not in lowered, person.last_name
        assert person.first_names.lower() not in lowered, person.first_names
        if person.service_number:
            assert person.service_number not in page, person.service_number
    assert not _contacts_in(page, world)


def test_the_donor_viewer_reads_the_reports_of_its_partner_only(
    world: World, donor_viewer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(donor_viewer)
    for query in ({}, _period(world.partner)):
        response = client.get(reverse("donor_reports"), query)
        page = response.content.decode()
        assert response.status_code == 200, query
        assert str(world.partner) in page, query
        # Neither in the partner's choices nor among the reports already written.
        assert str(world.other_partner) not in page, query
        assert world.other_partner.name not in page, query
        assert world.segou.workshop.title not in page, query
