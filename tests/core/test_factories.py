"""The factories make records the application itself would accept, from the reference data."""

from __future__ import annotations

import pytest
from factory.django import DjangoModelFactory

from kalan.core.models import Place
from kalan.people.models import Corps, Rank
from kalan.workshops.models import Session
from tests import factories
from tests.factories import (
    PASSWORD,
    CorpsFactory,
    PersonFactory,
    PlaceFactory,
    RankFactory,
    SessionFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

ALL = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, DjangoModelFactory)
    and value is not DjangoModelFactory
]


@pytest.mark.parametrize("factory", ALL, ids=lambda f: f.__name__)
def test_each_factory_makes_a_record_that_passes_full_clean(factory: type) -> None:
    record = factory()

    record.full_clean()


def test_place_corps_and_rank_factories_reuse_the_reference_rows() -> None:
    counts = (Place.objects.count(), Corps.objects.count(), Rank.objects.count())

    assert PlaceFactory() == factories.place("Sévaré")
    assert CorpsFactory() == factories.corps("Gendarmerie")
    assert RankFactory() == factories.rank("Gendarmerie", "Capitaine")
    assert (Place.objects.count(), Corps.objects.count(), Rank.objects.count()) == counts


def test_persons_get_the_lowest_rank_of_their_corps_and_distinct_numbers() -> None:
    police = factories.corps("Police")

    first, second = PersonFactory.create_batch(2, corps=police)

    assert first.rank == factories.rank("Police", "Sergent de police")
    assert first.service_number != second.service_number
    assert PersonFactory(corps=None).rank is None


def test_workshop_factory_adds_objectives_in_order_and_funders() -> None:
    partner = factories.PartnerFactory(name="EUCAP Sahel Mali")

    workshop = WorkshopFactory(objectives=["Un", "Deux"], fundings=[(partner, 500)])

    assert list(workshop.objectives.values_list("order", "text")) == [(1, "Un"), (2, "Deux")]
    assert list(workshop.funders.all()) == [partner]


def test_session_factory_numbers_sessions_within_their_workshop(sevare_session: Session) -> None:
    second = SessionFactory(workshop=sevare_session.workshop)

    assert (sevare_session.number, second.number) == (1, 2)
    assert sevare_session.place == factories.place("Sévaré")
    assert len(sevare_session.days) == 3


def test_users_log_in_with_the_shared_password() -> None:
    user = UserFactory()

    assert user.check_password(PASSWORD)
