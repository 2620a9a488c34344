"""The programme's dashboard: the figures as charts, each chart also a table and a file.

Every number is read from ``kalan.reports.figures``; this module only arranges them into charts
(labels and series). A chart is its own table: the page prints it under the canvas, for laptops
where scripts are blocked, and the downloads write the same rows, so the picture, the table and
the file cannot disagree. Downloads hold aggregates only, never a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kalan.assessments.models import CurriculumObjective
from kalan.core.formats import month_abbr
from kalan.core.render.spreadsheets import CellValue, ExportTable, Format, spreadsheet_safe
from kalan.reports import figures, figures_followup
from kalan.reports.figures import Learning, Participation, Period, Scope, Step
from kalan.workshops.models import Workshop

StepChoice = Step | Literal["auto"]
Kind = Literal["bar", "stacked", "hbar", "doughnut", "percent"]
ValueFormat = Literal["int", "percent", "points"]

# The charts, in page order; their slugs name the downloads (/tableau-de-bord/<slug>.csv).
CHARTS = ("participants", "sessions", "regions", "corps", "sexe", "objectifs")
# Beyond this many periods a chart gets unreadable: "auto" moves to the next step.
MAX_PERIODS = 24


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | float | None]
    format: ValueFormat = "int"
    drawn: bool = True  # False: a column of the table and the files only (the gain in points)


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    note: str  # what is counted, printed under the title
    kind: Kind
    sheet: str  # the XLSX sheet's name (31 characters at most, no « : »)
    category: str  # the header of the label column
    labels: list[str]
    series: list[Series]
    ticks: list[str] = field(default_factory=list)  # shorter labels for the axis, if any

    @property
    def empty(self) -> bool:
        return not self.labels

    @property
    def rows(self) -> list[tuple[str, list[tuple[int | float | None, ValueFormat]]]]:
        """The table under the chart: each label with its values and how to print them."""
        return [
            (label, [(series.values[index], series.format) for series in self.series])
            for index, label in enumerate(self.labels)
        ]

    def as_json(self) -> dict[str, Any]:
        """What ``dashboard.js`` draws (through ``json_script``: data, never code)."""
        return {
            "slug": self.slug,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "ticks": self.ticks or self.labels,
            "datasets": [
                {"label": series.label, "data": series.values}
                for series in self.series
                if series.drawn
            ],
        }


@dataclass(frozen=True)
class ChainLink:
    """One workshop's Kirkpatrick chain: reaction → learning → behaviour, as reported."""

    workshop_id: int
    title: str
    satisfaction: float | None  # mean rating, out of 5 (level 1)
    gain: float | None  # mean individual normalised gain, 0-1 (level 2)
    restitution: float | None  # relays with a restitution within 3 months, 0-1 (level 3)
    due: int  # its denominator: active relays whose 3 months are over
    practice: float | None  # relays reporting a practice changed, 0-1 (level 3, reported)
    practice_relays: int  # its denominator: active relays who answered a practice item


@dataclass
class Dashboard:
    figures: Participation
    learning: Learning
    step: Step
    charts: list[Chart]
    chain: list[ChainLink] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        return {"charts": [chart.as_json() for chart in self.charts if not chart.empty]}


def dashboard_get(
    *, scope: Scope, step: StepChoice = "auto", today: dt.date | None = None
) -> Dashboard:
    """Every chart of the dashboard for the sessions in scope: a fixed number of queries."""
    participation = figures.participation(scope=scope, today=today)
    learning = figures.learning(scope=scope)
    periods, step = _periods(scope=scope, step=step, today=today)
    return Dashboard(
        figures=participation,
        learning=learning,
        step=step,
        charts=[
            _participants_chart(periods, step),
            _sessions_chart(periods, step),
            _regions_chart(participation),
            _corps_chart(participation),
            _sexes_chart(participation),
            _objectives_chart(learning),
        ],
        chain=kirkpatrick_chain(scope=scope, today=today),
    )


def kirkpatrick_chain(*, scope: Scope, today: dt.date | None = None) -> list[ChainLink]:
    """Each workshop in scope, from satisfaction to reported practice: eleven queries."""
    satisfaction = figures.satisfaction_per(scope=scope, per="workshop")
    learning = figures.learning_per(scope=scope, per="workshop")
    followup = figures_followup.followup_per(scope=scope, per="workshop", today=today)
    titles = Workshop.objects.filter(pk__in=scope.sessions().values("workshop_id")).order_by(
        "title"
    )
    chain = []
    for workshop_id, title in titles.values_list("pk", "title"):
        found = followup.get(workshop_id, figures_followup.FollowUp())
        rated = satisfaction.get(workshop_id)
        learned = learning.get(workshop_id)
        chain.append(
            ChainLink(
                workshop_id=workshop_id,
                title=title,
                satisfaction=rated.mean_rating if rated else None,
                gain=learned.mean_normalised_gain if learned else None,
                restitution=found.restitution_share,
                due=found.due,
                practice=found.practice_change_share,
                practice_relays=found.practice_relays,
            )
        )
    return chain


