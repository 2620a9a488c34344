"""The demo programme: the CNDH of Mali trains OPJ of the Ségou and Mopti regions (November 2022).

What the press release says (``shared/seed/communique-cndh-sevare-2022.txt``) is loaded as it says
it: the institution and its mandate, axis 3 of its 2020-2022 plan, the workshop's title and
objectives, EUCAP Sahel Mali as funder, the Sévaré session (Hôtel La Palmeraie, 8-10 November
2022, 40 OPJ of the gendarmerie and the police). What it does not say is invented, plausible and
marked as such below: the Ségou session's venue and dates, the amount, the allowance rates, the
facilitators and every participant.

Participants and their units are rows in ``data/participants.csv`` and ``data/units.csv``. Their
names, service numbers and phone numbers are fictitious and fixed in those files, so the demo is
the same on every machine; the phone numbers all read ``+223 7x 00 …`` so that no one takes them
for real ones.

``demo_load`` runs in one transaction and is idempotent: every record is first looked up by a
stable key (the organisation's acronym, the workshop's title, a session's place and first day, a
person's corps and service number, a user's login), and only what is missing is created. What
already exists is left as it is, even if someone edited it since.

The Sévaré session's pre-test, post-test and satisfaction survey, with invented answers, are
loaded by ``kalan.demo.assessments``; the follow-up of both sessions' relays (commitments,
restitutions, two rounds of calls, departures) by ``kalan.demo.followup``; the National
Preventive Mechanism's custody visits in both regions, before and after the sessions, by
``kalan.demo.custody``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _

from kalan.assessments.bank import bank_load
from kalan.assessments.models import CurriculumObjective
from kalan.core.errors import KalanError
from kalan.core.models import Organisation, Partner, Place, User
from kalan.core.roles import Role
from kalan.core.services import organisation_create
from kalan.demo.assessments import demo_assessments_load
from kalan.demo.budget import demo_budget_load
from kalan.demo.correspondence import demo_correspondence_load
from kalan.demo.custody import demo_custody_load
from kalan.demo.followup import demo_followup_load
from kalan.people.models import Corps, Person, Posting, Rank, Unit
from kalan.people.services import person_create
from kalan.plans.models import Axis, StrategicPlan
from kalan.plans.services import axis_create, partner_create, plan_create
from kalan.relays.selectors import relays_of
from kalan.workshops.models import Enrollment, Session, Workshop
from kalan.workshops.services import (
    attendance_set,
    enrollment_create,
    session_create,
    session_trainers_set,
    workshop_create,
)

DATA_DIR = Path(__file__).parent / "data"
UNITS_FILE = DATA_DIR / "units.csv"
PARTICIPANTS_FILE = DATA_DIR / "participants.csv"

COUNTRY = "Mali"

ORGANISATION_NAME = "Commission Nationale des Droits de l’Homme"
ORGANISATION_ACRONYM = "CNDH"
ORGANISATION_CURRENCY = "XOF"
ORGANISATION_MANDATE = (
    "Autorité Administrative Indépendante, Institution Nationale des Droits de l’Homme et "
    "Mécanisme National de Prévention de la Torture. Mission légale : promotion et protection "
    "des droits de l’homme, prévention de la torture et autres peines ou traitements cruels, "
    "inhumains ou dégradants au Mali."
)

PLAN_TITLE = "Plan stratégique de la CNDH"
PLAN_START_YEAR = 2020
PLAN_END_YEAR = 2022

# Only axis 3 is known from the article: the other axes are left for the user to enter.
AXIS_NUMBER = 3
AXIS_TITLE = "Concilier le respect des droits et les impératifs sécuritaires"
AXIS_DESCRIPTION = (
    "Concilier à la fois le respect des droits et les impératifs sécuritaires par des activités "
    "de renforcement des capacités des acteurs clés afin de les familiariser avec les concepts et "
    "principes des droits de l’homme dans un contexte de conflits et d’insécurité."
)
# The English texts are the demo's own translations, for the English documents (press release).
AXIS_TITLE_EN = "Reconciling respect for rights with security imperatives"
AXIS_DESCRIPTION_EN = (
    "Reconciling respect for rights with security imperatives through capacity-building "
    "activities for key actors, to familiarise them with the concepts and principles of human "
    "rights in a context of conflict and insecurity."
)

PARTNER_NAME = "Mission EUCAP Sahel Mali"
PARTNER_ACRONYM = "EUCAP Sahel Mali"
# The mission's own English name; its acronym is the same in both languages.
PARTNER_NAME_EN = "EUCAP Sahel Mali Mission"
PARTNER_ACRONYM_EN = "EUCAP Sahel Mali"
# Not in the article. 80 participants x 3 days x 25 000 of per diem plus 10 000 of transport
# come to 6.8 million; venues, meals, facilitators and the team's travel make up the rest.
FUNDING_AMOUNT = 11_500_000

WORKSHOP_TITLE = (
    "Atelier de renforcement des capacités des officiers de police judiciaire (OPJ) des régions "
    "de Ségou et Mopti sur les droits de l’homme"
)
# The article reads "dans les régions de Ségou à travers…", a sentence cut short: the title and
# the rest of the article say Ségou and Mopti, so both are named here.
WORKSHOP_GENERAL_OBJECTIVE = (
    "Promouvoir, dans un contexte de conflit et d’insécurité, les droits humains dans les régions "
    "de Ségou et Mopti à travers la formation des OPJ."
)
# The five specific objectives, in the article's order and words.
WORKSHOP_OBJECTIVES = (
    "Renforcer les capacités des OPJ sur les différentes catégories des droits humains "
    "fondamentaux et les mécanismes de leur protection.",
    "Former les OPJ sur les concepts et principes fondamentaux des droits humains.",
    "Sensibiliser les OPJ au respect des droits humains fondamentaux dans l’exercice de leurs "
    "fonctions de sécurisation du territoire.",
    "Sensibiliser les OPJ pour les amener à s’impliquer dans les actions de protection des "
    "populations sur le terrain.",
    "Renforcer l’esprit de confiance mutuelle entre les OPJ et les populations en vue du respect "
    "des droits de l’homme.",
)
WORKSHOP_TITLE_EN = (
    "Capacity-building workshop on human rights for judicial police officers (OPJ) of the Ségou "
    "and Mopti regions"
)
WORKSHOP_GENERAL_OBJECTIVE_EN = (
    "Promote, in a context of conflict and insecurity, human rights in the Ségou and Mopti "
    "regions through the training of judicial police officers."
)
WORKSHOP_OBJECTIVES_EN = (
    "Strengthen the capacities of judicial police officers on the different categories of "
    "fundamental human rights and the mechanisms for their protection.",
    "Train judicial police officers in the fundamental concepts and principles of human rights.",
    "Make judicial police officers aware of respecting fundamental human rights while securing "
    "the territory.",
    "Encourage judicial police officers to take part in protecting the population in the field.",
    "Build mutual trust between judicial police officers and the population, for the respect of "
    "human rights.",
)
WORKSHOP_TARGET_AUDIENCE = (
    "Officiers de police judiciaire (OPJ) de la gendarmerie et de la police nationale"
)
WORKSHOP_DESCRIPTION = (
    "Au regard de sa mission légale de promotion et de protection des droits de l’homme ainsi que "
    "de prévention de la torture et autres peines ou traitements cruels, inhumains ou dégradants "
    "au Mali, la CNDH organise deux sessions de formation de trois jours, l’une à Sévaré (Mopti), "
    "l’autre à Ségou, sur le respect des principes des droits de l’homme à l’intention des "
    "officiers de police judiciaire exerçant dans les régions de Ségou et Mopti, en vue d’une "
    "meilleure connaissance et d’une compréhension approfondie de ces droits et de leur respect "
    "sur le terrain. Les OPJ formés serviront de relais de promotion des droits de l’homme au sein "
    "de leurs unités respectives. Avec l’appui financier de la Mission EUCAP Sahel Mali."
)

# When the commands' participant lists reached the institution, before the November sessions.
LISTS_RECEIVED = dt.date(2022, 10, 17)


@dataclass(frozen=True)
class SessionSpec:
    number: int  # the `session` column of participants.csv
    town: str
    region: str
    venue: str
    start_date: dt.date
    end_date: dt.date
    capacity: int
    per_diem_rate: int
    transport_rate: int


# Rates are not in the article: 25 000 XOF a day and 10 000 XOF of transport are usual figures.
SESSIONS = (
    # The article spells the hotel "La Palmerais"; the hotel is La Palmeraie.
    SessionSpec(
        number=1,
        town="Sévaré",
        region="Mopti",
        venue="Hôtel La Palmeraie",
        start_date=dt.date(2022, 11, 8),
        end_date=dt.date(2022, 11, 10),
        capacity=40,
        per_diem_rate=25_000,
        transport_rate=10_000,
    ),
    # The article says only that a second three-day session was held in Ségou: its venue and
    # dates (the week after Sévaré) are invented.
    SessionSpec(
        number=2,
        town="Ségou",
        region="Ségou",
        venue="Hôtel Djoliba",
        start_date=dt.date(2022, 11, 14),
        end_date=dt.date(2022, 11, 16),
        capacity=40,
        per_diem_rate=25_000,
        transport_rate=10_000,
    ),
)


# The session whose tests the demo answers (see kalan/demo/assessments.py).
ASSESSED_SESSION = 1


@dataclass(frozen=True)
class Facilitator:
    last_name: str
    first_names: str
    sex: str
    phone: str


# CNDH staff (fictitious), who run both sessions: no corps, no service number.
FACILITATORS = (
    Facilitator(last_name="Sidibé", first_names="Nana", sex="F", phone="+223 70 00 00 01"),
    Facilitator(last_name="Traoré", first_names="Mamoutou", sex="M", phone="+223 70 00 00 02"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    first_name: str
    role: Role

    @property
    def is_superuser(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def role_fr(self) -> str:
        with translation.override("fr"):
            return _lowered(str(self.role.label))

    @property
    def role_en(self) -> str:
        with translation.override("en"):
            return _lowered(str(self.role.label))


def _lowered(label: str) -> str:
    """« Formateur » → « formateur », « Membre du MNP » → « membre du MNP »; a label that starts
    with an acronym keeps it (the English "NPM member", not "nPM member")."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


