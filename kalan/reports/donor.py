"""The report to a partner (rapport au bailleur) over a period: XLSX of the figures, DOCX and PDF
of the narrative with its charts.

It covers the workshops the partner funds whose sessions start in the period, and says for each
and in total the standard indicators (``Indicator``): persons trained, distinct persons,
person-days, by sex, corps and region; the attendance rate, Hake's gain (class averages) and the
mean individual normalised gain; the share passing the post-test and satisfaction; the
partner's funds against the allowances paid; the follow-up of the relays (response rate,
restitution within 3 months, persons reached as two bounds, practice changes reported); and
the custody visits of the units where the trained officers serve against the others, by theme
(``figures_custody``: never a unit's name, never a cell that a single place makes).
Each indicator is printed with its target when the workshop has one (``Target``).

A partner sees aggregates only: no name of a person (participant or facilitator) is ever read
by this module. Every figure comes from ``kalan.reports.figures``, through ``indicator_values``,
so the workbook and the narrative print the same numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kalan.assessments.selectors import HAKE_GAIN, INDIVIDUAL_GAIN
from kalan.core.formats import date_range, date_short, days, money, number, percent
from kalan.core.models import Organisation, Partner
from kalan.core.render.spreadsheets import headed_sheet, spreadsheet_safe
from kalan.core.selectors import organisation_current
from kalan.reports import charts, figures, figures_custody, figures_followup
from kalan.reports.activity import breakdown_table, corps_chart, definitions, followup_blocks
from kalan.reports.compose import (
    Heading,
    Para,
    Picture,
    Report,
    Table,
    Title,
    docx_render,
    pdf_render,
)
from kalan.reports.evidence_text import evidence_blocks, evidence_sheet_rows
from kalan.reports.models import DonorReport, Indicator, Target
from kalan.reports.templatetags.press_text import at_the, capfirst_the
from kalan.workshops.models import Session, Workshop

Format = Literal["xlsx", "docx", "pdf"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Figures:
    """The five kinds of figures of a workshop, or of all of them together."""

    participation: figures.Participation
    learning: figures.Learning
    satisfaction: figures.Satisfaction
    budget: figures.Budget
    followup: figures_followup.FollowUp = field(default_factory=figures_followup.FollowUp)


@dataclass
class FundedWorkshop:
    workshop: Workshop
    sessions: list[Session]
    figures: Figures
    targets: dict[str, float]


@dataclass
class DonorFacts:
    partner: Partner
    start: dt.date
    end: dt.date
    language: str
    organisation: Organisation | None
    currency: str
    workshops: list[FundedWorkshop]
    total: Figures
    narrative: DonorReport | None
    custody: figures_custody.Evidence | None = None  # the custody visits, by theme
    made_on: dt.date = field(default_factory=timezone.localdate)


def donor_span(*, partner: Partner) -> tuple[dt.date, dt.date] | None:
    """The partner's data: from the first day of the first session to the last day of the last
    session of the workshops it funds; None when they have no session yet."""
    span = (
        figures.Scope(partner_id=partner.pk)
        .sessions()
        .aggregate(first=Min("start_date"), last=Max("end_date"))
    )
    if span["first"] is None:
        return None
    return span["first"], span["last"]


def donor_facts(
    *, partner: Partner, start: dt.date, end: dt.date, language: str, today: dt.date | None = None
) -> DonorFacts:
    """Read the figures of the report: a fixed number of queries, whatever the workshops.

    Each workshop's figures and the totals come from the same queries (``total=True``): the
    totals are the groups' sums, except the persons counted once, which are asked again.
    """
    scope = figures.Scope(partner_id=partner.pk, start=start, end=end)
    participation = figures.participation_per(scope=scope, per="workshop", today=today, total=True)
    learning = figures.learning_per(scope=scope, per="workshop", total=True)
    satisfaction = figures.satisfaction_per(scope=scope, per="workshop", total=True)
    budget = figures.budget_per_workshop(scope=scope, total=True)
    followup = figures_followup.followup_per(scope=scope, per="workshop", today=today)
    sessions: dict[int, list[Session]] = {}
    for session in scope.sessions().select_related("place").order_by("start_date", "number"):
        sessions.setdefault(session.workshop_id, []).append(session)
    targets: dict[int, dict[str, float]] = {}
    for workshop_id, indicator, value in Target.objects.filter(
        workshop_id__in=list(sessions)
    ).values_list("workshop_id", "indicator", "value"):
        targets.setdefault(workshop_id, {})[indicator] = value
    workshops = Workshop.objects.filter(pk__in=list(sessions)).order_by("title")
    organisation = organisation_current()
    return DonorFacts(
        partner=partner,
        start=start,
        end=end,
        language=language,
        organisation=organisation,
        currency=organisation.currency if organisation else "XOF",
        workshops=[
            FundedWorkshop(
                workshop=workshop,
                sessions=sessions[workshop.pk],
                figures=Figures(
                    participation=participation.get(workshop.pk, figures.Participation()),
                    learning=learning.get(workshop.pk, figures.Learning()),
                    satisfaction=satisfaction.get(workshop.pk, figures.Satisfaction()),
                    budget=budget.get(workshop.pk, figures.Budget()),
                    followup=followup.get(workshop.pk, figures_followup.FollowUp()),
                ),
                targets=targets.get(workshop.pk, {}),
            )
            for workshop in workshops
        ],
        total=Figures(
            participation=participation.get(None, figures.Participation()),
            learning=learning.get(None, figures.Learning()),
            satisfaction=satisfaction.get(None, figures.Satisfaction()),
            budget=budget.get(None, figures.Budget()),
            followup=figures_followup.followup(scope=scope, today=today),
        ),
        narrative=DonorReport.objects.filter(
            partner=partner, start=start, end=end, language=language
        ).first(),
        custody=figures_custody.evidence(scope=scope, today=today),
    )


# --- the indicators, as numbers ----------------------------------------------------------------

Unit = Literal["count", "days", "percent", "rating", "money"]


@dataclass(frozen=True)
class IndicatorValue:
    key: str  # an Indicator value, or another stable name ("women", "funds_committed")
    label: str
    value: float | int | None
    unit: Unit


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


def indicator_values(found: Figures) -> list[IndicatorValue]:
    """The indicators of the report, in order, as numbers: what the workbook's cells hold and
    the narrative prints. Rates are in percent (0-100), satisfaction out of 5, money in whole
    units of the currency."""
    p, learning, s, b = found.participation, found.learning, found.satisfaction, found.budget
    return [*_participation_values(p, learning, s, b), *followup_values(found.followup)]


def _participation_values(
    p: figures.Participation, learning: figures.Learning, s: figures.Satisfaction, b: figures.Budget
) -> list[IndicatorValue]:
    return [
        IndicatorValue("sessions_held", _("Sessions tenues"), p.sessions_held, "count"),
        IndicatorValue(
            Indicator.PERSONS_TRAINED, _("Personnes formées"), p.persons_trained, "count"
        ),
        IndicatorValue(
            Indicator.DISTINCT_PERSONS,
            _("Personnes distinctes formées"),
            p.distinct_persons,
            "count",
        ),
        IndicatorValue("women", _("Femmes formées"), p.women, "count"),
        IndicatorValue("men", _("Hommes formés"), p.men, "count"),
        IndicatorValue(
            Indicator.WOMEN_SHARE, _("Part des femmes"), _percent(p.women_share), "percent"
        ),
        IndicatorValue(Indicator.PERSON_DAYS, _("Jours-personnes"), p.person_days, "days"),
        IndicatorValue(
            Indicator.ATTENDANCE_RATE,
            _("Taux de présence"),
            _percent(p.attendance_rate),
            "percent",
        ),
        IndicatorValue("pre_mean", _("Moyenne au pré-test"), learning.pre_mean, "percent"),
        IndicatorValue("post_mean", _("Moyenne au post-test"), learning.post_mean, "percent"),
        # Two gains, each under its own name (their definitions: ``definitions()``).
        IndicatorValue("hake_gain", str(HAKE_GAIN), _percent(learning.hake_gain), "percent"),
        IndicatorValue(
            Indicator.MEAN_GAIN,
            str(INDIVIDUAL_GAIN),
            _percent(learning.mean_normalised_gain),
            "percent",
        ),
        IndicatorValue(
            Indicator.POST_PASS_SHARE,
            _("Part réussissant le post-test"),
            _percent(learning.post_pass_share),
            "percent",
        ),
        IndicatorValue(
            Indicator.SATISFACTION, _("Satisfaction moyenne (sur 5)"), s.mean_rating, "rating"
        ),
        IndicatorValue(
            "funds_committed", _("Fonds engagés par le partenaire"), b.committed, "money"
        ),
        IndicatorValue(
            "allowances_paid", _("Per diem et transport versés"), b.per_diem_paid, "money"
        ),
        IndicatorValue(
            "allowances_share",
            _("Part des fonds versée en indemnités"),
            _percent(b.paid_share),
            "percent",
        ),
    ]


def followup_values(f: figures_followup.FollowUp) -> list[IndicatorValue]:
    """The follow-up's indicators (figures_followup.py defines them): rates without the
    departed officers, the persons reached as two bounds."""
    return [
        IndicatorValue("relays_active", _("Relais suivis"), f.active, "count"),
        IndicatorValue(
            "commitment_share",
            _("Relais ayant pris un engagement"),
            _percent(f.commitment_share),
            "percent",
        ),
        IndicatorValue(
            Indicator.RESPONSE_RATE,
            _("Taux de réponse aux tours de suivi"),
            _percent(f.response_rate),
            "percent",
        ),
        IndicatorValue(
            Indicator.RESTITUTION_SHARE,
            _("Relais ayant tenu une restitution en 3 mois"),
            _percent(f.restitution_share),
            "percent",
        ),
        IndicatorValue("restitutions", _("Restitutions tenues"), f.reached.restitutions, "count"),
        IndicatorValue(
            "reached_lower",
            _("Personnes touchées (borne basse)"),
            f.reached.lower_bound,
            "count",
        ),
        IndicatorValue(
            "reached_upper",
            _("Personnes touchées (borne haute)"),
            f.reached.upper_bound,
            "count",
        ),
        IndicatorValue(
            "practice_change_share",
            _("Relais déclarant un changement de pratique"),
            _percent(f.practice_change_share),
            "percent",
        ),
        IndicatorValue(
            "days_to_first_median",
            _("Délai médian avant la première restitution (jours)"),
            f.days_to_first_median,
            "days",
        ),
    ]


def shown(item: IndicatorValue, currency: str) -> str:
    """The value as the narrative prints it."""
    if item.unit == "percent":
        return percent(item.value, scale=1)
    if item.unit == "rating":
        return number(item.value, 2)
    if item.unit == "days":
        return days(item.value)
    if item.unit == "money":
        return money(None if item.value is None else int(item.value), currency)
    return number(item.value)


# --- the workbook ------------------------------------------------------------------------------

FORMATS: dict[str, str] = {
    "count": "#,##0",
    "days": "#,##0.0",
    "percent": "0.0",
    "rating": "0.00",
    "money": "#,##0",
}


def _text(value: str) -> Any:
    return spreadsheet_safe(value)


def donor_xlsx(facts: DonorFacts) -> bytes:
    """The figures as a workbook: numbers as numbers, one sheet per breakdown."""
    book = Workbook()
    _about_sheet(book, facts)
    groups = [(item.workshop.title, item.figures, item.targets) for item in facts.workshops]
    groups.append((_("Total"), facts.total, {}))
    _indicator_sheet(book, facts, groups)
    _breakdown_sheets(book, groups)
    if facts.custody is not None:
        head, rows = evidence_sheet_rows(facts.custody)
        sheet = headed_sheet(book, _("Garde à vue"), head, [34, 34, 12, 12, 12, 12, 12, 10, 34])
        for line in rows:
            sheet.append([_text(value) if isinstance(value, str) else value for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A workshop's title (or « Total »), its figures and its targets: one group of rows per sheet.
Group = tuple[str, Figures, dict[str, Any]]


def _about_sheet(book: Workbook, facts: DonorFacts) -> None:
    """The first sheet: partner, period, number of workshops, date made, definitions."""
    about = book.active
    assert about is not None
    about.title = _("Rapport")[:31]
    rows: list[tuple[str, Any]] = [
        (_("Partenaire"), facts.partner.name),
        (_("Période du"), facts.start),
        (_("au"), facts.end),
        (_("Ateliers"), len(facts.workshops)),
        (_("Établi le"), facts.made_on),
        (_("Définitions"), definitions()),
    ]
    for label, value in rows:
        about.append([_text(label), _text(value) if isinstance(value, str) else value])
    for row in about.iter_rows(min_row=2, max_row=3, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    about.cell(row=5, column=2).number_format = "dd/mm/yyyy"
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    about.cell(row=6, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    for cell in about["A"]:
        cell.font = Font(bold=True)


def _indicator_sheet(book: Workbook, facts: DonorFacts, groups: list[Group]) -> None:
    sheet = headed_sheet(
        book,
        _("Indicateurs"),
        [_("Atelier"), _("Indicateur"), _("Valeur"), _("Cible"), _("Unité")],
        [50, 40, 14, 14, 12],
    )
    units = {
        "count": _("nombre"),
        "days": _("jours"),
        "percent": "%",
        "rating": _("sur 5"),
        "money": facts.currency,
    }
    for title, found, targets in groups:
        for item in indicator_values(found):
            sheet.append(
                [
                    _text(title),
                    _text(item.label),
                    item.value,
                    targets.get(str(item.key)),
                    _text(units[item.unit]),
                ]
            )
            row = sheet.max_row
            for column in (3, 4):
                sheet.cell(row=row, column=column).number_format = FORMATS[item.unit]


def _breakdown_sheets(book: Workbook, groups: list[Group]) -> None:
    """Women and men of each workshop, then by corps, by region and by rank group."""
    sheet = headed_sheet(
        book,
        _("Sexe"),
        [_("Atelier"), _("Femmes"), _("Hommes"), _("Personnes distinctes")],
        [50, 12, 12, 20],
    )
    for title, found, _targets in groups:
        p = found.participation
        sheet.append([_text(title), p.women, p.men, p.distinct_persons])

    breakdowns = (
        (_("Corps"), _("Corps"), "by_corps"),
        (_("Région"), _("Région d’affectation"), "by_unit_region"),
        (_("Grade"), _("Catégorie de grade"), "by_rank_group"),
    )
    for name, label, attribute in breakdowns:
        sheet = headed_sheet(
            book,
            name,
            [_("Atelier"), label, _("Femmes"), _("Hommes"), _("Total")],
            [50, 30, 12, 12, 12],
        )
        for title, found, _targets in groups:
            for tally in getattr(found.participation, attribute):
                sheet.append(
                    [_text(title), _text(tally.label), tally.women, tally.men, tally.value]
                )


# --- the narrative -----------------------------------------------------------------------------


def period_text(start: dt.date, end: dt.date, language: str) -> str:
    return _("du %(start)s au %(end)s") % {
        "start": date_short(start, language),
        "end": date_short(end, language),
    }


def donor_report(facts: DonorFacts) -> Report:
    """The blocks of the narrative, in the active language. No person is ever named."""
    period = period_text(facts.start, facts.end, facts.language)
    report = Report(
        title=_("Rapport à %(partner)s, %(period)s") % {"partner": facts.partner, "period": period}
    )
    report.add(
        Title(
            _("Rapport au partenaire"),
            [facts.partner.name, _("Période : %(period)s") % {"period": period}],
        )
    )
    _add_introduction(report, facts, period)
    _add_synthesis(report, facts)
    _add_workshops(report, facts)
    _add_conclusions(report, facts)
    return report


def _add_introduction(report: Report, facts: DonorFacts, period: str) -> None:
    narrative = facts.narrative
    introduction = narrative.introduction.strip() if narrative else ""
    report.add(
        Heading(_("1. Introduction")),
        Para(
            introduction
            or _(
                "%(organisation)s rend compte %(to_partner)s des ateliers financés dont les "
                "sessions ont commencé %(period)s."
            )
            % _intro_names(organisation=facts.organisation, partner=facts.partner, period=period)
        ),
    )


def _add_synthesis(report: Report, facts: DonorFacts) -> None:
    """The totals over the period: indicators, the corps chart, the tests chart, breakdowns."""
    report.add(Heading(_("2. Synthèse")))
    if not facts.workshops:
        report.add(Para(_("Aucune session d’un atelier financé n’a commencé sur la période.")))
        return
    report.add(_indicator_table(facts.total, None, facts.currency))
    chart = corps_chart(facts.total.participation)
    if chart:
        report.add(chart)
    _add_tests_chart(report, facts)
    report.add(
        Heading(_("Personnes formées par sexe et par corps"), level=2),
        breakdown_table(_("Corps"), facts.total.participation.by_corps),
        Heading(_("Personnes formées par région d’affectation"), level=2),
        breakdown_table(_("Région"), facts.total.participation.by_unit_region),
        Heading(_("Suivi des relais : ce que les personnes formées ont fait"), level=2),
        *followup_blocks(facts.total.followup, with_workshop=True),
    )
    if facts.custody is not None:
        report.add(
            Heading(_("Garde à vue : ce que constatent les visites des unités"), level=2),
            *evidence_blocks(facts.custody),
        )


def _add_tests_chart(report: Report, facts: DonorFacts) -> None:
    """Pre- and post-test means of each workshop that held tests, numbered, with its key."""
    with_tests = [
        item
        for item in facts.workshops
        if item.figures.learning.pre_copies or item.figures.learning.post_copies
    ]
    if not with_tests:
        return
    report.add(
        Picture(
            charts.bars_before_after(
                title=_("Moyennes au pré-test et au post-test par atelier (en %)"),
                labels=[_("Atelier %(n)s") % {"n": n} for n in range(1, len(with_tests) + 1)],
                before=[item.figures.learning.pre_mean for item in with_tests],
                after=[item.figures.learning.post_mean for item in with_tests],
                before_label=_("Pré-test"),
                after_label=_("Post-test"),
            ),
            width=0.85,
        ),
        Para(
            " ; ".join(
                _("Atelier %(n)s : %(title)s") % {"n": n, "title": item.workshop.title}
                for n, item in enumerate(with_tests, start=1)
            ),
            small=True,
        ),
    )


def _add_workshops(report: Report, facts: DonorFacts) -> None:
    report.add(Heading(_("3. Les ateliers")))
    for n, item in enumerate(facts.workshops, start=1):
        places = "; ".join(
            f"{session.place.name}, {session.venue}, "
            f"{date_range(session.start_date, session.end_date)}"
            for session in item.sessions
        )
        report.add(
            Heading(f"3.{n}. {item.workshop.title}", level=2),
            Para(_("Sessions : %(places)s.") % {"places": places}),
            _indicator_table(item.figures, item.targets, facts.currency),
        )


def _add_conclusions(report: Report, facts: DonorFacts) -> None:
    conclusions = facts.narrative.conclusions.strip() if facts.narrative else ""
    report.add(
        Heading(_("4. Conclusions et perspectives")),
        Para(conclusions or _("Aucune conclusion saisie.")),
        Heading(_("Définitions"), level=2),
        Para(
            definitions()
            + " "
            + figures_followup.followup_definitions()
            + " "
            + _(
                "Les fonds engagés sont ceux du partenaire pour les ateliers ; les indemnités "
                "versées sont les totaux des derniers états de paiement émis pour leurs sessions, "
                "tous financements confondus."
            ),
            small=True,
        ),
    )


def _indicator_table(found: Figures, targets: dict[str, float] | None, currency: str) -> Table:
    """The indicators with their targets; without the target column for the totals."""
    if targets is None:
        return Table(
            head=[_("Indicateur"), _("Valeur")],
            rows=[[item.label, shown(item, currency)] for item in indicator_values(found)],
            widths=[0.7, 0.3],
            numeric=frozenset({1}),
        )
    rows = []
    for item in indicator_values(found):
        target = targets.get(str(item.key))
        rows.append(
            [
                item.label,
                shown(item, currency),
                ""
                if target is None
                else shown(IndicatorValue(item.key, item.label, target, item.unit), currency),
            ]
        )
    return Table(
        head=[_("Indicateur"), _("Valeur"), _("Cible")],
        rows=rows,
        widths=[0.56, 0.22, 0.22],
        numeric=frozenset({1, 2}),
    )


def donor_document(
    *,
    partner: Partner,
    start: dt.date,
    end: dt.date,
    language: str,
    fmt: Format,
    today: dt.date | None = None,
) -> bytes:
    """The report to ``partner`` as XLSX, DOCX or PDF, written in ``language``."""
    with translation.override(language):
        facts = donor_facts(partner=partner, start=start, end=end, language=language, today=today)
        if fmt == "xlsx":
            return donor_xlsx(facts)
        report = donor_report(facts)
        if fmt == "docx":
            return docx_render(report, organisation=facts.organisation)
        return pdf_render(report, organisation=facts.organisation)


def donor_filename(
    *, partner: Partner, start: dt.date, end: dt.date, language: str, fmt: Format
) -> str:
    return f"kalan-rapport-partenaire-{partner.pk}-{start:%Y%m%d}-{end:%Y%m%d}-{language}.{fmt}"


def _intro_names(
    *, organisation: Organisation | None, partner: Partner, period: str
) -> dict[str, str]:
    """The names of the introduction with the articles French gives them: « La Commission… rend
    compte à la Mission EUCAP Sahel Mali »; English takes them bare."""
    name = organisation.name if organisation else ""
    if not (translation.get_language() or "fr").startswith("fr"):
        return {"organisation": name, "to_partner": partner.name, "period": period}
    return {
        "organisation": capfirst_the(name) if name else "",
        "to_partner": at_the(partner.name),
        "period": period,
    }
