"""Reads of the restitutions: a workshop's, within what the user may see, with their totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404

from kalan.relays.models import Restitution
from kalan.relays.selectors import relays_visible
from kalan.workshops.models import Enrollment, Objective, Session, Workshop
from kalan.workshops.selectors import sessions_visible, workshops_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser

TOTAL_FIELDS = ("women", "men", "colleagues", "families", "leaders", "population", "others")


@dataclass(frozen=True)
class RestitutionTotals:
    count: int
    relays: int  # distinct relays who held at least one of them
    women: int
    men: int
    colleagues: int
    families: int
    leaders: int
    population: int
    others: int

    @property
    def audience(self) -> int:
        return self.women + self.men


def restitution_get_or_404(uid: UUID | str, *, user: AnyUser) -> Restitution:
    """A restitution of a relay this user may see (a trainer: of their sessions), or 404."""
    found = (
        Restitution.objects.select_related(
            "enrollment__person__corps", "enrollment__session__workshop", "unit", "place"
        )
        .filter(uid=uid, enrollment__in=relays_visible(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


def relay_get_or_404(uid: UUID | str, *, user: AnyUser) -> Enrollment:
    """A relay (its enrollment, by uid) this user may see, or 404."""
    found = (
        relays_visible(user)
        .select_related("person__corps", "person__unit", "session__workshop")
        .filter(uid=uid)
        .first()
    )
    if found is None:
        raise Http404
    return found


def workshop_for_restitutions(pk: int, *, user: AnyUser) -> Workshop:
    workshop = workshops_visible(user).filter(pk=pk).first()
    if workshop is None:
        raise Http404
    return workshop


def workshop_sessions(workshop: Workshop, *, user: AnyUser) -> QuerySet[Session]:
    return sessions_visible(user).filter(workshop=workshop).select_related("place")


def workshop_restitutions(
    workshop: Workshop, *, user: AnyUser, session: Session | None = None
) -> QuerySet[Restitution]:
    """The restitutions of the workshop's relays this user may see, the latest first."""
    relays = relays_visible(user).filter(session__workshop=workshop)
    if session is not None:
        relays = relays.filter(session=session)
    return (
        Restitution.objects.filter(enrollment__in=relays)
        .select_related("enrollment__person", "enrollment__session__place", "unit", "place")
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("order")))
        .order_by("-held_on", "-created_at")
    )


def restitution_totals(restitutions: QuerySet[Restitution]) -> RestitutionTotals:
    """Count, distinct relays and the audience by sex and by category, in one query."""
    sums = restitutions.order_by().aggregate(
        count=Count("pk"),
        relays=Count("enrollment", distinct=True),
        **{name: Sum(name) for name in TOTAL_FIELDS},
    )
    return RestitutionTotals(**{key: value or 0 for key, value in sums.items()})


def workshop_relays(workshop: Workshop, *, user: AnyUser) -> QuerySet[Enrollment]:
    """The workshop's relays this user may see, with how many restitutions each reported."""
    return (
        relays_visible(user)
        .filter(session__workshop=workshop)
        .select_related("person", "session")
        .annotate(restitution_count=Count("restitutions"))
        .order_by("person__last_name", "person__first_names", "pk")
    )