# The passwords are printed by the command and written here on purpose: they open a demo, one
# account per role, so that each role's view of the same workshop can be tried.
ACCOUNTS = (
    DemoAccount("admin", "Sevare-Palmeraie-2022", "Administrateur", Role.ADMINISTRATOR),
    DemoAccount("programme", "Segou-Mopti-OPJ-2022", "Chargé de programme", Role.PROGRAMME),
    # Assigned to the Sévaré session only: the Ségou session stays out of their sight.
    DemoAccount("formateur", "Formation-Sevare-2022", "Formateur", Role.TRAINER),
    DemoAccount("suivi", "Relais-Unites-OPJ-2022", "Suivi-évaluation", Role.MONITORING),
    DemoAccount("finances", "Per-Diem-Transport-2022", "Finances", Role.FINANCE),
    DemoAccount("communication", "Photo-de-Famille-2022", "Communication", Role.COMMUNICATION),
    # The funder's own account: aggregate figures of what EUCAP Sahel Mali funds, no name.
    DemoAccount("partenaire", "Appui-EUCAP-Sahel-2022", "Partenaire", Role.DONOR),
    # The National Preventive Mechanism's monitor: custody visits, interviews, recommendations.
    DemoAccount("mnp", "Garde-a-vue-MNP-2022", "Membre du MNP", Role.NPM),
)

