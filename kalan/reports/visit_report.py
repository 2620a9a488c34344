"""The report of a custody visit, in French: drafted from the visit's data, edited in the browser
like a press release (``kalan.reports.press``), printed as Word and PDF
(``kalan.reports.visit_report_files``).

The draft (template ``reports/visit/visit_fr.txt``) says where and when the team went, what kind
of visit it was, who made up the team (the NPM's members) and who received it, the persons held
at arrival (counts by category), the custody register's check, the findings by theme (the items
answered « non » or « en partie », with their notes), the interviews, the recommendations made
(addressee, priority, due date) and the follow-up of earlier recommendations checked at this
visit.

The interviews appear as counts only (how many, how many reported ill-treatment): never a code,
never a word of their notes. The NPM's team then edits the title, the text and the signature;
what it saved is what the exports print. Drafting again from the data replaces the title and the
text, the signature stays.

The body is plain text: one paragraph per line; a line that starts with « # » is a section
heading, one that starts with « - » an item of a list (``visit_report_blocks``).

The services raise ``VisitReportError``:

- ``invalid``: a value the model refuses (a title too long…), with the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kalan.core.errors import KalanError
from kalan.core.formats import date_long, date_short
from kalan.core.models import Organisation, User
from kalan.core.selectors import organisation_current
from kalan.custody.models import (
    Answer,
    InstrumentItem,
    ItemAnswer,
    Recommendation,
    RecommendationCheck,
    Visit,
)
from kalan.reports.figures_custody import visit_tally
from kalan.reports.models import Language, VisitReport
from kalan.reports.press import press_typeset

TITLE_MAX = VisitReport._meta.get_field("title").max_length or 300


class VisitReportError(KalanError):
    pass


@dataclass(frozen=True)
class VisitReportDraft:
    title: str
    body: str


@dataclass(frozen=True)
class Finding:
    """An item answered « non » or « en partie », with the monitors' note."""

    text: str
    value: str  # "no" or "partly"
    note: str


@dataclass(frozen=True)
class ThemeFindings:
    label: str
    examined: int  # items answered yes, partly or no (not « non vu »)
    compliant: int
    findings: list[Finding]


@dataclass(frozen=True)
class Block:
    """A printed block of the body: ``kind`` is ``heading``, ``subheading``, ``item`` or
    ``paragraph``."""

    kind: str
    text: str


def _team(visit: Visit) -> list[str]:
    members = visit.team.order_by("last_name", "first_name", "username")
    return [" ".join(f"{m.first_name} {m.last_name}".split()) or m.username for m in members]


def _themes(visit: Visit) -> list[ThemeFindings]:
    """The counts of each theme the visit examined (``figures_custody.visit_tally``), with the
    items answered « non » or « en partie » and their notes."""
    labels = dict(InstrumentItem.Theme.choices)
    findings: dict[str, list[Finding]] = {}
    answers = (
        ItemAnswer.objects.filter(
            visit=visit, item__active=True, value__in=(Answer.NO, Answer.PARTLY)
        )
        .select_related("item")
        .order_by("item__order", "item__pk")
    )
    for answer in answers:
        findings.setdefault(answer.item.theme, []).append(
            Finding(text=answer.item.text, value=answer.value, note=" ".join(answer.note.split()))
        )
    return [
        ThemeFindings(
            label=str(labels[tally.theme]),
            examined=tally.examined,
            compliant=tally.compliant,
            findings=findings.get(tally.theme, []),
        )
        for tally in visit_tally(visit=visit)
    ]


def _addressee(recommendation: Recommendation) -> str:
    if recommendation.unit is not None:
        return recommendation.unit.name
    return recommendation.authority


def _held(visit: Visit) -> dict[str, int | None]:
    counts = {
        "men": visit.held_men,
        "women": visit.held_women,
        "boys": visit.held_boys,
        "girls": visit.held_girls,
    }
    known = [value for value in counts.values() if value is not None]
    return {**counts, "total": sum(known) if known else None}


def _time(value: dt.time | None) -> str:
    """« 9 h 30 », as French writes the time of day."""
    return f"{value.hour} h {value.minute:02d}" if value is not None else ""


