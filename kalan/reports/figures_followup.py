"""The follow-up's figures (Kirkpatrick level 3): what trained officers did afterwards.

The second half of the one module of figures (``kalan.reports.figures`` holds the first): the
same ``Scope`` chooses the sessions, every figure comes from aggregate queries whose number does
not grow with the sessions, relays or answers counted (six queries for ``followup``), and no
function here returns a person. The activity report, the donor report, the dashboard, the
workshop's follow-up page and the partner's pages all read them here.

Definitions (the reports print them in their notes, ``followup_definitions``):

- a *relay* is a participant trained by a session in scope (``kalan.relays.selectors.relays_of``:
  present at least one day or half-day, an enrollment a merge superseded left out);
- a relay whose officer has a ``Departure`` (transferred out of reach, left the service,
  deceased) is *departed*: out of the denominators **and** numerators of every rate below
  (response rate, restitution within 3 months, practice changes, commitments); *active relays*
  are the others. What a departed relay did before leaving stays in the persons reached and in
  the time to the first restitution (facts, not rates);
- **per round** (each follow-up round of a workshop in scope, rounds still in preparation left
  out): *respondents* are the active relays of the scope on the round's call list; *answered*
  those whose answers were recorded (``answered_at``); the *response rate* is answered over
  respondents. The rounds' total adds up the rounds (an officer counts once per round);
- **restitution within 3 months**: the share of active relays who held at least one restitution
  no later than 3 calendar months after their session's last day (8 Nov → 8 Feb, 30 Nov →
  28 Feb). Its denominator is the active relays whose 3 months are over (the session's last day
  3 calendar months or more before today): a relay trained last month is not counted yet, in
  either term;
- **persons reached** (by the restitutions of the relays in scope): the *upper bound* sums the
  audiences of every restitution (by sex: women, men; by category: colleagues, families of
  persons in custody, local leaders, the population, others): a colleague briefed twice is
  counted twice. The *lower bound* counts, in each unit, only the largest single restitution
  held there (restitutions without a unit: the largest of each relay), and adds these up: at
  least that many distinct persons were reached, if no one attended two units' briefings. The
  distinct persons reached lie between the two bounds; both are printed, never one alone;
- **reported practice changes** by item (each practice question, by its code, of the rounds in
  scope): the active relays who gave an answer about that practice — "changed", "already" or
  "not_yet"; "not_applicable" and skipped answers are not answers — each counted once, with
  their answer of the **latest round in which they answered that item**; *changed* those whose
  answer there is "changed"; the *share* is changed over answered. Over all items, the *relays
  reporting a change* are the relays who answered at least one item and report "changed" for at
  least one (the last step of the dashboard's Kirkpatrick chain);
- **time to the first restitution**: days from the session's last day to the relay's first
  restitution, over the relays who held one (departures included): median and mean;
- **commitments**: the active relays who stated a commitment at the close of their session, their
  share of the active relays, and the people they planned to brief (summed over those
  commitments).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kalan.core.formats import months_after
from kalan.relays.models import (
    PRACTICE_KEYS,
    Departure,
    Respondent,
    Response,
    Restitution,
    Round,
    RoundQuestion,
)
from kalan.relays.selectors import relays_of
from kalan.reports.figures import Scope
from kalan.workshops.models import Enrollment

Per = Literal["workshop", "session"]
MONTHS_TO_RESTITUTION = 3
CATEGORIES = ("colleagues", "families", "leaders", "population", "others")
ANSWERED = [key for key in PRACTICE_KEYS if key != "not_applicable"]  # changed, already, not_yet
CHANGED = "changed"


@dataclass(frozen=True)
class RoundFigures:
    """One follow-up round: its active respondents and those who answered."""

    round_id: int
    workshop: str
    number: int
    months: int
    respondents: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.respondents if self.respondents else None


@dataclass(frozen=True)
class PracticeChange:
    """One practice item: the active relays who answered it (latest round), those who changed."""

    code: str
    label: str
    answered: int
    changed: int

    @property
    def share(self) -> float | None:
        return self.changed / self.answered if self.answered else None


@dataclass
class Reached:
    """Persons reached by the restitutions, summed (the upper bound), by sex and by category."""

    restitutions: int = 0
    women: int = 0
    men: int = 0
    colleagues: int = 0
    families: int = 0
    leaders: int = 0
    population: int = 0
    others: int = 0
    lower_bound: int = 0  # the largest restitution of each unit (or unitless relay), summed

    @property
    def upper_bound(self) -> int:
        return self.women + self.men


@dataclass
class FollowUp:
    relays: int = 0  # trained in scope, departures included
    departed: int = 0  # of those, with a Departure: out of every rate
    rounds: list[RoundFigures] = field(default_factory=list)  # by workshop title, then number
    due: int = 0  # active relays whose 3 months after the session are over
    on_time: int = 0  # of those, with a restitution within the 3 months
    reached: Reached = field(default_factory=Reached)
    practices: list[PracticeChange] = field(default_factory=list)  # in questionnaire order
    practice_relays: int = 0  # active relays who answered at least one practice item
    practice_changed_relays: int = 0  # of those, reporting "changed" for one at least
    with_restitution: int = 0  # relays with at least one restitution (departures included)
    days_to_first_median: float | None = None
    days_to_first_mean: float | None = None
    committed: int = 0  # active relays with a commitment
    people_planned: int = 0  # summed over those commitments

    @property
    def active(self) -> int:
        return self.relays - self.departed

    @property
    def respondents(self) -> int:
        return sum(line.respondents for line in self.rounds)

    @property
    def answered(self) -> int:
        return sum(line.answered for line in self.rounds)

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.respondents if self.respondents else None

    @property
    def restitution_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def practice_change_share(self) -> float | None:
        if not self.practice_relays:
            return None
        return self.practice_changed_relays / self.practice_relays

    @property
    def commitment_share(self) -> float | None:
        return self.committed / self.active if self.active else None


def followup(*, scope: Scope, today: dt.date | None = None) -> FollowUp:
    """The follow-up figures of the sessions in scope: six queries, whatever their size."""
    return _followup(scope=scope, today=today, per=None).get(None, FollowUp())


def followup_per(
    *, scope: Scope, per: Per = "workshop", today: dt.date | None = None
) -> dict[Any, FollowUp]:
    """``followup`` of each workshop (or session) in scope, by id, in the same six queries.
    A unit briefed by relays of two workshops counts in each one's lower bound."""
    return _followup(scope=scope, today=today, per=per)