def dashboard_chart(
    *, slug: str, scope: Scope, step: StepChoice = "auto", today: dt.date | None = None
) -> Chart:
    """One chart, reading only the figures it needs. Raises ``KeyError`` for an unknown slug."""
    if slug in ("participants", "sessions"):
        periods, resolved = _periods(scope=scope, step=step, today=today)
        build = _participants_chart if slug == "participants" else _sessions_chart
        return build(periods, resolved)
    if slug in ("regions", "corps", "sexe"):
        participation = figures.participation(scope=scope, today=today)
        by = {"regions": _regions_chart, "corps": _corps_chart, "sexe": _sexes_chart}
        return by[slug](participation)
    if slug == "objectifs":
        return _objectives_chart(figures.learning(scope=scope))
    raise KeyError(slug)


def _periods(*, scope: Scope, step: StepChoice, today: dt.date | None) -> tuple[list[Period], Step]:
    """The timeline by the step asked, or for "auto" the finest step that keeps the chart
    readable (at most ``MAX_PERIODS`` bars): two queries at most."""
    if step != "auto":
        return figures.timeline(scope=scope, step=step, today=today), step
    periods = figures.timeline(scope=scope, step="month", today=today)
    if len(periods) <= MAX_PERIODS:
        return periods, "month"
    quarters = figures.timeline(scope=scope, step="quarter", today=today)
    if len(quarters) <= MAX_PERIODS:
        return quarters, "quarter"
    return figures.timeline(scope=scope, step="year", today=today), "year"


