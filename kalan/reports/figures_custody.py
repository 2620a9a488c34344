"""Evidence of change (Kirkpatrick level 4): do the units where trained officers serve treat
persons in custody better? The figures of the National Preventive Mechanism's visits
(``kalan.custody``) set against who was trained by the sessions of a ``Scope`` and where they
served on the day of each visit (the postings history), for each item of the visit instrument and
each of its themes. Aggregate queries only, five whatever the visits, the units or the persons;
no function here returns a unit, a place or a person.

Definitions (the page and the reports print ``evidence_method``):

- the *visits counted* are the visits done (``Visit.Status.DONE``) on or before ``today``; of
  each, the answers to the items in use (``InstrumentItem.active``); an answer « non vu » (not
  seen) is left out of both terms: it says nothing of the practice;
- an answer is *compliant* when it is « oui »; « en partie » and « non » are **not** compliant
  (a right notified in part is not notified);
- a person is *trained* by a session in scope as in ``kalan.reports.figures``: a participant
  enrollment present at least one day or half-day, not superseded by a merge
  (``kalan.relays.selectors.relays_of``);
- a visit is to a unit *with a trained officer at the time of the visit* when its place belongs
  to a unit and at least one person trained by a session in scope whose last day is on or before
  the visit's date was posted to that unit on that date. The posting in force on a date is the
  latest recorded on or before it (``since`` ≤ date; of one day, the last recorded, by id), as in
  ``kalan.people.selectors.posting_on``: an officer moved away before the visit does not count, one
  moved in does. A person with no posting at all counts in their ``Person.unit`` from their
  session's last day. A place that is not a unit's (a prison) is never *with a trained officer*;
- table 1 (``Evidence.items``, ``Evidence.themes``) sets, for each item, the visits to a unit
  with a trained officer at the time against the others: answers (visits answered, « non vu »
  excluded), compliant answers, the proportion compliant and its Wilson 95 % interval, and the
  difference of the two proportions in percentage points (trained − others);
- the *Wilson interval* of k compliant out of n, with p = k / n and z = 1.96:
  centre = (p + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²),
  the interval being centre ± half-width; it stays within 0 and 1 and holds for small n;
- table 2 (``Evidence.did_items``, ``Evidence.did_themes``), a difference-in-differences: units
  *ever with a trained officer* (on at least one day from a trained person's session's last day
  to ``today``, by the postings as above) against the others (never, and places that are not a
  unit's), visits *before* the cutoff (visit date < cutoff) against *after* (visit date ≥
  cutoff). DiD = (trained after − trained before) − (others after − others before), in points.
  The cutoff defaults to the last day of the earliest session in scope (by its first day) that
  trained somebody; the page lets the user pick another;
- a cell with fewer than ``MIN_VISITS`` visits shows « pas assez de visites pour conclure »
  instead of its proportion, and so does every difference that uses it (``Cell.enough``);
- a *theme* pools the answers of all its items: its answers and compliant answers are summed,
  its visits are the distinct visits with at least one answer in the theme (the threshold counts
  those), its interval treats the answers as independent (they are not: the interval is too
  narrow, one of the limits stated);
- ``Cell.one_place`` says that a single place makes a cell: the reports to partners never print
  such a cell, lest it be that unit's findings;
- *one visit's tally* (``visit_tally``, the visit report's counts): for each theme, the items
  the visit answered (« non vu » excluded, as above) and those compliant (« oui »), items in use
  only.

Each visit falls in one group of each table (trained at the time or not; ever trained or not,
before or after): the answers are counted once, by item (then by theme) and by the three flags
of their visit, and each table's cells are sums of those counts (a visit is in one flag group
only, so even its distinct visits add up; one place is told by the lowest and highest place).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kalan.custody.models import Answer, InstrumentItem, ItemAnswer, Visit
from kalan.people.models import Person, Posting
from kalan.relays.selectors import relays_of
from kalan.reports.figures import Scope
from kalan.workshops.models import Enrollment

MIN_VISITS = 5  # below, a cell says « pas assez de visites pour conclure »
Z = 1.96  # 95 %
TOO_FEW = gettext_lazy("pas assez de visites pour conclure")


def wilson(compliant: int, answers: int, z: float = Z) -> tuple[float, float] | None:
    """The Wilson score interval of ``compliant`` out of ``answers`` (0 to 1); None for none."""
    if not answers:
        return None
    p = compliant / answers
    z2n = z * z / answers
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / answers + z2n / (4 * answers))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Cell:
    """The answers of one group of visits to one item (or theme)."""

    answers: int = 0  # « non vu » excluded; for an item, the visits answered
    compliant: int = 0  # « oui »
    visits: int = 0  # distinct visits (an item: = answers)
    one_place: bool = False  # all of them to one place: a partner's report does not print it

    @property
    def enough(self) -> bool:
        return self.visits >= MIN_VISITS

    @property
    def share(self) -> float | None:
        return self.compliant / self.answers if self.answers else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.compliant, self.answers)


def points(*cells: Cell, signs: Iterable[int]) -> float | None:
    """Σ sign × proportion of the cells, in percentage points; None as soon as one cell has too
    few visits to conclude."""
    if not all(cell.enough for cell in cells):
        return None
    return 100 * sum(sign * (cell.share or 0.0) for cell, sign in zip(cells, signs, strict=True))


@dataclass(frozen=True)
class Line:
    """What an item (or a theme) is: its key, its words and its theme."""

    key: str  # an item's key, or a theme's code
    label: str
    theme: str
    theme_label: str


@dataclass(frozen=True)
class Comparison:
    """Table 1: visits to a unit with a trained officer at the time against the others."""

    line: Line
    trained: Cell = Cell()
    others: Cell = Cell()

    @property
    def difference(self) -> float | None:
        """trained − others, in points; None when either has too few visits."""
        return points(self.trained, self.others, signs=(1, -1))


@dataclass(frozen=True)
class DiffInDiff:
    """Table 2: units ever with a trained officer against the others, before and after."""

    line: Line
    trained_before: Cell = Cell()
    trained_after: Cell = Cell()
    others_before: Cell = Cell()
    others_after: Cell = Cell()

    @property
    def trained_change(self) -> float | None:
        return points(self.trained_after, self.trained_before, signs=(1, -1))

    @property
    def others_change(self) -> float | None:
        return points(self.others_after, self.others_before, signs=(1, -1))

    @property
    def did(self) -> float | None:
        """(trained after − before) − (others after − before), in points."""
        cells = (self.trained_after, self.trained_before, self.others_after, self.others_before)
        return points(*cells, signs=(1, -1, -1, 1))


@dataclass
class Evidence:
    today: dt.date
    cutoff: dt.date | None  # None: nobody trained in scope, no table 2
    cutoff_default: dt.date | None
    visits: int = 0  # visits counted (done, on or before today, with an answer counted)
    visits_trained: int = 0  # of those, to a unit with a trained officer at the time
    items: list[Comparison] = field(default_factory=list)  # in the instrument's order
    themes: list[Comparison] = field(default_factory=list)  # in the themes' order
    did_items: list[DiffInDiff] = field(default_factory=list)
    did_themes: list[DiffInDiff] = field(default_factory=list)

    def items_by_theme(self) -> list[tuple[Comparison, list[Comparison]]]:
        """Each theme's row with its items' rows."""
        return [
            (theme, [row for row in self.items if row.line.theme == theme.line.key])
            for theme in self.themes
        ]

    def did_by_theme(self) -> list[tuple[DiffInDiff, list[DiffInDiff]]]:
        return [
            (theme, [row for row in self.did_items if row.line.theme == theme.line.key])
            for theme in self.did_themes
        ]


def evidence(
    *,
    scope: Scope | None = None,
    cutoff: dt.date | None = None,
    today: dt.date | None = None,
) -> Evidence:
    """The two tables of the visits counted up to ``today``, against the persons trained by the
    sessions of ``scope`` (every session when None): five queries, whatever the data."""
    scope = scope or Scope()
    today = today or timezone.localdate()
    relays = relays_of(sessions=scope.sessions())
    first = cutoff_default(relays=relays)
    found = Evidence(today=today, cutoff=cutoff or first, cutoff_default=first)
    lines, themes = _lines()
    answers = _answers_counted(today)
    trained_visits = Visit.objects.filter(_trained_at_visit(relays)).values("pk")
    _count_visits(found, today=today, trained_visits=trained_visits)
    flags: dict[str, Any] = {"trained": Q(visit_id__in=trained_visits)}
    if found.cutoff is not None:
        flags["ever"] = _ever_trained(relays, today)
        flags["after"] = Q(visit__visited_on__gte=found.cutoff)
    flagged = answers.annotate(
        **{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in flags.items()}
    )
    for key, rows, tables in (
        # By the item's key, a column of the join: grouped by ``item_id``, SQLite walks the
        # answers by that index and reads the visits out of order (three times slower).
        ("item__key", lines, (found.items, found.did_items)),
        ("item__theme", themes, (found.themes, found.did_themes)),
    ):
        sums = _sums(flagged, key, tuple(flags))
        for group, line in rows.items():
            tables[0].append(_comparison(line, sums.get(group, [])))
            if found.cutoff is not None:
                tables[1].append(_did(line, sums.get(group, [])))
    return found


def cutoff_default(*, relays: QuerySet[Enrollment]) -> dt.date | None:
    """The last day of the earliest session (by its first day) that trained somebody."""
    first = relays.order_by("session__start_date", "session__end_date").values_list(
        "session__end_date", flat=True
    )
    return first.first()


def _lines() -> tuple[dict[str, Line], dict[str, Line]]:
    """The items in use (by key, in the instrument's order) and their themes (in the themes'
    order), in the active language: one query."""
    english = (get_language() or "fr").startswith("en")
    names = dict(InstrumentItem.Theme.choices)
    items: dict[str, Line] = {}
    for key, theme, text, text_en in (
        InstrumentItem.objects.filter(active=True)
        .order_by("order", "pk")
        .values_list("key", "theme", "text", "text_en")
    ):
        label = (text_en or text) if english else text
        items[key] = Line(key=key, label=label, theme=theme, theme_label=str(names.get(theme)))
    themes = {
        code: Line(key=code, label=str(label), theme=code, theme_label=str(label))
        for code, label in InstrumentItem.Theme.choices
        if any(line.theme == code for line in items.values())
    }
    return items, themes


def _answers_counted(today: dt.date) -> QuerySet[ItemAnswer]:
    return ItemAnswer.objects.filter(
        visit__status=Visit.Status.DONE,
        visit__visited_on__lte=today,
        item__active=True,
    ).exclude(value=Answer.NOT_SEEN)


def _trained_at_visit(relays: QuerySet[Enrollment]) -> Q:
    """For a visit (the outer query): a person trained in scope, whose session ended on or
    before the visit, posted to the visit's unit on its date (or, never posted, of that unit)."""
    day = OuterRef(OuterRef("visited_on"))
    # Driven from the unit's postings (a handful per unit), not from the trained persons.
    superseded = Posting.objects.filter(person_id=OuterRef("person_id"), since__lte=day).filter(
        Q(since__gt=OuterRef("since")) | Q(since=OuterRef("since"), pk__gt=OuterRef("pk"))
    )
    trained_by_then = relays.filter(person_id=OuterRef("person_id"), session__end_date__lte=day)
    in_force = Posting.objects.filter(
        ~Exists(superseded),
        Exists(trained_by_then),
        unit_id=OuterRef("place__unit_id"),
        since__lte=OuterRef("visited_on"),
    )
    unposted = Person.objects.filter(
        ~Exists(Posting.objects.filter(person_id=OuterRef("pk"))),
        Exists(relays.filter(person_id=OuterRef("pk"), session__end_date__lte=day)),
        unit_id=OuterRef("place__unit_id"),
    )
    return Q(place__unit__isnull=False) & (Q(Exists(in_force)) | Q(Exists(unposted)))


