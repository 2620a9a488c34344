"""How an official piece of the institution is laid out, in PDF and in Word: the letterhead
(``kalan.core.render``), then the state's header beside the number, the place and date, the
body, and the signatory's block.

A piece is described once, as a ``Piece`` (plain texts, French typography applied when printed),
and printed twice: ``piece_pdf`` and ``piece_docx`` say the same thing, so a letter sent by mail
and its Word copy kept for editing never differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from kalan.core import formats
from kalan.core.models import Organisation
from kalan.core.render.layout import (
    BODY,
    CELL,
    CELL_BOLD,
    FONT_BOLD,
    build_pdf,
    content_width,
    para,
    signatures_block,
    table,
)
from kalan.core.render.word import word_document, word_save

# The Malian state's header, printed at the top right of every official piece, as the
# institution's own letters print it.
STATE = "RÉPUBLIQUE DU MALI"
MOTTO = "Un Peuple – Un But – Une Foi"
# Where the institution signs its pieces (its seat).
SEAT = "Bamako"

LETTER_BODY = ParagraphStyle("kalan-letter-body", parent=BODY, fontSize=10.5, leading=15)
RIGHT = ParagraphStyle("kalan-letter-right", parent=LETTER_BODY, alignment=TA_RIGHT)
CENTRE = ParagraphStyle("kalan-letter-centre", parent=LETTER_BODY, alignment=TA_CENTER)
LEFT = ParagraphStyle("kalan-letter-left", parent=LETTER_BODY, alignment=TA_LEFT)
PIECE_TITLE = ParagraphStyle(
    "kalan-piece-title", parent=CENTRE, fontName=FONT_BOLD, fontSize=14, leading=18
)


@dataclass
class Signer:
    name: str
    title: str


@dataclass
class Piece:
    """One official piece: a letter (recipient, subject, paragraphs) or a form (title, rows)."""

    file_title: str  # the footer of each page and the PDF's title
    number: str
    place_date: str
    signer: Signer
    title: str = ""  # « ORDRE DE MISSION », centred under the number; empty for a letter
    sender: str = ""  # « Le Président » above « à » and the recipient
    recipient: list[str] = field(default_factory=list)
    subject: str = ""
    attachments: str = ""
    salutation: str = ""
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    closing: list[str] = field(default_factory=list)  # paragraphs after the rows


def place_date(dated: object) -> str:
    """« Bamako, le 20 octobre 2022 »."""
    return _("%(place)s, le %(date)s") % {"place": SEAT, "date": formats.date_short(dated)}  # type: ignore[arg-type]


# --- PDF ---------------------------------------------------------------------------------------


def _markup(label: str, value: str) -> Paragraph:
    return Paragraph(formats.fr(f"<b><u>{escape(label)}</u></b> {escape(value)}"), LEFT)


def _head(piece: Piece) -> Flowable:
    number = Paragraph(formats.fr(f"<b>N° {escape(piece.number)}</b>"), LEFT)
    state = [
        Paragraph(f"<b>{escape(STATE)}</b>", CENTRE),
        Paragraph(escape(MOTTO), ParagraphStyle("kalan-motto", parent=CENTRE, fontSize=9)),
    ]
    width = content_width()
    return Table(
        [[number, state]],
        colWidths=[width * 0.5, width * 0.5],
        style=TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        ),
    )


def _recipient(piece: Piece) -> list[Flowable]:
    indent = ParagraphStyle("kalan-recipient", parent=LEFT, leftIndent=content_width() * 0.45)
    lines = [Paragraph(formats.fr(f"<b>{escape(piece.sender)}</b>"), indent)]
    lines.append(para(_("à"), indent))
    lines += [para(line, indent) for line in piece.recipient]
    return lines


def _rows_table(rows: Sequence[tuple[str, str]]) -> Flowable:
    label_style = ParagraphStyle("kalan-piece-label", parent=CELL_BOLD, fontSize=10, leading=13)
    value_style = ParagraphStyle("kalan-piece-value", parent=CELL, fontSize=10, leading=13)
    width = content_width()
    return table(
        [[para(label, label_style), para(value, value_style)] for label, value in rows],
        col_widths=[width * 0.32, width * 0.68],
        header_rows=0,
        styles=[("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)],
    )


def piece_pdf(piece: Piece, *, organisation: Organisation | None) -> bytes:
    """The piece on the institution's letterhead, one signatory at the bottom right."""
    story: list[Flowable] = [_head(piece), Spacer(1, 5 * mm)]
    story.append(para(piece.place_date, RIGHT))
    story.append(Spacer(1, 5 * mm))
    if piece.title:
        story += [Paragraph(escape(piece.title), PIECE_TITLE), Spacer(1, 5 * mm)]
    if piece.recipient:
        story += [*_recipient(piece), Spacer(1, 6 * mm)]
    if piece.subject:
        story.append(_markup(_("Objet :"), piece.subject))
    if piece.attachments:
        story.append(_markup(_("P.J. :"), piece.attachments))
    if piece.subject or piece.attachments:
        story.append(Spacer(1, 5 * mm))
    if piece.salutation:
        story += [para(piece.salutation, LETTER_BODY), Spacer(1, 2 * mm)]
    story += [para(text, LETTER_BODY) for text in piece.paragraphs]
    if piece.rows:
        story += [_rows_table(piece.rows), Spacer(1, 4 * mm)]
    story += [para(text, LETTER_BODY) for text in piece.closing]
    story.append(Spacer(1, 6 * mm))
    story.append(signatures_block([piece.signer]))
    return build_pdf(title=piece.file_title, story=story, organisation=organisation)


