"""A press release as Word (for the communication unit to send or edit further) and as PDF.

Both print what the release holds, as saved: the title, the photo with its caption, the text's
paragraphs (one per non-empty line), the signature. The PDF has the institution's letterhead
(``kalan.core.render.layout``); the Word file has its name in the page header
(``kalan.core.render.word``). French releases get French typography (no-break spaces before
« : ; ! ? » and inside « », the typographic apostrophe), English ones are printed as typed.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer

from kalan.core.render.layout import BODY, FONT_BOLD, SMALL, TITLE, build_pdf
from kalan.core.render.word import word_document, word_save
from kalan.core.selectors import organisation_current
from kalan.reports.models import Photo, PressRelease
from kalan.reports.press import press_paragraphs, press_photo_caption, press_typeset

PHOTO_MAX_WIDTH = 160 * mm
PHOTO_MAX_HEIGHT = 95 * mm

CAPTION = ParagraphStyle("kalan-press-caption", parent=SMALL, alignment=TA_CENTER, spaceBefore=2)
SIGNATURE = ParagraphStyle(
    "kalan-press-signature", parent=BODY, fontName=FONT_BOLD, alignment=TA_RIGHT, spaceBefore=10
)
PRESS_TITLE = ParagraphStyle("kalan-press-title", parent=TITLE, fontSize=14, leading=18)
# A little more air between paragraphs than in reports: a release is read, not consulted.
PRESS_BODY = ParagraphStyle("kalan-press-body", parent=BODY, leading=14, spaceAfter=6)


def _typeset(release: PressRelease, text: str) -> str:
    return press_typeset(text, language=release.language)


def _photo_bytes(photo: Photo | None) -> bytes | None:
    if photo is None or not photo.image:
        return None
    try:
        with photo.image.open("rb") as handle:
            return handle.read()
    except OSError:  # a file lost from the disk: the release prints without it
        return None


def _photo_size(photo: Photo) -> tuple[float, float]:
    scale = min(PHOTO_MAX_WIDTH / photo.width, PHOTO_MAX_HEIGHT / photo.height)
    return photo.width * scale, photo.height * scale


def press_release_pdf(*, release: PressRelease) -> bytes:
    """The release on the institution's letterhead: title, photo and caption, text, signature."""
    with translation.override(release.language):
        label = _("Communiqué de presse")
    story: list[Flowable] = [Paragraph(escape(_typeset(release, release.title)), PRESS_TITLE)]
    story.append(Spacer(1, 3 * mm))
    data = _photo_bytes(release.photo)
    if release.photo is not None and data is not None:
        width, height = _photo_size(release.photo)
        parts: list[Flowable] = [Image(io.BytesIO(data), width=width, height=height)]
        caption = press_photo_caption(photo=release.photo, language=release.language)
        if caption:
            parts.append(Paragraph(escape(_typeset(release, caption)), CAPTION))
        parts.append(Spacer(1, 4 * mm))
        story.append(KeepTogether(parts))
    for paragraph in press_paragraphs(release.body):
        story.append(Paragraph(escape(_typeset(release, paragraph)), PRESS_BODY))
    if release.signature:
        story.append(Paragraph(escape(_typeset(release, release.signature)), SIGNATURE))
    return build_pdf(title=label, story=story, header_lines=[label])


def press_release_docx(*, release: PressRelease) -> bytes:
    """The same release in Word: title, photo and caption, text, signature."""
    document = word_document(organisation=organisation_current())
    title = document.add_heading(_typeset(release, release.title), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    data = _photo_bytes(release.photo)
    if release.photo is not None and data is not None:
        width, _height = _photo_size(release.photo)
        document.add_picture(io.BytesIO(data), width=Mm(width / mm))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = press_photo_caption(photo=release.photo, language=release.language)
        if caption:
            line = document.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = line.add_run(_typeset(release, caption))
            run.italic = True
            run.font.size = Pt(8.5)
    for text in press_paragraphs(release.body):
        paragraph = document.add_paragraph(_typeset(release, text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if release.signature:
        signature = document.add_paragraph()
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.add_run(_typeset(release, release.signature)).bold = True
    return word_save(document)
