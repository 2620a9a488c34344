"""person_create: one record per human being, with a corps, a rank of that corps, a number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalan.people.models import Person
from kalan.people.services import person_create
from tests.factories import PersonFactory, UnitFactory, corps, place, rank

pytestmark = pytest.mark.django_db


def gendarme(**kwargs: object) -> Person:
    fields: dict[str, object] = {
        "last_name": "Coulibaly",
        "first_names": "Seydou",
        "sex": Person.Sex.MALE,
        "corps": corps("Gendarmerie"),
    }
    fields.update(kwargs)
    return person_create(**fields)


def test_person_create_records_a_gendarme_with_rank_unit_and_contacts() -> None:
    unit = UnitFactory(corps=corps("Gendarmerie"), name="Brigade de Sévaré")

    person = gendarme(
        last_name="  Coulibaly ",
        first_names=" Seydou  ",
        rank=rank("Gendarmerie", "Adjudant"),
        service_number=" G-0423 ",
        unit=unit,
        phone=" +223 76 00 00 00 ",
        email=" s.coulibaly@example.org ",
    )

    person.refresh_from_db()
    assert (person.last_name, person.first_names) == ("Coulibaly", "Seydou")
    assert person.full_name == "COULIBALY Seydou"
    assert person.display_rank == "Adjudant"
    assert person.service_number == "G-0423"
    assert person.unit == unit
    assert person.unit.place == place("Sévaré")
    assert (person.phone, person.email) == ("+223 76 00 00 00", "s.coulibaly@example.org")


def test_person_create_records_a_civilian_without_corps() -> None:
    person = person_create(last_name="Diallo", first_names="Mariam", sex=Person.Sex.FEMALE)

    assert person.corps is None
    assert person.display_rank == ""


def test_a_service_number_is_unique_within_a_corps() -> None:
    gendarme(service_number="G-0423")

    with pytest.raises(ValidationError) as caught:
        gendarme(last_name="Keïta", service_number="G-0423")

    assert list(caught.value.message_dict) == ["service_number"]
    assert Person.objects.filter(service_number="G-0423").count() == 1


def test_the_same_service_number_is_allowed_in_another_corps() -> None:
    gendarme(service_number="0423")

    police = gendarme(last_name="Keïta", corps=corps("Police"), service_number="0423")

    assert Person.objects.filter(service_number="0423").count() == 2
    assert police.corps == corps("Police")


def test_blank_service_numbers_are_not_unique() -> None:
    gendarme(service_number="")
    gendarme(last_name="Keïta", service_number="  ")

    assert Person.objects.filter(corps=corps("Gendarmerie"), service_number="").count() == 2


def test_a_service_number_needs_a_corps() -> None:
    with pytest.raises(ValidationError) as caught:
        gendarme(corps=None, service_number="G-0423")

    assert list(caught.value.message_dict) == ["corps"]
    assert not Person.objects.exists()


def test_a_rank_of_another_corps_is_refused_at_the_rank_field() -> None:
    with pytest.raises(ValidationError) as caught:
        gendarme(rank=rank("Police", "Commissaire de police"))

    assert list(caught.value.message_dict) == ["rank"]
    assert not Person.objects.exists()


def test_a_rank_without_a_corps_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        gendarme(corps=None, rank=rank("Gendarmerie", "Capitaine"))

    assert "rank" in caught.value.message_dict


def test_a_unit_of_another_corps_is_refused_at_the_unit_field() -> None:
    commissariat = UnitFactory(corps=corps("Police"), name="Commissariat de Sévaré")

    with pytest.raises(ValidationError) as caught:
        gendarme(unit=commissariat)

    assert list(caught.value.message_dict) == ["unit"]


@pytest.mark.parametrize("field", ["last_name", "first_names"])
def test_a_name_made_of_spaces_is_refused(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        gendarme(**{field: "   "})

    assert field in caught.value.message_dict
    assert not Person.objects.exists()


def test_an_unknown_sex_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        gendarme(sex="X")

    assert "sex" in caught.value.message_dict


def test_a_person_keeps_their_service_number_when_validated_again() -> None:
    person = PersonFactory(service_number="G-1000")

    person.full_clean()  # the person does not collide with themself

    assert person.service_number == "G-1000"