def _key(per: Per | None, to_enrollment: str) -> str | None:
    """The field grouping rows by workshop or session, from a path to their enrollment."""
    if per is None:
        return None
    prefix = f"{to_enrollment}__" if to_enrollment else ""
    return f"{prefix}session__workshop_id" if per == "workshop" else f"{prefix}session_id"


def _followup(*, scope: Scope, today: dt.date | None, per: Per | None) -> dict[Any, FollowUp]:
    today = today or timezone.localdate()
    relays = relays_of(sessions=scope.sessions())
    departed = Departure.objects.filter(person_id=OuterRef("person_id"))
    active = relays.exclude(Exists(departed))
    results: dict[Any, FollowUp] = {}

    def result(group: Any) -> FollowUp:
        return results.setdefault(group, FollowUp())

    _count_relays(relays, departed, per=per, today=today, result=result)
    _count_reached(relays, per=per, result=result)
    _count_rounds(scope, active, per=per, result=result)
    _count_practices(scope, active, per=per, result=result)
    for found in results.values():
        found.rounds.sort(key=lambda line: (line.workshop, line.number))
    return results


def _grouped(queryset: QuerySet[Any], key: str | None, **aggregates: Any) -> dict[Any, dict]:
    """``aggregates`` over the queryset, for each value of ``key`` (or once, under None)."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): row for row in rows}


def _first_restitution() -> Subquery:
    first = Restitution.objects.filter(enrollment=OuterRef("pk")).order_by("held_on")
    return Subquery(first.values("held_on")[:1])


def _count_relays(
    relays: QuerySet[Enrollment],
    departed: QuerySet[Departure],
    *,
    per: Per | None,
    today: dt.date,
    result: Callable[[Any], FollowUp],
) -> None:
    """Relays, departures, restitution within 3 months, time to the first one, commitments:
    one query, relays grouped by their session's last day and their first restitution."""
    key = _key(per, "")
    rows = (
        relays.annotate(first=_first_restitution(), gone=Exists(departed))
        .order_by()
        .values("session__end_date", "first", "gone", *([key] if key else []))
        .annotate(
            n=Count("pk"),
            committed=Count("commitment"),
            planned=Sum("commitment__people_planned"),
        )
    )
    waits: dict[Any, list[tuple[int, int]]] = {}  # group -> (days to the first, relays)
    for row in rows:
        found = result(row[key] if key else None)
        ended, first, n = row["session__end_date"], row["first"], row["n"]
        found.relays += n
        if first is not None:
            found.with_restitution += n
            waits.setdefault(row[key] if key else None, []).append(((first - ended).days, n))
        if row["gone"]:
            found.departed += n
            continue
        found.committed += row["committed"]
        found.people_planned += int(row["planned"] or 0)
        deadline = months_after(ended, MONTHS_TO_RESTITUTION)
        if deadline <= today:
            found.due += n
            if first is not None and first <= deadline:
                found.on_time += n
    for group, counted in waits.items():
        found = result(group)
        found.days_to_first_mean = sum(d * n for d, n in counted) / found.with_restitution
        found.days_to_first_median = _weighted_median(counted)


