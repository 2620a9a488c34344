"""The one source of the programme's numbers.

Every figure that leaves Kalan in a report, a press release, a chart or a partner's page is read
here, so that the three documents an institution writes about one workshop never disagree. The
functions take a ``Scope`` (which sessions) and answer with aggregate queries whose number does
not grow with the sessions or the persons counted; no function here returns a person.
The follow-up's figures (relays, rounds, restitutions, practices) are in ``figures_followup``.

Definitions (the reports print them in their notes):

- a *participant* is an enrollment with the participant role (facilitators, organisers and
  observers are never counted as trained);
- an enrollment, or a test copy, that a merge of two records of one person superseded
  (``superseded_by``, see ``kalan.workshops.merge``) is never counted: it is the same person
  again;
- a person is *trained* by a session once present there at least one day or half-day;
  *distinct persons* counts each person once across sessions;
- *person-days* sum the days of presence of participants; a half-day counts for half a day;
- the *attendance rate* is person-days over the days offered so far: enrolled participants
  (withdrawn ones excluded) times the session's days up to today (a session still to come
  offers none yet, so it does not pull the rate down);
- a session is *held* once its first day has come and at least one participant was marked
  present there (one attendance); *planned* while its first day is still to come. A session
  whose first day has passed with no participant marked present (cancelled, or its attendance
  not entered yet) is **not held**, even with persons enrolled: it is counted apart, *without
  attendance* (``sessions_unattended``); ``sessions`` counts the three;
- a *workshop* is counted once it has at least one session in scope (held, planned or not);
- over time (``timeline``), a session and what it trained fall in the month of its first day,
  as ``Scope.start``/``end`` place it;
- the *region* of a session is the region of the town where it is held; the *region* of a
  person is the region of their unit's town (where they serve, and will act as a relay).
- the *rank group* of a person is that of their rank (``Rank.group``, reference data: officer,
  non-commissioned officer, enlisted, civilian); breakdowns of persons also split each count by
  sex;
- ``*_per`` functions give the same figures per workshop (or session) in the same number of
  queries; distinct persons are distinct within each group and do not add up.
- two normalised gains, each under its own name wherever it is shown (pages, reports, the
  dashboard, exports), both over the *paired* participants (who sent a copy of the pre-test and
  one of the post-test), neither ever printed under the other's name:

  - *Hake's gain (class averages)*, « Gain de Hake (moyennes du groupe) »
    (``Learning.hake_gain``; ``SessionResults.hake_gain`` on the results page): Hake's g on the
    group's means, ``(mean post − mean pre) / (100 − mean pre)``;
  - the *mean individual normalised gain*, « Gain normalisé individuel moyen »
    (``Learning.mean_normalised_gain``; ``SessionResults.mean_normalised_gain``): the mean of
    each participant's own ``(post − pre) / (100 − pre)``, leaving out who scored 100 % before
    (nothing was left to gain).

  They differ as soon as participants start from different scores: 75 → 100 and 25 → 62.5 give
  a Hake's gain of 0.625 (means 50 → 81.25) and a mean individual gain of 0.75 (1 and 0.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from kalan.assessments.bank import SCORED_KINDS
from kalan.assessments.models import Answer, Submission, Test, TestQuestion
from kalan.assessments.selectors import normalised_gain
from kalan.core.models import Place
from kalan.finance.models import PaymentStatement
from kalan.people.models import Person, Rank
from kalan.workshops.models import Attendance, Enrollment, Funding, Session

PARTICIPANT = Enrollment.Role.PARTICIPANT
WITHDRAWN = Enrollment.Status.WITHDRAWN


@dataclass(frozen=True)
class Scope:
    """Which sessions a figure covers. Empty fields do not filter.

    ``start``/``end`` keep the sessions whose first day falls in the period (inclusive);
    ``trainer_id`` the sessions assigned to that trainer, the only ones a trainer may open.
    """

    partner_id: int | None = None
    axis_id: int | None = None
    workshop_id: int | None = None
    session_id: int | None = None
    region_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    trainer_id: int | None = None

    def sessions(self) -> QuerySet[Session]:
        sessions = Session.objects.all()
        if self.session_id is not None:
            sessions = sessions.filter(pk=self.session_id)
        if self.workshop_id is not None:
            sessions = sessions.filter(workshop_id=self.workshop_id)
        if self.axis_id is not None:
            sessions = sessions.filter(workshop__axis_id=self.axis_id)
        if self.partner_id is not None:
            sessions = sessions.filter(
                workshop__in=Funding.objects.filter(partner_id=self.partner_id).values(
                    "workshop_id"
                )
            )
        if self.region_id is not None:
            sessions = sessions.filter(
                Q(place_id=self.region_id) | Q(place__parent_id=self.region_id)
            )
        if self.start is not None:
            sessions = sessions.filter(start_date__gte=self.start)
        if self.end is not None:
            sessions = sessions.filter(start_date__lte=self.end)
        if self.trainer_id is not None:
            assigned = Session.trainers.through.objects.filter(user_id=self.trainer_id)
            sessions = sessions.filter(pk__in=assigned.values("session_id"))
        return sessions


@dataclass(frozen=True)
class Tally:
    """A count split by a label (a corps, a region, a sex), largest first."""

    label: str
    value: int
    women: int = 0  # of the value: the breakdowns of persons are split by sex too
    men: int = 0


@dataclass
class Participation:
    sessions_planned: int = 0  # first day still to come
    sessions_held: int = 0  # first day come, at least one participant marked present
    sessions_unattended: int = 0  # first day come, no participant marked present: not held
    workshops: int = 0  # workshops with at least one session in scope
    participants: int = 0  # participant enrollments, withdrawn ones excluded
    persons_trained: int = 0  # enrollments present at least once
    distinct_persons: int = 0  # persons present at least once, each counted once
    women: int = 0  # distinct persons trained
    men: int = 0
    person_days: float = 0.0
    days_offered: float = 0.0
    by_corps: list[Tally] = field(default_factory=list)  # distinct persons trained
    by_session_region: list[Tally] = field(default_factory=list)  # enrollments trained
    by_unit_region: list[Tally] = field(default_factory=list)  # distinct persons trained
    # Officers, non-commissioned officers, enlisted, civilians (Rank.group), the most senior first.
    by_rank_group: list[Tally] = field(default_factory=list)  # distinct persons trained

    @property
    def sessions(self) -> int:
        """Sessions in scope, held, planned or without attendance (a press release says « en
        deux sessions »)."""
        return self.sessions_held + self.sessions_planned + self.sessions_unattended

    @property
    def attendance_rate(self) -> float | None:
        """Person-days over days offered, 0 to 1; None when nothing was offered."""
        return _attendance_rate(self.person_days, self.days_offered)

    @property
    def women_share(self) -> float | None:
        """Women among the distinct persons trained, 0 to 1; None when nobody was trained."""
        return self.women / self.distinct_persons if self.distinct_persons else None


def _attendance_rate(person_days: float, days_offered: float) -> float | None:
    # Apart from the property: mutmut (`make mutation`) leaves decorated functions alone.
    return person_days / days_offered if days_offered else None


Per = Literal["workshop", "session"]


def _key(to_session: str, per: Per | None) -> str | None:
    """The field that groups a model's rows by workshop or by session, ``to_session`` being the
    path from the model to its session ("" for the session itself); None when not grouped."""
    if per is None:
        return None
    if per == "session":
        return f"{to_session}_id" if to_session else "pk"
    return f"{to_session}__workshop_id" if to_session else "workshop_id"


def _into(total: bool) -> Any:
    """Where a group's row is added: to its group, and to the total (None) when asked."""

    def groups(group: Any) -> tuple[Any, ...]:
        return (group, None) if total and group is not None else (group,)

    return groups