def _ever_trained(relays: QuerySet[Enrollment], today: dt.date) -> Q:
    """For an answer: its visit's unit had a trained officer on at least one day from a trained
    person's session's last day to ``today``. A posting holds from its day until the next one:
    it is in force on some day of that span if it is still the latest on the first day it could
    be, the later of its own day and the session's last day."""
    superseded = Posting.objects.filter(
        Q(since__gt=OuterRef(OuterRef("since")))
        | Q(since=OuterRef(OuterRef("since")), pk__gt=OuterRef(OuterRef("pk"))),
        person_id=OuterRef("person_id"),
        since__lte=Greatest(OuterRef("session__end_date"), OuterRef(OuterRef("since"))),
    )
    trained = relays.filter(
        ~Exists(superseded), person_id=OuterRef("person_id"), session__end_date__lte=today
    )
    # Driven from the persons trained in scope, never from the whole registry's postings and
    # persons (200,000 officers whom no session in scope trained).
    persons = relays.filter(session__end_date__lte=today).values("person_id")
    posted = Posting.objects.filter(
        Exists(trained), person_id__in=persons, unit__isnull=False, since__lte=today
    )
    unposted = Person.objects.filter(
        ~Exists(Posting.objects.filter(person_id=OuterRef("pk"))),
        pk__in=persons,
        unit__isnull=False,
    )
    # Not null: an IN over a null unit is null, and would make a third group.
    return Q(visit__place__unit__isnull=False) & (
        Q(visit__place__unit_id__in=posted.values("unit_id"))
        | Q(visit__place__unit_id__in=unposted.values("unit_id"))
    )


