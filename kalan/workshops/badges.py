"""Badges (name tents): eight per A4 sheet, 2 × 4 with cut marks, with the participant code.

The code is what a participant types on a phone to answer the pre-test and the post-test
(``Enrollment.code``), so it is printed large. Facilitators and other roles get their role instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from kalan.core import formats
from kalan.core.models import Organisation
from kalan.core.render import layout
from kalan.core.selectors import organisation_current
from kalan.people.models import Person
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.selectors_sheets import session_people

COLUMNS, ROWS = 2, 4
PER_SHEET = COLUMNS * ROWS
BADGE_WIDTH = 90 * mm
BADGE_HEIGHT = 65 * mm
PADDING = 5 * mm
MARK = 5 * mm  # length of a cut mark, drawn outside the grid
MARK_GAP = 2 * mm


def _fit(text: str, font: str, size: float, width: float, smallest: float = 7) -> float:
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _clip(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class BadgeSheet(Flowable):
    """One A4 sheet of up to eight badges, drawn from the top left of the frame."""

    def __init__(
        self,
        enrollments: Sequence[Enrollment],
        *,
        workshop_title: str,
        acronym: str,
        logo: ImageReader | None,
    ) -> None:
        super().__init__()
        self.enrollments = list(enrollments)
        self.workshop_title = workshop_title
        self.acronym = acronym
        self.logo = logo
        self.width = COLUMNS * BADGE_WIDTH
        self.height = ROWS * BADGE_HEIGHT

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        for n, enrollment in enumerate(self.enrollments):
            column, row = n % COLUMNS, n // COLUMNS
            x = column * BADGE_WIDTH
            y = self.height - (row + 1) * BADGE_HEIGHT
            self._badge(enrollment, x, y)
        self._cut_marks()

    def _cut_marks(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(layout.GREY)
        canvas.setLineWidth(0.4)
        for column in range(COLUMNS + 1):
            x = column * BADGE_WIDTH
            canvas.line(x, self.height + MARK_GAP, x, self.height + MARK_GAP + MARK)
            canvas.line(x, -MARK_GAP, x, -MARK_GAP - MARK)
        for row in range(ROWS + 1):
            y = row * BADGE_HEIGHT
            canvas.line(-MARK_GAP, y, -MARK_GAP - MARK, y)
            canvas.line(self.width + MARK_GAP, y, self.width + MARK_GAP + MARK, y)
        # A faint outline guides the scissors between badges, where no mark can go.
        canvas.setStrokeColor(layout.BAND)
        canvas.setDash(1, 2)
        canvas.grid(
            [c * BADGE_WIDTH for c in range(COLUMNS + 1)],
            [r * BADGE_HEIGHT for r in range(ROWS + 1)],
        )
        canvas.restoreState()

    def _badge(self, enrollment: Enrollment, x: float, y: float) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(layout.INK)
        self._badge_heading(x, y)
        self._badge_person(enrollment.person, x, y)
        self._badge_code(enrollment, x, y)
        canvas.restoreState()

    def _badge_heading(self, x: float, y: float) -> None:
        """Institution and workshop, small, at the top."""
        canvas = self.canv
        top = y + BADGE_HEIGHT - PADDING
        if self.logo is not None:
            iw, ih = self.logo.getSize()
            scale = min(9 * mm / ih, 25 * mm / iw)
            canvas.drawImage(
                self.logo, x + PADDING, top - ih * scale, iw * scale, ih * scale, mask="auto"
            )
            text_x = x + PADDING + iw * scale + 3 * mm
        else:
            canvas.setFont(layout.FONT_BOLD, 10)
            canvas.drawString(x + PADDING, top - 9, self.acronym)
            text_x = (
                x + PADDING + pdfmetrics.stringWidth(self.acronym, layout.FONT_BOLD, 10) + 3 * mm
            )
        room = x + BADGE_WIDTH - PADDING - text_x
        canvas.setFillColor(layout.GREY)
        canvas.setFont(layout.FONT, 7.5)
        lines = simpleSplit(self.workshop_title, layout.FONT, 7.5, room)
        if len(lines) > 2:
            lines = [lines[0], _clip(" ".join(lines[1:]), layout.FONT, 7.5, room)]
        for n, line in enumerate(lines):
            canvas.drawString(text_x, top - 7 - n * 9, line)

    def _badge_person(self, person: Person, x: float, y: float) -> None:
        """The name, as large as the badge allows, then rank, corps and unit."""
        canvas = self.canv
        inner = BADGE_WIDTH - 2 * PADDING
        canvas.setFillColor(layout.INK)
        centre = x + BADGE_WIDTH / 2
        last = person.last_name.upper()
        size = _fit(last, layout.FONT_BOLD, 18, inner, 10)
        name_y = y + BADGE_HEIGHT - 25 * mm
        canvas.setFont(layout.FONT_BOLD, size)
        canvas.drawCentredString(centre, name_y, last)
        first = person.first_names
        size = _fit(first, layout.FONT, 13, inner, 8)
        canvas.setFont(layout.FONT, size)
        canvas.drawCentredString(centre, name_y - 6 * mm, first)

        rank_corps = " — ".join(
            part
            for part in (
                str(person.rank) if person.rank else "",
                (person.corps.short_name or person.corps.name) if person.corps else "",
            )
            if part
        )
        canvas.setFillColor(layout.GREY)
        if rank_corps:
            canvas.setFont(layout.FONT, _fit(rank_corps, layout.FONT, 9, inner))
            canvas.drawCentredString(centre, name_y - 11.5 * mm, rank_corps)
        if person.unit:
            unit = _clip(person.unit.name, layout.FONT, 8, inner)
            canvas.setFont(layout.FONT, 8)
            canvas.drawCentredString(centre, name_y - 15.5 * mm, unit)

    def _badge_code(self, enrollment: Enrollment, x: float, y: float) -> None:
        """The participant code, large, at the bottom; the role for other roles."""
        canvas = self.canv
        base = y + PADDING + 1 * mm
        canvas.setStrokeColor(layout.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(x + PADDING, base + 10 * mm, x + BADGE_WIDTH - PADDING, base + 10 * mm)
        canvas.setFillColor(layout.INK)
        if enrollment.role == Enrollment.Role.PARTICIPANT:
            label = formats.fr(_("Code participant :"))
            canvas.setFont(layout.FONT, 9)
            canvas.drawString(x + PADDING, base + 2 * mm, label)
            canvas.setFont(layout.FONT_BOLD, 24)
            canvas.drawRightString(x + BADGE_WIDTH - PADDING, base, enrollment.code)
        else:
            centre = x + BADGE_WIDTH / 2
            role = enrollment.get_role_display().capitalize()
            canvas.setFont(layout.FONT_BOLD, 14)
            canvas.drawCentredString(centre, base + 1 * mm, role)


def badges_pdf(*, session: Session, organisation: Organisation | None = None) -> bytes:
    """Badges of everyone enrolled (withdrawn aside): participants, then the others."""
    organisation = organisation or organisation_current()
    people = session_people(session=session)
    enrollments = [*people.attendees, *people.facilitators]
    logo = layout.organisation_logo(organisation)
    acronym = (organisation.acronym or organisation.name) if organisation else ""
    story: list[Flowable] = [
        BadgeSheet(
            enrollments[start : start + PER_SHEET],
            workshop_title=session.workshop.title,
            acronym=acronym,
            logo=logo,
        )
        for start in range(0, len(enrollments), PER_SHEET)
    ]
    title = _("Badges — %(workshop)s, session %(number)s") % {
        "workshop": session.workshop.title,
        "number": session.number,
    }
    return layout.build_pdf(title=title, story=story, organisation=organisation, letterhead=False)