COUNTS = (
    "organisations",
    "plans",
    "axes",
    "partners",
    # Records of an older demo whose empty English fields were filled (issue 11).
    "english_texts",
    "workshops",
    "sessions",
    "units",
    "persons",
    "enrollments",
    "attendance",
    "users",
    "curriculum_objectives",
    "modules",
    "questions",
    "objective_links",
    "tests",
    "copies",
    # The follow-up of the relays (kalan/demo/followup.py).
    "commitments",
    "restitutions",
    "departures",
    "followup_rounds",
    "followup_calls",
    "followup_answers",
    # The custody visits of the Ségou and Mopti regions (kalan/demo/custody.py).
    "custody_places",
    "custody_visits",
    "custody_answers",
    "custody_interviews",
    "custody_recommendations",
    "visit_reports",
    # The workshop's budget, funds received and expenses with receipts (kalan/demo/budget.py).
    "budget_lines",
    "funds_received",
    "expenses",
    # The commands the invitation letters go to, and their signatory (kalan/demo/correspondence.py).
    "addressees",
    "signatories",
)


class DemoError(KalanError):
    """The demo cannot be loaded: reference data missing, or a key already held by real data."""


@dataclass(frozen=True)
class AccountState:
    account: DemoAccount
    # False when the account existed with another password: the demo one would not open it.
    password_is_demo: bool


