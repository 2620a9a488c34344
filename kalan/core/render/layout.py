"""The one layout of every Kalan document (ReportLab platypus): letterhead, footer, fonts, styles.

Every PDF renderer (sign-in sheets, badges, payment statements, certificates) builds a list of
flowables and hands it to :func:`build_pdf`; nothing else draws a letterhead or picks a font.

API (stable: the statement and certificate renderers import it)
--------------------------------------------------------------

Typography
    French typography, amounts and dates come from ``kalan.core.formats`` (``fr``, ``amount``,
    ``date_long``…): Word files and pages write them too. Apply ``fr`` to every French sentence
    a document prints. When DejaVu is missing and Helvetica is used, which has no narrow
    no-break space (U+202F), the PDF prints a no-break space (U+00A0) in its place.

Fonts: ``FONT``, ``FONT_BOLD``
    DejaVu Sans (and Bold) from ``/usr/share/fonts/truetype/dejavu/`` when present, else the copy
    matplotlib ships (a Windows laptop), Helvetica when neither is there. ``<b>`` works inside
    paragraphs either way.

Paragraph styles (``reportlab.lib.styles.ParagraphStyle``)
    ``TITLE`` (16 pt bold, centred), ``SUBTITLE`` (11 pt, centred), ``HEADING`` (12 pt bold),
    ``BODY`` (10 pt, justified), ``SMALL`` (8 pt, grey), ``CELL`` (8.5 pt),
    ``CELL_BOLD``, ``CELL_RIGHT`` (amounts), ``CELL_CENTER``, ``CELL_HEAD`` (header cells).

Flowables
    ``para(text, style=BODY) -> Paragraph``
        Escapes ``text`` (it is data, not markup) and applies ``fr``. For markup of your own, use
        ``Paragraph(formats.fr(markup), style)`` and escape the data you insert.
    ``table(rows, *, col_widths, header_rows=1, row_heights=None, styles=(), zebra=False,
    cell_style=CELL, font_size=None) -> Table``
        ``rows`` are lists of ``str`` (escaped, ``fr``-ed, wrapped) or flowables. The first
        ``header_rows`` rows are bold on a grey band and repeat on every page. ReportLab splits a
        table between rows, never inside one: a row is never cut across pages. ``row_heights``
        (a number or a list) fixes the heights, e.g. 11 mm for a signature box: keep cell text
        short enough to fit. ``styles`` are extra ``TableStyle`` commands.
    ``signatures_block(signatories, *, place_date="") -> Flowable``
        One column per signatory (anything with ``.title`` and ``.name``, e.g.
        ``core.Signatory``): the title, room to sign and stamp, then the name. Kept on one page.
        ``place_date`` ("Sévaré, le 10 novembre 2022") is printed above, right-aligned.
    ``HeaderLines(lines)``
        A zero-height flowable that replaces the letterhead's lines from the page it lands on:
        one PDF with one section per day puts ``HeaderLines([...day...])`` right after each
        ``PageBreak()``.

    ``organisation_logo(organisation) -> ImageReader | None``
        The logo for ``canvas.drawImage`` (badges, certificates), None when there is none.

Page
    ``content_width(landscape=False) -> float``, ``content_height(landscape=False) -> float``
        The frame's size in points, to size columns and count rows per page.
    ``build_pdf(*, title, story, landscape=False, header_lines=(), organisation=None,
    letterhead=True) -> bytes``
        A4 portrait (or landscape) with, on every page, the letterhead (logo from
        ``Organisation.logo``, else the acronym in a box; the institution's name; up to three
        ``header_lines`` under it; a thin rule) and a footer (``title`` on the left,
        ``page x / y`` on the right). ``organisation`` defaults to ``organisation_current()``.
        ``letterhead=False`` keeps only the footer (badges use the whole page).
"""

from __future__ import annotations

import importlib.util
import io
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

from kalan.core import formats
from kalan.core.models import Organisation
from kalan.core.selectors import organisation_current

__all__ = [
    "BODY",
    "CELL",
    "CELL_BOLD",
    "CELL_CENTER",
    "CELL_HEAD",
    "CELL_RIGHT",
    "FONT",
    "FONT_BOLD",
    "HEADING",
    "SMALL",
    "SUBTITLE",
    "TITLE",
    "HeaderLines",
    "build_pdf",
    "content_height",
    "content_width",
    "organisation_logo",
    "para",
    "signatures_block",
    "table",
]

# --- Fonts -------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


