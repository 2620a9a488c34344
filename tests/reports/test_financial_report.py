"""The financial report (``kalan.reports.financial``) parsed back from its three files, and its
page (``views_financial``): the figures of ``financial_data`` in each, formulas neutralised, no
person's name anywhere, a refusal while a variance is unexplained, a donor viewer held to its
own partner."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import load_workbook
from pypdf import PdfReader

from kalan.core.models import Partner, User
from kalan.finance.models import BudgetLine
from kalan.plans.models import Axis
from kalan.reports.financial import FinancialReportError, financial_document
from tests.reports.financial_data import FORMULA, NAMES, YEARS, Money, build_money

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(axis: Axis) -> Money:
    return build_money(axis=axis)


def _document(fmt: str, partner: Partner | None = None, language: str = "fr") -> bytes:
    return financial_document(partner=partner, language=language, fmt=fmt, **YEARS)  # type: ignore[arg-type]


def _rows(data: bytes, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _docx_table(data: bytes, first_head: str) -> list[list[str]]:
    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_head:
            return rows
    raise AssertionError(first_head)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _text_of(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return _pdf_text(data)
    if fmt == "docx":
        return _docx_text(data)
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_workbook_holds_the_figures_as_numbers(money: Money) -> None:
    data = _document("xlsx")
    lines = _rows(data, "Par ligne")
    assert lines[0] == ("Ligne", "Prévu", "Engagé", "Dépensé", "Écart")
    assert lines[1:] == [
        ("Salle et logistique", 1_500_000, 0, 1_450_000, -50_000),
        ("Restauration et pauses", 600_000, 150_000, 400_000, -50_000),
        ("Per diem", 125_000, 0, 125_001, 1),
        ("Transport", 30_000, 0, 30_000, 0),
        ("Total", 2_255_000, 150_000, 2_005_001, -99_999),
    ]
    assert _rows(data, "Par atelier")[1:] == [
        ("Atelier de Kayes", 500_000, 0, 200_000, -300_000),
        ("Atelier des OPJ de Mopti", 1_755_000, 150_000, 1_805_001, 200_001),
        ("Total", 2_255_000, 150_000, 2_005_001, -99_999),
    ]
    assert _rows(data, "Fonds et solde")[1:] == [
        ("EUCAP", 1_695_000, 150_000, 1_745_001, 2_000_000, 254_999),
        ("DDC", 560_000, 0, 260_000, 1_300_000, 1_040_000),
        ("Total", 2_255_000, 150_000, 2_005_001, 3_300_000, 1_294_999),
    ]
    statements = _rows(data, "États de paiement")[1:]
    assert [row[:2] + row[3:] for row in statements] == [
        ("EP-2022-002", "Atelier des OPJ de Mopti", 125_001, 30_000, 155_001)
    ]


def test_the_workbook_neutralises_formulas_and_names_nobody(money: Money) -> None:
    data = _document("xlsx")
    documents = _rows(data, "Pièces justificatives")
    assert [row[3] for row in documents if row[6] == "recu-sono.jpg"] == ["'" + FORMULA]
    book = load_workbook(io.BytesIO(data))
    texts = [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert not [text for text in texts if text.startswith("=")]
    assert not [name for name in NAMES if any(name in text for text in texts)]


def test_the_word_narrative_says_the_same_figures(money: Money) -> None:
    data = _document("docx")
    lines = _docx_table(data, "Ligne")
    assert [_plain(cell) for cell in lines[-1]] == [
        "Total",
        "2 255 000",
        "150 000",
        "2 005 001",
        "−99 999",
    ]
    funds = _docx_table(data, "Bailleur")
    assert [[_plain(c) for c in row] for row in funds[1:]] == [
        ["EUCAP", "2 000 000", "1 745 001", "+254 999"],
        ["DDC", "1 300 000", "260 000", "+1 040 000"],
        ["Total", "3 300 000", "2 005 001", "+1 294 999"],
    ]
    text = _docx_text(data)
    # The explanations of the lines beyond the threshold, and the receipts' names.
    assert "La salle a dû être prise un jour de plus." in text
    assert "Le gouvernorat a prêté sa salle." in text
    assert "facture-palmeraie.pdf" in text and "EP-2022-002" in text
    assert "EP-2022-001" not in text  # replaced by the second statement
    assert not [name for name in NAMES if name in text]


def test_the_pdf_says_the_same_figures_and_names_nobody(money: Money) -> None:
    text = _plain(_pdf_text(_document("pdf")))
    assert "Rapport financier" in text
    for figure in ("2 255 000", "2 005 001", "3 300 000", "1 294 999", "155 001"):
        assert figure in text
    assert "Le gouvernorat a prêté sa salle." in text
    assert not [name for name in NAMES if name in text]


def test_the_english_report_writes_numbers_the_english_way(money: Money) -> None:
    tables = docx.Document(io.BytesIO(_document("docx", language="en"))).tables
    lines = tables[1]  # after the synthesis: the table by budget line
    assert [cell.text for cell in lines.rows[-1].cells][1:4] == [
        "2,255,000",
        "150,000",
        "2,005,001",
    ]


def test_a_donor_s_report_holds_its_own_lines_only(money: Money) -> None:
    data = _document("xlsx", partner=money.eucap)
    assert _rows(data, "Par atelier")[1:] == [
        ("Atelier des OPJ de Mopti", 1_695_000, 150_000, 1_745_001, 200_001),
        ("Total", 1_695_000, 150_000, 1_745_001, 200_001),
    ]
    assert {row[1] for row in _rows(data, "Pièces justificatives")[1:]} == {
        "Atelier des OPJ de Mopti"
    }
    assert [row[0] for row in _rows(data, "Fonds et solde")[1:]] == ["EUCAP", "Total"]


def test_the_report_is_refused_while_a_variance_is_unexplained(money: Money) -> None:
    BudgetLine.objects.filter(pk=money.venue.pk).update(variance_note="")
    for fmt in ("xlsx", "docx", "pdf"):
        with pytest.raises(FinancialReportError) as refused:
            _document(fmt)
        assert refused.value.code == "variance_unexplained"
    message = str(refused.value)
    assert message.startswith("Le rapport financier ne peut pas être émis")
    assert "Atelier des OPJ de Mopti, ligne « Salle et logistique » (EUCAP)" in message
    assert "Kayes" not in message  # its variance is explained


# --- the page ------------------------------------------------------------------------------


def _address(name: str, partner: Partner | None, **kwargs: str) -> str:
    query = urlencode(
        {
            "bailleur": str(partner.pk) if partner else "",
            "du": "2022-01-01",
            "au": "2023-12-31",
            "langue": "fr",
        }
    )
    return f"{reverse(name, kwargs=kwargs or None)}?{query}"


@pytest.fixture
def donor(money: Money) -> User:
    from kalan.core.roles import Role
    from tests.factories import UserFactory

    return UserFactory(
        username="eucap",
        first_name="Claire",
        last_name="Martin",
        role=Role.DONOR,
        partner=money.eucap,
    )


def test_the_finance_role_sees_every_funder_and_downloads(
    money: Money, finance_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(finance_officer)
    first = client.get(reverse("financial_report"))
    assert first.status_code == 302
    assert "bailleur=&du=2022-01-01&au=2023-12-31" in first["Location"]
    page = client.get(_address("financial_report", None))
    html = _plain(page.content.decode())
    assert "2 005 001" in html and "Atelier de Kayes" in html
    download = client.get(_address("financial_report_download", None, fmt="xlsx"))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert _rows(download.content, "Par ligne")[-1][3] == 2_005_001


def test_the_donor_viewer_gets_its_own_partner_s_report_only(
    money: Money, donor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(donor)
    first = client.get(reverse("financial_report"))
    assert f"bailleur={money.eucap.pk}&" in first["Location"]
    page = client.get(_address("financial_report", money.eucap))
    html = page.content.decode()
    assert "Atelier des OPJ de Mopti" in html and "Atelier de Kayes" not in html
    for fmt in ("xlsx", "docx", "pdf"):
        download = client.get(_address("financial_report_download", money.eucap, fmt=fmt))
        assert download.status_code == 200
        assert not [name for name in NAMES if name in _text_of(fmt, download.content)]
    # Another partner's report, or every funder's, does not exist for it.
    assert client.get(_address("financial_report", money.ddc)).status_code == 404
    assert client.get(_address("financial_report", None)).status_code == 404
    assert (
        client.get(_address("financial_report_download", money.ddc, fmt="xlsx")).status_code == 404
    )


def test_the_page_says_why_it_refuses_and_offers_no_download(
    money: Money, finance_officer: User, client_for: Callable[[User], Client]
) -> None:
    BudgetLine.objects.filter(pk=money.venue.pk).update(variance_note="")
    client = client_for(finance_officer)
    html = client.get(_address("financial_report", None)).content.decode()
    assert "Le rapport ne peut pas être émis" in html
    assert reverse("workshop_budget", kwargs={"pk": money.workshop.pk}) in html
    assert reverse("financial_report_download", kwargs={"fmt": "xlsx"}) not in html
    download = client.get(_address("financial_report_download", None, fmt="pdf"), follow=True)
    assert (
        download.redirect_chain
        and "Le rapport financier ne peut pas être émis" in download.content.decode()
    )


def test_the_donor_report_page_links_to_the_financial_report(
    money: Money, donor: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(donor).get(reverse("donor_reports")).content.decode()
    assert reverse("financial_report") in html
