"""What a mission order (« ordre de mission ») says, for one traveller to a session's venue.

The travellers default to the session's trainers (their accounts), plus anyone typed in; the
dates default to the session's, one travel day on each side (``TRAVEL_DAYS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kalan.core import formats
from kalan.core.models import User
from kalan.documents.letters import workshop_named
from kalan.documents.render import Piece, Signer, place_date
from kalan.workshops.models import Session

# Days on the road before the first day and after the last: Bamako–Mopti is a day by road.
TRAVEL_DAYS = 1
DEFAULT_TRANSPORT = "Véhicule de service"


@dataclass(frozen=True)
class Traveller:
    name: str
    function: str
    transport: str
    departure: dt.date
    return_on: dt.date
    user: User | None = None


def default_departure(session: Session) -> dt.date:
    return session.start_date - dt.timedelta(days=TRAVEL_DAYS)


def default_return(session: Session) -> dt.date:
    return session.end_date + dt.timedelta(days=TRAVEL_DAYS)


def destination_of(session: Session) -> str:
    """« Sévaré (Mopti) »: the town, and its region when it has one."""
    place = session.place
    region = place.parent.name if place.parent_id and place.parent else ""
    return f"{place.name} ({region})" if region and region != place.name else place.name


def purpose_of(session: Session) -> str:
    return _("Animation et organisation de la session de %(workshop)s (%(venue)s, %(dates)s)") % {
        "workshop": workshop_named(session.workshop.title),
        "venue": session.venue,
        "dates": formats.date_range(session.start_date, session.end_date),
    }


def mission_order_piece(
    *, session: Session, traveller: Traveller, number: str, dated: dt.date, signer: Signer
) -> Piece:
    days = (traveller.return_on - traveller.departure).days + 1
    rows = [
        (_("Nom et prénoms"), traveller.name),
        (_("Fonction"), traveller.function),
        (_("Destination"), destination_of(session)),
        (_("Objet de la mission"), purpose_of(session)),
        (_("Moyen de transport"), traveller.transport),
        (_("Date de départ"), formats.date_long(traveller.departure)),
        (_("Date de retour"), formats.date_long(traveller.return_on)),
        (_("Durée"), _("%(days)s jours") % {"days": days}),
    ]
    return Piece(
        file_title=_("Ordre de mission %(number)s") % {"number": number},
        number=number,
        place_date=place_date(dated),
        signer=signer,
        title=_("ORDRE DE MISSION"),
        paragraphs=[
            _("Il est ordonné à la personne désignée ci-après d’effectuer la mission suivante :")
        ],
        rows=rows,
        closing=[
            _(
                "Les autorités administratives, civiles et militaires sont priées de faciliter "
                "l’accomplissement de la présente mission et de prêter aide et assistance à "
                "l’intéressé(e) en cas de besoin."
            ),
            _("Le présent ordre de mission sera visé à l’arrivée et au départ."),
        ],
    )
