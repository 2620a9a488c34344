"""Sign-in sheets (feuilles de présence / d'émargement): A4 landscape, one per day or half-day.

Every page carries the letterhead with the workshop, the session and the day, and the table's
column headers; rows have a fixed height, so the number of rows per page is known in advance
(``rows_per_page``) and ReportLab never cuts a row across pages. Facilitators sign off in a table
of their own under the last row ("Visa des facilitateurs").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Table, TableStyle

from kalan.core import formats
from kalan.core.models import User
from kalan.core.render import layout
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.selectors_sheets import session_people

TITLE_HEIGHT = 14 * mm  # "Feuille de présence" and the day, above the table
HEADER_HEIGHT = 8 * mm  # the column headers, repeated on every page
ROW_HEIGHT = 8.5 * mm  # room to sign
VISA_TITLE_HEIGHT = 10 * mm  # the gap and the "Visa des facilitateurs" line
FACILITATOR_LINES = 3  # empty lines when no facilitator is enrolled

CELL = ParagraphStyle("kalan-sheet-cell", parent=layout.CELL, fontSize=8, leading=9.5)
CELL_NUMBER = ParagraphStyle("kalan-sheet-number", parent=CELL, alignment=TA_RIGHT)
TITLE = ParagraphStyle(
    "kalan-sheet-title", parent=layout.TITLE, fontSize=14, leading=17, spaceAfter=0
)
DAY = ParagraphStyle("kalan-sheet-day", parent=layout.SUBTITLE, fontSize=11, spaceAfter=0)
VISA = ParagraphStyle("kalan-sheet-visa", parent=layout.HEADING, spaceBefore=0, spaceAfter=0)


def rows_per_page(*, first: bool) -> int:
    """Person rows on the first page of a day (under the title) and on the pages that follow."""
    room = layout.content_height(landscape=True) - HEADER_HEIGHT
    if first:
        room -= TITLE_HEIGHT
    return int(room // ROW_HEIGHT)


def blank_rows() -> int:
    """The empty rows of a walk-in sheet: as many as fill its one page."""
    return rows_per_page(first=True)


def _can_see_contacts(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.has_perm("kalan.view_contacts"))


def _clip(text: str, width: float, *, lines: int = 2) -> str:
    """Cut ``text`` so that it wraps on at most ``lines`` lines of a fixed-height row."""
    room = (width - 6) * lines * 0.9
    if pdfmetrics.stringWidth(text, layout.FONT, CELL.fontSize) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", layout.FONT, CELL.fontSize) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _columns(*, phone: bool) -> list[tuple[str, float]]:
    columns = [
        (_("N°"), 10 * mm),
        (_("Nom et prénoms"), 62 * mm),
        (_("Grade"), 38 * mm),
        (_("Corps"), 30 * mm),
        (_("Unité"), 50 * mm),
    ]
    if phone:
        columns.append((_("Téléphone"), 30 * mm))
    used = sum(width for _label, width in columns)
    columns.append((_("Signature"), layout.content_width(landscape=True) - used))
    return columns


def _cell(text: str, width: float) -> Paragraph:
    return layout.para(_clip(text, width), CELL)


def _person_cells(enrollment: Enrollment, widths: Sequence[float], *, phone: bool) -> list[Any]:
    person = enrollment.person
    name = person.full_name
    if enrollment.role != Enrollment.Role.PARTICIPANT:
        name = f"{name} ({enrollment.get_role_display()})"
    values = [
        name,
        str(person.rank) if person.rank else "",
        (person.corps.short_name or person.corps.name) if person.corps else "",
        person.unit.name if person.unit else "",
    ]
    if phone:
        values.append(person.phone)
    return [_cell(value, width) for value, width in zip(values, widths, strict=False)]


def _number(n: int) -> Paragraph:
    return Paragraph(str(n), CELL_NUMBER)


def session_lines(session: Session) -> list[str]:
    """The workshop, then « Session n° 1 — venue, town (region) — 8-10 novembre 2022 »."""
    where = session.venue
    if session.place_id:
        where = f"{where}, {session.place}" if where else str(session.place)
        if session.place.parent_id and session.place.parent:
            where = f"{where} ({session.place.parent})"
    return [
        session.workshop.title,
        _("Session n° %(number)s — %(where)s — %(dates)s")
        % {
            "number": session.number,
            "where": where,
            "dates": formats.date_range(session.start_date, session.end_date),
        },
    ]


def _title_block(title: str, period: str) -> Table:
    width = layout.content_width(landscape=True)
    return Table(
        [[layout.para(title, TITLE)], [layout.para(period, DAY)]],
        colWidths=[width],
        rowHeights=[8 * mm, TITLE_HEIGHT - 8 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def _attendance_table(attendees: Sequence[Enrollment], *, phone: bool, empty_rows: int) -> Table:
    columns = _columns(phone=phone)
    widths = [width for _label, width in columns]
    rows: list[list[Any]] = [[label for label, _width in columns]]
    if empty_rows:
        rows.extend([_number(n), *[""] * (len(columns) - 1)] for n in range(1, empty_rows + 1))
    else:
        for n, enrollment in enumerate(attendees, start=1):
            cells = _person_cells(enrollment, widths[1:-1], phone=phone)
            rows.append([_number(n), *cells, ""])
    return layout.table(
        rows,
        col_widths=widths,
        row_heights=[HEADER_HEIGHT] + [ROW_HEIGHT] * (len(rows) - 1),
        zebra=True,
        styles=[("ALIGN", (0, 0), (0, -1), "RIGHT")],
    )


def _visa_table(facilitators: Sequence[Enrollment]) -> Flowable:
    widths = [10 * mm, 72 * mm, 48 * mm, 60 * mm]
    heading = Table(
        [[layout.para(_("Visa des facilitateurs"), VISA)]],
        colWidths=[sum(widths)],
        rowHeights=[VISA_TITLE_HEIGHT],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )
    rows: list[list[Any]] = [
        [_("N°"), _("Nom et prénoms"), _("Grade ou fonction"), _("Signature")],
    ]
    if not facilitators:
        # Nobody enrolled as facilitator yet: lines to write their names by hand.
        rows.extend([_number(n), "", "", ""] for n in range(1, FACILITATOR_LINES + 1))
    else:
        for n, enrollment in enumerate(facilitators, start=1):
            person = enrollment.person
            rows.append(
                [
                    _number(n),
                    _cell(person.full_name, widths[1]),
                    _cell(str(person.rank) if person.rank else "", widths[2]),
                    "",
                ]
            )
    visa = layout.table(
        rows,
        col_widths=widths,
        row_heights=[HEADER_HEIGHT] + [ROW_HEIGHT] * (len(rows) - 1),
    )
    return KeepTogether([heading, visa])


def sign_in_sheets_pdf(
    *,
    session: Session,
    user: User | AnonymousUser | None,
    day: dt.date | None = None,
    blank: bool = False,
) -> bytes:
    """The sign-in sheets of every day of the session (or of ``day`` only), one section per day
    or half-day, each starting on a new page. Phones only for ``kalan.view_contacts``.
    ``blank=True``: one page per period of numbered empty rows for walk-ins (``blank_rows()``),
    without the facilitators' table. Raises ValueError for a day outside the
    session."""
    days = session.days
    if day is not None:
        if day not in days:
            raise ValueError(f"{day} is not a day of the session")
        days = [day]
    people = None if blank else session_people(session=session)
    phone = _can_see_contacts(user) and not blank
    base_lines = session_lines(session)
    title = _("Feuille de présence complémentaire") if blank else _("Feuille de présence")
    story: list[Flowable] = []
    lines: list[str] = []
    for section, (period_day, half) in enumerate((d, h) for d in days for h in session.halves):
        period = formats.period_label(period_day, half)
        lines = [*base_lines, _("%(title)s du %(period)s") % {"title": title, "period": period}]
        if section:
            story.append(PageBreak())
        story.append(layout.HeaderLines(lines))
        story.append(_title_block(title, period))
        story.append(
            _attendance_table(
                people.attendees if people else [],
                phone=phone,
                empty_rows=blank_rows() if blank else 0,
            )
        )
        if people is not None:
            story.append(_visa_table(people.facilitators))
    document_title = _("%(title)s — %(workshop)s, session %(number)s") % {
        "title": title,
        "workshop": session.workshop.title,
        "number": session.number,
    }
    return layout.build_pdf(title=document_title, story=story, landscape=True, header_lines=lines)
