"""What the letters' and mission orders' tests start from: a signatory, the commands, a
traveller."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings

from kalan.core.models import Organisation, Place, Signatory
from kalan.documents.mission_orders import Traveller
from kalan.documents.models import Addressee
from kalan.documents.services import addressee_create, letters_issue
from kalan.workshops.models import Session
from tests.factories import FundingFactory, PartnerFactory, corps, place

DATED = dt.date(2022, 10, 14)
DEADLINE = dt.date(2022, 10, 28)


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def letters_signatory(organisation: Organisation) -> Signatory:
    """The president, who signs the letters and the mission orders (not the certificates)."""
    return Signatory.objects.create(
        organisation=organisation,
        name="Adama Coulibaly",
        title="Le Président",
        signs_certificates=False,
        signs_letters=True,
        signs_mission_orders=True,
    )


def police_mopti_command() -> Addressee:
    """The regional directorate of the police of Mopti, with its head and postal address."""
    return addressee_create(
        name="Direction régionale de la Police de Mopti",
        head_title="Monsieur le Directeur régional de la Police nationale",
        head_name="Commissaire divisionnaire Moussa Diallo",
        corps=corps("Police"),
        place=place("Mopti", kind=Place.Kind.REGION),
        postal_address="BP 104\nMopti",
    )


def traveller_to(session: Session) -> Traveller:
    """A programme officer who travels the day before the session and back the day after."""
    return Traveller(
        name="Mariam Traoré",
        function="Chargée de programme",
        transport="Véhicule de service",
        departure=session.start_date - dt.timedelta(days=1),
        return_on=session.end_date + dt.timedelta(days=1),
    )


@pytest.fixture
def president(organisation: Organisation) -> Signatory:
    return letters_signatory(organisation)


@pytest.fixture
def police_mopti(db: None) -> Addressee:
    return police_mopti_command()


@pytest.fixture
def gendarmerie_segou(db: None) -> Addressee:
    return addressee_create(
        name="Région de gendarmerie de Ségou",
        head_title="Monsieur le Commandant de la Région de gendarmerie de Ségou",
        corps=corps("Gendarmerie"),
        place=place("Ségou", kind=Place.Kind.REGION),
    )


@pytest.fixture
def funded(sevare_session: Session) -> Session:
    FundingFactory(
        workshop=sevare_session.workshop,
        partner=PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP"),
    )
    return sevare_session


def issue(session: Session, addressees: list[Addressee], **changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "officers": 4,
        "deadline": DEADLINE,
        "profile": "Officiers de police judiciaire en poste dans la région",
        "paid": "un per diem de 25 000 francs CFA par jour et le transport",
        "dated": DATED,
        "by": None,
    }
    values.update(changes)
    return letters_issue(session=session, addressees=addressees, **values)
