"""QR codes, made here with segno: the venue may have no network."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code for a page, hidden from screen readers.

    Every page that shows one also writes out what it holds (the address and code to type, the
    two-factor key): a screen reader reads that text, and the picture would only be noise.
    """
    svg = segno.make(data, error="m").svg_inline(scale=6, svgclass="qr", lineclass=None)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    # segno writes only numbers and path data: no text from the request ends up in it.
    return mark_safe(svg)  # noqa: S308
