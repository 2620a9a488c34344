"""A small programme's money, with every kind of figure the financial report prints.

Workshop A, « Atelier des OPJ de Mopti » (session in Sévaré, 8-10 November 2022), funded by
EUCAP (Funding 9 000 000) and the Swiss cooperation, DDC (3 000 000). Its budget:

    venue      EUCAP 1 000 000  expenses checked 1 000 000 + 250 000 = 1 250 000: +25 %, explained
    meals      EUCAP   600 000  checked 400 000, not yet checked 150 000: −50 000 (−8.3 %)
    per_diem   EUCAP    95 000  the statement's per diems 125 001 split 95:30 → 95 001 (the
               DDC      30 000  remainder of the division to the largest) and 30 000
    transport  DDC      30 000  the statement's transport 30 000

The payment statement that counts is the second issued for the session (per diems 75 000 +
50 001, transport 15 000 + 15 000 = 155 001); the first (10 000) was replaced. Its lines name
Aïssata Coulibaly and Bakary Traoré: no report may print them.

Workshop B, « Atelier de Kayes » (February 2023), funded by DDC only: venue planned 500 000,
spent 200 000 (−60 %, explained).

Funds received: EUCAP 2 000 000 for A on 1 October 2022, and 500 000 in December 2021 (before
any period below); DDC 1 000 000 for the programme (15 September 2022) and 300 000 for B
(10 January 2023).

Over 2022-2023 (both workshops): planned 2 255 000, committed 150 000, spent 2 005 001; EUCAP
spent 1 745 001 and received 2 000 000 (balance 254 999); DDC spent 260 000 and received
1 300 000 (balance 1 040 000).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kalan.core.models import Partner, User
from kalan.finance.models import BudgetLine, Expense, FundsReceived, PaymentStatement
from kalan.plans.models import Axis
from kalan.workshops.models import Funding, Session, Workshop
from tests.factories import PartnerFactory, SessionFactory, UserFactory, WorkshopFactory, place

YEARS = {"start": dt.date(2022, 1, 1), "end": dt.date(2023, 12, 31)}
YEAR_2022 = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31)}
# Names that must never leave Kalan in a financial report: the statement's payees, and who
# entered and checked the expenses.
NAMES = ("Aïssata", "Coulibaly", "Bakary", "Traoré", "Oumou", "Sangaré", "Modibo", "Keita")
FORMULA = '=HYPERLINK("http://example.org","facture")'


@dataclass
class Money:
    workshop: Workshop
    other: Workshop
    eucap: Partner
    ddc: Partner
    sevare: Session
    venue: BudgetLine
    checker: User


def line(
    workshop: Workshop, category: str, partner: Partner, planned: int, note: str = ""
) -> BudgetLine:
    return BudgetLine.objects.create(
        workshop=workshop, category=category, partner=partner, planned=planned, variance_note=note
    )


def expense(
    workshop: Workshop,
    category: str,
    partner: Partner,
    amount: int,
    *,
    checker: User | None,
    on: dt.date,
    description: str = "Dépense",
    supplier: str = "",
    receipt_name: str = "",
) -> Expense:
    return Expense.objects.create(
        workshop=workshop,
        category=category,
        partner=partner,
        amount=amount,
        spent_on=on,
        description=description,
        supplier=supplier,
        receipt="finance/receipts/x.pdf",
        receipt_name=receipt_name,
        checked_by=checker,
        checked_at=timezone.now() if checker else None,
    )


def statement(session: Session, number: str, lines: list[tuple[str, int, int]]) -> PaymentStatement:
    """A statement with one line per (name, per diem, transport)."""
    rows = [
        {
            "number": n,
            "name": name,
            "rank": "",
            "corps": "",
            "unit": "",
            "role": "participant",
            "periods": 3,
            "days": 3,
            "per_diem": per_diem,
            "transport": transport,
            "total": per_diem + transport,
        }
        for n, (name, per_diem, transport) in enumerate(lines, start=1)
    ]
    return PaymentStatement.objects.create(
        session=session,
        number=number,
        lines=rows,
        total=sum(row["total"] for row in rows),
        fingerprint="x",
        pdf="statements/x.pdf",
    )


def build_money(*, axis: Axis) -> Money:
    eucap = PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")
    ddc = PartnerFactory(name="Coopération suisse", acronym="DDC")
    entering = UserFactory(username="saisie", first_name="Oumou", last_name="Sangaré")
    checker = UserFactory(username="verif", first_name="Modibo", last_name="Keita")
    workshop = WorkshopFactory(axis=axis, title="Atelier des OPJ de Mopti")
    Funding.objects.create(workshop=workshop, partner=eucap, amount=9_000_000)
    Funding.objects.create(workshop=workshop, partner=ddc, amount=3_000_000)
    sevare = SessionFactory(
        workshop=workshop, place=place("Sévaré"), start_date=dt.date(2022, 11, 8)
    )
    other = WorkshopFactory(axis=axis, title="Atelier de Kayes")
    Funding.objects.create(workshop=other, partner=ddc, amount=5_000_000)
    SessionFactory(workshop=other, place=place("Kayes"), start_date=dt.date(2023, 2, 6))

    venue = line(workshop, "venue", eucap, 1_000_000, "La salle a dû être prise un jour de plus.")
    line(workshop, "meals", eucap, 600_000)
    line(workshop, "per_diem", eucap, 95_000)
    line(workshop, "per_diem", ddc, 30_000)
    line(workshop, "transport", ddc, 30_000)
    line(other, "venue", ddc, 500_000, "Le gouvernorat a prêté sa salle.")

    november = dt.date(2022, 11, 8)
    expense(
        workshop, "venue", eucap, 1_000_000, checker=checker, on=november,
        description="Location de la salle, 3 jours", supplier="Hôtel La Palmeraie",
        receipt_name="facture-palmeraie.pdf",
    )  # fmt: skip
    expense(
        workshop, "venue", eucap, 250_000, checker=checker, on=dt.date(2022, 11, 11),
        description=FORMULA, supplier="Sono Plus", receipt_name="recu-sono.jpg",
    )  # fmt: skip
    expense(
        workshop, "meals", eucap, 400_000, checker=checker, on=november,
        description="Pauses-café et déjeuners", supplier="Traiteur Sahel",
        receipt_name="traiteur.pdf",
    )  # fmt: skip
    expense(
        workshop, "meals", eucap, 150_000, checker=None, on=dt.date(2022, 11, 10),
        description="Dîner de clôture", supplier="Traiteur Sahel", receipt_name="diner.pdf",
    )  # fmt: skip
    expense(
        other, "venue", ddc, 200_000, checker=checker, on=dt.date(2023, 2, 6),
        description="Sonorisation", supplier="Kayes Événements", receipt_name="kayes.pdf",
    )  # fmt: skip
    Expense.objects.update(entered_by=entering)

    statement(sevare, "EP-2022-001", [("Aïssata Coulibaly", 10_000, 0)])
    statement(
        sevare,
        "EP-2022-002",
        [("Aïssata Coulibaly", 75_000, 15_000), ("Bakary Traoré", 50_001, 15_000)],
    )

    FundsReceived.objects.create(
        partner=eucap, workshop=workshop, received_on=dt.date(2022, 10, 1), amount=2_000_000
    )
    FundsReceived.objects.create(
        partner=eucap, workshop=workshop, received_on=dt.date(2021, 12, 1), amount=500_000
    )
    FundsReceived.objects.create(
        partner=ddc, workshop=None, received_on=dt.date(2022, 9, 15), amount=1_000_000
    )
    FundsReceived.objects.create(
        partner=ddc, workshop=other, received_on=dt.date(2023, 1, 10), amount=300_000
    )
    return Money(
        workshop=workshop,
        other=other,
        eucap=eucap,
        ddc=ddc,
        sevare=sevare,
        venue=venue,
        checker=checker,
    )
