"""Commitments at the close of a session: the phone window that takes them, the plan itself, and
the join of a participant's phone (the window's code and the badge code).

A participant states one commitment (``Commitment``, one per enrollment): on their phone while
the session's ``CommitmentWindow`` is open, or typed by the trainer from the paper form. Saving
again corrects it; there is never a second row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.assessments import throttle
from kalan.core.formats import months_after
from kalan.relays.errors import RelayError
from kalan.relays.models import Audience, Commitment, CommitmentWindow, Source, code_new
from kalan.relays.services import refuse_if_throttled, relay_code_for
from kalan.workshops.models import Enrollment, Objective, Session

if TYPE_CHECKING:
    from kalan.core.models import User

ACCESS_CODE_LENGTH: Final = 6
PEOPLE_MAX: Final = 5000
NOTE_MAX: Final = 2000


# --- the phone window -------------------------------------------------------------------------


def _window_code() -> str:
    for _attempt in range(20):
        code = code_new(ACCESS_CODE_LENGTH)
        if not CommitmentWindow.objects.filter(access_code=code).exists():
            return code
    raise RuntimeError("no free commitment code after twenty draws")


def commitment_window_open(*, session: Session, by: User | None) -> CommitmentWindow:
    """Open (or open again) the phone entry of the session's commitments; the window keeps its
    code from one opening to the next, so that a code written on the board stays right."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                window = (
                    CommitmentWindow.objects.select_for_update().filter(session=session).first()
                )
                if window is None:
                    window = CommitmentWindow(session=session, access_code=_window_code())
                window.opened_at = timezone.now()
                window.closed_at = None
                window.save()
                return window
        except IntegrityError:  # another request made the window, or took the code, meanwhile
            continue
    raise RuntimeError("could not open the commitment window")


def commitment_window_close(*, session: Session, by: User | None) -> CommitmentWindow:
    """Close the phone entry. Raises RelayError ``window_not_open`` when it is not open."""
    with transaction.atomic():
        window = CommitmentWindow.objects.select_for_update().filter(session=session).first()
        if window is None or not window.is_open:
            raise RelayError(
                _("La saisie sur téléphone n’est pas ouverte pour cette session."),
                code="window_not_open",
            )
        window.closed_at = timezone.now()
        window.save(update_fields=["closed_at", "updated_at"])
        return window


# --- the commitment ---------------------------------------------------------------------------


def a_year_after(day: dt.date) -> dt.date:
    """The latest due date of a commitment: twelve calendar months after ``day``."""
    return months_after(day, 12)


def _check_enrollment(enrollment: Enrollment) -> None:
    if (
        enrollment.role != Enrollment.Role.PARTICIPANT
        or enrollment.superseded_by_id is not None
        or enrollment.status == Enrollment.Status.WITHDRAWN
    ):
        raise RelayError(
            _(
                "Seuls les participants de la session prennent un engagement de relais "
                "(pas les facilitateurs, organisateurs ou observateurs)."
            ),
            code="not_participant",
        )


def _clean_audiences(audiences: Iterable[str]) -> list[str]:
    chosen = set(audiences)
    if not chosen:
        raise RelayError(
            _("Publics visés : cochez au moins un public."), code="no_audience", field="audiences"
        )
    unknown = chosen - set(Audience.values)
    if unknown:
        raise RelayError(
            _("Publics visés : choix inconnu."), code="unknown_audience", field="audiences"
        )
    return [value for value in Audience.values if value in chosen]  # in the list's order


def _check_people(people_planned: int) -> None:
    if people_planned < 1:
        raise RelayError(
            _("Nombre de personnes : indiquez au moins 1 personne."),
            code="people_too_few",
            field="people_planned",
        )
    if people_planned > PEOPLE_MAX:
        message = _(
            "Nombre de personnes : %(count)s, c’est plus que ce qu’un relais peut sensibiliser "
            "(au plus %(max)s). Vérifiez le nombre."
        ) % {"count": people_planned, "max": PEOPLE_MAX}
        raise RelayError(message, code="people_too_many", field="people_planned")


def _check_due_on(due_on: dt.date, session: Session) -> None:
    latest = a_year_after(session.end_date)
    if due_on <= session.end_date or due_on > latest:
        message = _(
            "Échéance : choisissez une date après la fin de la session (%(end)s) et au plus tard "
            "le %(latest)s."
        ) % {"end": f"{session.end_date:%d/%m/%Y}", "latest": f"{latest:%d/%m/%Y}"}
        raise RelayError(message, code="due_out_of_range", field="due_on")


def _check_objectives(objectives: Sequence[Objective], session: Session) -> None:
    if any(objective.workshop_id != session.workshop_id for objective in objectives):
        raise RelayError(
            _("Objectifs : choisissez parmi les objectifs de cet atelier."),
            code="foreign_objective",
            field="objectives",
        )
    if not objectives and Objective.objects.filter(workshop_id=session.workshop_id).exists():
        raise RelayError(
            _("Objectifs : cochez au moins un objectif que vous transmettrez."),
            code="no_objective",
            field="objectives",
        )


