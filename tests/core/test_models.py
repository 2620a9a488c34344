"""Core records: every GlobalModel carries a stable, unique UUID; the organisation's currency."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Model

from kalan.core.models import GlobalModel, Organisation
from kalan.core.selectors import organisation_current
from tests.factories import (
    AttendanceFactory,
    AxisFactory,
    FundingFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PartnerFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

GLOBAL_FACTORIES = [
    OrganisationFactory,
    PersonFactory,
    UnitFactory,
    PartnerFactory,
    AxisFactory,
    WorkshopFactory,
    ObjectiveFactory,
    FundingFactory,
    SessionFactory,
    AttendanceFactory,
]


@pytest.mark.parametrize("factory", GLOBAL_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_global_records_get_a_distinct_uuid(factory: type) -> None:
    first, second = factory(), factory()

    assert isinstance(first, GlobalModel)
    assert isinstance(first.uid, uuid.UUID)
    assert first.uid != second.uid


def test_the_uuid_does_not_change_when_a_record_is_saved_again() -> None:
    person = PersonFactory()
    uid = person.uid

    person.phone = "+223 66 00 00 00"
    person.save()
    person.refresh_from_db()

    assert person.uid == uid


@pytest.mark.parametrize("factory", [OrganisationFactory, PersonFactory, SessionFactory])
def test_the_database_refuses_two_records_with_the_same_uuid(factory: type) -> None:
    first, second = factory(), factory()
    model: type[Model] = type(first)

    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.filter(pk=second.pk).update(uid=first.uid)


@pytest.mark.parametrize("currency", ["xof", "X0F", "XO", ""])
def test_the_database_refuses_a_currency_that_is_not_an_iso_code(currency: str) -> None:
    organisation = OrganisationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(currency=currency)


def test_the_current_organisation_is_the_first_recorded() -> None:
    assert organisation_current() is None

    first = OrganisationFactory()
    OrganisationFactory(name="Autre", acronym="AUT")

    assert organisation_current() == first
    assert str(first) == "CNDH"
