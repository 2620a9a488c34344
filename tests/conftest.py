"""Fixtures shared by every test under ``tests/``.

Named users, one per role of ``kalan.core.roles``. Each is saved in the test database, has first
and last names, and the password ``tests.factories.PASSWORD``:

- ``administrator``: superuser and staff, role administrator, like ``kalan createuser --admin``.
- ``programme_officer``: plans, workshops, sessions and enrollment.
- ``trainer``: runs the sessions assigned to them (none until a test assigns one).
- ``monitoring_officer``: M&E, reads everything of the programme.
- ``finance_officer``: payment statements.
- ``communication_officer``: workshops, photos and press releases; no contacts.
- ``donor_viewer``: aggregates of what its partner (``funder``, EUCAP Sahel Mali) funds.
- ``outsider``: a valid account with no role: no business in the programme.

Clients:

- ``client_for``: ``client_for(user)`` returns a Django test ``Client`` already logged in as that
  user (``force_login``: no password hashing, no axes lockout). Each call gives a new client.

Programme data, built with ``tests.factories`` (see that module for the defaults):

- ``organisation``: the CNDH of Mali.
- ``plan``: its 2020-2022 strategic plan; ``axis``: axis 1 of that plan.
- ``workshop``: a workshop on that axis with two specific objectives.
- ``sevare_session``: session 1 of that workshop, Hôtel La Palmeraie in Sévaré, 8-10 November
  2022, 40 seats, attendance by whole day.

Passwords are hashed with MD5 in tests only, so that creating users costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import Settings

from kalan.core.models import Organisation, Partner, User
from kalan.core.roles import Role
from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops.models import Session, Workshop
from tests.factories import (
    AxisFactory,
    OrganisationFactory,
    PartnerFactory,
    SessionFactory,
    StrategicPlanFactory,
    UserFactory,
    WorkshopFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(
        username="administrator",
        first_name="Boubacar",
        last_name="Keïta",
        is_staff=True,
        is_superuser=True,
        role=Role.ADMINISTRATOR,
    )


@pytest.fixture
def programme_officer(db: None) -> User:
    return UserFactory(
        username="programme_officer", first_name="Aïssata", last_name="Traoré", role=Role.PROGRAMME
    )


@pytest.fixture
def trainer(db: None) -> User:
    return UserFactory(
        username="trainer", first_name="Moussa", last_name="Coulibaly", role=Role.TRAINER
    )


@pytest.fixture
def monitoring_officer(db: None) -> User:
    return UserFactory(
        username="monitoring_officer", first_name="Fatoumata", last_name="Diarra",
        role=Role.MONITORING,
    )  # fmt: skip


@pytest.fixture
def finance_officer(db: None) -> User:
    return UserFactory(
        username="finance_officer", first_name="Seydou", last_name="Konaté", role=Role.FINANCE
    )


@pytest.fixture
def communication_officer(db: None) -> User:
    return UserFactory(
        username="communication_officer", first_name="Mariam", last_name="Touré",
        role=Role.COMMUNICATION,
    )  # fmt: skip


@pytest.fixture
def funder(db: None) -> Partner:
    return PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")


@pytest.fixture
def donor_viewer(funder: Partner) -> User:
    return UserFactory(
        username="donor_viewer", first_name="Claire", last_name="Martin", role=Role.DONOR,
        partner=funder,
    )  # fmt: skip


@pytest.fixture
def npm_monitor(db: None) -> User:
    return UserFactory(
        username="npm_monitor", first_name="Aminata", last_name="Keïta", role=Role.NPM
    )


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(username="outsider", first_name="Hawa", last_name="Sidibé")


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def plan(organisation: Organisation) -> StrategicPlan:
    return StrategicPlanFactory(organisation=organisation)


@pytest.fixture
def axis(plan: StrategicPlan) -> Axis:
    return AxisFactory(plan=plan, number=1)


@pytest.fixture
def workshop(axis: Axis) -> Workshop:
    return WorkshopFactory(
        axis=axis,
        objectives=[
            "Connaître les droits de la personne gardée à vue.",
            "Appliquer les garanties de la procédure pénale.",
        ],
    )


@pytest.fixture
def sevare_session(workshop: Workshop) -> Session:
    return SessionFactory(workshop=workshop)
