"""How relays answers what the lower apps announce (connected in ``RelaysConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, IntegerField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kalan.people.models import Person
from kalan.people.signals import PersonSection
from kalan.relays.errors import RelayError
from kalan.relays.models import Audience, Commitment, Departure, Respondent, Restitution
from kalan.relays.selectors import relays_visible
from kalan.workshops.models import Enrollment, Objective

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

SECTION_ORDER = 30


@dataclass(frozen=True)
class RelayLine:
    """One training of the person as a relay: what they committed to and what they did."""

    enrollment: Enrollment
    commitment: Commitment | None
    audiences: list[str]
    restitutions: int
    audience: int
    rounds: list[Respondent]


def person_relay_section(*, person: Person, user: AnyUser, **kwargs: Any) -> PersonSection | None:
    """« Relais des droits de l’Homme »: per training the person was a relay of (for a trainer,
    those of their sessions only), the commitment, the restitutions and the follow-up rounds; and
    the departure from the follow-up, if any. None without ``view_relays``, or when the person
    was never a relay and never left the follow-up. Four queries, however many trainings."""
    if not user.has_perm("kalan.view_relays"):
        return None
    lines = person_relay_lines(person=person, user=user)
    departure = Departure.objects.filter(person=person).first()
    if not lines and departure is None:
        return None
    return PersonSection(
        order=SECTION_ORDER,
        template="relays/_person_relay.html",
        context={"lines": lines, "departure": departure},
    )


def person_relay_lines(*, person: Person, user: AnyUser) -> list[RelayLine]:
    restitutions = Restitution.objects.filter(enrollment=OuterRef("pk")).order_by()
    count = restitutions.values("enrollment").annotate(n=Sum(Value(1))).values("n")
    reached = restitutions.values("enrollment").annotate(n=Sum(F("women") + F("men"))).values("n")
    enrollments = (
        relays_visible(user)
        .filter(person=person)
        .select_related("session__workshop", "session__place", "commitment")
        .annotate(
            restitution_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
            restitution_audience=Coalesce(Subquery(reached, output_field=IntegerField()), 0),
        )
        .prefetch_related(
            Prefetch(
                "followups",
                queryset=Respondent.objects.select_related("round").order_by("round__number"),
            )
        )
        .order_by("-session__start_date")
    )
    labels = dict(Audience.choices)
    return [
        RelayLine(
            enrollment=enrollment,
            commitment=getattr(enrollment, "commitment", None),
            audiences=[
                str(labels.get(key, key))
                for key in getattr(getattr(enrollment, "commitment", None), "audiences", [])
            ],
            restitutions=enrollment.restitution_count,
            audience=enrollment.restitution_audience,
            rounds=list(enrollment.followups.all()),
        )
        for enrollment in enrollments
    ]


def objective_deleting(*, instance: Objective, **kwargs: Any) -> None:
    """Refuse to delete a workshop objective that commitments or restitutions name (the edit of
    a workshop deletes the objectives past the end of its new list): the relays' topics would
    silently lose it. Its text can still be corrected in place. ``pre_delete`` receiver.

    Raises RelayError objective_in_use (field ``objectives``: the workshop form shows it there).
    """
    commitments = Commitment.objects.filter(objectives=instance).count()
    restitutions = Restitution.objects.filter(objectives=instance).count()
    if not (commitments or restitutions):
        return
    raise RelayError(
        _(
            "L’objectif n° %(order)s (« %(text)s ») est cité par %(commitments)s engagement(s) "
            "et %(restitutions)s restitution(s) de relais : il ne peut pas être retiré de "
            "l’atelier. Corrigez son texte plutôt que de le supprimer."
        )
        % {
            "order": instance.order,
            "text": instance.text,
            "commitments": commitments,
            "restitutions": restitutions,
        },
        code="objective_in_use",
        field="objectives",
    )
