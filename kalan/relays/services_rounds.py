"""Follow-up rounds of a workshop, and officers who leave the follow-up (departures).

Decisions written down here (issue 13):

- **Months are calendar months** after the end of the workshop's last *held* session (first day
  come, someone marked present: ``kalan.reports.figures``); 31 January + 1 month is 28 (or 29)
  February. A workshop with no held session has nothing to follow: ``rounds_plan`` refuses it.
  Planning again adds only the months not planned yet, numbered after the existing rounds.
- **Opening early is allowed**, with a warning (``RoundOpening.early``): a mission or a budget
  may bring the calls forward, and the page says the round opens before its date.
- **Relays who appear later** (attendance entered after the round opened, a session held late)
  are added when the round is opened again: ``round_open`` on an open round adds the missing
  relays to the call list and freezes nothing new. No respondent is ever removed: a call list
  keeps its rows and their attempts.
- **One row per person**: an officer trained in two sessions of the workshop is called once
  (the enrollment of their latest session).
- **Departures** are read when the list is shown, not copied into it: an officer marked
  transferred after the round opened is shown « sorti du suivi » at once, never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.audit import audit_bulk_created
from kalan.core.formats import months_after
from kalan.core.models import User
from kalan.people.models import Person
from kalan.relays.errors import RelayError
from kalan.relays.models import Departure, FollowupQuestion, Respondent, Round, RoundQuestion
from kalan.relays.selectors import relays_of, relays_of_workshop
from kalan.relays.services import relay_codes_for
from kalan.workshops.models import Attendance, Enrollment, Session, Workshop

DEFAULT_MONTHS = (1, 3, 6)
MAX_MONTHS = 60


def workshop_last_day(*, workshop: Workshop, today: dt.date | None = None) -> dt.date | None:
    """The end of the workshop's last held session (begun, someone marked present), or None."""
    today = today or timezone.localdate()
    held = Session.objects.filter(
        workshop=workshop,
        start_date__lte=today,
        pk__in=Attendance.objects.filter(enrollment__role=Enrollment.Role.PARTICIPANT).values(
            "enrollment__session_id"
        ),
    )
    return held.aggregate(last=Max("end_date"))["last"]


def _months_checked(months: Sequence[Any]) -> list[int]:
    try:
        values = sorted({int(m) for m in months})
    except (TypeError, ValueError):
        values = []
    if not values or values[0] < 1 or values[-1] > MAX_MONTHS:
        raise RelayError(
            _("Mois du suivi : indiquez des nombres entiers de 1 à %(max)s, par exemple 1, 3, 6.")
            % {"max": MAX_MONTHS},
            code="months_invalid",
            field="months",
        )
    return values


def rounds_plan(
    *, workshop: Workshop, months: Sequence[Any] = DEFAULT_MONTHS, by: User | None
) -> list[Round]:
    """Plan a round per number of months after the last held session; returns those created.

    Raises RelayError ``no_held_session``, ``months_invalid`` or ``already_planned``.
    """
    wanted = _months_checked(months)
    last = workshop_last_day(workshop=workshop)
    if last is None:
        raise RelayError(
            _("Cet atelier n’a encore aucune session tenue (présences pointées) : rien à suivre."),
            code="no_held_session",
        )
    with transaction.atomic():
        # Two planners at once: the workshop's row orders them.
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        existing = Round.objects.filter(workshop=workshop)
        planned = set(existing.values_list("months", flat=True))
        number = existing.aggregate(n=Max("number"))["n"] or 0
        new = [m for m in wanted if m not in planned]
        if not new:
            raise RelayError(
                _("Ces tours de suivi sont déjà prévus."), code="already_planned", field="months"
            )
        rounds = []
        for offset, m in enumerate(new, start=1):
            rounds.append(
                Round.objects.create(
                    workshop=workshop,
                    number=number + offset,
                    months=m,
                    opens_on=months_after(last, m),
                )
            )
    return rounds


@dataclass(frozen=True)
class RoundOpening:
    round: Round
    added: int  # respondents added to the call list by this call
    early: bool  # opened before its date (allowed: the page warns)


def _freeze(round: Round) -> None:
    questions = list(FollowupQuestion.objects.filter(active=True).order_by("order", "code"))
    if not questions:
        raise RelayError(
            _("La banque de questions de suivi est vide : chargez-la (kalan followup_bank load)."),
            code="bank_empty",
        )
    rows = [
        RoundQuestion(
            round=round,
            order=n,
            question=q,
            content={
                "code": q.code,
                "kind": q.kind,
                "text": q.text,
                "text_en": q.text_en,
                "choices": q.choices,
                "practice": q.practice,
                "practice_en": q.practice_en,
            },
        )
        for n, q in enumerate(questions, start=1)
    ]
    audit_bulk_created(RoundQuestion.objects.bulk_create(rows))