def _matplotlib_fonts() -> Path | None:
    """The DejaVu Sans that matplotlib (a dependency, for the reports' charts) ships in its
    wheel, found without importing it: the fonts of a venue laptop with no system DejaVu
    (Windows, macOS), so that its documents print as a Linux server's do."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def dejavu_folder() -> Path | None:
    """The first folder holding DejaVu Sans and DejaVu Sans Bold: Debian's, then matplotlib's."""
    for folder in (DEJAVU, _matplotlib_fonts()):
        if folder and all((folder / name).is_file() for name in DEJAVU_FILES):
            return folder
    return None


def _register_fonts() -> tuple[str, str]:
    folder = dejavu_folder()
    if folder is None:
        return "Helvetica", "Helvetica-Bold"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        pdfmetrics.registerFontFamily(
            "DejaVuSans",
            normal="DejaVuSans",
            bold="DejaVuSans-Bold",
            italic="DejaVuSans",
            boldItalic="DejaVuSans-Bold",
        )
    return "DejaVuSans", "DejaVuSans-Bold"


FONT, FONT_BOLD = _register_fonts()
# Helvetica (a standard PDF font, Latin-1 only) has no U+202F, the narrow no-break space that
# kalan.core.formats writes (fr, amount): without DejaVu it is printed as U+00A0 instead.
_NARROW_SPACE_PRINTABLE = FONT == "DejaVuSans"


def _keep_narrow_no_break_spaces() -> None:
    """ReportLab's paragraphs split words on U+202F as on any space, so the narrow no-break space
    would both allow a line break and print as a plain space. Split on the other spaces only."""
    if getattr(rl_paragraph, "_kalan_nnbsp", False):
        return
    spaces = rl_paragraph._wsc.replace("\u202f", "")
    split_spaces = re.compile(f"[{re.escape(spaces)}]+").split

    def split(text: str | bytes, delim: str | bytes | None = None) -> list[str]:
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if not _NARROW_SPACE_PRINTABLE:
            text = text.replace("\u202f", "\u00a0")
        if delim is None:
            return split_spaces(text)
        if isinstance(delim, bytes):
            delim = delim.decode("utf8")
        return text.split(delim)

    rl_paragraph.split = split
    rl_paragraph._kalan_nnbsp = True


def _print_narrow_spaces_as_no_break() -> None:
    """Without DejaVu, text drawn straight on a canvas (badges) gets U+00A0 for U+202F too:
    ReportLab would otherwise draw it from a symbol font."""
    format_text = PDFTextObject._formatText
    if _NARROW_SPACE_PRINTABLE or getattr(format_text, "_kalan_nnbsp", False):
        return

    def printable(self: PDFTextObject, text: str) -> Any:
        return format_text(self, text.replace("\u202f", "\u00a0"))

    printable._kalan_nnbsp = True  # type: ignore[attr-defined]
    PDFTextObject._formatText = printable


_keep_narrow_no_break_spaces()
_print_narrow_spaces_as_no_break()

# --- Styles ------------------------------------------------------------------------------------

INK = colors.HexColor("#1f2933")
GREY = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#8a94a3")
BAND = colors.HexColor("#e6e9ee")
ZEBRA = colors.HexColor("#f6f7f9")

TITLE = ParagraphStyle(
    "kalan-title",
    fontName=FONT_BOLD,
    fontSize=16,
    leading=20,
    alignment=TA_CENTER,
    textColor=INK,
    spaceAfter=4,
)
SUBTITLE = ParagraphStyle(
    "kalan-subtitle",
    fontName=FONT,
    fontSize=11,
    leading=14,
    alignment=TA_CENTER,
    textColor=INK,
    spaceAfter=6,
)
HEADING = ParagraphStyle(
    "kalan-heading",
    fontName=FONT_BOLD,
    fontSize=12,
    leading=15,
    textColor=INK,
    spaceBefore=8,
    spaceAfter=4,
)
BODY = ParagraphStyle(
    "kalan-body",
    fontName=FONT,
    fontSize=10,
    leading=13.5,
    alignment=TA_JUSTIFY,
    textColor=INK,
    spaceAfter=4,
)
SMALL = ParagraphStyle(
    "kalan-small", fontName=FONT, fontSize=8, leading=10, textColor=GREY, alignment=TA_LEFT
)
CELL = ParagraphStyle("kalan-cell", fontName=FONT, fontSize=8.5, leading=10.5, textColor=INK)
CELL_BOLD = ParagraphStyle("kalan-cell-bold", parent=CELL, fontName=FONT_BOLD)
CELL_RIGHT = ParagraphStyle("kalan-cell-right", parent=CELL, alignment=TA_RIGHT)
CELL_CENTER = ParagraphStyle("kalan-cell-center", parent=CELL, alignment=TA_CENTER)
CELL_HEAD = ParagraphStyle("kalan-cell-head", parent=CELL, fontName=FONT_BOLD)

# --- Page geometry -----------------------------------------------------------------------------

MARGIN_X = 15 * mm
MARGIN_TOP_PAGE = 10 * mm  # from the paper's edge to the letterhead
LETTERHEAD_HEIGHT = 20 * mm
GAP_BELOW_RULE = 5 * mm
MARGIN_BOTTOM = 16 * mm  # the footer sits in it
FOOTER_Y = 9 * mm


def _page_size(landscape: bool) -> tuple[float, float]:
    return to_landscape(A4) if landscape else A4


def _top_margin(letterhead: bool) -> float:
    if letterhead:
        return MARGIN_TOP_PAGE + LETTERHEAD_HEIGHT + GAP_BELOW_RULE
    return MARGIN_TOP_PAGE


def content_width(landscape: bool = False) -> float:
    return _page_size(landscape)[0] - 2 * MARGIN_X


def content_height(landscape: bool = False, letterhead: bool = True) -> float:
    return _page_size(landscape)[1] - _top_margin(letterhead) - MARGIN_BOTTOM


# --- Flowables ---------------------------------------------------------------------------------


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of data: escaped (a name with ``&`` or ``<`` is not markup), then ``fr``-ed."""
    return Paragraph(formats.fr(escape(text)), style)


