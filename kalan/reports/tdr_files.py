"""Terms of reference as Word (for the programme to send or edit further) and as PDF.

Both print what the version holds: the title, then each section that has text under its
numbered heading, a paragraph per line and a bulleted item per line that starts with « - ». The
PDF has the institution's letterhead (``kalan.core.render.layout``) and says the version in its
header; the Word file has the institution's name in the page header
(``kalan.core.render.word``). French versions get French typography.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from kalan.core.formats import date_short
from kalan.core.render.layout import BODY, HEADING, SUBTITLE, TITLE, build_pdf
from kalan.core.render.word import word_document, word_save
from kalan.core.selectors import organisation_current
from kalan.reports.models import Language, TermsOfReference
from kalan.reports.press import press_typeset

# The headings the documents print: document text, in the document's language (like the draft
# templates), not the interface's.
HEADINGS: dict[str, dict[str, str]] = {
    "fr": {
        "document": "Termes de référence",
        "context": "Contexte et justification",
        "general_objective": "Objectif général",
        "specific_objectives": "Objectifs spécifiques",
        "results": "Résultats attendus",
        "audience": "Public cible et effectifs",
        "methodology": "Méthodologie et modules",
        "agenda": "Programme",
        "sessions": "Lieux et dates",
        "facilitators": "Facilitateurs",
        "budget": "Budget prévisionnel",
        "funders": "Financement",
    },
    "en": {
        "document": "Terms of reference",
        "context": "Background and rationale",
        "general_objective": "General objective",
        "specific_objectives": "Specific objectives",
        "results": "Expected results",
        "audience": "Target audience and numbers",
        "methodology": "Methodology and modules",
        "agenda": "Agenda",
        "sessions": "Venues and dates",
        "facilitators": "Facilitators",
        "budget": "Planned budget",
        "funders": "Funding",
    },
}


@dataclass(frozen=True)
class Block:
    """A paragraph of a section, or an item of a list (a line that starts with « - »)."""

    text: str
    item: bool


def tdr_blocks(text: str) -> list[Block]:
    """A section's lines as the files print them: one block per non-empty line."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "• ")):
            blocks.append(Block(line[2:].strip(), item=True))
        else:
            blocks.append(Block(line, item=False))
    return blocks


def tdr_headings(language: str) -> dict[str, str]:
    return HEADINGS[language]


def tdr_numbered_sections(tdr: TermsOfReference) -> list[tuple[str, list[Block]]]:
    """The sections that have text, each with its numbered heading (« 1. Contexte… »)."""
    headings = tdr_headings(tdr.language)
    out = []
    number = 0
    for key in list(headings)[1:]:
        blocks = tdr_blocks(press_typeset(tdr.sections.get(key, ""), language=tdr.language))
        if not blocks:
            continue
        number += 1
        out.append((f"{number}. {headings[key]}", blocks))
    return out


TDR_TITLE = ParagraphStyle("kalan-tdr-title", parent=TITLE, fontSize=14, leading=18)
TDR_BODY = ParagraphStyle("kalan-tdr-body", parent=BODY, leading=13.5, spaceAfter=4)
TDR_ITEM = ParagraphStyle("kalan-tdr-item", parent=TDR_BODY, leftIndent=12, spaceAfter=2)
TDR_HEADING = ParagraphStyle("kalan-tdr-heading", parent=HEADING, spaceBefore=10)


def tdr_version_line(tdr: TermsOfReference) -> str:
    """« Version 2 — envoyée le 3 octobre 2022 à EUCAP Sahel Mali », in the document's language."""
    english = tdr.language == Language.ENGLISH
    line = f"Version {tdr.version}"
    if tdr.status == TermsOfReference.Status.SENT and tdr.sent_on and tdr.sent_to:
        partner = (tdr.sent_to.name_en or tdr.sent_to.name) if english else tdr.sent_to.name
        when = date_short(tdr.sent_on, tdr.language)
        line += (
            f" — sent on {when} to {partner}" if english else f" — envoyée le {when} à {partner}"
        )
    return line


def _typeset(tdr: TermsOfReference, text: str) -> str:
    return press_typeset(text, language=tdr.language)


def tdr_pdf(*, tdr: TermsOfReference) -> bytes:
    """The version on the institution's letterhead: title, version, numbered sections."""
    label = tdr_headings(tdr.language)["document"]
    story: list[Flowable] = [
        Paragraph(escape(_typeset(tdr, tdr.sections.get("title", ""))), TDR_TITLE),
        Paragraph(escape(_typeset(tdr, tdr_version_line(tdr))), SUBTITLE),
        Spacer(1, 4 * mm),
    ]
    for heading, blocks in tdr_numbered_sections(tdr):
        story.append(Paragraph(escape(_typeset(tdr, heading)), TDR_HEADING))
        for block in blocks:
            if block.item:
                story.append(Paragraph(escape(block.text), TDR_ITEM, bulletText="•"))
            else:
                story.append(Paragraph(escape(block.text), TDR_BODY))
    with translation.override(tdr.language):
        return build_pdf(title=f"{label} — v{tdr.version}", story=story, header_lines=[label])


def tdr_docx(*, tdr: TermsOfReference) -> bytes:
    """The same version in Word: title, version, numbered sections with their lists."""
    document = word_document(organisation=organisation_current())
    title = document.add_heading(_typeset(tdr, tdr.sections.get("title", "")), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    version = document.add_paragraph(_typeset(tdr, tdr_version_line(tdr)))
    version.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading, blocks in tdr_numbered_sections(tdr):
        document.add_heading(_typeset(tdr, heading), level=2)
        for block in blocks:
            if block.item:
                document.add_paragraph(block.text, style="List Bullet")
            else:
                paragraph = document.add_paragraph(block.text)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return word_save(document)
