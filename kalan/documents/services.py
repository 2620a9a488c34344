"""Writes of the documents app: the commands written to, and issuing letters and mission orders.

Issuing numbers, renders and stores every piece of one click in one transaction, under a lock on
the organisation's row (PostgreSQL; SQLite transactions are already serialised): the numbers of
the register follow each other with no gap and no double, and a piece that fails leaves neither
a number nor a file behind.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from kalan.core.models import Organisation, Place, Signatory, User
from kalan.documents.errors import DocumentError
from kalan.documents.letters import LetterRequest, letter_piece
from kalan.documents.list_template import list_template_xlsx
from kalan.documents.mission_orders import (
    Traveller,
    destination_of,
    mission_order_piece,
    purpose_of,
)
from kalan.documents.models import Addressee, Letter, MissionOrder
from kalan.documents.numbering import (
    LETTER_SERIES,
    MISSION_ORDER_SERIES,
    reference_number,
    sequences_next,
)
from kalan.documents.render import Piece, Signer, piece_docx, piece_pdf
from kalan.people.models import Corps
from kalan.workshops.models import Session

# --- addressees --------------------------------------------------------------------------------


def _addressee_save(addressee: Addressee) -> Addressee:
    addressee.full_clean()
    addressee.save()
    return addressee


@transaction.atomic
def addressee_create(
    *,
    name: str,
    head_title: str,
    head_name: str = "",
    corps: Corps | None = None,
    place: Place | None = None,
    postal_address: str = "",
    active: bool = True,
) -> Addressee:
    """Record a command; raises ValidationError (a name already recorded, a title missing)."""
    return _addressee_save(
        Addressee(
            name=name.strip(),
            head_title=head_title.strip(),
            head_name=head_name.strip(),
            corps=corps,
            place=place,
            postal_address=postal_address.strip(),
            active=active,
        )
    )


@transaction.atomic
def addressee_update(*, addressee: Addressee, **fields: Any) -> Addressee:
    for name, value in fields.items():
        setattr(addressee, name, value.strip() if isinstance(value, str) else value)
    return _addressee_save(addressee)


@transaction.atomic
def addressee_delete(*, addressee: Addressee) -> None:
    """Delete a command written to by no letter; raises DocumentError ``addressee_in_use``
    otherwise (the letters stay as sent: mark it inactive instead)."""
    try:
        with transaction.atomic():
            addressee.delete()
    except ProtectedError:
        raise DocumentError(
            _(
                "« %(name)s » a reçu des lettres, qui restent telles qu’envoyées : décochez "
                "« actif » plutôt que de le supprimer."
            )
            % {"name": addressee.name},
            code="addressee_in_use",
        ) from None


# --- signatories -------------------------------------------------------------------------------


def signer_for(*, organisation: Organisation | None, flag: str, what: str) -> Signer:
    """The first signatory (in order) whose ``flag`` is ticked; DocumentError ``no_signatory``
    with how to set one otherwise."""
    signatory = (
        Signatory.objects.filter(organisation=organisation, **{flag: True})
        .order_by("order", "pk")
        .first()
        if organisation
        else None
    )
    if signatory is None:
        raise DocumentError(
            _(
                "Aucun signataire n’est désigné pour %(what)s. Un administrateur le désigne sur "
                "la page « Institution et signataires » (menu Administration) : cochez la case "
                "correspondante pour le signataire voulu, puis réessayez."
            )
            % {"what": what},
            code="no_signatory",
        )
    return Signer(name=signatory.name, title=signatory.title)


# --- checks shared with the forms --------------------------------------------------------------


def letter_request_check(
    *,
    session: Session,
    addressees: Sequence[Addressee],
    officers: int,
    deadline: dt.date,
    dated: dt.date,
) -> None:
    """Raises ValidationError by field: no command chosen, N ≤ 0, a deadline on or after the
    session's first day, a letter dated after its own deadline."""
    errors: dict[str, str] = {}
    if not addressees:
        errors["addressees"] = _("Choisissez au moins un commandement.")
    elif any(not a.active for a in addressees):
        errors["addressees"] = _("Un commandement choisi n’est plus actif.")
    if officers is None or officers < 1:
        errors["officers"] = _("Demandez au moins un agent.")
    if deadline and deadline >= session.start_date:
        errors["deadline"] = _(
            "La liste doit arriver avant le début de la session (le %(start)s)."
        ) % {"start": session.start_date.strftime("%d/%m/%Y")}
    if deadline and dated and dated > deadline:
        errors["dated"] = _("La lettre ne peut pas être datée après la date limite qu’elle fixe.")
    if errors:
        raise ValidationError({k: ValidationError(v, code=k) for k, v in errors.items()})