def table(
    rows: Sequence[Sequence[Any]],
    *,
    col_widths: Sequence[float],
    header_rows: int = 1,
    row_heights: float | Sequence[float] | None = None,
    styles: Iterable[tuple[Any, ...]] = (),
    zebra: bool = False,
    cell_style: ParagraphStyle = CELL,
    font_size: float | None = None,
) -> Table:
    """A bordered table whose header rows repeat on every page; no row is cut across pages."""
    body = cell_style
    head = CELL_HEAD
    if font_size is not None:
        body = ParagraphStyle(
            f"{cell_style.name}-{font_size}",
            parent=cell_style,
            fontSize=font_size,
            leading=font_size * 1.2,
        )
        head = ParagraphStyle(f"kalan-cell-head-{font_size}", parent=body, fontName=FONT_BOLD)
    data = [
        [
            Paragraph(formats.fr(escape(cell)), head if n < header_rows else body)
            if isinstance(cell, str)
            else cell
            for cell in row
        ]
        for n, row in enumerate(rows)
    ]
    heights: list[float] | None
    if row_heights is None or isinstance(row_heights, (int, float)):
        heights = None if row_heights is None else [row_heights] * len(data)
    else:
        heights = list(row_heights)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), BAND))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]))
    commands.extend(styles)
    return Table(
        data,
        colWidths=list(col_widths),
        rowHeights=heights,
        repeatRows=header_rows,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


class _Signer(Protocol):
    name: str
    title: str


def signatures_block(signatories: Iterable[_Signer], *, place_date: str = "") -> Flowable:
    """Title, room to sign and stamp, name: one column per signatory, kept on one page."""
    signers = list(signatories)
    parts: list[Flowable] = []
    if place_date:
        parts.append(
            para(place_date, ParagraphStyle("kalan-place-date", parent=BODY, alignment=TA_RIGHT))
        )
        parts.append(Spacer(1, 2 * mm))
    if signers:
        column = min(content_width() / len(signers), 90 * mm)
        title_style = ParagraphStyle(
            "kalan-signer-title", parent=CELL_BOLD, alignment=TA_CENTER, fontSize=9.5, leading=12
        )
        name_style = ParagraphStyle(
            "kalan-signer-name", parent=CELL_CENTER, fontSize=9.5, leading=12
        )
        titles = [para(s.title, title_style) for s in signers]
        names = [para(s.name, name_style) for s in signers]
        blank = ["" for _s in signers]
        block = Table(
            [titles, blank, names],
            colWidths=[column] * len(signers),
            rowHeights=[None, 24 * mm, None],
            hAlign="RIGHT" if len(signers) == 1 else "CENTER",
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            ),
        )
        parts.append(block)
    return KeepTogether(parts)


class HeaderLines(Flowable):
    """Replaces the letterhead's lines from the page this zero-height flowable lands on."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self.lines = list(lines)
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        # The letterhead is painted when the page ends, so it shows the lines set on that page.
        self.canv._kalan_header_lines = self.lines


# --- Page decoration ---------------------------------------------------------------------------


# Per process: keyed by the file's modification time, so a logo changed through another process
# is read again here too.
@cache
def _logo_reader(path: str, mtime: float) -> ImageReader | None:
    try:
        with open(path, "rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except OSError:
        return None


def organisation_logo(organisation: Organisation | None) -> ImageReader | None:
    """The institution's logo, ready for ``canvas.drawImage``; None without one (or unreadable)."""
    if organisation is None or not organisation.logo:
        return None
    try:
        path = organisation.logo.path
        return _logo_reader(path, Path(path).stat().st_mtime)
    except (NotImplementedError, OSError, ValueError):
        try:
            with organisation.logo.open("rb") as handle:
                return ImageReader(io.BytesIO(handle.read()))
        except (OSError, ValueError):
            return None


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6.5) -> float:
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


