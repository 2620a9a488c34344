"""Rules the database holds for places, corps, ranks, units and persons, and the reference data.

The database tests bypass validation on purpose (objects.create, QuerySet.update, bulk_create).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from kalan.core.models import Place
from kalan.people.models import Corps, Person, Rank, Unit
from kalan.people.reference import reference_data, reference_load
from tests.factories import PersonFactory, UnitFactory, corps, place

pytestmark = pytest.mark.django_db


# Places -------------------------------------------------------------------------------------------


def test_the_reference_map_puts_sevare_in_mopti_in_mali() -> None:
    sevare = place("Sévaré")

    assert sevare.parent == place("Mopti", kind=Place.Kind.REGION)
    assert sevare.parent.parent == place("Mali", kind=Place.Kind.COUNTRY)
    assert sevare.region == sevare.parent


def test_the_region_of_bamako_is_its_district() -> None:
    bamako = place("District de Bamako", kind=Place.Kind.DISTRICT)

    assert bamako.region == bamako
    assert place("Mali", kind=Place.Kind.COUNTRY).region is None


def test_only_countries_are_roots() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(name="Région sans pays", kind=Place.Kind.REGION)


def test_a_country_cannot_lie_inside_another_place() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(
            name="Pays dans un pays", kind=Place.Kind.COUNTRY, parent=place("Mopti", "region")
        )


def test_a_place_name_is_unique_within_its_parent_and_kind() -> None:
    mopti = place("Mopti", kind=Place.Kind.REGION)
    Place.objects.create(name="Sévaré", kind=Place.Kind.CERCLE, parent=mopti)  # another kind

    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(name="Sévaré", kind=Place.Kind.TOWN, parent=mopti)


# Reference data -----------------------------------------------------------------------------------


def test_the_reference_data_loads_four_corps_with_their_ranks_in_order() -> None:
    data = reference_data()

    # people.0008 adds the other corps: tests/people/test_reference_data.py.
    assert len(data["corps"]) == 4
    assert set(Corps.objects.values_list("name", flat=True)) >= {c["name"] for c in data["corps"]}
    gendarmerie = corps("Gendarmerie")
    ranks = list(gendarmerie.ranks.order_by("order").values_list("name", flat=True))
    assert ranks[0] == "Gendarme"
    assert ranks[-1] == "Général de brigade"
    assert list(gendarmerie.ranks.values_list("order", flat=True)) == list(range(1, len(ranks) + 1))


def test_loading_the_reference_data_again_adds_nothing() -> None:
    counts = (Place.objects.count(), Corps.objects.count(), Rank.objects.count())

    reference_load(apps)

    assert (Place.objects.count(), Corps.objects.count(), Rank.objects.count()) == counts


def test_loading_the_reference_data_again_keeps_hand_edits() -> None:
    Corps.objects.filter(name="Police nationale").update(short_name="PN")

    reference_load(apps)

    assert Corps.objects.get(name="Police nationale").short_name == "PN"


# Ranks and units ----------------------------------------------------------------------------------


def test_two_ranks_of_a_corps_cannot_share_an_order() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Rank.objects.create(
            corps=corps("Gendarmerie"), name="Grade en double", order=1, group=Rank.Group.NCO
        )


def test_a_rank_name_may_be_used_by_two_corps() -> None:
    assert Rank.objects.filter(name="Lieutenant").count() >= 2


def test_a_unit_cannot_be_its_own_parent() -> None:
    unit = UnitFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(parent=unit)


# Persons ------------------------------------------------------------------------------------------


def test_the_database_refuses_a_service_number_twice_in_a_corps() -> None:
    PersonFactory(corps=corps("Gendarmerie"), service_number="G-0423")

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create(
            [
                Person(
                    last_name="Keïta",
                    first_names="Bakary",
                    sex="M",
                    corps=corps("Gendarmerie"),
                    service_number="G-0423",
                )
            ]
        )


def test_the_database_accepts_a_service_number_in_two_corps_and_blank_numbers_twice() -> None:
    PersonFactory(corps=corps("Gendarmerie"), service_number="0423")
    PersonFactory(corps=corps("Police"), service_number="0423")
    PersonFactory(corps=corps("Police"), service_number="")
    PersonFactory(corps=corps("Police"), service_number="")

    assert Person.objects.filter(service_number="0423").count() == 2
    assert Person.objects.filter(service_number="").count() == 2


def test_the_database_refuses_a_service_number_without_corps() -> None:
    person = PersonFactory(corps=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(service_number="G-0423")


@pytest.mark.parametrize(("field", "value"), [("sex", "X"), ("last_name", "")])
def test_the_database_refuses_an_unknown_sex_and_an_empty_last_name(field: str, value: str) -> None:
    person = PersonFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(**{field: value})


def test_a_person_is_shown_surname_first_in_capitals() -> None:
    person = PersonFactory(last_name="Maïga", first_names="Aïssata Oumou")

    assert str(person) == "MAÏGA Aïssata Oumou"