def _grouped(queryset: QuerySet[Any], key: str | None, **aggregates: Any) -> dict[Any, dict]:
    """``aggregates`` over the queryset, for each value of ``key`` (or once, under None)."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): row for row in rows}


def _tallies(
    queryset: QuerySet[Enrollment], *, key: str | None, label: str | Case, count: str
) -> dict[Any, list[Tally]]:
    """Enrollments counted by ``label`` (a field or an expression), each count split by sex;
    ``count`` is what is counted once: the enrollment ("pk") or the person ("person_id")."""
    if not isinstance(label, str):
        queryset, label = queryset.annotate(breakdown=label), "breakdown"
    rows = (
        queryset.order_by()
        .values(label, *([key] if key else []))
        .annotate(
            n=Count(count, distinct=True),
            women=Count(count, distinct=True, filter=Q(person__sex=Person.Sex.FEMALE)),
            men=Count(count, distinct=True, filter=Q(person__sex=Person.Sex.MALE)),
        )
    )
    found: dict[Any, list[Tally]] = {}
    for row in rows:
        found.setdefault(row[key] if key else None, []).append(
            Tally(label=row[label] or "", value=row["n"], women=row["women"], men=row["men"])
        )
    return found


def _largest_first(tallies: list[Tally]) -> list[Tally]:
    named = [Tally(t.label or "—", t.value, t.women, t.men) for t in tallies]
    return sorted(named, key=lambda t: (-t.value, t.label))


def _rank_groups(tallies: list[Tally]) -> list[Tally]:
    """Rank groups from the most senior down, their labels in the active language."""
    order = {code: n for n, code in enumerate(Rank.Group.values)}
    ordered = sorted(tallies, key=lambda t: order.get(t.label, len(order)))
    return [
        Tally(
            str(capfirst(Rank.Group(t.label).label))
            if t.label in order
            else gettext("Grade non renseigné"),
            t.value,
            t.women,
            t.men,
        )
        for t in ordered
    ]


def participation(*, scope: Scope, today: dt.date | None = None) -> Participation:
    """The attendance figures of the sessions in scope: eight queries, whatever their number."""
    return _participation(scope=scope, today=today, per=None).get(None, Participation())


def participation_per(
    *, scope: Scope, per: Per, today: dt.date | None = None, total: bool = False
) -> dict[Any, Participation]:
    """``participation`` of each workshop (or session) in scope, by id, in the same queries.

    Distinct persons are distinct within each workshop: they do not add up to the total. With
    ``total``, the whole scope's figures come too, under None: the sums are added up from the
    groups, and only what counts persons once is asked again (five more queries).
    """
    return _participation(scope=scope, today=today, per=per, total=total)


def _participation(
    *, scope: Scope, today: dt.date | None, per: Per | None, total: bool = False
) -> dict[Any, Participation]:
    today = today or timezone.localdate()
    sessions = scope.sessions()
    session_ids = sessions.values("pk")
    results: dict[Any, Participation] = {}
    total = total and per is not None
    into = _into(total)

    def result(group: Any) -> Participation:
        return results.setdefault(group, Participation())

    _count_sessions(sessions, per=per, total=total, today=today, result=result)
    _count_days_offered(session_ids, per=per, today=today, result=result, into=into)
    _count_person_days(session_ids, per=per, result=result, into=into)
    _count_trained(session_ids, per=per, total=total, result=result)
    if total:
        result(None).by_session_region = _summed_tallies(
            found.by_session_region for group, found in results.items() if group is not None
        )
    return results


def _count_sessions(
    sessions: QuerySet[Session],
    *,
    per: Per | None,
    total: bool,
    today: dt.date,
    result: Callable[[Any], Participation],
) -> None:
    """Fill the sessions held, planned and without attendance and the workshops counted, of
    each group."""
    begun = Q(start_date__lte=today)
    attended = Q(Exists(_present_in(OuterRef("pk"))))
    timing_keys = [_key("", per), None] if total else [_key("", per)]
    for timing_key in timing_keys:  # a workshop of several sessions is counted once: asked again
        timing = _grouped(
            sessions,
            timing_key,
            held=Count("pk", filter=begun & attended),
            unattended=Count("pk", filter=begun & ~attended),
            planned=Count("pk", filter=Q(start_date__gt=today)),
            workshops=Count("workshop_id", distinct=True),
        )
        for group, row in timing.items():
            found = result(group)
            found.sessions_held, found.sessions_planned = row["held"], row["planned"]
            found.sessions_unattended = row["unattended"]
            found.workshops = row["workshops"]


def _present_in(session: Any) -> QuerySet[Attendance]:
    """The attendances of participants in ``session`` (a session, or an ``OuterRef`` to one):
    one is enough for the session to be held."""
    return Attendance.objects.filter(
        enrollment__session=session,
        enrollment__role=PARTICIPANT,
        enrollment__superseded_by__isnull=True,
    )


def _count_days_offered(
    session_ids: QuerySet[Session, Any],
    *,
    per: Per | None,
    today: dt.date,
    result: Callable[[Any], Participation],
    into: Callable[[Any], tuple[Any, ...]],
) -> None:
    """Fill the participants enrolled and the days offered to them so far, of each group."""
    enrolled = Enrollment.objects.filter(
        session__in=session_ids, role=PARTICIPANT, superseded_by__isnull=True
    ).exclude(status=WITHDRAWN)
    # Days offered so far: each enrolled participant times their session's days up to today.
    by_enrollment = _key("session", per)
    fields = ["session_id", "session__start_date", "session__end_date"]
    if by_enrollment and by_enrollment not in fields:
        fields.append(by_enrollment)
    for row in enrolled.order_by().values(*fields).annotate(n=Count("pk")):
        last = min(row["session__end_date"], today)
        days = max(0, (last - row["session__start_date"]).days + 1)
        for group in into(row[by_enrollment] if by_enrollment else None):
            found = result(group)
            found.days_offered += row["n"] * days
            found.participants += row["n"]


def _count_person_days(
    session_ids: QuerySet[Session, Any],
    *,
    per: Per | None,
    result: Callable[[Any], Participation],
    into: Callable[[Any], tuple[Any, ...]],
) -> None:
    """Fill the participants' days of presence of each group, a half-day counting for half."""
    present = Attendance.objects.filter(
        enrollment__session__in=session_ids,
        enrollment__role=PARTICIPANT,
        enrollment__superseded_by__isnull=True,
    )
    weight = Case(
        When(enrollment__session__half_days=True, then=Value(0.5)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    for group, row in _grouped(
        present, _key("enrollment__session", per), total=Sum(weight)
    ).items():
        for target in into(group):
            result(target).person_days += float(row["total"] or 0.0)


def _count_trained(
    session_ids: QuerySet[Session, Any],
    *,
    per: Per | None,
    total: bool,
    result: Callable[[Any], Participation],
) -> None:
    """Fill the persons trained of each group, by sex and in their breakdowns."""
    # Exists, not a join on attendances: one row per enrollment, whatever its days of presence.
    trained = Enrollment.objects.filter(
        Exists(Attendance.objects.filter(enrollment=OuterRef("pk"))),
        session__in=session_ids,
        role=PARTICIPANT,
        superseded_by__isnull=True,
    )
    by_enrollment = _key("session", per)
    # Persons are counted once per group: the total asks the database again, ungrouped.
    for key in [by_enrollment, None] if total else [by_enrollment]:
        counts = _grouped(
            trained,
            key,
            trained=Count("pk"),
            persons=Count("person_id", distinct=True),
            women=Count("person_id", distinct=True, filter=Q(person__sex=Person.Sex.FEMALE)),
            men=Count("person_id", distinct=True, filter=Q(person__sex=Person.Sex.MALE)),
        )
        for group, row in counts.items():
            found = result(group)
            found.persons_trained, found.distinct_persons = row["trained"], row["persons"]
            found.women, found.men = row["women"], row["men"]
        # The total's regions of sessions count enrollments, not persons: they are added up
        # from the groups instead (_summed_tallies).
        with_session_region = not (key is None and total)
        _count_breakdowns(trained, key=key, with_session_region=with_session_region, result=result)


def _count_breakdowns(
    trained: QuerySet[Enrollment],
    *,
    key: str | None,
    with_session_region: bool,
    result: Callable[[Any], Participation],
) -> None:
    """Fill the ``by_*`` tallies of each group, the trained enrollments grouped by ``key``."""
    breakdowns: dict[str, tuple[str | Case, str]] = {
        "by_session_region": (_region("session__place"), "pk"),
        "by_corps": ("person__corps__name", "person_id"),
        "by_unit_region": (_region("person__unit__place"), "person_id"),
        "by_rank_group": ("person__rank__group", "person_id"),
    }
    if not with_session_region:
        del breakdowns["by_session_region"]
    for name, (label, count) in breakdowns.items():
        for group, tallies in _tallies(trained, key=key, label=label, count=count).items():
            ordered = _rank_groups(tallies) if name == "by_rank_group" else _largest_first(tallies)
            setattr(result(group), name, ordered)


def _summed_tallies(groups: Iterable[list[Tally]]) -> list[Tally]:
    """The groups' tallies added up label by label, largest first."""
    merged: dict[str, list[int]] = {}
    for tallies in groups:
        for tally in tallies:
            sums = merged.setdefault(tally.label, [0, 0, 0])
            sums[0] += tally.value
            sums[1] += tally.women
            sums[2] += tally.men
    return _largest_first([Tally(label, *sums) for label, sums in merged.items()])


def _region(place: str) -> Case:
    """The region of a place given by its path: itself if a region, else its parent."""
    return Case(
        When(**{f"{place}__kind": Place.Kind.REGION}, then=F(f"{place}__name")),
        default=F(f"{place}__parent__name"),
    )


# --- over time --------------------------------------------------------------------------------

Step = Literal["month", "quarter", "year"]
MONTHS_IN: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    """A month (quarter, year) of the programme: its sessions and what they trained."""

    start: dt.date  # the first day of the month, quarter or year
    sessions_held: int = 0
    sessions_planned: int = 0
    sessions_unattended: int = 0  # first day passed, no participant marked present
    persons_trained: int = 0  # as Participation.persons_trained: enrollments present once
    person_days: float = 0.0


def period_start(day: dt.date, step: Step) -> dt.date:
    """The first day of the month, quarter or year that holds ``day``."""
    months = MONTHS_IN[step]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def _next_period(start: dt.date, step: Step) -> dt.date:
    month = start.month - 1 + MONTHS_IN[step]
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def timeline(*, scope: Scope, step: Step = "month", today: dt.date | None = None) -> list[Period]:
    """The sessions in scope period by period, from the first to the last: one query.

    Definitions are those of ``participation`` (held, planned or without attendance, persons
    trained, person-days), so the periods add up to its totals. A session and what it trained
    fall in the period of its first day. Periods with no session between the first and the last
    are listed with zeros, so that a chart's axis keeps time to scale.

    The query groups by month whatever the ``step``; quarters and years are sums of months,
    exact because each session and each enrollment lies in exactly one month.
    """
    sums = _period_sums(scope=scope, step=step, today=today or timezone.localdate())
    if not sums:
        return []
    periods = []
    start, last = min(sums), max(sums)
    while start <= last:
        held, planned, unattended, trained_count, days = sums.get(start, [0, 0, 0, 0, 0.0])
        periods.append(
            Period(
                start=start,
                sessions_held=int(held),
                sessions_planned=int(planned),
                sessions_unattended=int(unattended),
                persons_trained=int(trained_count),
                person_days=float(days),
            )
        )
        start = _next_period(start, step)
    return periods


def _period_sums(*, scope: Scope, step: Step, today: dt.date) -> dict[dt.date, list[float]]:
    """Sessions held, planned and without attendance, persons trained and person-days by start
    of period, for the periods that have sessions."""
    # One row per month: the join sessions -> enrollments -> attendances is a chain, so each
    # attendance row appears once (the person-days sum) and DISTINCT undoes the fan-out of the
    # counts.
    trained = Q(
        enrollments__role=PARTICIPANT,
        enrollments__superseded_by__isnull=True,
        enrollments__attendances__isnull=False,
    )
    weight = Case(
        When(half_days=True, then=Value(0.5)), default=Value(1.0), output_field=FloatField()
    )
    rows = (
        scope.sessions()
        .annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(
            begun=Count("pk", filter=Q(start_date__lte=today), distinct=True),
            # Held: begun and someone trained there (the join already reaches the attendances).
            held=Count("pk", filter=Q(start_date__lte=today) & trained, distinct=True),
            planned=Count("pk", filter=Q(start_date__gt=today), distinct=True),
            trained=Count("enrollments", filter=trained, distinct=True),
            person_days=Sum(weight, filter=trained),
        )
        .order_by("month")
    )
    sums: dict[dt.date, list[float]] = {}
    for row in rows:
        totals = sums.setdefault(period_start(row["month"], step), [0, 0, 0, 0, 0.0])
        totals[0] += row["held"]
        totals[1] += row["planned"]
        totals[2] += row["begun"] - row["held"]
        totals[3] += row["trained"]
        totals[4] += float(row["person_days"] or 0.0)
    return sums


@dataclass(frozen=True)
class FundedWorkshop:
    """A workshop a partner funds, with the partner's amount and the workshop's figures."""

    workshop_id: int
    title: str
    amount: int
    currency: str
    sessions: list[Session]
    figures: Participation


def funded_workshops(*, partner_id: int, today: dt.date | None = None) -> list[FundedWorkshop]:
    """What a donor viewer sees: the workshops its partner funds, aggregates only."""
    fundings = (
        Funding.objects.filter(partner_id=partner_id)
        .select_related("workshop__axis__plan__organisation")
        .order_by("-workshop__created_at")
    )
    per_workshop = participation_per(
        scope=Scope(partner_id=partner_id), per="workshop", today=today
    )
    found = []
    for funding in fundings:
        workshop = funding.workshop
        organisation = workshop.axis.plan.organisation
        found.append(
            FundedWorkshop(
                workshop_id=workshop.pk,
                title=workshop.title,
                amount=funding.amount,
                currency=organisation.currency if organisation else "XOF",
                sessions=list(
                    workshop.sessions.select_related("place__parent").order_by("start_date")
                ),
                figures=per_workshop.get(workshop.pk, Participation()),
            )
        )
    return found


# --- learning: pre/post tests and the satisfaction survey ------------------------------------


@dataclass(frozen=True)
class ObjectiveGain:
    """One curriculum objective: the mean score of its questions before and after, in percent."""

    code: str
    pre_percent: float | None
    post_percent: float | None

    @property
    def gain_points(self) -> float | None:
        if self.pre_percent is None or self.post_percent is None:
            return None
        return self.post_percent - self.pre_percent


@dataclass
class Learning:
    pre_copies: int = 0  # copies sent of the pre-tests
    post_copies: int = 0
    pre_mean: float | None = None  # mean percent of the copies sent
    post_mean: float | None = None
    paired: int = 0  # participants who sent both a pre- and a post-test copy
    paired_pre_mean: float | None = None  # mean percent of the paired participants' pre-tests
    paired_post_mean: float | None = None
    # « Gain normalisé individuel moyen »: the mean of each paired participant's own normalised
    # gain, 0-1 (not Hake's gain: see the module's docstring).
    mean_normalised_gain: float | None = None
    post_passed: int = 0  # post-test copies at or above their test's pass mark
    by_objective: list[ObjectiveGain] = field(default_factory=list)  # in code order

    @property
    def post_pass_share(self) -> float | None:
        """Share (0-1) of the post-test copies that reach the pass mark."""
        return self.post_passed / self.post_copies if self.post_copies else None

    @property
    def hake_gain(self) -> float | None:
        """« Gain de Hake (moyennes du groupe) », 0-1: Hake's g on the paired participants'
        means (not the mean of their gains: see the module's docstring)."""
        return normalised_gain(self.paired_pre_mean, self.paired_post_mean)


def learning(*, scope: Scope, objectives: bool = True) -> Learning:
    """Pre/post results of the sessions in scope: four queries (two without ``objectives``),
    whatever their number.

    The same rules as the results pages (``kalan.assessments.selectors.session_results``): a
    copy's percent is its score over the points possible, a copy passes at its test's pass mark
    (``passes``), the normalised gain of a participant is ``(post - pre) / (100 - pre)``
    (``normalised_gain``: none when the pre-test was perfect); the mean individual gain is the
    mean of those, and Hake's gain the same formula on the means, both over the participants
    who sent both copies. An objective's percent is the share of the points its
    scored questions offered in the copies sent that were earned (an unanswered question earns
    none): for one session, the mean of its questions' success rates, as on the results page.
    """
    return _learning(scope=scope, per=None, objectives=objectives).get(None, Learning())


def learning_per(
    *, scope: Scope, per: Per, objectives: bool = False, total: bool = False
) -> dict[Any, Learning]:
    """``learning`` of each workshop (or session) in scope, by id, in the same queries; with
    ``total``, that of the whole scope too, under None, added up from the groups' sums."""
    return _learning(scope=scope, per=per, objectives=objectives, total=total)


# ``passes`` rounds a percent to 6 decimals before comparing it: the same tolerance, in SQL.
PASS_TOLERANCE = 5e-7


def _learning(
    *, scope: Scope, per: Per | None, objectives: bool, total: bool = False
) -> dict[Any, Learning]:
    session_ids = scope.sessions().values("pk")
    results: dict[Any, Learning] = {}
    into = _into(total)

    def result(group: Any) -> Learning:
        return results.setdefault(group, Learning())

    sent = Submission.objects.filter(
        test__session__in=session_ids,
        test__kind__in=[Test.Kind.PRE, Test.Kind.POST],
        submitted_at__isnull=False,
        superseded_by__isnull=True,
        enrollment__role=PARTICIPANT,
    )
    by_test = _key("test__session", per)
    tests = _count_copies(sent, by_test=by_test, result=result, into=into)
    _count_gains(sent, by_test=by_test, result=result, into=into)
    if objectives:
        _objectives(sent=sent, tests=tests, per=per, result=result, into=into)
    return results


def _scored() -> Q:
    """The copies that have a percent: scored, out of more than zero points."""
    return Q(score__isnull=False, max_score__gt=0)


def _percent() -> ExpressionWrapper:
    """A copy's score in percent of the points possible."""
    return ExpressionWrapper(Value(100.0) * F("score") / F("max_score"), output_field=FloatField())


def _count_copies(
    sent: QuerySet[Submission],
    *,
    by_test: str | None,
    result: Callable[[Any], Learning],
    into: Callable[[Any], tuple[Any, ...]],
) -> dict[int, tuple[Any, str, int]]:
    """Fill the copies sent, mean percents and passes of each group; answer, by test id, the
    test's group, kind and copies sent."""
    scored = _scored()
    passing = scored & Q(
        score__gte=(F("test__pass_mark") - Value(PASS_TOLERANCE)) * F("max_score") / Value(100.0)
    )
    per_test = (
        sent.order_by()
        .values("test_id", "test__kind", *([by_test] if by_test else []))
        .annotate(
            copies=Count("pk"),
            percents=Count("pk", filter=scored),
            total=Sum(_percent(), filter=scored),
            passed=Count("pk", filter=passing),
        )
    )
    sums: dict[tuple[Any, str], list[float]] = {}
    tests: dict[int, tuple[Any, str, int]] = {}  # test id -> group, kind, copies sent
    for row in per_test:
        group, kind = (row[by_test] if by_test else None), row["test__kind"]
        tests[row["test_id"]] = (group, kind, row["copies"])
        for target in into(group):
            found = result(target)
            if kind == Test.Kind.PRE:
                found.pre_copies += row["copies"]
            else:
                found.post_copies += row["copies"]
                found.post_passed += row["passed"]
            totals = sums.setdefault((target, kind), [0.0, 0])
            totals[0] += float(row["total"] or 0.0)
            totals[1] += row["percents"]
    for (group, kind), (percent_sum, count) in sums.items():
        mean = percent_sum / count if count else None
        if kind == Test.Kind.PRE:
            result(group).pre_mean = mean
        else:
            result(group).post_mean = mean
    return tests


def _count_gains(
    sent: QuerySet[Submission],
    *,
    by_test: str | None,
    result: Callable[[Any], Learning],
    into: Callable[[Any], tuple[Any, ...]],
) -> None:
    """Fill the participants paired, their means, and their mean individual normalised gain,
    of each group (Hake's gain follows from the means)."""
    # Each participant's two copies side by side, paired in SQL (one row per participant who
    # sent both); the gains are added up here, as they come.
    percent = _percent()
    pairs = (
        sent.filter(_scored())
        .order_by()
        .values("enrollment_id", *([by_test] if by_test else []))
        .annotate(
            pre=Max(Case(When(test__kind=Test.Kind.PRE, then=percent))),
            post=Max(Case(When(test__kind=Test.Kind.POST, then=percent))),
        )
        .filter(pre__isnull=False, post__isnull=False)
        .values_list(by_test or "enrollment_id", "pre", "post")
    )
    gains: dict[Any, list[float]] = {}
    means: dict[Any, list[float]] = {}  # group -> sum of pre, sum of post
    for group, before, after in pairs.iterator(chunk_size=10_000):
        found_gain = normalised_gain(before, after)
        for target in into(group if by_test else None):
            result(target).paired += 1
            summed = means.setdefault(target, [0.0, 0.0])
            summed[0] += before
            summed[1] += after
            if found_gain is not None:
                gained = gains.setdefault(target, [0.0, 0])
                gained[0] += found_gain
                gained[1] += 1
    for group, (pre_sum, post_sum) in means.items():
        found = result(group)
        found.paired_pre_mean = pre_sum / found.paired
        found.paired_post_mean = post_sum / found.paired
    for group, (gain_sum, count) in gains.items():
        result(group).mean_normalised_gain = gain_sum / count if count else None


def _objectives(
    *,
    sent: QuerySet[Submission],
    tests: dict[int, tuple[Any, str, int]],
    per: Per | None,
    result: Any,
    into: Any,
) -> None:
    """Fill ``by_objective``: points earned over points offered, per objective and test kind."""
    objective = KeyTextTransform("objective", "content")
    offered: dict[Any, dict[str, dict[str, float]]] = {}
    questions = (
        TestQuestion.objects.filter(test__in=sent.values("test_id"))
        .filter(content__kind__in=[str(kind) for kind in SCORED_KINDS])
        .annotate(objective=objective)
        .order_by()
        .values("test_id", "objective")
        .annotate(n=Count("pk"))
    )
    for row in questions:
        group, kind, copies = tests[row["test_id"]]
        for target in into(group):
            per_kind = offered.setdefault(target, {}).setdefault(row["objective"] or "", {})
            per_kind[kind] = per_kind.get(kind, 0.0) + row["n"] * copies
    by_answer = _key("submission__test__session", per)
    earned = (
        Answer.objects.filter(submission__in=sent, points__isnull=False)
        .annotate(objective=KeyTextTransform("objective", "question__content"))
        .order_by()
        .values("objective", "submission__test__kind", *([by_answer] if by_answer else []))
        .annotate(points=Sum("points"))
    )
    points: dict[tuple[Any, str, str], float] = {}
    for row in earned:
        group = row[by_answer] if by_answer else None
        for target in into(group):
            key = (target, row["objective"] or "", row["submission__test__kind"])
            points[key] = points.get(key, 0.0) + float(row["points"] or 0.0)
    for group, codes in offered.items():
        result(group).by_objective = [
            ObjectiveGain(
                code=code,
                pre_percent=_share(points.get((group, code, Test.Kind.PRE), 0.0), kinds.get("pre")),
                post_percent=_share(
                    points.get((group, code, Test.Kind.POST), 0.0), kinds.get("post")
                ),
            )
            for code, kinds in sorted(codes.items())
        ]


def _share(earned: float, offered: float | None) -> float | None:
    return 100.0 * earned / offered if offered else None


@dataclass
class Satisfaction:
    copies: int = 0  # survey copies sent
    ratings: int = 0  # ratings given (1-5), all questions together
    mean_rating: float | None = None  # out of 5


def satisfaction(*, scope: Scope) -> Satisfaction:
    """The satisfaction surveys of the sessions in scope: two queries."""
    return _satisfaction(scope=scope, per=None).get(None, Satisfaction())


def satisfaction_per(*, scope: Scope, per: Per, total: bool = False) -> dict[Any, Satisfaction]:
    """``satisfaction`` of each workshop (or session) in scope, by id, in the same queries; with
    ``total``, that of the whole scope too, under None."""
    return _satisfaction(scope=scope, per=per, total=total)


def _satisfaction(*, scope: Scope, per: Per | None, total: bool = False) -> dict[Any, Satisfaction]:
    sent = Submission.objects.filter(
        test__session__in=scope.sessions().values("pk"),
        test__kind=Test.Kind.SURVEY,
        submitted_at__isnull=False,
        superseded_by__isnull=True,
    )
    results: dict[Any, Satisfaction] = {}
    into = _into(total)
    for group, row in _grouped(sent, _key("test__session", per), n=Count("pk")).items():
        for target in into(group):
            results.setdefault(target, Satisfaction()).copies += row["n"]
    ratings = _grouped(
        Answer.objects.filter(submission__in=sent, rating__isnull=False),
        _key("submission__test__session", per),
        n=Count("pk"),
        points=Sum("rating"),
    )
    sums: dict[Any, int] = {}
    for group, row in ratings.items():
        for target in into(group):
            results.setdefault(target, Satisfaction()).ratings += row["n"]
            sums[target] = sums.get(target, 0) + int(row["points"] or 0)
    for group, found in results.items():
        found.mean_rating = sums.get(group, 0) / found.ratings if found.ratings else None
    return results


# --- money ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunderBudget:
    partner_id: int
    partner: str
    amount: int  # what the partner committed to the workshops in scope


@dataclass
class Budget:
    funders: list[FunderBudget] = field(default_factory=list)  # largest first
    per_diem_paid: int = 0  # the latest issued payment statement of each session, summed
    sessions_with_statement: int = 0

    @property
    def committed(self) -> int:
        return sum(funder.amount for funder in self.funders)

    @property
    def paid_share(self) -> float | None:
        """Allowances paid over the amounts committed, 0 to 1 (or more); None without funds."""
        return self.per_diem_paid / self.committed if self.committed else None


def budget(*, scope: Scope) -> Budget:
    """Funds committed to the workshops of the sessions in scope, and allowances paid.

    Amounts committed are those of the workshops (a funding is per workshop, not per session);
    allowances are the totals of the latest payment statement issued for each session (an
    outdated statement still counts: it is what was paid until a new one is issued). Two queries.
    """
    return _budget(scope=scope, per_workshop=False).get(None, Budget())


def budget_per_workshop(*, scope: Scope, total: bool = False) -> dict[Any, Budget]:
    """``budget`` of each workshop in scope, by id, in the same two queries; with ``total``,
    that of the whole scope too, under None."""
    return _budget(scope=scope, per_workshop=True, total=total)


def _budget(*, scope: Scope, per_workshop: bool, total: bool = False) -> dict[Any, Budget]:
    sessions = scope.sessions()
    fundings = Funding.objects.filter(workshop__in=sessions.values("workshop_id"))
    if scope.partner_id is not None:
        fundings = fundings.filter(partner_id=scope.partner_id)
    rows = (
        fundings.values("partner_id", "partner__name", "partner__acronym", "workshop_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    results: dict[Any, Budget] = {None: Budget()} if not per_workshop or total else {}
    into = _into(total)
    committed: dict[Any, dict[int, FunderBudget]] = {}
    for row in rows:
        for group in into(row["workshop_id"] if per_workshop else None):
            funders = committed.setdefault(group, {})
            before = funders.get(row["partner_id"])
            funders[row["partner_id"]] = FunderBudget(
                partner_id=row["partner_id"],
                partner=row["partner__acronym"] or row["partner__name"],
                amount=(before.amount if before else 0) + int(row["amount"] or 0),
            )
    for group, funders in committed.items():
        results.setdefault(group, Budget()).funders = sorted(
            funders.values(), key=lambda f: (-f.amount, f.partner)
        )
    latest = (
        PaymentStatement.objects.filter(session__in=sessions.values("pk"))
        .order_by("session_id", "-created_at", "-pk")
        .values_list("session_id", "session__workshop_id", "total")
    )
    seen: set[int] = set()
    for session_id, workshop_id, paid in latest:
        if session_id in seen:
            continue
        seen.add(session_id)
        for group in into(workshop_id if per_workshop else None):
            found = results.setdefault(group, Budget())
            found.per_diem_paid += paid
            found.sessions_with_statement += 1
    return results
