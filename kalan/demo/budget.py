"""The demo workshop's budget, funded by EUCAP Sahel Mali: its lines, two tranches received,
and four expenses with their receipts (issue 19).

Amounts are invented but usual in Mali in 2022 (XOF): a hotel meeting room at 75 000 a day, a
lunch and two breaks at 7 500 a person and a day, per diems and transport at the sessions' rates
(25 000 a day, 10 000 once) for 40 participants and the facilitators, facilitators' fees at
50 000 a day. The lines add up to the workshop's funding (11 500 000). Two expenses are checked
by the administrator, two wait for their check; the receipts are a small PNG and a small PDF
made here, as a scanned receipt and an emailed invoice would be.

Idempotent: lines are looked up by their line and funder, expenses by their description, funds
by their reference. In a dry run, the expenses are counted and not written (their receipts would
be files left behind by the rollback).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from kalan.core.models import Partner, User
from kalan.finance import services_budget
from kalan.finance.models import BudgetLine, Expense, FundsReceived
from kalan.workshops.models import Workshop

Counts = dict[str, int]

# (line, planned): two sessions of three days, 40 participants each.
LINES = (
    ("venue", 450_000),  # 2 sessions × 3 days × 75 000
    ("meals", 1_800_000),  # 40 × 3 days × 2 sessions × 7 500
    ("per_diem", 6_400_000),  # 80 participants × 3 × 25 000, and the facilitators'
    ("transport", 900_000),  # 80 × 10 000, and the facilitators'
    ("facilitators", 1_200_000),  # 4 facilitators × 6 days × 50 000
    ("materials", 450_000),
    ("communication", 300_000),
)
# (reference, received on, amount)
FUNDS = (
    ("EUCAP-2022-VIR-0412", dt.date(2022, 10, 20), 6_900_000),
    ("EUCAP-2022-VIR-0587", dt.date(2022, 12, 15), 3_450_000),
)


# (line, amount, date, description, supplier, receipt kind, checked)
EXPENSES = (
    (
        "venue",
        225_000,
        dt.date(2022, 11, 10),
        "Location de la salle de conférence, session de Sévaré (3 jours)",
        "Hôtel La Palmeraie",
        "pdf",
        True,
    ),
    (
        "meals",
        900_000,
        dt.date(2022, 11, 10),
        "Pauses-café et déjeuners, 40 personnes × 3 jours, Sévaré",
        "Hôtel La Palmeraie",
        "png",
        True,
    ),
    (
        "materials",
        185_000,
        dt.date(2022, 11, 3),
        "Blocs-notes, stylos, chemises et impression des supports",
        "Librairie Bah, Mopti",
        "pdf",
        False,
    ),
    (
        "communication",
        120_000,
        dt.date(2022, 11, 11),
        "Couverture radio de la cérémonie de clôture",
        "Radio Kaoural, Mopti",
        "png",
        False,
    ),
)


def _receipt_pdf(*, supplier: str, description: str, amount: int, day: dt.date) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A5, invariant=True)
    page.setTitle(f"Facture — {supplier}")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(40, 540, supplier)
    page.setFont("Helvetica", 10)
    page.drawString(40, 510, f"Facture du {day:%d/%m/%Y}")
    page.drawString(40, 480, description[:70])
    page.drawString(40, 450, f"Montant : {amount:,} XOF".replace(",", " "))
    page.drawString(40, 420, "Payé — CNDH Mali")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _receipt_png(*, supplier: str, description: str, amount: int, day: dt.date) -> bytes:
    image = Image.new("RGB", (600, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 589, 349), outline="black", width=2)
    lines = (
        "RECU",
        supplier,
        f"Date : {day:%d/%m/%Y}",
        description[:60],
        f"Montant : {amount:,} XOF".replace(",", " "),
    )
    for n, text in enumerate(lines):
        draw.text((30, 30 + 55 * n), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def demo_budget_load(
    *,
    workshop: Workshop,
    partner: Partner,
    finance: User,
    checker: User,
    dry_run: bool,
    created: Counts,
) -> None:
    """The budget lines, the funds received and the expenses of the demo workshop."""
    for category, planned in LINES:
        if BudgetLine.objects.filter(
            workshop=workshop, category=category, partner=partner
        ).exists():
            continue
        services_budget.budget_line_save(
            workshop=workshop, category=category, partner=partner, planned=planned
        )
        created["budget_lines"] += 1
    for reference, received_on, amount in FUNDS:
        if FundsReceived.objects.filter(partner=partner, reference=reference).exists():
            continue
        services_budget.funds_record(
            partner=partner,
            workshop=workshop,
            received_on=received_on,
            amount=amount,
            reference=reference,
        )
        created["funds_received"] += 1
    for category, amount, day, description, supplier, kind, checked in EXPENSES:
        if Expense.objects.filter(workshop=workshop, description=description).exists():
            continue
        created["expenses"] += 1
        if dry_run:
            continue
        make = _receipt_pdf if kind == "pdf" else _receipt_png
        content = make(supplier=supplier, description=description, amount=amount, day=day)
        name = f"{supplier.split(',')[0]} {day:%Y-%m-%d}.{kind}"
        expense = services_budget.expense_record(
            workshop=workshop,
            category=category,
            partner=partner,
            amount=amount,
            spent_on=day,
            description=description,
            supplier=supplier,
            receipt=SimpleUploadedFile(name, content),
            by=finance,
        )
        if checked:
            services_budget.expense_check(expense=expense, by=checker)