def visit_report_context(*, visit: Visit) -> dict[str, Any]:
    """What the draft template is given: the visit's data, the interviews as counts only."""
    visit = Visit.objects.select_related("place__locality__parent__parent", "place__unit").get(
        pk=visit.pk
    )
    interviews = visit.interviews.all()
    recommendations = [
        {
            "text": " ".join(r.text.split()),
            "addressee": _addressee(r),
            "priority": r.get_priority_display(),
            "due": date_short(r.due_on, "fr") if r.due_on else "",
        }
        for r in visit.recommendations.select_related("unit").order_by("due_on", "pk")
    ]
    checks = [
        {
            "text": " ".join(c.recommendation.text.split()),
            "made_on": date_short(c.recommendation.visit.visited_on, "fr"),
            "finding": c.get_finding_display(),
            "status": c.recommendation.get_status_display(),
            "note": " ".join(c.note.split()),
        }
        for c in RecommendationCheck.objects.filter(visit=visit)
        .select_related("recommendation__visit")
        .order_by("recommendation__visit__visited_on", "recommendation__pk")
    ]
    return {
        "organisation": organisation_current(),
        "visit": visit,
        "place": visit.place,
        "place_kind": visit.place.get_kind_display(),
        "region": visit.place.locality.region,
        "date": date_long(visit.visited_on, "fr"),
        "date_short": date_short(visit.visited_on, "fr"),
        "arrived": _time(visit.arrived_at),
        "left": _time(visit.left_at),
        "unannounced": visit.kind == Visit.Kind.UNANNOUNCED,
        "team": _team(visit),
        "held": _held(visit),
        "themes": _themes(visit),
        "interviews": len(interviews),
        "allegations": sum(1 for i in interviews if i.allegation),
        "recommendations": recommendations,
        "checks": checks,
        "summary": " ".join(visit.summary.split()),
    }


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; other line breaks and runs of spaces are one space."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _shorten(title: str) -> str:
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"


def visit_report_draft(*, visit: Visit) -> VisitReportDraft:
    """The report's title and text, written from the visit's data in French (the template's
    first paragraph is the title), with French typography."""
    context = visit_report_context(visit=visit)
    with translation.override(Language.FRENCH):
        text = render_to_string("reports/visit/visit_fr.txt", context)
    title, *body = (press_typeset(p, language=Language.FRENCH) for p in _paragraphs(text))
    return VisitReportDraft(title=_shorten(title), body="\n\n".join(body))


def visit_report_signature_default(*, organisation: Organisation | None) -> str:
    """« Mécanisme national de prévention de la torture/CNDH »."""
    with translation.override(Language.FRENCH):
        unit = _("Mécanisme national de prévention de la torture")
    name = (organisation.acronym or organisation.name) if organisation else ""
    return f"{unit}/{name}" if name else unit


def visit_report_get(*, visit: Visit) -> VisitReport | None:
    return VisitReport.objects.filter(visit=visit).first()


def visit_report_current(*, visit: Visit) -> VisitReport:
    """The saved report, or, before anyone saved one, a fresh draft (not saved) to start from."""
    report = visit_report_get(visit=visit)
    if report is not None:
        return report
    draft = visit_report_draft(visit=visit)
    return VisitReport(
        visit=visit,
        title=draft.title,
        body=draft.body,
        signature=visit_report_signature_default(organisation=organisation_current()),
        drafted_at=timezone.now(),
    )


def _full_clean(report: VisitReport) -> None:
    try:
        report.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise VisitReportError(
            messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
        ) from None


def _locked_or_new(*, visit: Visit) -> VisitReport:
    # Lock the visit's row, so that two first saves at once make one report, not two.
    Visit.objects.select_for_update().filter(pk=visit.pk).first()
    report = VisitReport.objects.filter(visit=visit).first()
    if report is None:
        report = VisitReport(
            visit=visit,
            drafted_at=timezone.now(),
            signature=visit_report_signature_default(organisation=organisation_current()),
        )
    return report


def visit_report_save(
    *, visit: Visit, title: str, body: str, signature: str, by: User | None
) -> VisitReport:
    """Save what the NPM's team wrote (creating the report on its first save).

    Raises VisitReportError ``invalid``.
    """
    with transaction.atomic():
        report = _locked_or_new(visit=visit)
        report.title = " ".join(title.split())
        # Windows browsers send \r\n: keep the text's paragraphs, not its line endings.
        report.body = body.replace("\r\n", "\n").strip()
        report.signature = " ".join(signature.split())
        report.updated_by = by
        _full_clean(report)
        report.save()
    return report


def visit_report_redraft(*, visit: Visit, by: User | None) -> VisitReport:
    """Replace the title and the text with a new draft from the data (the edits are lost); the
    signature stays as chosen. Raises VisitReportError ``invalid``."""
    draft = visit_report_draft(visit=visit)
    with transaction.atomic():
        report = _locked_or_new(visit=visit)
        report.title, report.body = draft.title, draft.body
        report.drafted_at = timezone.now()
        report.updated_by = by
        _full_clean(report)
        report.save()
    return report


def visit_report_blocks(body: str) -> list[Block]:
    """The body as the exports print it: one block per non-empty line; « # » makes a heading,
    « ## » a sub-heading, « - » an item of a list, any other line a paragraph."""
    blocks = []
    for line in body.splitlines():
        text = line.strip()
        if text.startswith("##"):
            blocks.append(Block(kind="subheading", text=text.lstrip("#").strip()))
        elif text.startswith("#"):
            blocks.append(Block(kind="heading", text=text.lstrip("#").strip()))
        elif text.startswith(("-", "•")):
            blocks.append(Block(kind="item", text=text[1:].strip()))
        else:
            blocks.append(Block(kind="paragraph", text=text))
    return [block for block in blocks if block.text]