@dataclass
class DemoResult:
    dry_run: bool
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    accounts: list[AccountState] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


@dataclass(frozen=True)
class ParticipantRow:
    session: int
    last_name: str
    first_names: str
    sex: str
    corps: str
    rank: str
    service_number: str
    unit: str
    phone: str
    absent_day: int | None  # 1-based day of the session they missed, if any


def demo_load(*, dry_run: bool = False) -> DemoResult:
    """Load the demo programme, or with ``dry_run`` say what it would create and write nothing.

    Raises DemoError (``reference_missing``) when a place, corps or rank of the reference data is
    not there, (``service_number_taken``) when a demo service number belongs to someone else,
    (``weak_password``) when a demo password fails the validators; and ValidationError or
    WorkshopError from the services. Either way nothing is written.
    """
    result = DemoResult(dry_run=dry_run)
    with transaction.atomic():
        _load(result=result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _load(*, result: DemoResult) -> None:
    created = result.created
    partner = _partner_get_or_create(created=created)
    accounts = _accounts_load(result=result, partner=partner)
    officer = accounts[Role.PROGRAMME]
    organisation = _organisation_get_or_create(created=created)
    axis = _axis_get_or_create(organisation=organisation, created=created)
    workshop = Workshop.objects.filter(axis=axis, title=WORKSHOP_TITLE).first()
    if workshop is None:
        workshop = workshop_create(
            axis=axis,
            title=WORKSHOP_TITLE,
            general_objective=WORKSHOP_GENERAL_OBJECTIVE,
            objectives=WORKSHOP_OBJECTIVES,
            target_audience=WORKSHOP_TARGET_AUDIENCE,
            description=WORKSHOP_DESCRIPTION,
            fundings=[(partner, FUNDING_AMOUNT)],
            title_en=WORKSHOP_TITLE_EN,
            general_objective_en=WORKSHOP_GENERAL_OBJECTIVE_EN,
            objectives_en=WORKSHOP_OBJECTIVES_EN,
        )
        created["workshops"] += 1
    _english_complete(partner=partner, axis=axis, workshop=workshop, created=created)
    _curriculum_load(workshop=workshop, created=created)
    units = _units_get_or_create(created=created)
    facilitators = [_facilitator_get_or_create(spec=f, created=created) for f in FACILITATORS]
    rows = list(_participant_rows())
    sessions = {}
    for spec in SESSIONS:
        session = _session_get_or_create(workshop=workshop, spec=spec, created=created)
        sessions[spec.number] = session
        for person in facilitators:
            _enrol(
                session=session,
                person=person,
                role=Enrollment.Role.FACILITATOR,
                absent_day=None,
                by=officer,
                created=created,
            )
        for row in rows:
            if row.session != spec.number:
                continue
            person = _participant_get_or_create(row=row, units=units, created=created)
            _enrol(
                session=session,
                person=person,
                role=Enrollment.Role.PARTICIPANT,
                absent_day=row.absent_day,
                by=officer,
                created=created,
            )
    _trainer_assign(session=sessions[ASSESSED_SESSION], trainer=accounts[Role.TRAINER])
    # Sévaré's pre-test, post-test and survey, answered: the results pages have a story to tell.
    demo_assessments_load(session=sessions[ASSESSED_SESSION], created=created)
    # What the officers did afterwards as relays: commitments, restitutions, two rounds.
    demo_followup_load(
        workshop=workshop,
        sessions=list(sessions.values()),
        staff=officer,
        monitor=accounts[Role.MONITORING],
        created=created,
    )
    # The workshop's budget funded by EUCAP Sahel Mali, its funds received and some expenses.
    demo_budget_load(
        workshop=workshop,
        partner=partner,
        finance=accounts[Role.FINANCE],
        checker=accounts[Role.ADMINISTRATOR],
        dry_run=result.dry_run,
        created=created,
    )
    # The commands the invitation letters of both sessions go to, and who signs them.
    demo_correspondence_load(organisation=organisation, created=created)
    # The NPM's visits to the custody cells of both regions, before and after the sessions.
    demo_custody_load(
        units=units,
        trained=_trained_units(list(sessions.values())),
        monitor=accounts[Role.NPM],
        created=created,
    )


def _trained_units(sessions: list[Session]) -> set[int]:
    """The units where the sessions' relays serve (their unit, as the demo posts them)."""
    relays = relays_of(sessions=Session.objects.filter(pk__in=[s.pk for s in sessions]))
    return set(relays.exclude(person__unit=None).values_list("person__unit_id", flat=True))


def _trainer_assign(*, session: Session, trainer: User) -> None:
    """The demo trainer runs the Sévaré session, beside whoever was assigned there since. A demo
    trainer an administrator has given another role or deactivated is left as they are."""
    if trainer.is_active and trainer.role == Role.TRAINER:
        session_trainers_set(session=session, trainers=[*session.trainers.all(), trainer])


def _accounts_load(*, result: DemoResult, partner: Partner) -> dict[str, User]:
    """Create the missing demo accounts, one per role; return them by role.

    An account that exists already keeps its password (it may have been changed).
    """
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                first_name=account.first_name,
                last_name="Démo",
                is_staff=account.is_superuser,
                is_superuser=account.is_superuser,
                role=account.role,
                partner=partner if account.role == Role.DONOR else None,
            )
            try:
                validate_password(account.password, user)
            except ValidationError as error:
                raise DemoError(
                    _("Le mot de passe de démonstration de « %(username)s » est refusé : %(why)s")
                    % {"username": account.username, "why": " ".join(error.messages)},
                    code="weak_password",
                ) from None
            user.set_password(account.password)
            user.full_clean()
            user.save()
            result.created["users"] += 1
        elif not user.role:
            # A demo account made before roles existed gets its role, nothing else changes.
            user.role = account.role
            user.partner = partner if account.role == Role.DONOR else None
            user.save(update_fields=["role", "partner"])
        result.accounts.append(
            AccountState(account=account, password_is_demo=user.check_password(account.password))
        )
        users[account.role] = user
    return users


