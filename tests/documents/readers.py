"""Read back what the renderers produce: the text of each PDF page, the text of a DOCX."""

from __future__ import annotations

import io

import docx
from pypdf import PdfReader

from kalan.core.formats import plain_spaces


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, no-break spaces as plain ones."""
    assert data.startswith(b"%PDF-")
    return [plain_spaces(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    """Headers, paragraphs and table cells of a DOCX, one per line."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for section in document.sections for p in section.header.paragraphs]
    parts += [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return plain_spaces("\n".join(parts))
