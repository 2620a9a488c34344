"""One report, two files: blocks written once, rendered to Word (python-docx) and PDF (ReportLab).

The activity report and the donor report say the same thing in both formats, so their builders
produce a list of blocks (title, heading, paragraph, list, table, image) and this module renders
them: ``docx_render`` on the Word helpers of ``kalan.core.render.word`` (the institution's name in
the page header), ``pdf_render`` on the letterhead of ``kalan.core.render.layout``. French text
gets French typography (no-break spaces before ``: ; ! ?``), English text is left as it is.

Numbers are written by ``kalan.core.formats`` (``number``, ``percent``, ``days``, ``money``), in
the report's language: the builders call them inside ``translation.override(language)``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.translation import get_language
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer

from kalan.core.formats import fr
from kalan.core.models import Organisation
from kalan.core.render import layout

# The Word document with the institution's name in its header, and its writer: the same
# helpers as the participant lists (kalan.core.render.word), so both look alike.
from kalan.core.render.word import word_document, word_save

# --- the report's language ---------------------------------------------------------------------


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


# --- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    text: str
    lines: Sequence[str] = ()  # under the title, centred


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]
    numbered: bool = False


@dataclass(frozen=True)
class Facts:
    """Label-value pairs, as a two-column table without a header."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    head: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # shares of the text width, summing to 1
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    total: bool = False  # the last row is a total, in bold


@dataclass(frozen=True)
class Picture:
    data: bytes  # PNG or JPEG
    width: float = 1.0  # share of the text width
    caption: str = ""


@dataclass
class Report:
    title: str  # the file's title, in the PDF's footer too
    blocks: list[object] = field(default_factory=list)

    def add(self, *blocks: object) -> None:
        self.blocks.extend(blocks)


# --- Word --------------------------------------------------------------------------------------

TEXT_WIDTH_MM = 180


def _typo(text: str) -> str:
    return fr(text) if _french() else text


def docx_render(report: Report, *, organisation: Organisation | None) -> bytes:
    document = word_document(organisation=organisation)
    document.core_properties.title = report.title
    for block in report.blocks:
        if isinstance(block, Title):
            heading = document.add_heading(_typo(block.text), level=0)
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for line in block.lines:
                paragraph = document.add_paragraph(_typo(line))
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, Heading):
            document.add_heading(_typo(block.text), level=block.level)
        elif isinstance(block, Para):
            paragraph = document.add_paragraph()
            for n, line in enumerate(block.text.splitlines() or [""]):
                if n:
                    paragraph.add_run().add_break()
                run = paragraph.add_run(_typo(line))
                if block.small:
                    run.font.size = Pt(8)
                    run.font.color.rgb = RGBColor(0x5F, 0x6B, 0x7A)
        elif isinstance(block, Bullets):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                document.add_paragraph(_typo(item), style=style)
        elif isinstance(block, Facts):
            _docx_table(document, [], [list(row) for row in block.rows], [0.4, 0.6], frozenset())
        elif isinstance(block, Table):
            _docx_table(
                document,
                list(block.head),
                [list(row) for row in block.rows],
                list(block.widths),
                block.numeric,
                total=block.total,
            )
        elif isinstance(block, Picture):
            document.add_picture(io.BytesIO(block.data), width=Mm(TEXT_WIDTH_MM * block.width))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.caption:
                caption = document.add_paragraph(_typo(block.caption))
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in caption.runs:
                    run.italic = True
                    run.font.size = Pt(8.5)
    return word_save(document)


