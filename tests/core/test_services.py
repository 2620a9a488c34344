"""Writes of the organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalan.core.models import Organisation
from kalan.core.services import organisation_create
from tests.factories import place


def test_organisation_create_keeps_the_currency_as_an_iso_code(db: None) -> None:
    cndh = organisation_create(
        name="Commission Nationale des Droits de l’Homme",
        acronym="CNDH",
        country=place("Mali", kind="country"),
        currency="xof",
    )
    assert (cndh.currency, str(cndh)) == ("XOF", "CNDH")


def test_organisation_create_refuses_a_currency_that_is_no_iso_code(db: None) -> None:
    with pytest.raises(ValidationError):
        organisation_create(name="CNDH", currency="FCFA")
    assert not Organisation.objects.exists()
