from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import PageBreak

from kalan.core.models import Organisation
from kalan.core.render import layout
from tests.documents.readers import pdf_pages


def test_dejavu_is_used_so_the_narrow_no_break_space_prints_as_it_is() -> None:
    # The typography itself (fr, amount, dates) is tested in tests/core/test_formats.py.
    assert layout.FONT == "DejaVuSans"
    assert layout._NARROW_SPACE_PRINTABLE


def test_build_pdf_prints_letterhead_and_numbered_footer_on_every_page(
    organisation: Organisation,
) -> None:
    rows = [["N°", "Nom"], *[[str(n), f"Personne {n}"] for n in range(1, 81)]]
    story = [
        layout.para("Titre : essai", layout.TITLE),
        layout.table(rows, col_widths=[20, 200], row_heights=8 * layout.mm),
    ]
    data = layout.build_pdf(title="Document d’essai", story=story, header_lines=["Ligne une"])
    pages = pdf_pages(data)
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert "Commission nationale des droits de l’homme" in text
        assert "CNDH" in text  # no logo: the acronym in a box
        assert "Ligne une" in text
        assert f"page {number} / {len(pages)}" in text
        assert "Document d’essai" in text
        assert "Nom" in text  # the table's header repeats
    assert "Titre : essai" in pages[0]
    assert PdfReader(io.BytesIO(data)).metadata.title == "Document d’essai"


def test_table_rows_are_never_cut_across_pages(organisation: Organisation) -> None:
    rows = [["N°", "Nom"], *[[str(n), f"Personne {n}"] for n in range(1, 101)]]
    story = [layout.table(rows, col_widths=[20, 200], row_heights=10 * layout.mm)]
    pages = pdf_pages(layout.build_pdf(title="Essai", story=story))
    seen = [line for text in pages for line in text.splitlines() if line.startswith("Personne ")]
    assert seen == [f"Personne {n}" for n in range(1, 101)]


def test_header_lines_change_from_the_page_they_land_on(organisation: Organisation) -> None:
    story = [
        layout.HeaderLines(["Jour 1"]),
        layout.para("un"),
        PageBreak(),
        layout.HeaderLines(["Jour 2"]),
        layout.para("deux"),
    ]
    first, second = pdf_pages(layout.build_pdf(title="Essai", story=story))
    assert "Jour 1" in first and "Jour 2" not in first
    assert "Jour 2" in second and "Jour 1" not in second


def test_signatures_block_prints_title_and_name(organisation: Organisation) -> None:
    organisation.signatories.create(name="Aguibou Bouaré", title="Le Président", order=1)
    block = layout.signatures_block(
        organisation.signatories.all(), place_date="Sévaré, le 10 novembre 2022"
    )
    (text,) = pdf_pages(layout.build_pdf(title="Essai", story=[block]))
    assert "Le Président" in text
    assert "Aguibou Bouaré" in text
    assert "Sévaré, le 10 novembre 2022" in text


def test_letterhead_prints_the_logo_when_there_is_one(
    organisation: Organisation, settings: object, tmp_path: object
) -> None:
    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(buffer, "PNG")
    organisation.logo.save("logo.png", ContentFile(buffer.getvalue()))
    data = layout.build_pdf(title="Essai", story=[layout.para("corps")])
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1