def _weighted_median(counted: list[tuple[int, int]]) -> float:
    """The median of values each repeated n times (the mean of the two middle ones if even)."""
    ordered = sorted(counted)
    total = sum(n for _value, n in ordered)
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, n in ordered:
        while middle and middle[0] < seen + n:
            found.append(value)
            middle.pop(0)
        seen += n
    return statistics.mean(found)


def _count_reached(
    relays: QuerySet[Enrollment], *, per: Per | None, result: Callable[[Any], FollowUp]
) -> None:
    """The audiences summed (upper bound), then the largest restitution of each unit or
    unitless relay (lower bound): two queries."""
    held = Restitution.objects.filter(enrollment__in=relays.values("pk"))
    key = _key(per, "enrollment")
    sums = {name: Sum(name) for name in ("women", "men", *CATEGORIES)}
    for group, row in _grouped(held, key, n=Count("pk"), **sums).items():
        reached = result(group).reached
        reached.restitutions = row["n"]
        for name in sums:
            setattr(reached, name, int(row[name] or 0))
    # Unitless restitutions: one group per relay (their unit's column is null).
    largest = (
        held.annotate(size=F("women") + F("men"), relay=_unitless_relay())
        .order_by()
        .values("unit_id", "relay", *([key] if key else []))
        .annotate(most=Max("size"))
    )
    for row in largest:
        result(row[key] if key else None).reached.lower_bound += int(row["most"] or 0)


def _unitless_relay() -> Case:
    return Case(
        When(unit__isnull=True, then=F("enrollment_id")),
        default=None,
        output_field=IntegerField(),
    )


