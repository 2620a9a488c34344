"""The budget's pages: who sees them, the forms' errors at their field, upload and download."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from kalan.core.models import Organisation, Partner, User
from kalan.finance import services_budget
from kalan.finance.models import BudgetLine, Expense, FundsReceived
from kalan.workshops.models import Session, Workshop
from tests.factories import FundingFactory, SessionFactory, WorkshopFactory
from tests.finance.receipts import pdf_bytes, pdf_upload, png_upload

ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def funded(organisation: Organisation, sevare_session: Session, funder: Partner) -> Workshop:
    FundingFactory(workshop=sevare_session.workshop, partner=funder, amount=12_000_000)
    services_budget.budget_line_save(
        workshop=sevare_session.workshop, category="venue", partner=funder, planned=300_000
    )
    return sevare_session.workshop


@pytest.fixture
def expense(funded: Workshop, funder: Partner, finance_officer: User) -> Expense:
    return services_budget.expense_record(
        workshop=funded,
        category="venue",
        partner=funder,
        amount=150_000,
        spent_on=dt.date(2022, 11, 8),
        description="Location de la salle",
        receipt=pdf_upload("Facture: salle/1.pdf", pdf_bytes("Facture salle")),
        by=finance_officer,
    )


PAGES = ("workshop_budget", "workshop_expenses", "workshop_funds")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("administrator", 200),
        ("programme_officer", 200),
        ("monitoring_officer", 200),
        ("finance_officer", 200),
        ("trainer", 403),
        ("communication_officer", 403),
        ("donor_viewer", 403),
    ],
)
def test_the_budget_pages_open_to_those_who_view_budgets(
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    expense: Expense,
    page: str,
    user: str,
    status: int,
) -> None:
    response = client_for(request.getfixturevalue(user)).get(
        reverse(page, kwargs={"pk": expense.workshop_id})
    )
    assert response.status_code == status
    if status == 200 and page == "workshop_expenses":
        assert "Location de la salle" in response.content.decode()


def test_the_budget_page_shows_the_lines_and_offers_the_form_to_finance_only(
    client_for: ClientFor, expense: Expense, finance_officer: User, programme_officer: User
) -> None:
    url = reverse("workshop_budget", kwargs={"pk": expense.workshop_id})
    page = client_for(finance_officer).get(url).content.decode()
    assert "Salle et logistique" in page and "300\u202f000" in page and "150\u202f000" in page
    assert 'id="line-form"' in page
    page = client_for(programme_officer).get(url).content.decode()
    assert "Salle et logistique" in page and 'id="line-form"' not in page
    assert client_for(programme_officer).post(url, {}).status_code == 403


def test_the_workshop_page_links_to_its_budget_for_those_who_see_it(
    client_for: ClientFor, funded: Workshop, monitoring_officer: User, trainer: User
) -> None:
    link = reverse("workshop_budget", kwargs={"pk": funded.pk})
    detail = reverse("workshop_detail", kwargs={"pk": funded.pk})
    assert link in client_for(monitoring_officer).get(detail).content.decode()
    funded.sessions.first().trainers.add(trainer)  # type: ignore[union-attr]
    assert link not in client_for(trainer).get(detail).content.decode()


def test_a_line_is_added_and_its_errors_show_at_the_field(
    client_for: ClientFor, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    client = client_for(finance_officer)
    url = reverse("workshop_budget", kwargs={"pk": funded.pk})
    data = {"line-category": "meals", "line-partner": funder.pk, "line-planned": "-5"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert 'id="id_line-planned_error"' in response.content.decode()
    response = client.post(url, {**data, "line-planned": "1 440 000"})
    assert response.status_code == 302
    assert BudgetLine.objects.get(category="meals").planned == 1_440_000


def test_an_expense_is_uploaded_through_the_form(
    client_for: ClientFor, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    client = client_for(finance_officer)
    url = reverse("expense_create", kwargs={"pk": funded.pk})
    form = client.get(url).content.decode()
    assert 'value="XOF"' in form and 'enctype="multipart/form-data"' in form
    data = {
        "category": "venue",
        "partner": funder.pk,
        "amount": "120 000",
        "currency": "XOF",
        "spent_on": "2022-11-08",
        "description": "Salle, jour 1",
        "supplier": "Hôtel La Palmeraie",
    }
    response = client.post(url, {**data, "currency": "EUR", "receipt": png_upload()})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_currency_error"' in page and "EUR" in page
    response = client.post(url, {**data, "receipt": png_upload("reçu.png")})
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.entered_by == finance_officer and expense.receipt_name == "reçu.png"


def test_an_expense_over_the_threshold_asks_for_the_explanation_at_its_field(
    client_for: ClientFor, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    client = client_for(finance_officer)
    url = reverse("expense_create", kwargs={"pk": funded.pk})
    data = {
        "category": "venue",
        "partner": funder.pk,
        "amount": "400000",
        "currency": "XOF",
        "spent_on": "2022-11-08",
        "description": "Salle, 4 jours",
    }
    response = client.post(url, {**data, "receipt": pdf_upload()})
    assert response.status_code == 400
    assert 'id="id_variance_note_error"' in response.content.decode()
    assert not Expense.objects.exists()
    response = client.post(
        url, {**data, "receipt": pdf_upload(), "variance_note": "Un jour de plus."}
    )
    assert response.status_code == 302
    assert BudgetLine.objects.get(category="venue").variance_note == "Un jour de plus."


def test_the_receipt_downloads_as_an_attachment_with_a_portable_name(
    client_for: ClientFor, expense: Expense, monitoring_officer: User, donor_viewer: User
) -> None:
    url = reverse("expense_receipt", kwargs={"pk": expense.workshop_id, "expense": expense.pk})
    response = client_for(monitoring_officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("Facture salle")  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ":" not in disposition.split("filename")[1]
    assert "no-store" in response["Cache-Control"]
    assert client_for(donor_viewer).get(url).status_code == 403
    # Not under another workshop's address.
    other = SessionFactory(workshop=WorkshopFactory(title="Autre")).workshop
    wrong = reverse("expense_receipt", kwargs={"pk": other.pk, "expense": expense.pk})
    assert client_for(monitoring_officer).get(wrong).status_code == 404


def test_the_check_button_is_for_another_finance_user(
    client_for: ClientFor, expense: Expense, finance_officer: User, administrator: User
) -> None:
    list_url = reverse("workshop_expenses", kwargs={"pk": expense.workshop_id})
    check_url = reverse("expense_check", kwargs={"pk": expense.workshop_id, "expense": expense.pk})
    assert check_url not in client_for(finance_officer).get(list_url).content.decode()
    client_for(finance_officer).post(check_url)
    expense.refresh_from_db()
    assert expense.checked_by is None
    assert check_url in client_for(administrator).get(list_url).content.decode()
    assert client_for(administrator).post(check_url).status_code == 302
    expense.refresh_from_db()
    assert expense.checked_by == administrator


def test_funds_are_recorded_through_the_form(
    client_for: ClientFor, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    client = client_for(finance_officer)
    url = reverse("workshop_funds", kwargs={"pk": funded.pk})
    data = {"partner": funder.pk, "received_on": "2022-10-01", "amount": "0", "currency": "XOF"}
    response = client.post(url, data)
    assert response.status_code == 400 and 'id="id_amount_error"' in response.content.decode()
    assert client.post(url, {**data, "amount": "6000000", "reference": "VIR-22"}).status_code == 302
    assert FundsReceived.objects.get().workshop == funded


def test_the_pages_queries_do_not_grow_with_expenses(
    client_for: ClientFor, expense: Expense, funder: Partner, finance_officer: User
) -> None:
    client = client_for(finance_officer)

    def counts() -> list[int]:
        found = []
        for page in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(page, kwargs={"pk": expense.workshop_id}))
            assert response.status_code == 200
            found.append(len(queries))
        return found

    counts()  # the first request loads the session, the organisation…
    before = counts()
    for n in range(5):
        services_budget.expense_record(
            workshop=expense.workshop,
            category="venue",
            partner=funder,
            amount=1_000,
            spent_on=dt.date(2022, 11, 9),
            description=f"Pause {n}",
            receipt=png_upload(),
            by=finance_officer,
        )
        services_budget.funds_record(
            partner=funder, workshop=expense.workshop, received_on=dt.date(2022, 10, 1), amount=1
        )
    assert counts() == before