def _respondents_add(round: Round) -> int:
    """Add the workshop's relays missing from the call list: one row per person, the
    enrollment of their latest session."""
    latest: dict[int, int] = {}
    relays = relays_of_workshop(workshop=round.workshop).order_by(
        "person_id", "session__start_date", "pk"
    )
    for person_id, pk in relays.values_list("person_id", "pk"):
        latest[person_id] = pk
    listed = set(
        Respondent.objects.filter(round=round).values_list("enrollment__person_id", flat=True)
    )
    missing = [pk for person_id, pk in latest.items() if person_id not in listed]
    if not missing:
        return 0
    relay_codes_for(enrollment_ids=missing)
    rows = [Respondent(round=round, enrollment_id=pk) for pk in missing]
    audit_bulk_created(Respondent.objects.bulk_create(rows, batch_size=500))
    return len(rows)


def round_open(*, round: Round, by: User | None, today: dt.date | None = None) -> RoundOpening:
    """Open a planned round: freeze the bank's active questions, list the relays to call and
    make their personal codes. On a round already open: add the relays missing from its list.

    Raises RelayError ``round_closed`` or ``bank_empty``.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .get(pk=round.pk)
        )
        if locked.status == Round.Status.CLOSED:
            raise RelayError(_("Ce tour de suivi est clos."), code="round_closed")
        early = False
        if locked.status == Round.Status.DRAFT:
            _freeze(locked)
            early = today < locked.opens_on
            locked.status, locked.opened_at = Round.Status.OPEN, timezone.now()
            locked.save(update_fields=["status", "opened_at", "updated_at"])
        added = _respondents_add(locked)
    return RoundOpening(round=locked, added=added, early=early)


def round_close(*, round: Round, by: User | None) -> Round:
    """Close an open round: no more calls or answers; calls in progress are let go.

    Raises RelayError ``round_not_open``."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.status != Round.Status.OPEN:
            raise RelayError(_("Seul un tour en cours peut être clos."), code="round_not_open")
        locked.status, locked.closed_at = Round.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        Respondent.objects.filter(round=locked, claimed_by__isnull=False).update(
            claimed_by=None, claimed_at=None
        )
    return locked


# --- departures ---------------------------------------------------------------------------------


def person_first_training(*, person: Person) -> dt.date | None:
    """The first day of the first session that trained this person (as a relay), or None."""
    trained = relays_of(sessions=Session.objects.all()).filter(person=person)
    return trained.aggregate(first=Min("session__start_date"))["first"]


def departure_set(
    *,
    person: Person,
    reason: str,
    since: dt.date,
    note: str = "",
    by: User | None,
    today: dt.date | None = None,
) -> Departure:
    """Mark an officer out of the follow-up (or change the reason or the date of it).

    Raises RelayError ``reason_invalid``, ``since_future``, ``since_before_training`` or
    ``not_a_relay``."""
    today = today or timezone.localdate()
    if reason not in Departure.Reason.values:
        raise RelayError(_("Motif de sortie inconnu."), code="reason_invalid", field="reason")
    if since > today:
        raise RelayError(
            _("La date de sortie ne peut pas être dans le futur."),
            code="since_future",
            field="since",
        )
    first = person_first_training(person=person)
    if first is None:
        raise RelayError(_("Cette personne n’est relais d’aucune session."), code="not_a_relay")
    if since < first:
        raise RelayError(
            _("La date de sortie précède la formation de cette personne (%(date)s).")
            % {"date": date_format(first, "j F Y")},
            code="since_before_training",
            field="since",
        )
    with transaction.atomic():
        departure = Departure.objects.select_for_update().filter(person=person).first()
        departure = departure or Departure(person=person)
        departure.reason, departure.since = reason, since
        departure.note, departure.recorded_by = note.strip()[:300], by
        departure.full_clean()
        departure.save()
    return departure


def departure_clear(*, person: Person, by: User | None) -> bool:
    """Bring an officer back into the follow-up (a departure marked by mistake); the journal
    keeps the deleted row. Returns whether there was one."""
    with transaction.atomic():
        departure = Departure.objects.filter(person=person).first()
        if departure is None:
            return False
        departure.delete()
    return True