def travel_dates_check(*, session: Session, departure: dt.date, return_on: dt.date) -> None:
    """Raises ValidationError by field when the journey does not cover the session."""
    errors: dict[str, str] = {}
    if departure and departure > session.start_date:
        errors["departure"] = _(
            "Le départ doit avoir lieu au plus tard le premier jour de la session."
        )
    if return_on and return_on < session.end_date:
        errors["return_on"] = _("Le retour ne peut pas précéder le dernier jour de la session.")
    if departure and return_on and return_on < departure:
        errors["return_on"] = _("Le retour ne peut pas précéder le départ.")
    if departure and (session.start_date - departure).days > 7:
        errors["departure"] = _(
            "Un départ plus d’une semaine avant la session n’est pas un trajet."
        )
    if return_on and (return_on - session.end_date).days > 7:
        errors["return_on"] = _(
            "Un retour plus d’une semaine après la session n’est pas un trajet."
        )
    if errors:
        raise ValidationError({k: ValidationError(v, code=k) for k, v in errors.items()})


# --- issuing -----------------------------------------------------------------------------------


def _issue(
    *,
    model: type[Letter] | type[MissionOrder],
    series: str,
    kind: str,
    year: int,
    build: Callable[[str, int], tuple[Piece, Letter | MissionOrder]],
    count: int,
    organisation: Organisation | None,
) -> list[Any]:
    """Number, render and store ``count`` pieces of one series; deletes the files it wrote when
    anything fails, so that the transaction's rollback leaves nothing behind."""
    taken = model.objects.filter(year=year).values_list("sequence", flat=True)
    first = sequences_next(series=series, year=year, taken=taken, count=count)
    saved: list[Letter | MissionOrder] = []
    try:
        for n in range(count):
            sequence = first + n
            number = reference_number(
                sequence=sequence, year=year, organisation=organisation, kind=kind
            )
            piece, record = build(number, n)
            # The series' place of the piece, as numbered here: not read back from its number.
            record.year, record.sequence, record.number = year, sequence, number
            stem = number.replace("/", "-")
            record.pdf.save(
                f"{stem}.pdf", ContentFile(piece_pdf(piece, organisation=organisation)), save=False
            )
            saved.append(record)
            record.docx.save(
                f"{stem}.docx",
                ContentFile(piece_docx(piece, organisation=organisation)),
                save=False,
            )
            record.full_clean()
            record.save()
    except BaseException:
        for record in saved:
            for file in (record.pdf, record.docx):
                if file:
                    file.delete(save=False)
        raise
    return saved


def _organisation_locked() -> Organisation | None:
    return Organisation.objects.select_for_update().order_by("pk").first()


@transaction.atomic
def letters_issue(
    *,
    session: Session,
    addressees: Sequence[Addressee],
    officers: int,
    deadline: dt.date,
    profile: str,
    paid: str,
    dated: dt.date,
    by: User | None,
) -> list[Letter]:
    """One invitation letter per command, numbered in a row, stored as issued.

    Raises ValidationError by field (``letter_request_check``), DocumentError ``no_signatory``
    (no signatory signs letters) or ``no_block`` / ``block_used_up`` (a venue laptop).
    """
    letter_request_check(
        session=session, addressees=addressees, officers=officers, deadline=deadline, dated=dated
    )
    organisation = _organisation_locked()
    signer = signer_for(
        organisation=organisation, flag="signs_letters", what=_("les lettres aux commandements")
    )
    batch = uuid.uuid4()
    chosen = sorted(addressees, key=lambda a: a.name.casefold())

    def build(number: str, n: int) -> tuple[Piece, Letter]:
        request = LetterRequest(
            addressee=chosen[n],
            officers=officers,
            deadline=deadline,
            profile=profile.strip(),
            paid=paid.strip(),
            dated=dated,
        )
        piece = letter_piece(
            session=session,
            request=request,
            number=number,
            signer=signer,
            organisation=organisation,
        )
        letter = Letter(
            session=session,
            addressee=chosen[n],
            officers_requested=officers,
            deadline=deadline,
            profile=request.profile,
            dated=dated,
            signatory_name=signer.name,
            signatory_title=signer.title,
            issued_by=by,
            batch=batch,
        )
        return piece, letter

    return _issue(
        model=Letter,
        series=LETTER_SERIES,
        kind="",
        year=dated.year,
        build=build,
        count=len(chosen),
        organisation=organisation,
    )