def _docx_table(
    document: object,
    head: list[str],
    rows: list[list[str]],
    widths: list[float],
    numeric: frozenset[int],
    *,
    total: bool = False,
) -> None:
    all_rows = ([head] if head else []) + rows
    if not all_rows:
        return
    table = document.add_table(rows=len(all_rows), cols=len(all_rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(all_rows):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            cells[c].width = Mm(TEXT_WIDTH_MM * widths[c])
            paragraph = cells[c].paragraphs[0]
            run = paragraph.add_run(_typo(value))
            run.font.size = Pt(9)
            is_head = bool(head) and r == 0
            if is_head or (total and r == len(all_rows) - 1) or (not head and c == 0):
                run.bold = True
            if c in numeric and not is_head:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if head:
        # Word repeats a header row on every page only when asked.
        properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    document.add_paragraph()  # type: ignore[attr-defined]


# --- PDF ---------------------------------------------------------------------------------------

H2 = ParagraphStyle("kalan-report-h2", parent=layout.HEADING, fontSize=10.5, leading=13)
CAPTION = ParagraphStyle(
    "kalan-report-caption", parent=layout.SMALL, alignment=TA_CENTER, fontSize=8.5, leading=11
)
BULLET = ParagraphStyle("kalan-report-bullet", parent=layout.BODY, leftIndent=12, bulletIndent=2)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of data (escaped), lines kept, French typography in French."""
    markup = "<br/>".join(escape(_typo(line)) for line in text.splitlines())
    return Paragraph(markup, style)


def pdf_render(report: Report, *, organisation: Organisation | None) -> bytes:
    story: list[Flowable] = []
    width = layout.content_width()
    heading_pending: list[Flowable] = []
    for block in report.blocks:
        flowables: list[Flowable] = []
        if isinstance(block, Title):
            flowables.append(_p(block.text, layout.TITLE))
            flowables.extend(_p(line, layout.SUBTITLE) for line in block.lines)
            flowables.append(Spacer(1, 3 * mm))
        elif isinstance(block, Heading):
            # Kept with what follows: a heading never ends a page.
            heading_pending.append(_p(block.text, layout.HEADING if block.level == 1 else H2))
            continue
        elif isinstance(block, Para):
            flowables.append(_p(block.text, layout.SMALL if block.small else layout.BODY))
        elif isinstance(block, Bullets):
            for n, item in enumerate(block.items, start=1):
                bullet = f"{n}." if block.numbered else "•"
                flowables.append(Paragraph(escape(_typo(item)), BULLET, bulletText=bullet))
        elif isinstance(block, Facts):
            rows = [
                [_p(label, layout.CELL_BOLD), _p(value, layout.CELL)] for label, value in block.rows
            ]
            flowables.append(
                layout.table(rows, col_widths=[width * 0.4, width * 0.6], header_rows=0)
            )
            flowables.append(Spacer(1, 3 * mm))
        elif isinstance(block, Table):
            flowables.append(_pdf_table(block, width))
            flowables.append(Spacer(1, 3 * mm))
        elif isinstance(block, Picture):
            flowables.append(_pdf_picture(block, width))
        if heading_pending:
            first, rest = flowables[:1], flowables[1:]
            story.append(KeepTogether([*heading_pending, *first]))
            story.extend(rest)
            heading_pending = []
        else:
            story.extend(flowables)
    story.extend(heading_pending)
    return layout.build_pdf(title=report.title, story=story, organisation=organisation)


def _pdf_table(block: Table, width: float) -> Flowable:
    rows: list[list[Flowable]] = [[_p(text, layout.CELL_HEAD) for text in block.head]]
    last = len(block.rows) - 1
    for n, values in enumerate(block.rows):
        bold = block.total and n == last
        row = []
        for c, text in enumerate(values):
            style = layout.CELL_BOLD if bold else layout.CELL
            if c in block.numeric:
                style = ParagraphStyle(f"{style.name}-right", parent=style, alignment=TA_RIGHT)
            row.append(_p(text, style))
        rows.append(row)
    return layout.table(rows, col_widths=[width * share for share in block.widths], zebra=True)


def _pdf_picture(block: Picture, width: float) -> Flowable:
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(io.BytesIO(block.data))
    pixels_w, pixels_h = reader.getSize()
    draw_w = width * block.width
    draw_h = draw_w * pixels_h / pixels_w
    # A tall photo is made to fit on one page with its caption.
    most = layout.content_height() * 0.8
    if draw_h > most:
        draw_w, draw_h = draw_w * most / draw_h, most
    image = Image(io.BytesIO(block.data), width=draw_w, height=draw_h)
    parts: list[Flowable] = [image]
    if block.caption:
        parts.append(Spacer(1, 1.5 * mm))
        parts.append(_p(block.caption, CAPTION))
    parts.append(Spacer(1, 4 * mm))
    return KeepTogether(parts)