def _count_visits(found: Evidence, *, today: dt.date, trained_visits: Any) -> None:
    counted = Visit.objects.filter(
        Exists(_answers_counted(today).filter(visit_id=OuterRef("pk"))),
    )
    row = counted.aggregate(n=Count("pk"), trained=Count("pk", filter=Q(pk__in=trained_visits)))
    found.visits, found.visits_trained = row["n"], row["trained"]


@dataclass
class _Sum:
    """Counts added up over flag groups (a visit is in one group only); one place when the
    lowest and highest place are the same."""

    answers: int = 0
    compliant: int = 0
    visits: int = 0
    lowest: int | None = None
    highest: int | None = None

    def add(self, row: dict[str, Any]) -> None:
        self.answers += row["answers"]
        self.compliant += row["compliant"]
        self.visits += row["visits"]
        lows = [n for n in (self.lowest, row["lowest"]) if n is not None]
        highs = [n for n in (self.highest, row["highest"]) if n is not None]
        self.lowest, self.highest = min(lows, default=None), max(highs, default=None)

    def cell(self) -> Cell:
        one = self.lowest is not None and self.lowest == self.highest
        return Cell(self.answers, self.compliant, self.visits, one_place=one)


Flags = dict[str, bool]


def _sums(
    answers: QuerySet[ItemAnswer], key: str, flags: tuple[str, ...]
) -> dict[Any, list[tuple[Flags, dict[str, Any]]]]:
    """The counts of each item (or theme) by the flags of its visits: one query."""
    rows = (
        answers.order_by()
        .values(key, *flags)
        .annotate(
            answers=Count("pk"),
            compliant=Count("pk", filter=Q(value=Answer.YES)),
            visits=Count("visit_id", distinct=True),
            lowest=Min("visit__place_id"),
            highest=Max("visit__place_id"),
        )
    )
    found: dict[Any, list[tuple[Flags, dict[str, Any]]]] = {}
    for row in rows:
        found.setdefault(row[key], []).append(({name: bool(row[name]) for name in flags}, row))
    return found


