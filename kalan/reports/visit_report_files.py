"""A custody visit's report as Word (for the NPM's team to send or edit further) and as PDF.

Both print what the report holds, as saved: the title, the visit's place and date under it, the
body's blocks (headings, sub-headings, list items, paragraphs: ``visit_report_blocks``) and the
signature. The PDF has the institution's letterhead (``kalan.core.render.layout``); the Word file
has its name in the page header (``kalan.core.render.word``). French typography throughout
(no-break spaces before « : ; ! ? » and inside « », the typographic apostrophe).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from kalan.core.formats import date_short
from kalan.core.render.layout import BODY, FONT_BOLD, HEADING, SUBTITLE, TITLE, build_pdf
from kalan.core.render.word import word_document, word_save
from kalan.core.selectors import organisation_current
from kalan.reports.models import Language, VisitReport
from kalan.reports.press import press_typeset
from kalan.reports.visit_report import visit_report_blocks

REPORT_TITLE = ParagraphStyle("kalan-visit-title", parent=TITLE, fontSize=14, leading=18)
REPORT_BODY = ParagraphStyle("kalan-visit-body", parent=BODY, leading=14, spaceAfter=6)
REPORT_HEADING = ParagraphStyle("kalan-visit-heading", parent=HEADING, spaceBefore=10)
REPORT_SUBHEADING = ParagraphStyle(
    "kalan-visit-subheading", parent=BODY, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=3
)
REPORT_ITEM = ParagraphStyle(
    "kalan-visit-item", parent=REPORT_BODY, leftIndent=6 * mm, bulletIndent=2 * mm, spaceAfter=3
)
SIGNATURE = ParagraphStyle(
    "kalan-visit-signature", parent=BODY, fontName=FONT_BOLD, alignment=TA_RIGHT, spaceBefore=12
)
PDF_STYLES = {
    "heading": REPORT_HEADING,
    "subheading": REPORT_SUBHEADING,
    "item": REPORT_ITEM,
    "paragraph": REPORT_BODY,
}


def _typeset(text: str) -> str:
    return press_typeset(text, language=Language.FRENCH)


def _subtitle(report: VisitReport) -> str:
    """« Visite inopinée du 14 février 2023 · brigade de gendarmerie · Sévaré »."""
    visit = report.visit
    with translation.override(Language.FRENCH):
        return _("Visite %(kind)s du %(date)s · %(place_kind)s · %(locality)s") % {
            "kind": visit.get_kind_display(),
            "date": date_short(visit.visited_on, Language.FRENCH),
            "place_kind": visit.place.get_kind_display(),
            "locality": visit.place.locality.name,
        }


def visit_report_pdf(*, report: VisitReport) -> bytes:
    """The report on the institution's letterhead: title, place and date, text, signature."""
    with translation.override(Language.FRENCH):
        label = _("Rapport de visite de lieu de privation de liberté")
    story: list[Flowable] = [
        Paragraph(escape(_typeset(report.title)), REPORT_TITLE),
        Paragraph(escape(_typeset(_subtitle(report))), SUBTITLE),
        Spacer(1, 3 * mm),
    ]
    for block in visit_report_blocks(report.body):
        text = escape(_typeset(block.text))
        if block.kind == "item":
            story.append(Paragraph(text, REPORT_ITEM, bulletText="•"))
        else:
            story.append(Paragraph(text, PDF_STYLES[block.kind]))
    if report.signature:
        story.append(Paragraph(escape(_typeset(report.signature)), SIGNATURE))
    return build_pdf(title=label, story=story, header_lines=[label])


def visit_report_docx(*, report: VisitReport) -> bytes:
    """The same report in Word: title, place and date, text, signature."""
    document = word_document(organisation=organisation_current())
    title = document.add_heading(_typeset(report.title), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(_typeset(_subtitle(report)))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in visit_report_blocks(report.body):
        text = _typeset(block.text)
        if block.kind == "heading":
            document.add_heading(text, level=2)
        elif block.kind == "subheading":
            document.add_heading(text, level=3)
        elif block.kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            paragraph = document.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if report.signature:
        signature = document.add_paragraph()
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = signature.add_run(_typeset(report.signature))
        run.bold = True
        run.font.size = Pt(10)
    return word_save(document)
