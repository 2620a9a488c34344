"""What an invitation letter to a command says, built once from the session and the request,
then printed in PDF and Word by ``kalan.documents.render``.

The letter asks the head of the command to designate N officers of a profile for a session (its
dates, venue, town), says what the institution pays (per diem, transport), and by when the list
must come back, on the Excel model attached (``kalan.documents.list_template``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from num2words import num2words

from kalan.core import formats
from kalan.core.models import Organisation
from kalan.documents.models import Addressee
from kalan.documents.render import Piece, Signer, place_date
from kalan.workshops.models import Session

# The appellation is the head's title up to its complement: « Monsieur le Directeur régional
# de la Police nationale » → « Monsieur le Directeur régional ».
_COMPLEMENT = re.compile(r"\s+(?:de la|de l’|de l'|du|des|de)\s", re.IGNORECASE)


@dataclass(frozen=True)
class LetterRequest:
    """What the programme officer asks of one command."""

    addressee: Addressee
    officers: int
    deadline: dt.date
    profile: str
    paid: str
    dated: dt.date


def appellation(head_title: str) -> str:
    """How the letter greets the head: « Monsieur le Directeur régional, »."""
    return _COMPLEMENT.split(head_title.strip(), maxsplit=1)[0].rstrip(" ,")


def default_paid(session: Session, currency: str = "XOF") -> str:
    """What the institution pays each participant, from the session's allowance rates."""
    parts = []
    if session.per_diem_rate:
        parts.append(
            _("un per diem de %(amount)s par jour") % {"amount": _money(session.per_diem_rate)}
        )
    if session.transport_rate:
        parts.append(
            _("un forfait de transport de %(amount)s") % {"amount": _money(session.transport_rate)}
        )
    if not parts:
        return _("la restauration pendant la session ; aucune indemnité n’est versée")
    return _(" et ").join(parts)


def workshop_named(title: str) -> str:
    """« l’atelier « Les droits… » », or « l’« Atelier de renforcement… » » when the title
    already says it is a workshop."""
    if title.casefold().startswith("atelier"):
        return _("l’« %(title)s »") % {"title": title}
    return _("l’atelier « %(title)s »") % {"title": title}


def _money(value: int) -> str:
    return _("%(amount)s francs CFA") % {"amount": formats.amount(value)}


def _officers(count: int) -> str:
    """« quatre (04) »: in words, then in figures, as official letters write a number."""
    return f"{num2words(count, lang='fr')} ({count:02d})"


def _where(session: Session) -> str:
    return _("à %(town)s (%(venue)s)") % {"venue": session.venue, "town": session.place.name}


def letter_piece(
    *,
    session: Session,
    request: LetterRequest,
    number: str,
    signer: Signer,
    organisation: Organisation | None,
) -> Piece:
    """The invitation letter to ``request.addressee``, as ``render`` prints it."""
    addressee = request.addressee
    institution = organisation.name if organisation else ""
    acronym = (organisation.acronym if organisation else "") or institution
    workshop = session.workshop
    greeting = appellation(addressee.head_title)
    recipient = [addressee.head_title]
    if addressee.head_name:
        recipient.append(addressee.head_name)
    recipient.append(addressee.name)
    recipient += [line for line in addressee.postal_address.splitlines() if line.strip()]
    partners = [f.partner.name for f in workshop.fundings.select_related("partner")]
    context = _(
        "La %(institution)s organise %(dates)s, %(where)s, une session de %(workshop)s."
    ) % {
        "institution": institution,
        "dates": formats.dates_phrase(session.start_date, session.end_date, list_days=True),
        "where": _where(session),
        "workshop": workshop_named(workshop.title),
    }
    if partners:
        context = context[:-1] + ngettext(
            ", avec l’appui financier de son partenaire, %(funders)s.",
            ", avec l’appui financier de ses partenaires, %(funders)s.",
            len(partners),
        ) % {"funders": ", ".join(partners)}
    paragraphs = [
        context,
        _(
            "À cet effet, j’ai l’honneur de vous demander de bien vouloir désigner "
            "%(officers)s agents de vos services répondant au profil suivant : %(profile)s."
        )
        % {"officers": _officers(request.officers), "profile": request.profile.rstrip(". ")},
        _("La %(acronym)s prend en charge, pour chaque participant, %(paid)s.")
        % {"acronym": acronym, "paid": request.paid.rstrip(". ")},
        _(
            "Je vous saurais gré de bien vouloir me faire parvenir la liste des agents désignés, "
            "établie sur le modèle ci-joint (fichier Excel à compléter sans en changer les "
            "colonnes), au plus tard le %(deadline)s."
        )
        % {"deadline": formats.date_short(request.deadline)},
        _(
            "Comptant sur votre diligence habituelle, je vous prie d’agréer, %(greeting)s, "
            "l’expression de ma considération distinguée."
        )
        % {"greeting": greeting},
    ]
    return Piece(
        file_title=_("Lettre d’invitation %(number)s") % {"number": number},
        number=number,
        place_date=place_date(request.dated),
        signer=signer,
        sender=signer.title,
        recipient=recipient,
        subject=_("Désignation de participants à %(workshop)s (%(dates)s, %(town)s)")
        % {
            "workshop": workshop_named(workshop.title),
            "dates": formats.date_range(session.start_date, session.end_date),
            "town": session.place.name,
        },
        attachments=_("modèle de liste des participants (fichier Excel)"),
        salutation=f"{greeting},",
        paragraphs=paragraphs,
    )
