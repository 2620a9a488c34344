"""DOCX for staff who edit in Word: the session's participant list and its attendance summary.

Plain python-docx documents: the institution's name in the page header, a title, the session on
one line, one table. Phones only for ``kalan.view_contacts``, as on the sign-in sheets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kalan.core.models import Organisation, User
from kalan.core.selectors import organisation_current
from kalan.documents.layout import fr
from kalan.documents.selectors_sheets import session_people
from kalan.documents.sheets import period_label, session_lines
from kalan.workshops.models import Attendance, Enrollment, Session
from kalan.workshops.selectors import session_roster


def word_document(*, organisation: Organisation | None, landscape: bool = False) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    section.top_margin = section.bottom_margin = Mm(15)
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    if organisation is not None:
        header = section.header.paragraphs[0]
        run = header.add_run(organisation.name)
        run.bold = True
        if organisation.acronym and organisation.acronym != organisation.name:
            header.add_run(f" ({organisation.acronym})")
    return document


def _session_line(session: Session) -> str:
    return " — ".join(session_lines(session))


def _table(document: DocxDocument, rows: Sequence[Sequence[str]], *, font_size: float = 9) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            paragraph = cells[c].paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(font_size)
            if r == 0:
                run.bold = True
    # Word repeats a header row on every page only when asked.
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def word_save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _person_values(enrollment: Enrollment) -> list[str]:
    person = enrollment.person
    return [
        person.full_name,
        str(person.rank) if person.rank else "",
        (person.corps.short_name or person.corps.name) if person.corps else "",
        person.unit.name if person.unit else "",
    ]


def participants_docx(*, session: Session, user: User | AnonymousUser | None) -> bytes:
    """The participants of the session, numbered; then facilitators and others if any."""
    phone = bool(user is not None and user.has_perm("kalan.view_contacts"))
    people = session_people(session=session)
    document = word_document(organisation=organisation_current())
    title = document.add_heading(_("Liste des participants"), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(_session_line(session))
    head = [_("N°"), _("Nom et prénoms"), _("Grade"), _("Corps"), _("Unité")]
    if phone:
        head.append(_("Téléphone"))
    participants = people.participants
    rows = [head]
    for n, enrollment in enumerate(participants, start=1):
        values = [str(n), *_person_values(enrollment)]
        if phone:
            values.append(enrollment.person.phone)
        rows.append(values)
    _table(document, rows)
    others = [e for e in people.attendees if e.role != Enrollment.Role.PARTICIPANT]
    others = [*people.facilitators, *others]
    if others:
        document.add_heading(_("Facilitateurs et autres intervenants"), level=2)
        rows = [[_("N°"), _("Nom et prénoms"), _("Rôle"), _("Grade"), _("Corps"), _("Unité")]]
        for n, enrollment in enumerate(others, start=1):
            name, *rest = _person_values(enrollment)
            rows.append([str(n), name, enrollment.get_role_display(), *rest])
        _table(document, rows)
    document.add_paragraph(fr(_("Total : %(count)s participants.") % {"count": len(participants)}))
    return word_save(document)


def _days(value: float) -> str:
    """3, 2,5: days in French, with a comma and no needless decimal."""
    return f"{value:g}".replace(".", ",")


def attendance_summary_docx(*, session: Session) -> bytes:
    """Per participant: a mark per day (or half-day) and days present over days; per column, the
    number present."""
    roster = session_roster(session=session)
    document = word_document(organisation=organisation_current(), landscape=True)
    title = document.add_heading(_("Récapitulatif des présences"), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(_session_line(session))
    weight = 0.5 if session.half_days else 1.0
    day_count = len(session.days)
    head = [_("N°"), _("Nom et prénoms"), _("Grade"), _("Rôle")]
    for column in roster.column_details:
        label = column.day.strftime("%d/%m")
        if column.half != Attendance.Half.DAY:
            label = f"{label} {Attendance.Half(column.half).label}"
        head.append(label)
    head.append(_("Jours de présence"))
    rows = [head]
    for n, row in enumerate(roster.rows, start=1):
        enrollment = row.enrollment
        person = enrollment.person
        rows.append(
            [
                str(n),
                person.full_name,
                str(person.rank) if person.rank else "",
                enrollment.get_role_display(),
                *["✓" if mark else "—" for mark in row.marks],
                f"{_days(row.present_count * weight)} / {day_count}",
            ]
        )
    rows.append(
        [
            "",
            _("Participants présents"),
            "",
            "",
            *[str(total) for total in roster.column_totals],
            _days(roster.person_days),
        ]
    )
    _table(document, rows, font_size=8)
    document.add_paragraph(
        fr(
            _("Jours : %(days)s. Colonnes : %(periods)s.")
            % {
                "days": day_count,
                "periods": ", ".join(
                    period_label(column.day, column.half) for column in roster.column_details
                ),
            }
        )
    )
    return word_save(document)