@transaction.atomic
def mission_orders_issue(
    *, session: Session, travellers: Sequence[Traveller], dated: dt.date, by: User | None
) -> list[MissionOrder]:
    """One mission order per traveller, numbered in a row in the mission orders' own series.

    Raises ValidationError (no traveller, a name or function missing, dates that do not cover
    the session: ``travel_dates_check``), DocumentError ``no_signatory``, ``no_block``…
    """
    if not travellers:
        raise ValidationError(_("Ajoutez au moins un missionnaire."), code="no_traveller")
    for traveller in travellers:
        if not traveller.name.strip() or not traveller.function.strip():
            raise ValidationError(_("Chaque missionnaire a un nom et une fonction."), code="name")
        travel_dates_check(
            session=session, departure=traveller.departure, return_on=traveller.return_on
        )
    organisation = _organisation_locked()
    signer = signer_for(
        organisation=organisation, flag="signs_mission_orders", what=_("les ordres de mission")
    )
    batch = uuid.uuid4()

    def build(number: str, n: int) -> tuple[Piece, MissionOrder]:
        traveller = travellers[n]
        piece = mission_order_piece(
            session=session, traveller=traveller, number=number, dated=dated, signer=signer
        )
        order = MissionOrder(
            session=session,
            traveller_name=traveller.name.strip(),
            function=traveller.function.strip(),
            user=traveller.user,
            destination=destination_of(session),
            purpose=purpose_of(session),
            transport=traveller.transport.strip(),
            departure=traveller.departure,
            return_on=traveller.return_on,
            dated=dated,
            signatory_name=signer.name,
            signatory_title=signer.title,
            issued_by=by,
            batch=batch,
        )
        return piece, order

    return _issue(
        model=MissionOrder,
        series=MISSION_ORDER_SERIES,
        kind=MISSION_ORDER_SERIES,
        year=dated.year,
        build=build,
        count=len(travellers),
        organisation=organisation,
    )


# --- downloads ---------------------------------------------------------------------------------


def _stem(number: str) -> str:
    return number.replace("/", "-")


def letter_template(letter: Letter, *, organisation: Organisation | None) -> bytes:
    return list_template_xlsx(
        session=letter.session,
        addressee=letter.addressee,
        officers=letter.officers_requested,
        organisation=organisation,
    )


def letters_zip(letters: Sequence[Letter], *, organisation: Organisation | None) -> bytes:
    """One zip: each letter in PDF and Word, and the list model attached to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            name = f"{_stem(letter.number)} {letter.addressee.name}".replace("/", "-")
            for file, ext in ((letter.pdf, "pdf"), (letter.docx, "docx")):
                with file.open("rb") as handle:
                    archive.writestr(f"{name}.{ext}", handle.read())
            archive.writestr(
                _("%(name)s — modèle de liste.xlsx") % {"name": name},
                letter_template(letter, organisation=organisation),
            )
    return buffer.getvalue()


def mission_orders_zip(orders: Sequence[MissionOrder]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for order in orders:
            name = f"{_stem(order.number)} {order.traveller_name}".replace("/", "-")
            for file, ext in ((order.pdf, "pdf"), (order.docx, "docx")):
                with file.open("rb") as handle:
                    archive.writestr(f"{name}.{ext}", handle.read())
    return buffer.getvalue()
