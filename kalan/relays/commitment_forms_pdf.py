"""The paper commitment forms: one A4 page per participant, filled by hand at the close of the
session and typed in afterwards by the trainer (``commitment_enter``).

Each page names the participant and prints their badge code and personal relay code, nothing
else of them (no phone: the forms lie on the tables of the hall). A strip at the foot repeats
the relay code, to cut off and keep.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from kalan.core import formats
from kalan.core.models import Organisation
from kalan.core.render import layout
from kalan.core.selectors import organisation_current
from kalan.relays.models import Audience, RelayCode
from kalan.relays.selectors_commitments import commitment_participants
from kalan.relays.services import relay_code_for
from kalan.relays.services_commitments import PEOPLE_MAX, a_year_after
from kalan.workshops.models import Enrollment, Objective, Session

BOX = 4 * mm
CODE = ParagraphStyle("kalan-relay-code", parent=layout.CELL_BOLD, fontSize=14, leading=17)
ANSWER = ParagraphStyle("kalan-answer", parent=layout.BODY, alignment=TA_LEFT, leading=20)
CHOICE = ParagraphStyle("kalan-choice", parent=layout.CELL, fontSize=10, leading=12.5)
LINE = "_" * 75


def _checks(labels: Sequence[str]) -> Table:
    """One empty box to tick per label."""
    rows = [["", layout.para(label, CHOICE)] for label in labels]
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (1, 0), (1, -1), 3 * mm),
    ]
    # The box is drawn inside a cell of its own size, one per row.
    boxes = [Table([[""]], colWidths=[BOX], rowHeights=[BOX]) for _label in labels]
    for box in boxes:
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, layout.INK)]))
    for row, box in zip(rows, boxes, strict=True):
        row[0] = box
    return Table(
        rows,
        colWidths=[BOX + 1 * mm, layout.content_width() - BOX - 1 * mm],
        style=TableStyle(style),
        hAlign="LEFT",
    )


def _identity(enrollment: Enrollment, relay_code: str) -> Table:
    rows = [
        [_("Participant"), layout.para(enrollment.person.full_name, layout.CELL_BOLD)],
        [_("Code participant (badge)"), layout.para(enrollment.code, CODE)],
        [_("Code personnel de relais"), layout.para(relay_code, CODE)],
    ]
    width = layout.content_width()
    return layout.table(rows, col_widths=[55 * mm, width - 55 * mm], header_rows=0)


def _objectives(objectives: Sequence[Objective]) -> list[Flowable]:
    """The workshop's objectives to tick; nothing for a workshop without any."""
    if not objectives:
        return []
    return [
        layout.para(_("4. Sur quels objectifs de l’atelier ? (cochez)"), layout.HEADING),
        _checks([f"{o.order}. {o.text}" for o in objectives]),
    ]


def _blank(label: str) -> Flowable:
    return layout.para(f"{label} {LINE[:25]}", ANSWER)


def _page(
    enrollment: Enrollment, relay_code: str, *, session: Session, objectives: list[Objective]
) -> list[Flowable]:
    latest = a_year_after(session.end_date)
    numbers = {"max": formats.amount(PEOPLE_MAX)}
    dates = {"end": f"{session.end_date:%d/%m/%Y}", "latest": f"{latest:%d/%m/%Y}"}
    return [
        layout.para(_("Mon engagement de relais des droits de l’homme"), layout.TITLE),
        _identity(enrollment, relay_code),
        layout.para(_("1. Qui allez-vous sensibiliser ? (cochez)"), layout.HEADING),
        _checks([str(label) for label in Audience.labels]),
        layout.para(_("2. Combien de personnes, à peu près ?"), layout.HEADING),
        _blank(_("Nombre de personnes (au plus %(max)s) :") % numbers),
        layout.para(_("3. Avant quelle date ?"), layout.HEADING),
        _blank(_("Date (après le %(end)s, au plus tard le %(latest)s) :") % dates),
        *_objectives(objectives),
        layout.para(_("Précisions (par exemple : où, quand, avec qui) :"), layout.HEADING),
        *[layout.para(LINE, ANSWER) for _line in range(3)],
        Spacer(1, 4 * mm),
        layout.para(_("Fait à %(blank)s, le %(blank)s") % {"blank": LINE[:22]}, ANSWER),
        layout.para(_("Signature du participant :"), ANSWER),
        Spacer(1, 18 * mm),
        layout.para(_("Rendez ce formulaire au formateur, sans la bande du bas."), layout.SMALL),
        Spacer(1, 2 * mm),
        _strip(enrollment, relay_code),
    ]


def _strip(enrollment: Enrollment, relay_code: str) -> Flowable:
    """The relay's code, to cut off and keep: it opens /r/ for restitutions and follow-up."""
    text = _(
        "À découper et à garder — %(name)s, code personnel de relais : %(code)s. Il vous servira "
        "à déclarer vos restitutions et à répondre aux questionnaires de suivi (adresse /r/)."
    ) % {"name": enrollment.person.full_name, "code": relay_code}
    strip = Table(
        [[layout.para(text, layout.CELL)]],
        colWidths=[layout.content_width()],
        style=TableStyle([("BOX", (0, 0), (-1, -1), 0.6, layout.RULE, None, (3, 2))]),
    )
    return strip


def _relay_codes(enrollments: Sequence[Enrollment]) -> dict[int, str]:
    """The relay codes, read at once; those missing made one by one (first print only)."""
    codes = dict(
        RelayCode.objects.filter(enrollment__in=enrollments).values_list("enrollment_id", "code")
    )
    for enrollment in enrollments:
        if enrollment.pk not in codes:
            codes[enrollment.pk] = relay_code_for(enrollment=enrollment).code
    return codes


def commitment_forms_pdf(*, session: Session, organisation: Organisation | None = None) -> bytes:
    """One page per participant (withdrawn and merged enrollments aside), in roster order."""
    organisation = organisation or organisation_current()
    enrollments = list(commitment_participants(session=session).select_related("person"))
    codes = _relay_codes(enrollments)
    objectives = list(Objective.objects.filter(workshop_id=session.workshop_id).order_by("order"))
    story: list[Flowable] = []
    for n, enrollment in enumerate(enrollments):
        if n:
            story.append(PageBreak())
        story += _page(enrollment, codes[enrollment.pk], session=session, objectives=objectives)
    header = [
        session.workshop.title,
        _("Session %(number)s — %(place)s, %(dates)s")
        % {
            "number": session.number,
            "place": session.place,
            "dates": formats.date_range(session.start_date, session.end_date),
        },
    ]
    title = _("Engagements des participants — %(workshop)s, session %(number)s") % {
        "workshop": session.workshop.title,
        "number": session.number,
    }
    return layout.build_pdf(
        title=title, story=story, header_lines=header, organisation=organisation
    )
