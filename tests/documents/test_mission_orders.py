"""Mission orders: what they say, their own series, the travel dates they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kalan.core.models import Signatory
from kalan.documents.errors import DocumentError
from kalan.documents.mission_orders import Traveller
from kalan.documents.models import Addressee, MissionOrder
from kalan.documents.services import mission_orders_issue
from kalan.workshops.models import Session
from tests.documents.correspondence import (  # noqa: F401
    issue,
    media,
    police_mopti,
    president,
)
from tests.documents.readers import docx_text, pdf_pages

pytestmark = pytest.mark.usefixtures("media")

DATED = dt.date(2022, 11, 2)


def _traveller(**changes: Any) -> Traveller:
    values: dict[str, Any] = {
        "name": "Mariam Traoré",
        "function": "Chargée de programme",
        "transport": "Véhicule de service",
        "departure": dt.date(2022, 11, 7),
        "return_on": dt.date(2022, 11, 11),
    }
    values.update(changes)
    return Traveller(**values)


def _read(field: Any) -> bytes:
    with field.open("rb") as handle:
        return bytes(handle.read())


def test_a_mission_order_says_who_where_why_how_when_and_who_signs(
    sevare_session: Session,
    president: Signatory,  # noqa: F811
) -> None:
    [order] = mission_orders_issue(
        session=sevare_session, travellers=[_traveller()], dated=DATED, by=None
    )
    for text in (" ".join(pdf_pages(_read(order.pdf))), docx_text(_read(order.docx))):
        flat = " ".join(text.split())
        assert "N° 0001/CNDH/SG/OM/2022" in flat
        assert "ORDRE DE MISSION" in flat
        assert "Bamako, le 2 novembre 2022" in flat
        assert "Mariam Traoré" in flat and "Chargée de programme" in flat
        assert "Sévaré" in flat
        assert sevare_session.workshop.title in flat
        assert "Véhicule de service" in flat
        assert "lundi 7 novembre 2022" in flat and "vendredi 11 novembre 2022" in flat
        assert "5 jours" in flat
        assert "Le Président" in flat and "Adama Coulibaly" in flat
    assert (order.departure, order.return_on) == (dt.date(2022, 11, 7), dt.date(2022, 11, 11))


def test_mission_orders_have_a_series_of_their_own(
    sevare_session: Session,
    police_mopti: Addressee,  # noqa: F811
    president: Signatory,  # noqa: F811
) -> None:
    issue(sevare_session, [police_mopti])
    orders = mission_orders_issue(
        session=sevare_session,
        travellers=[_traveller(), _traveller(name="Awa Diarra", function="Comptable")],
        dated=DATED,
        by=None,
    )
    assert [o.number for o in orders] == ["0001/CNDH/SG/OM/2022", "0002/CNDH/SG/OM/2022"]
    [letter] = issue(sevare_session, [police_mopti])
    assert letter.number == "0002/CNDH/SG/2022"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"departure": dt.date(2022, 11, 9)}, "departure"),  # after the first day
        ({"return_on": dt.date(2022, 11, 9)}, "return_on"),  # before the last day
        ({"departure": dt.date(2022, 10, 1)}, "departure"),  # weeks before: not a journey
        ({"return_on": dt.date(2022, 12, 1)}, "return_on"),
    ],
)
def test_travel_dates_that_do_not_cover_the_session_are_refused_and_nothing_is_saved(
    sevare_session: Session,
    president: Signatory,  # noqa: F811
    changes: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        mission_orders_issue(
            session=sevare_session,
            travellers=[_traveller(), _traveller(**changes)],
            dated=DATED,
            by=None,
        )
    assert field in refused.value.message_dict
    assert not MissionOrder.objects.exists()


def test_the_signatory_of_letters_alone_does_not_sign_mission_orders(
    sevare_session: Session,
    president: Signatory,  # noqa: F811
) -> None:
    president.signs_mission_orders = False
    president.save()
    with pytest.raises(DocumentError) as refused:
        mission_orders_issue(
            session=sevare_session, travellers=[_traveller()], dated=DATED, by=None
        )
    assert refused.value.code == "no_signatory"
    assert "ordres de mission" in str(refused.value)