class _Letterhead:
    def __init__(
        self,
        *,
        organisation: Organisation | None,
        title: str,
        header_lines: Sequence[str],
        letterhead: bool,
    ) -> None:
        self.name = organisation.name if organisation else ""
        self.acronym = organisation.acronym if organisation else ""
        self.logo = organisation_logo(organisation) if letterhead else None
        self.title = title
        self.header_lines = list(header_lines)
        self.letterhead = letterhead

    def draw(self, canvas: Canvas, page: int, pages: int, lines: Sequence[str] | None) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFillColor(INK)
        if self.letterhead:
            self._draw_letterhead(
                canvas, width, height, self.header_lines if lines is None else lines
            )
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        footer = _("page %(page)s / %(pages)s") % {"page": page, "pages": pages}
        canvas.drawRightString(width - MARGIN_X, FOOTER_Y, footer)
        room = width - 2 * MARGIN_X - pdfmetrics.stringWidth(footer, FONT, 7.5) - 10 * mm
        canvas.setFont(FONT, _fit(self.title, FONT, 7.5, room, 5.5))
        canvas.drawString(MARGIN_X, FOOTER_Y, self.title)
        canvas.restoreState()

    def _draw_letterhead(
        self, canvas: Canvas, width: float, height: float, lines: Sequence[str]
    ) -> None:
        top = height - MARGIN_TOP_PAGE
        box = LETTERHEAD_HEIGHT
        left = MARGIN_X
        if self.logo is not None:
            iw, ih = self.logo.getSize()
            scale = min(box / ih, 40 * mm / iw)
            canvas.drawImage(self.logo, left, top - ih * scale, iw * scale, ih * scale, mask="auto")
            text_x = left + iw * scale + 5 * mm
        elif self.acronym:
            size = _fit(self.acronym, FONT_BOLD, 13, 40 * mm - 6 * mm, 7)
            box_w = max(box, pdfmetrics.stringWidth(self.acronym, FONT_BOLD, size) + 6 * mm)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(1.2)
            canvas.rect(left, top - box, box_w, box)
            canvas.setFont(FONT_BOLD, size)
            canvas.drawCentredString(left + box_w / 2, top - box / 2 - size * 0.35, self.acronym)
            text_x = left + box_w + 5 * mm
        else:
            text_x = left
        room = width - MARGIN_X - text_x
        name_size = _fit(self.name, FONT_BOLD, 12, room, 8)
        canvas.setFont(FONT_BOLD, name_size)
        canvas.drawString(text_x, top - name_size, self.name)
        y = top - name_size - 2.5 * mm
        canvas.setFillColor(GREY)
        for line in list(lines)[:3]:
            size = _fit(line, FONT, 9, room)
            canvas.setFont(FONT, size)
            y -= size + 1
            canvas.drawString(text_x, y, line)
        rule_y = top - box - 2 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, rule_y, width - MARGIN_X, rule_y)


def _numbered_canvas(letterhead: _Letterhead) -> type[Canvas]:
    """A canvas that keeps every page until the end, to print "page x / y" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kalan_pages: list[tuple[dict[str, Any], list[str] | None]] = []
            self._kalan_header_lines: list[str] | None = None

        def showPage(self) -> None:
            self._kalan_pages.append((dict(self.__dict__), self._kalan_header_lines))
            self._startPage()

        def save(self) -> None:
            pages = len(self._kalan_pages)
            for number, (state, lines) in enumerate(self._kalan_pages, start=1):
                self.__dict__.update(state)
                letterhead.draw(self, number, pages, lines)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_pdf(
    *,
    title: str,
    story: list[Flowable],
    landscape: bool = False,
    header_lines: Sequence[str] = (),
    organisation: Organisation | None = None,
    letterhead: bool = True,
) -> bytes:
    """The PDF of ``story`` on A4 pages with the institution's letterhead and a numbered footer."""
    if organisation is None and letterhead:
        organisation = organisation_current()
    decoration = _Letterhead(
        organisation=organisation,
        title=title,
        header_lines=header_lines,
        letterhead=letterhead,
    )
    buffer = io.BytesIO()
    size = _page_size(landscape)
    top = _top_margin(letterhead)
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=top,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=(organisation.name if organisation else ""),
        creator="Kalan",
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        content_width(landscape),
        content_height(landscape, letterhead),
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story or [Spacer(1, 1)], canvasmaker=_numbered_canvas(decoration))
    return buffer.getvalue()