def _reference_missing(what: str) -> DemoError:
    return DemoError(
        _(
            "Donnée de référence introuvable : %(what)s. Lancez « kalan migrate » pour charger "
            "les régions, villes, corps et grades du Mali."
        )
        % {"what": what},
        code="reference_missing",
    )


def _town(*, name: str, region: str) -> Place:
    # Since 2023 San, Bandiagara and Douentza are regions of their own; the reference map says
    # so, and the data files name each town's region on that map, not the 2022 one.
    try:
        return Place.objects.get(kind=Place.Kind.TOWN, name=name, parent__name=region)
    except Place.DoesNotExist:
        raise _reference_missing(f"{name} ({region})") from None


def _organisation_get_or_create(*, created: dict[str, int]) -> Organisation:
    try:
        country = Place.objects.get(kind=Place.Kind.COUNTRY, name=COUNTRY)
    except Place.DoesNotExist:
        raise _reference_missing(COUNTRY) from None
    organisation = Organisation.objects.filter(
        acronym=ORGANISATION_ACRONYM, country=country
    ).first()
    if organisation is None:
        organisation = organisation_create(
            name=ORGANISATION_NAME,
            acronym=ORGANISATION_ACRONYM,
            country=country,
            currency=ORGANISATION_CURRENCY,
            mandate=ORGANISATION_MANDATE,
        )
        created["organisations"] += 1
    return organisation


