"""The finance officer, in a browser: three expenses of the Sévaré workshop entered with their
receipts (a PDF invoice, a photo of a receipt, another PDF), a file that is no receipt refused at
its field, the budget page showing them; the administrator then checks one (four eyes)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("KALAN_SCREENSHOTS", "")


def _screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def _pdf(path: Path, text: str) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), invariant=True)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return path


def _png(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(image).text((30, 30), "RECU - Pauses-cafe - 450 000 XOF", fill="black")
    image.save(path, "PNG")
    return path


def _enter(page: Any, *, line: str, amount: str, day: str, what: str, receipt: Path) -> None:
    page.get_by_role("link", name="Nouvelle dépense").click()
    page.get_by_label(re.compile(r"^Ligne\b")).select_option(label=line)
    page.get_by_label(re.compile(r"^Bailleur\b")).select_option(label="EUCAP")
    page.get_by_label(re.compile(r"^Montant\b")).fill(amount)
    page.get_by_label("Date de la dépense").fill(day)
    page.get_by_label(re.compile(r"^Objet\b")).fill(what)
    page.get_by_label("Fournisseur").fill("Hôtel La Palmeraie")
    page.get_by_label("Pièce justificative").set_input_files(str(receipt))
    page.get_by_role("button", name="Enregistrer la dépense").click()


def test_finance_enters_three_expenses_with_receipts_and_the_administrator_checks_one(
    browser: Any, page: Any, page_errors: list[str], live_server: Any, sevare_session: Any,
    settings: Any, tmp_path: Path,
) -> None:  # fmt: skip
    from kalan.core.models import Partner, User
    from kalan.core.roles import Role
    from kalan.finance import services_budget
    from kalan.finance.models import Expense
    from kalan.workshops.models import Funding

    settings.MEDIA_ROOT = tmp_path / "media"
    workshop = sevare_session.workshop
    eucap = Partner.objects.create(name="EUCAP Sahel Mali", acronym="EUCAP")
    Funding.objects.create(workshop=workshop, partner=eucap, amount=11_500_000)
    for category, planned in (("venue", 450_000), ("meals", 900_000), ("materials", 200_000)):
        services_budget.budget_line_save(
            workshop=workshop, category=category, partner=eucap, planned=planned
        )
    finance = User.objects.create_user(
        username="seydou.konate", password=PASSWORD, first_name="Seydou", last_name="Konaté",
        role=Role.FINANCE,
    )  # fmt: skip
    admin = User.objects.create_user(
        username="boubacar.keita", password=PASSWORD, first_name="Boubacar", last_name="Keïta",
        role=Role.ADMINISTRATOR,
    )  # fmt: skip
    invoice = _pdf(tmp_path / "Facture salle 2022-117.pdf", "Facture 2022-117 : salle, 3 jours")
    photo = _png(tmp_path / "recu-pauses.png")
    supplies = _pdf(tmp_path / "Librairie Bah.pdf", "Librairie Bah : fournitures")
    not_a_receipt = tmp_path / "facture.pdf"
    not_a_receipt.write_text("Liste des participants, pas une facture")

    log_in(page.context, live_server, finance)
    page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
    page.get_by_role("link", name="Budget et dépenses").click()
    expect(page.get_by_role("heading", name="Budget et réalisations")).to_be_visible()
    page.get_by_role("link", name="Dépenses", exact=True).click()

    # A text file named .pdf is refused at its field, and nothing is kept.
    _enter(page, line="Salle et logistique", amount="225 000", day="2022-11-10",
           what="Salle de conférence, 3 jours", receipt=not_a_receipt)  # fmt: skip
    expect(page.locator("#id_receipt_error")).to_contain_text("ni une image ni un PDF")
    _screenshot(page, "budget-expense-form.png")
    assert not Expense.objects.exists()
    page.get_by_label("Pièce justificative").set_input_files(str(invoice))
    page.get_by_role("button", name="Enregistrer la dépense").click()
    expect(page.get_by_role("status")).to_contain_text("reste à vérifier")

    _enter(page, line="Restauration et pauses", amount="450000", day="2022-11-09",
           what="Pauses-café, 40 personnes", receipt=photo)  # fmt: skip
    _enter(page, line="Fournitures et supports", amount="180 000", day="2022-11-03",
           what="Blocs-notes et stylos", receipt=supplies)  # fmt: skip
    rows = page.locator("#expenses tbody tr")
    expect(rows).to_have_count(3)
    # Entered by this user: no check button for them.
    expect(page.get_by_role("button", name=re.compile("^Vérifier"))).to_have_count(0)
    _screenshot(page, "budget-expenses.png")

    page.get_by_role("link", name="Budget", exact=True).click()
    venue = page.locator("tr", has=page.get_by_role("rowheader", name="Salle et logistique"))
    expect(venue).to_contain_text(re.compile(r"450\s000"))  # planned
    expect(venue).to_contain_text(re.compile(r"225\s000"))  # committed
    _screenshot(page, "budget-page.png")

    # The stored receipts: the PDFs as sent, the photo re-encoded as a JPEG.
    stored = {e.description: e for e in Expense.objects.all()}
    with stored["Salle de conférence, 3 jours"].receipt.open("rb") as file:
        assert file.read() == invoice.read_bytes()
    with stored["Blocs-notes et stylos"].receipt.open("rb") as file:
        assert file.read() == supplies.read_bytes()
    with stored["Pauses-café, 40 personnes"].receipt.open("rb") as file:
        assert file.read(3) == b"\xff\xd8\xff"
    assert {e.entered_by for e in stored.values()} == {finance}

    # The administrator checks the invoice of the venue.
    other = browser.new_context(locale="fr-FR")
    try:
        admin_page = other.new_page()
        log_in(other, live_server, admin)
        admin_page.goto(f"{live_server.url}/ateliers/{workshop.pk}/depenses/")
        admin_page.get_by_role("button", name="Vérifier Salle de conférence, 3 jours").click()
        expect(admin_page.get_by_role("status")).to_contain_text("vérifiée")
        row = admin_page.locator("#expenses tbody tr", has_text="Salle de conférence")
        expect(row).to_contain_text("vérifiée par Boubacar Keïta")
        with admin_page.expect_download() as download:
            row.get_by_role("link", name=re.compile("^Télécharger")).click()
        assert Path(download.value.path()).read_bytes() == invoice.read_bytes()
    finally:
        other.close()
    checked = Expense.objects.get(description="Salle de conférence, 3 jours")
    assert checked.checked_by == admin
    assert Expense.objects.filter(checked_by=None).count() == 2
    page.reload()
    venue = page.locator("tr", has=page.get_by_role("rowheader", name="Salle et logistique"))
    expect(venue.locator("td").nth(2)).to_have_text(re.compile(r"^225\s000\sFCFA$"))  # spent
    assert page_errors == []
    assert dt.date(2022, 11, 10) == checked.spent_on
