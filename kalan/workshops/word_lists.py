"""Word files of a session, for staff who edit them: its participant list and its attendance
summary. The institution's name in the page header, a title, the session on one line, one table.
Phones only for ``kalan.view_contacts``, as on the sign-in sheets.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from kalan.core.formats import day_month, days, fr, period_label
from kalan.core.models import User
from kalan.core.render.word import word_document, word_save, word_table
from kalan.core.selectors import organisation_current
from kalan.workshops.models import Attendance, Enrollment, Session
from kalan.workshops.selectors import session_roster
from kalan.workshops.selectors_sheets import session_people
from kalan.workshops.sheets import session_lines


def _session_line(session: Session) -> str:
    return " — ".join(session_lines(session))


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
    word_table(document, rows)
    others = [e for e in people.attendees if e.role != Enrollment.Role.PARTICIPANT]
    others = [*people.facilitators, *others]
    if others:
        document.add_heading(_("Facilitateurs et autres intervenants"), level=2)
        rows = [[_("N°"), _("Nom et prénoms"), _("Rôle"), _("Grade"), _("Corps"), _("Unité")]]
        for n, enrollment in enumerate(others, start=1):
            name, *rest = _person_values(enrollment)
            rows.append([str(n), name, enrollment.get_role_display(), *rest])
        word_table(document, rows)
    document.add_paragraph(fr(_("Total : %(count)s participants.") % {"count": len(participants)}))
    return word_save(document)


def attendance_summary_docx(*, session: Session) -> bytes:
    """Per participant: a mark per day (or half-day) and days present over days; per column, the
    number present."""
    roster = session_roster(session=session)
    document = word_document(organisation=organisation_current(), landscape=True)
    title = document.add_heading(_("Récapitulatif des présences"), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(_session_line(session))
    weight = session.mark_weight
    day_count = len(session.days)
    head = [_("N°"), _("Nom et prénoms"), _("Grade"), _("Rôle")]
    for column in roster.column_details:
        label = day_month(column.day)
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
                f"{days(row.present_count * weight)} / {day_count}",
            ]
        )
    rows.append(
        [
            "",
            _("Participants présents"),
            "",
            "",
            *[str(total) for total in roster.column_totals],
            days(roster.person_days),
        ]
    )
    word_table(document, rows, font_size=8)
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