def _axis_get_or_create(*, organisation: Organisation, created: dict[str, int]) -> Axis:
    plan = StrategicPlan.objects.filter(
        organisation=organisation, start_year=PLAN_START_YEAR, end_year=PLAN_END_YEAR
    ).first()
    if plan is None:
        plan = plan_create(
            organisation=organisation,
            title=PLAN_TITLE,
            start_year=PLAN_START_YEAR,
            end_year=PLAN_END_YEAR,
        )
        created["plans"] += 1
    axis = Axis.objects.filter(plan=plan, number=AXIS_NUMBER).first()
    if axis is None:
        axis = axis_create(
            plan=plan,
            number=AXIS_NUMBER,
            title=AXIS_TITLE,
            description=AXIS_DESCRIPTION,
            title_en=AXIS_TITLE_EN,
            description_en=AXIS_DESCRIPTION_EN,
        )
        created["axes"] += 1
    return axis


def _partner_get_or_create(*, created: dict[str, int]) -> Partner:
    partner = (
        Partner.objects.filter(name=PARTNER_NAME).first()
        or Partner.objects.filter(acronym=PARTNER_ACRONYM).first()
    )
    if partner is None:
        partner = partner_create(
            name=PARTNER_NAME,
            acronym=PARTNER_ACRONYM,
            name_en=PARTNER_NAME_EN,
            acronym_en=PARTNER_ACRONYM_EN,
        )
        created["partners"] += 1
    return partner


def _english_complete(
    *, partner: Partner, axis: Axis, workshop: Workshop, created: dict[str, int]
) -> None:
    """The English texts of a demo loaded before records had them (``make run`` on an older data
    folder). An empty English field is filled only where its French is still the demo's: a
    translation someone typed, or a record someone rewrote, stays as it is."""
    # The record, its French field (the English one is FIELD_en), the demo's French, its English.
    texts: list[tuple[Model, str, str, str]] = [
        (partner, "name", PARTNER_NAME, PARTNER_NAME_EN),
        (partner, "acronym", PARTNER_ACRONYM, PARTNER_ACRONYM_EN),
        (axis, "title", AXIS_TITLE, AXIS_TITLE_EN),
        (axis, "description", AXIS_DESCRIPTION, AXIS_DESCRIPTION_EN),
        (workshop, "title", WORKSHOP_TITLE, WORKSHOP_TITLE_EN),
        (workshop, "general_objective", WORKSHOP_GENERAL_OBJECTIVE, WORKSHOP_GENERAL_OBJECTIVE_EN),
    ]
    for objective in workshop.objectives.filter(order__lte=len(WORKSHOP_OBJECTIVES)):
        n = objective.order - 1
        texts.append((objective, "text", WORKSHOP_OBJECTIVES[n], WORKSHOP_OBJECTIVES_EN[n]))
    filled: dict[Model, list[str]] = {}
    for record, french, demo_french, english in texts:
        if getattr(record, french) == demo_french and not getattr(record, f"{french}_en"):
            setattr(record, f"{french}_en", english)
            filled.setdefault(record, []).append(f"{french}_en")
    for record, fields in filled.items():
        record.save(update_fields=[*fields, "updated_at"])
    created["english_texts"] += len(filled)


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _corps(name: str) -> Corps:
    try:
        return Corps.objects.get(name=name)
    except Corps.DoesNotExist:
        raise _reference_missing(name) from None


def _curriculum_load(*, workshop: Workshop, created: dict[str, int]) -> None:
    """The question bank, and its curriculum objectives mapped onto the workshop's objectives.

    The bank's O1 to O5 are the article's five specific objectives, in its order: O1 maps to the
    workshop's first objective, and so on. Only what is missing is created: questions someone
    edited since keep their edits (``kalan bank load`` is the command that updates them).
    """
    counts = bank_load(only_new=True)
    created["curriculum_objectives"] += counts["objectives_created"]
    created["modules"] += counts["modules_created"]
    created["questions"] += counts["questions_created"]
    curriculum = {
        o.code: o for o in CurriculumObjective.objects.prefetch_related("workshop_objectives")
    }
    for objective in workshop.objectives.order_by("order"):
        target = curriculum.get(f"O{objective.order}")
        if target is not None and objective not in target.workshop_objectives.all():
            target.workshop_objectives.add(objective)
            created["objective_links"] += 1