# --- Word --------------------------------------------------------------------------------------


def _word_line(document: object, text: str, *, align: int, bold: bool = False) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = align
    paragraph.add_run(formats.fr(text)).bold = bold


def _word_head(document: object, piece: Piece) -> None:
    grid = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = grid.rows[0].cells
    left.paragraphs[0].add_run(formats.fr(f"N° {piece.number}")).bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].add_run(STATE).bold = True
    motto = right.add_paragraph(MOTTO)
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _word_labelled(document: object, label: str, value: str) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(formats.fr(label))
    run.bold = run.underline = True
    paragraph.add_run(" " + formats.fr(value))


def _word_rows(document: object, rows: Sequence[tuple[str, str]]) -> None:
    grid = document.add_table(rows=len(rows), cols=2)  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    for row, (label, value) in zip(grid.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(formats.fr(label)).bold = True
        row.cells[1].paragraphs[0].add_run(formats.fr(value))
        row.cells[0].width, row.cells[1].width = Mm(55), Mm(125)


def piece_docx(piece: Piece, *, organisation: Organisation | None) -> bytes:
    """The same piece in Word, for the secretariat to adjust before printing if it must."""
    document = word_document(organisation=organisation)
    document.styles["Normal"].font.size = Pt(10.5)
    _word_head(document, piece)
    _word_line(document, piece.place_date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if piece.title:
        _word_line(document, piece.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    if piece.recipient:
        for n, line in enumerate([piece.sender, _("à"), *piece.recipient]):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Mm(80)
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(formats.fr(line)).bold = n == 0
    if piece.subject:
        _word_labelled(document, _("Objet :"), piece.subject)
    if piece.attachments:
        _word_labelled(document, _("P.J. :"), piece.attachments)
    if piece.salutation:
        document.add_paragraph(formats.fr(piece.salutation))
    for text in piece.paragraphs:
        document.add_paragraph(formats.fr(text)).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if piece.rows:
        _word_rows(document, piece.rows)
    for text in piece.closing:
        document.add_paragraph(formats.fr(text)).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _word_line(document, piece.signer.title, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    for _blank in range(3):
        document.add_paragraph()
    _word_line(document, piece.signer.name, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    return word_save(document)