def commitment_save(
    *,
    enrollment: Enrollment,
    audiences: Iterable[str],
    people_planned: int,
    due_on: dt.date,
    objectives: Sequence[Objective],
    note: str,
    source: str,
    by: User | None,
) -> Commitment:
    """Record the participant's commitment, or correct it (one per enrollment, never two).

    Raises RelayError: ``not_participant`` (a facilitator, an observer, a withdrawn or merged
    enrollment), ``no_audience``/``unknown_audience`` (audiences), ``people_too_few``/
    ``people_too_many`` (people_planned, 1 to 5,000), ``due_out_of_range`` (due_on: after the
    session's last day, at most twelve months after it), ``foreign_objective``/``no_objective``
    (objectives: the workshop's, at least one when it has some), ``note_too_long`` (note),
    ``window_closed`` (from a phone, when the session's window is not open).
    """
    session = enrollment.session
    _check_enrollment(enrollment)
    chosen = _clean_audiences(audiences)
    _check_people(people_planned)
    _check_due_on(due_on, session)
    _check_objectives(objectives, session)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise RelayError(
            _("Précisions : %(max)s caractères au plus.") % {"max": NOTE_MAX},
            code="note_too_long",
            field="note",
        )
    with transaction.atomic():
        # One save at a time per participant: two phones sending at once make one row.
        list(Enrollment.objects.select_for_update().filter(pk=enrollment.pk).values_list("pk"))
        if source == Source.PHONE:
            _check_window_open(session)
        commitment = Commitment.objects.filter(enrollment=enrollment).first()
        if commitment is None:
            commitment = Commitment(enrollment=enrollment)
        commitment.audiences = chosen
        commitment.people_planned = people_planned
        commitment.due_on = due_on
        commitment.note = note
        commitment.source = source
        commitment.entered_by = by if by is not None and by.is_authenticated else None
        try:
            commitment.full_clean()
        except ValidationError as error:  # a rule the checks above missed: say where
            field, messages = next(iter(error.message_dict.items()))
            raise RelayError(messages[0], code="invalid", field=field) from None
        commitment.save()
        commitment.objectives.set(objectives)
        relay_code_for(enrollment=enrollment)  # the code the thanks page and the form print
    return commitment


def _check_window_open(session: Session) -> None:
    window = CommitmentWindow.objects.filter(session=session).first()
    if window is None or not window.is_open:
        raise RelayError(
            _("La saisie des engagements de cette session est fermée : voyez le formateur."),
            code="window_closed",
        )


# --- a participant's phone joins --------------------------------------------------------------


def _refuse(*, key: str, now: dt.datetime, message: str, code: str, field: str) -> RelayError:
    """A wrong code: counted against the address (and journaled by the throttle), then refused."""
    throttle.refusal_count(test=None, key=key, now=now)
    return RelayError(message, code=code, field=field)


def commitment_join(
    *,
    access_code: str,
    participant_code: str,
    address: str | None,
    now: dt.datetime | None = None,
) -> Enrollment:
    """The participant enrollment this phone states the commitment of.

    Raises RelayThrottled before looking at the codes when the address typed too many wrong
    codes; RelayError ``unknown_window`` (access_code) and ``unknown_participant``
    (participant_code), both counted as wrong codes; ``window_closed`` (access_code) and
    ``not_participant`` (participant_code), not counted: the codes were right.
    """
    now = now or timezone.now()
    key = throttle.address_key(address)
    refuse_if_throttled(key=key, now=now)
    code = "".join(access_code.split()).upper()
    window = CommitmentWindow.objects.select_related("session").filter(access_code=code).first()
    if window is None:
        raise _refuse(
            key=key,
            now=now,
            message=_("Code des engagements inconnu : vérifiez le code affiché par le formateur."),
            code="unknown_window",
            field="access_code",
        )
    if not window.is_open:
        raise RelayError(
            _("La saisie des engagements de cette session est fermée : voyez le formateur."),
            code="window_closed",
            field="access_code",
        )
    badge = "".join(participant_code.split())
    enrollment = _enrollment_of_badge(window.session, badge)
    if enrollment is None:
        raise _refuse(
            key=key,
            now=now,
            message=_("Code participant inconnu dans cette session : vérifiez votre badge."),
            code="unknown_participant",
            field="participant_code",
        )
    try:
        _check_enrollment(enrollment)
    except RelayError as error:
        raise RelayError(error.message, code=error.code, field="participant_code") from None
    return enrollment


def _enrollment_of_badge(session: Session, badge: str) -> Enrollment | None:
    """The enrollment whose badge carries this code; a merged one's is the kept enrollment."""
    if not badge:
        return None
    rows = Enrollment.objects.select_related("session__workshop", "person")
    enrollment = rows.filter(session=session, code=badge).first()
    if enrollment is not None and enrollment.superseded_by_id is not None:
        enrollment = rows.filter(pk=enrollment.superseded_by_id).first()
    return enrollment
