"""The financial report, in a browser, on the demo (the Sévaré workshop funded by EUCAP Sahel
Mali, its budget and expenses): the finance officer issues it and downloads the figures
(Excel); the donor viewer downloads its partner's report in the three formats and finds no
person's name in any of them."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("KALAN_SCREENSHOTS", "")


def _screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def _demo_ready() -> None:
    """The demo, its two sessions' payment statements issued, each line still beyond the
    threshold explained (as the finance officer writes on the budget page)."""
    from kalan.core.models import User
    from kalan.demo.programme import demo_load
    from kalan.finance.models import BudgetLine
    from kalan.finance.statements import statement_issue
    from kalan.workshops.models import Session

    demo_load()
    finance = User.objects.get(username="finances")
    for session in Session.objects.order_by("start_date"):
        statement_issue(session=session, by=finance)
    BudgetLine.objects.filter(variance_note="").update(
        variance_note="La session de Ségou n’avait pas encore eu lieu."
    )


def _names() -> set[str]:
    """Every name a report must not print: the demo's persons (participants, facilitators), as
    the payment statements list them."""
    from kalan.people.models import Person

    names = set()
    for person in Person.all_objects.all():
        names.add(f"{person.last_name} {person.first_names}")
        names.update(part for part in (person.last_name, person.first_names) if len(part) > 3)
    return names


def _text(name: str, data: bytes) -> str:
    import docx
    from openpyxl import load_workbook
    from pypdf import PdfReader

    if name.endswith(".pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if name.endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def test_finance_issues_the_report_and_the_donor_downloads_it_without_a_name(
    page: Any, context: Any, browser: Any, page_errors: list[str], live_server: Any,
    reference_data: None, settings: Any, tmp_path: Path,
) -> None:  # fmt: skip
    from openpyxl import load_workbook

    from kalan.core.models import User
    from kalan.reports.figures_finance import FinanceScope, finance_figures, finance_span

    settings.MEDIA_ROOT = tmp_path / "media"
    _demo_ready()
    span = finance_span(partner_id=None)
    assert span is not None
    expected = finance_figures(scope=FinanceScope(start=span[0], end=span[1]))
    assert expected.totals.spent > 0 and expected.received > 0

    log_in(context, live_server, User.objects.get(username="finances"))
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapport financier"
    ).click()
    expect(page.get_by_role("heading", name="Rapport financier", exact=True)).to_be_visible()
    expect(page.locator("#financial-workshops")).to_contain_text("Atelier de renforcement")
    _screenshot(page, "financial-report.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Chiffres (Excel)").click()
    data = Path(download.value.path()).read_bytes()
    funds = list(load_workbook(io.BytesIO(data))["Fonds et solde"].iter_rows(values_only=True))
    assert funds[-1][3:] == (expected.totals.spent, expected.received, expected.balance)
    assert not page_errors

    donor_context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    donor = donor_context.new_page()
    log_in(donor_context, live_server, User.objects.get(username="partenaire"))
    donor.goto(f"{live_server.url}/rapports/partenaires/")
    donor.get_by_role(
        "link", name="Rapport financier : budget, dépenses, fonds reçus et solde"
    ).click()
    expect(donor.get_by_label("Bailleur")).to_have_value(str(expected.funders[0].partner_id))
    _screenshot(donor, "financial-report-donor.png")
    names = _names()
    assert len(names) > 50  # the demo's 80 officers and more
    for link in ("Chiffres (Excel)", "Rapport (Word)", "Rapport (PDF)"):
        with donor.expect_download() as download:
            donor.get_by_role("link", name=link).click()
        text = _text(download.value.suggested_filename, Path(download.value.path()).read_bytes())
        assert "Sévaré" in text or "renforcement" in text, link
        assert not [name for name in names if name in text], link
    donor_context.close()
