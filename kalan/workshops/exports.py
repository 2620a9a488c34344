"""A session's roster out to XLSX and CSV, with its daily attendance: the columns of a person
list (``kalan.people.exports``, contacts only for those who may see them), then role, status,
one 1/0 per day and the days present."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalan.core.render.spreadsheets import CellValue, ExportTable, spreadsheet_safe
from kalan.people.exports import (
    WIDTHS,
    RegionIndex,
    Viewer,
    person_cells,
    person_export_columns,
    person_row,
)
from kalan.workshops.models import Attendance, Enrollment, Session
from kalan.workshops.selectors import session_roster


def attendance_header(*, day: dt.date, half: str) -> str:
    """« 08/11/2022 », or « 08/11/2022 matin » when attendance is taken by half-day."""
    label = date_format(day, "SHORT_DATE_FORMAT")
    if half != Attendance.Half.DAY:
        label = f"{label} {Attendance.Half(half).label}"
    return label


def session_export_table(*, user: Viewer, session: Session) -> ExportTable:
    """A session's roster as on its page: persons, role, status, one 1/0 per day, days present.

    The roster is read by ``session_roster`` (the page's own selector, three queries) so that
    the export and the page cannot disagree; a session holds at most a few hundred people.
    A half-day counts for half a day in the total, as on the page.
    """
    columns = person_export_columns(user)
    roster = session_roster(session=session)
    roles = {value: str(label) for value, label in Enrollment.Role.choices}
    statuses = {value: str(label) for value, label in Enrollment.Status.choices}
    weight = session.mark_weight
    regions = RegionIndex()

    def rows() -> Iterator[list[CellValue]]:
        for number, line in enumerate(roster.rows, start=1):
            enrollment = line.enrollment
            person = person_row(enrollment.person)
            person["number"] = number
            days = line.present_count * weight
            yield [
                *person_cells(columns, person, regions),
                spreadsheet_safe(roles.get(enrollment.role, enrollment.role)),
                spreadsheet_safe(statuses.get(enrollment.status, enrollment.status)),
                *(int(mark) for mark in line.marks),
                int(days) if float(days).is_integer() else days,
            ]

    days = [attendance_header(day=day, half=half) for day, half in roster.columns]
    return ExportTable(
        title=_("Présences"),
        headers=[
            *(column.header for column in columns),
            _("Rôle"),
            _("Statut"),
            *days,
            _("Jours de présence"),
        ],
        rows=list(rows()),
        widths=[
            *(WIDTHS.get(column.key, 12) for column in columns),
            14,
            12,
            *(len(day) + 2 for day in days),
            10,
        ],
    )
