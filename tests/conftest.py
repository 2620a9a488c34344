"""Fixtures shared by every test under ``tests/``.

Named users (plain users for now: roles come later, the names stay). Each is saved in the test
database, has first and last names, and the password ``tests.factories.PASSWORD``:

- ``administrator``: superuser and staff, like ``kalan createuser --admin``.
- ``programme_officer``: plans, workshops, sessions and enrollment.
- ``trainer``: runs the sessions assigned to them.
- ``outsider``: a valid account with no business in the programme.

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

from kalan.core.models import Organisation, User
from kalan.plans.models import Axis, StrategicPlan
from kalan.workshops.models import Session, Workshop
from tests.factories import (
    AxisFactory,
    OrganisationFactory,
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
    )


@pytest.fixture
def programme_officer(db: None) -> User:
    return UserFactory(username="programme_officer", first_name="Aïssata", last_name="Traoré")


@pytest.fixture
def trainer(db: None) -> User:
    return UserFactory(username="trainer", first_name="Moussa", last_name="Coulibaly")


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