def _count_rounds(
    scope: Scope,
    active: QuerySet[Enrollment],
    *,
    per: Per | None,
    result: Callable[[Any], FollowUp],
) -> None:
    """Respondents and answers of each round (not in preparation): one query."""
    key = _key(per, "enrollment")
    respondents = Respondent.objects.filter(
        round__workshop__in=scope.sessions().values("workshop_id"),
        enrollment__in=active.values("pk"),
    ).exclude(round__status=Round.Status.DRAFT)
    rows = (
        respondents.order_by()
        .values(
            "round_id",
            "round__number",
            "round__months",
            "round__workshop__title",
            *([key] if key else []),
        )
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    for row in rows:
        result(row[key] if key else None).rounds.append(
            RoundFigures(
                round_id=row["round_id"],
                workshop=row["round__workshop__title"],
                number=row["round__number"],
                months=row["round__months"],
                respondents=row["n"],
                answered=row["answered"],
            )
        )


def _count_practices(
    scope: Scope,
    active: QuerySet[Enrollment],
    *,
    per: Per | None,
    result: Callable[[Any], FollowUp],
) -> None:
    """Practice changes by item and by relay, each relay's latest answer to each item: two
    queries (the items' labels, then the counts)."""
    rounds = Round.objects.filter(workshop__in=scope.sessions().values("workshop_id")).exclude(
        status=Round.Status.DRAFT
    )
    labels = _practice_labels(rounds)
    if not labels:
        return
    key = _key(per, "respondent__enrollment")
    relay = "respondent__enrollment_id"
    ranked = (
        Response.objects.filter(
            respondent__round__in=rounds,
            respondent__enrollment__in=active.values("pk"),
            question__content__kind="practice",
            value__in=ANSWERED,
        )
        .annotate(code=KeyTextTransform("code", "question__content"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F(relay), F("code")],
                order_by=[F("respondent__round__number").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
    )
    # Counted outside the window's query: a window cannot be grouped in the query it ranks.
    latest = Response.objects.filter(pk__in=ranked.values("pk"))
    # One pass over the latest answers: each item's counts (its code is known from the labels)
    # and the relays', side by side in one row of each group.
    changed = Q(value=CHANGED)
    counts: dict[str, Any] = {
        "relays": Count(relay, distinct=True),
        "changed": Count(relay, distinct=True, filter=changed),
    }
    for n, code in enumerate(labels):
        counts[f"answered_{n}"] = Count("pk", filter=Q(question__content__code=code))
        counts[f"changed_{n}"] = Count("pk", filter=Q(question__content__code=code) & changed)
    for group, row in _grouped(latest, key, **counts).items():
        found = result(group)
        found.practice_relays, found.practice_changed_relays = row["relays"], row["changed"]
        found.practices = [
            PracticeChange(
                code=code,
                label=label,
                answered=row[f"answered_{n}"],
                changed=row[f"changed_{n}"],
            )
            for n, (code, label) in enumerate(labels.items())
            if row[f"answered_{n}"]
        ]


def _practice_labels(rounds: QuerySet[Round]) -> dict[str, str]:
    """Each practice item's code and label (the practice, in the active language), in the order
    of the questionnaires."""
    english = (get_language() or "fr").startswith("en")
    labels: dict[str, str] = {}
    questions = RoundQuestion.objects.filter(round__in=rounds, content__kind="practice").order_by(
        "round__number", "order"
    )
    for content in questions.values_list("content", flat=True):
        code = str(content.get("code", ""))
        if code in labels:
            continue
        practice = (content.get("practice_en") if english else "") or content.get("practice")
        labels[code] = str(practice or content.get("text") or code)
    return labels


def followup_definitions() -> str:
    """The definitions the reports print after the follow-up's figures."""
    return _(
        "Un relais est un participant formé par une session ; un officier sorti du suivi "
        "(muté hors de portée, parti du service, décédé) est retiré du numérateur et du "
        "dénominateur de chaque taux. Taux de réponse : relais ayant répondu au tour sur les "
        "relais de sa liste d’appel. Restitution dans les 3 mois : relais ayant tenu au moins une "
        "restitution au plus tard 3 mois (calendaires) après le dernier jour de leur session, "
        "sur les relais dont ces 3 mois sont écoulés. Personnes touchées : la borne haute "
        "additionne les publics de toutes les restitutions (une personne présente deux fois est "
        "comptée deux fois) ; la borne basse ne retient, dans chaque unité, que la plus grande "
        "restitution qui s’y est tenue (sans unité : la plus grande de chaque relais) ; le "
        "nombre de personnes distinctes touchées est entre les deux. Changements de pratique : "
        "pour chaque pratique, la dernière réponse de chaque relais (« sans objet » et absence "
        "de réponse exclues) ; la part est celle des relais déclarant un changement. Délai avant "
        "la première restitution : jours entre le dernier jour de la session et la première "
        "restitution, sur les relais qui en ont tenu une."
    )