def timeline_label(start: dt.date, step: Step, *, short: bool = False) -> str:
    """« novembre 2022 » (« nov. 2022 » on an axis), « T4 2022 », « 2022 »."""
    if step == "month":
        if short:
            return f"{month_abbr(start.month)} {start.year}"
        return date_format(start, "F Y")
    if step == "quarter":
        return _("T%(quarter)s %(year)s") % {"quarter": (start.month + 2) // 3, "year": start.year}
    return str(start.year)


def _by_step(step: Step) -> str:
    return {"month": _("par mois"), "quarter": _("par trimestre"), "year": _("par année")}[step]


def _period_header(step: Step) -> str:
    return {"month": _("Mois"), "quarter": _("Trimestre"), "year": _("Année")}[step]


def _participants_chart(periods: list[Period], step: Step) -> Chart:
    return Chart(
        slug="participants",
        title=_("Participants formés %(by)s") % {"by": _by_step(step)},
        note=_(
            "Participants présents au moins une demi-journée, comptés une fois par session "
            "suivie, au mois du premier jour de la session."
        ),
        kind="bar",
        sheet=_("Participants formés"),
        category=_period_header(step),
        labels=[timeline_label(period.start, step) for period in periods],
        ticks=[timeline_label(period.start, step, short=True) for period in periods],
        series=[
            Series(
                label=_("Participants formés"),
                values=[period.persons_trained for period in periods],
            )
        ],
    )


def _sessions_chart(periods: list[Period], step: Step) -> Chart:
    return Chart(
        slug="sessions",
        title=_("Sessions tenues et prévues %(by)s") % {"by": _by_step(step)},
        note=_(
            "Une session est tenue dès qu’au moins un participant y a été marqué présent, "
            "prévue avant son premier jour ; passée sans aucune présence enregistrée, elle "
            "n’est pas tenue."
        ),
        kind="stacked",
        sheet=_("Sessions"),
        category=_period_header(step),
        labels=[timeline_label(period.start, step) for period in periods],
        ticks=[timeline_label(period.start, step, short=True) for period in periods],
        series=[
            Series(label=_("Sessions tenues"), values=[p.sessions_held for p in periods]),
            Series(label=_("Sessions prévues"), values=[p.sessions_planned for p in periods]),
            Series(
                label=_("Sessions sans présence enregistrée"),
                values=[p.sessions_unattended for p in periods],
            ),
        ],
    )


def _regions_chart(participation: Participation) -> Chart:
    return Chart(
        slug="regions",
        title=_("Participants formés par région de la session"),
        note=_("La région de la localité où se tient la session ; une fois par session suivie."),
        kind="hbar",
        sheet=_("Régions"),
        category=_("Région"),
        labels=[tally.label for tally in participation.by_session_region],
        series=[
            Series(
                label=_("Participants formés"),
                values=[tally.value for tally in participation.by_session_region],
            )
        ],
    )


def _corps_chart(participation: Participation) -> Chart:
    return Chart(
        slug="corps",
        title=_("Personnes formées par corps"),
        note=_("Chaque personne comptée une fois, quel que soit le nombre de sessions suivies."),
        kind="hbar",
        sheet=_("Corps"),
        category=_("Corps"),
        labels=[tally.label for tally in participation.by_corps],
        series=[
            Series(
                label=_("Personnes formées"),
                values=[tally.value for tally in participation.by_corps],
            )
        ],
    )


def _sexes_chart(participation: Participation) -> Chart:
    counted = participation.women + participation.men > 0
    return Chart(
        slug="sexe",
        title=_("Personnes formées par sexe"),
        note=_("Chaque personne comptée une fois, quel que soit le nombre de sessions suivies."),
        kind="doughnut",
        sheet=_("Sexe"),
        category=_("Sexe"),
        labels=[_("Femmes"), _("Hommes")] if counted else [],
        series=[
            Series(
                label=_("Personnes formées"),
                values=[participation.women, participation.men] if counted else [],
            )
        ],
    )


def _objectives_chart(learning: Learning) -> Chart:
    objectives = learning.by_objective
    texts = _objective_texts([objective.code for objective in objectives])

    def label(code: str) -> str:
        if not code:
            return _("Questions sans objectif")
        text = texts.get(code)
        return f"{code} — {text}" if text else code

    return Chart(
        slug="objectifs",
        title=_("Acquis par objectif : pré-test et post-test"),
        note=_(
            "Score moyen des questions de chaque objectif dans les copies rendues, en pourcentage "
            "des points ; le gain est l’écart en points."
        ),
        kind="percent",
        sheet=_("Objectifs"),
        category=_("Objectif"),
        labels=[label(objective.code) for objective in objectives],
        ticks=[objective.code or "—" for objective in objectives],
        series=[
            Series(
                label=_("Pré-test (%)"),
                values=[_one_place(o.pre_percent) for o in objectives],
                format="percent",
            ),
            Series(
                label=_("Post-test (%)"),
                values=[_one_place(o.post_percent) for o in objectives],
                format="percent",
            ),
            Series(
                label=_("Gain (points)"),
                values=[_one_place(o.gain_points) for o in objectives],
                format="points",
                drawn=False,
            ),
        ],
    )


def _one_place(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _objective_texts(codes: Sequence[str]) -> dict[str, str]:
    """The curriculum's wording of each objective, in the request's language when it has one."""
    english = (get_language() or "fr").startswith("en")
    rows = CurriculumObjective.objects.filter(code__in=[code for code in codes if code])
    return {
        code: (text_en if english and text_en else text)
        for code, text, text_en in rows.values_list("code", "text", "text_en")
    }


# --- downloads ------------------------------------------------------------------------------


def chart_table(chart: Chart, *, fmt: Format) -> ExportTable:
    """The chart's table for a download: its labels and every series, numbers as numbers.

    In CSV a decimal is written the way the language writes it (« 62,5 » in French), since the
    file is meant for a spreadsheet in that language; such a text is a number, never a formula.
    """

    def cell(value: int | float | None) -> CellValue:
        if value is None:
            return ""
        if isinstance(value, float) and fmt == "csv":
            return number_format(value, decimal_pos=1)
        return value

    longest = max((len(label) for label in chart.labels), default=10)
    return ExportTable(
        title=chart.sheet,
        headers=[chart.category, *(series.label for series in chart.series)],
        rows=[
            [spreadsheet_safe(label), *(cell(series.values[index]) for series in chart.series)]
            for index, label in enumerate(chart.labels)
        ],
        widths=[min(max(longest, len(chart.category)) + 2, 70), *([18] * len(chart.series))],
    )


def filters_table(*, chart: Chart, filters: Sequence[tuple[str, str]]) -> ExportTable:
    """A second XLSX sheet saying what the numbers cover: the filters, and what is counted."""
    rows: list[list[CellValue]] = [[_("Tableau"), spreadsheet_safe(chart.title)]]
    rows += [[spreadsheet_safe(name), spreadsheet_safe(value)] for name, value in filters]
    rows.append([_("Ce qui est compté"), spreadsheet_safe(chart.note)])
    return ExportTable(
        title=_("Filtres"), headers=[_("Filtre"), _("Valeur")], rows=rows, widths=[22, 90]
    )
