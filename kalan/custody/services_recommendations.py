"""Recommendations (issue 14, point 5): what the institution recommended after a visit, to a
unit of the registry or to an authority; the addressee's responses; the status; and what later
visits to the same place found of it (checks).

Functions: ``recommendation_create``, ``recommendation_update``, ``recommendation_response_add``,
``recommendation_status_set``, ``recommendation_check_record``. Each runs in one transaction:
refused, it saves nothing.

The rules, each a ``CustodyError`` naming its field:

- ``no_addressee`` (``unit``): neither a unit nor an authority;
- ``text_empty`` (``text``): the recommendation says nothing;
- ``unknown_priority`` (``priority``): not high, medium or low;
- ``due_before_visit`` (``due_on``): the due date is before the visit's date;
- ``visit_cancelled`` (``None``): the visit was cancelled;
- ``response_empty`` (``text``), ``respondent_empty`` (``respondent``);
- ``response_before_visit`` / ``response_in_future`` (``received_on``): a response received
  before the visit or after today;
- ``unknown_status`` (``status``);
- ``closed_without_response`` (``status``): implemented or rejected without any response
  recorded;
- ``check_other_place`` (``visit``): the checking visit is to another place;
- ``check_not_later`` (``visit``): the checking visit is not later than the recommendation's;
- ``checked_twice`` (``visit``): this visit already checked this recommendation;
- ``unknown_finding`` (``finding``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.models import User
from kalan.custody.errors import CustodyError
from kalan.custody.models import (
    Recommendation,
    RecommendationCheck,
    RecommendationResponse,
    Visit,
)
from kalan.people.models import Unit

CLOSED = frozenset({Recommendation.Status.IMPLEMENTED, Recommendation.Status.REJECTED})


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _fields_clean(
    *,
    visit: Visit,
    unit: Unit | None,
    authority: str,
    text: str,
    priority: str,
    due_on: dt.date | None,
) -> dict:
    authority = (authority or "").strip()
    text = (text or "").strip()
    if unit is None and not authority:
        raise CustodyError(
            _(
                "Indiquez le destinataire de la recommandation : une unité du répertoire ou le "
                "nom d’une autorité."
            ),
            code="no_addressee",
            field="unit",
        )
    if not text:
        raise CustodyError(
            _("Le texte de la recommandation est obligatoire."), code="text_empty", field="text"
        )
    if priority not in Recommendation.Priority.values:
        raise CustodyError(_("Choisissez une priorité."), code="unknown_priority", field="priority")
    if due_on is not None and due_on < visit.visited_on:
        raise CustodyError(
            _("L’échéance ne peut précéder la date de la visite (%(day)s).")
            % {"day": _day(visit.visited_on)},
            code="due_before_visit",
            field="due_on",
        )
    return {
        "unit": unit,
        "authority": authority,
        "text": text,
        "priority": priority,
        "due_on": due_on,
    }


@transaction.atomic
def recommendation_create(
    *,
    visit: Visit,
    unit: Unit | None,
    authority: str,
    text: str,
    priority: str,
    due_on: dt.date | None,
    by: User | None,
) -> Recommendation:
    """A new recommendation of the visit, open. Raises ``no_addressee``, ``text_empty``,
    ``unknown_priority``, ``due_before_visit``, ``visit_cancelled``."""
    if visit.status == Visit.Status.CANCELLED:
        raise CustodyError(
            _("Cette visite a été annulée : aucune recommandation ne peut y être rattachée."),
            code="visit_cancelled",
        )
    fields = _fields_clean(
        visit=visit, unit=unit, authority=authority, text=text, priority=priority, due_on=due_on
    )
    return Recommendation.objects.create(visit=visit, created_by=by, **fields)


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    unit: Unit | None,
    authority: str,
    text: str,
    priority: str,
    due_on: dt.date | None,
) -> Recommendation:
    """Correct a recommendation's addressee, text, priority or due date (its status changes
    through ``recommendation_status_set``). Raises ``no_addressee``, ``text_empty``,
    ``unknown_priority``, ``due_before_visit``."""
    fields = _fields_clean(
        visit=recommendation.visit,
        unit=unit,
        authority=authority,
        text=text,
        priority=priority,
        due_on=due_on,
    )
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.save(update_fields=[*fields, "updated_at"])
    return recommendation


@transaction.atomic
def recommendation_response_add(
    *,
    recommendation: Recommendation,
    received_on: dt.date,
    respondent: str,
    text: str,
    by: User | None,
    today: dt.date | None = None,
) -> RecommendationResponse:
    """Record what the addressee answered. Raises ``respondent_empty``, ``response_empty``,
    ``response_before_visit``, ``response_in_future``."""
    today = today or timezone.localdate()
    respondent = (respondent or "").strip()
    text = (text or "").strip()
    if not respondent:
        raise CustodyError(
            _("Indiquez de la part de qui vient la réponse."),
            code="respondent_empty",
            field="respondent",
        )
    if not text:
        raise CustodyError(
            _("Le texte de la réponse est obligatoire."), code="response_empty", field="text"
        )
    visited_on = recommendation.visit.visited_on
    if received_on < visited_on:
        raise CustodyError(
            _("Une réponse ne peut être reçue avant la visite (%(day)s).")
            % {"day": _day(visited_on)},
            code="response_before_visit",
            field="received_on",
        )
    if received_on > today:
        raise CustodyError(
            _("La date de réception ne peut être dans le futur."),
            code="response_in_future",
            field="received_on",
        )
    return RecommendationResponse.objects.create(
        recommendation=recommendation,
        received_on=received_on,
        respondent=respondent,
        text=text,
        recorded_by=by,
    )


@transaction.atomic
def recommendation_status_set(*, recommendation: Recommendation, status: str) -> Recommendation:
    """Change the status. Raises ``unknown_status``, ``closed_without_response``."""
    if status not in Recommendation.Status.values:
        raise CustodyError(_("État inconnu."), code="unknown_status", field="status")
    if status in CLOSED and not recommendation.responses.exists():
        raise CustodyError(
            _("Une recommandation ne peut être close sans réponse enregistrée."),
            code="closed_without_response",
            field="status",
        )
    recommendation.status = status
    recommendation.save(update_fields=["status", "updated_at"])
    return recommendation


@transaction.atomic
def recommendation_check_record(
    *, recommendation: Recommendation, visit: Visit, finding: str, note: str
) -> RecommendationCheck:
    """Record what a later visit to the same place found of the recommendation. Raises
    ``check_other_place``, ``check_not_later``, ``checked_twice``, ``unknown_finding``."""
    earlier = recommendation.visit
    if visit.place_id != earlier.place_id:
        raise CustodyError(
            _("Une recommandation n’est vérifiée que lors d’une visite du même lieu."),
            code="check_other_place",
            field="visit",
        )
    if visit.visited_on <= earlier.visited_on:
        raise CustodyError(
            _(
                "Une recommandation n’est vérifiée que lors d’une visite postérieure à celle "
                "qui l’a formulée (%(day)s)."
            )
            % {"day": _day(earlier.visited_on)},
            code="check_not_later",
            field="visit",
        )
    if finding not in RecommendationCheck.Finding.values:
        raise CustodyError(_("Choisissez un constat."), code="unknown_finding", field="finding")
    if RecommendationCheck.objects.filter(recommendation=recommendation, visit=visit).exists():
        raise CustodyError(
            _("Cette recommandation a déjà été vérifiée lors de cette visite."),
            code="checked_twice",
            field="visit",
        )
    return RecommendationCheck.objects.create(
        recommendation=recommendation, visit=visit, finding=finding, note=(note or "").strip()
    )