def _cell(rows: list[tuple[Flags, dict[str, Any]]], **wanted: bool) -> Cell:
    """The sum of the rows whose flags are those ``wanted``."""
    total = _Sum()
    for flags, row in rows:
        if all(flags[name] == value for name, value in wanted.items()):
            total.add(row)
    return total.cell()


def _comparison(line: Line, rows: list[tuple[Flags, dict[str, Any]]]) -> Comparison:
    return Comparison(
        line=line, trained=_cell(rows, trained=True), others=_cell(rows, trained=False)
    )


def _did(line: Line, rows: list[tuple[Flags, dict[str, Any]]]) -> DiffInDiff:
    return DiffInDiff(
        line=line,
        trained_before=_cell(rows, ever=True, after=False),
        trained_after=_cell(rows, ever=True, after=True),
        others_before=_cell(rows, ever=False, after=False),
        others_after=_cell(rows, ever=False, after=True),
    )


@dataclass(frozen=True)
class ThemeTally:
    theme: str
    examined: int  # items answered « oui », « en partie » or « non »
    compliant: int  # answered « oui »


def visit_tally(*, visit: Visit) -> list[ThemeTally]:
    """One visit's items examined and compliant, by theme in the instrument's order (themes it
    did not examine left out). One query."""
    rows = (
        ItemAnswer.objects.filter(visit=visit, item__active=True)
        .exclude(value=Answer.NOT_SEEN)
        .values("item__theme")
        .annotate(examined=Count("pk"), compliant=Count("pk", filter=Q(value=Answer.YES)))
    )
    found = {row["item__theme"]: row for row in rows}
    return [
        ThemeTally(theme=theme, examined=row["examined"], compliant=row["compliant"])
        for theme in InstrumentItem.Theme.values
        if (row := found.get(theme))
    ]


