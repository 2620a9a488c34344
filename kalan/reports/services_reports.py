"""Writes of the reports: the words people add around the figures, and the workshops' targets.

Each function is one transaction. The figures themselves are never stored: the documents read
them from ``kalan.reports.figures`` each time they are printed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kalan.core.models import Partner, User
from kalan.reports.models import ActivityReport, DonorReport, Indicator, Target
from kalan.workshops.models import Workshop


@transaction.atomic
def activity_report_save(
    *,
    workshop: Workshop,
    language: str,
    observations: str,
    recommendations: str,
    by: User | None,
) -> ActivityReport:
    """Keep the observations and recommendations of a workshop's report in one language."""
    report, _created = ActivityReport.objects.select_for_update().get_or_create(
        workshop=workshop, language=language
    )
    report.observations = observations.strip()
    report.recommendations = recommendations.strip()
    report.updated_by = by
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def donor_report_save(
    *,
    partner: Partner,
    start: dt.date,
    end: dt.date,
    language: str,
    introduction: str,
    conclusions: str,
    by: User | None,
) -> DonorReport:
    """Keep the introduction and conclusions of the report to a partner over a period."""
    report, _created = DonorReport.objects.select_for_update().get_or_create(
        partner=partner, start=start, end=end, language=language
    )
    report.introduction = introduction.strip()
    report.conclusions = conclusions.strip()
    report.updated_by = by
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def targets_set(*, workshop: Workshop, values: dict[str, float | None]) -> list[Target]:
    """Set a workshop's targets, one per indicator; an empty value removes that target.

    Raises ValidationError for an unknown indicator or a negative value.
    """
    kept = []
    for indicator, value in values.items():
        Indicator(indicator)  # ValueError for an unknown one: a programming error
        if value is None:
            Target.objects.filter(workshop=workshop, indicator=indicator).delete()
            continue
        target = Target.objects.select_for_update().filter(
            workshop=workshop, indicator=indicator
        ).first() or Target(workshop=workshop, indicator=indicator)
        target.value = value
        target.full_clean()
        target.save()
        kept.append(target)
    return kept
