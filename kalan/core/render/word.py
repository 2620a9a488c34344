"""Word files for staff who edit them: a page set up with the institution's name in the header,
tables whose header row repeats on every page, and the bytes to send."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kalan.core.models import Organisation


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


def word_table(
    document: DocxDocument, rows: Sequence[Sequence[str]], *, font_size: float = 9
) -> None:
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