def _units_get_or_create(*, created: dict[str, int]) -> dict[str, Unit]:
    """The demo units by name; a parent is listed in the file before its children."""
    units: dict[str, Unit] = {}
    for row in _csv_rows(UNITS_FILE):
        corps = _corps(row["corps"])
        place = _town(name=row["town"], region=row["region"])
        unit = Unit.objects.filter(corps=corps, place=place, name=row["name"]).first()
        if unit is None:
            unit = Unit(
                corps=corps,
                place=place,
                name=row["name"],
                kind=row["kind"],
                parent=units[row["parent"]] if row["parent"] else None,
            )
            unit.full_clean()
            unit.save()
            created["units"] += 1
        units[unit.name] = unit
    return units


def _participant_rows() -> Iterator[ParticipantRow]:
    for row in _csv_rows(PARTICIPANTS_FILE):
        yield ParticipantRow(
            session=int(row["session"]),
            last_name=row["last_name"],
            first_names=row["first_names"],
            sex=row["sex"],
            corps=row["corps"],
            rank=row["rank"],
            service_number=row["service_number"],
            unit=row["unit"],
            phone=row["phone"],
            absent_day=int(row["absent_day"]) if row["absent_day"] else None,
        )


def _participant_get_or_create(
    *, row: ParticipantRow, units: dict[str, Unit], created: dict[str, int]
) -> Person:
    corps = _corps(row.corps)
    person = Person.objects.filter(corps=corps, service_number=row.service_number).first()
    if person is not None:
        # The number may belong to a real officer in this database: enrolling them in a made-up
        # session would falsify their record, so stop rather than guess.
        if (person.last_name, person.first_names) != (row.last_name, row.first_names):
            raise DemoError(
                _(
                    "Le matricule %(number)s (%(corps)s) de la démonstration est déjà attribué "
                    "à %(person)s : la démonstration ne se charge pas dans cette base."
                )
                % {"number": row.service_number, "corps": corps, "person": person},
                code="service_number_taken",
            )
        return person
    try:
        rank = Rank.objects.get(corps=corps, name=row.rank)
    except Rank.DoesNotExist:
        raise _reference_missing(f"{row.rank} ({corps})") from None
    person = person_create(
        last_name=row.last_name,
        first_names=row.first_names,
        sex=row.sex,
        corps=corps,
        rank=rank,
        service_number=row.service_number,
        unit=units[row.unit],
        phone=row.phone,
    )
    # The commands sent their lists before the sessions: the officer's posting dates from then,
    # not from the day the demo is loaded (``posting_on`` a 2022 date finds it).
    Posting.objects.filter(person=person).update(since=LISTS_RECEIVED)
    created["persons"] += 1
    return person


def _facilitator_get_or_create(*, spec: Facilitator, created: dict[str, int]) -> Person:
    person = Person.objects.filter(
        corps__isnull=True, last_name=spec.last_name, first_names=spec.first_names
    ).first()
    if person is None:
        person = person_create(
            last_name=spec.last_name,
            first_names=spec.first_names,
            sex=spec.sex,
            phone=spec.phone,
        )
        created["persons"] += 1
    return person


def _session_get_or_create(
    *, workshop: Workshop, spec: SessionSpec, created: dict[str, int]
) -> Session:
    place = _town(name=spec.town, region=spec.region)
    session = Session.objects.filter(
        workshop=workshop, place=place, start_date=spec.start_date
    ).first()
    if session is None:
        session = session_create(
            workshop=workshop,
            place=place,
            venue=spec.venue,
            start_date=spec.start_date,
            end_date=spec.end_date,
            capacity=spec.capacity,
            per_diem_rate=spec.per_diem_rate,
            transport_rate=spec.transport_rate,
        )
        created["sessions"] += 1
    return session


def _enrol(
    *,
    session: Session,
    person: Person,
    role: str,
    absent_day: int | None,
    by: User,
    created: dict[str, int],
) -> None:
    # An existing enrollment keeps its attendance: someone may have corrected it by hand.
    if Enrollment.objects.filter(session=session, person=person).exists():
        return
    enrollment = enrollment_create(
        session=session, person=person, role=role, status=Enrollment.Status.ATTENDED, by=by
    )
    created["enrollments"] += 1
    for number, day in enumerate(session.days, start=1):
        if number != absent_day:
            attendance_set(enrollment=enrollment, day=day, present=True, by=by)
            created["attendance"] += 1
