from __future__ import annotations

from django.db import transaction

from kalan.people.models import Corps, Person, Rank, Unit


@transaction.atomic
def person_create(
    *,
    last_name: str,
    first_names: str,
    sex: str,
    corps: Corps | None = None,
    rank: Rank | None = None,
    service_number: str = "",
    unit: Unit | None = None,
    phone: str = "",
    email: str = "",
) -> Person:
    """Record a new person.

    Raises ValidationError (by field) when the rank or unit is not of the corps, when the service
    number is already taken in that corps, or when a required field is empty.
    """
    person = Person(
        last_name=last_name.strip(),
        first_names=first_names.strip(),
        sex=sex,
        corps=corps,
        rank=rank,
        service_number=service_number.strip(),
        unit=unit,
        phone=phone.strip(),
        email=email.strip(),
    )
    person.full_clean()
    person.save()
    return person