def evidence_method() -> list[str]:
    """The method and its limits, in plain French: the paragraphs the page and the reports
    print after the tables."""
    return [
        _(
            "Méthode. Sont comptées les visites effectuées de lieux de garde à vue, et pour "
            "chacune les réponses aux points de la grille en usage. Une réponse « non vu » n’est "
            "comptée nulle part. Seul « oui » est conforme : « en partie » et « non » ne le sont "
            "pas. Une visite est faite à une unité « avec un officier formé » quand au moins une "
            "personne formée par les ateliers retenus (présente au moins une journée ou "
            "demi-journée) y était affectée le jour de la visite, d’après l’historique des "
            "affectations, et avait terminé sa session avant la visite ou le jour même."
        ),
        _(
            "Chaque proportion est donnée avec son intervalle de confiance à 95 %% (méthode de "
            "Wilson) : la plage où se situe vraisemblablement la proportion réelle ; plus il y a "
            "de visites, plus elle est étroite. Les écarts sont en points de pourcentage. Le "
            "second tableau (différence de différences) compare l’évolution, avant et après la "
            "date de référence, des unités ayant reçu au moins un officier formé à celle des "
            "autres unités : si les deux évoluent de la même façon, l’écart est nul. Une case "
            "de moins de %(min)s visites affiche « pas assez de visites pour conclure », de "
            "même que tout écart qui l’utilise."
        )
        % {"min": MIN_VISITS},
        evidence_limits(),
    ]


def evidence_limits() -> str:
    """The limits in one paragraph (the reports print this one only)."""
    return _(
        "Limites. Ces chiffres montrent une association, pas une cause : les unités ne sont pas "
        "choisies au hasard (les commandements envoient en formation des officiers d’unités "
        "qu’ils jugent prioritaires) ; la saison, la charge de travail et les événements locaux "
        "changent ce qui se passe en garde à vue d’une période à l’autre ; les lieux visités, "
        "l’équipe qui visite et la fréquence des visites ne sont pas les mêmes partout ; une "
        "visite annoncée laisse à l’unité le temps de se préparer ; les affectations sont "
        "datées du jour où l’institution les a apprises, pas de la mutation ; les réponses d’un "
        "même thème viennent des mêmes visites, ce qui rend les intervalles des thèmes trop "
        "étroits ; et sur de petits nombres, un écart peut n’être que du hasard."
    )
