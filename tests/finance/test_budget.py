"""A workshop's budget: lines, expenses with receipts, their check, funds, and the figures."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from kalan.core.models import Organisation, Partner, User
from kalan.finance import budget, services_budget
from kalan.finance.errors import BudgetError
from kalan.finance.models import BudgetLine, Expense, FundsReceived, PaymentStatement
from kalan.finance.statements import statement_issue
from kalan.workshops.models import Attendance, Session, Workshop
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FundingFactory,
    PartnerFactory,
    SessionFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.finance.receipts import pdf_bytes, pdf_upload, png_bytes, png_upload

START = dt.date(2022, 11, 8)  # the factory's session: 8 to 10 November 2022


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def funded(organisation: Organisation, sevare_session: Session, funder: Partner) -> Workshop:
    workshop = sevare_session.workshop
    FundingFactory(workshop=workshop, partner=funder, amount=12_000_000)
    return workshop


@pytest.fixture
def venue_line(funded: Workshop, funder: Partner) -> BudgetLine:
    return services_budget.budget_line_save(
        workshop=funded, category="venue", partner=funder, planned=300_000
    )


def _record(workshop: Workshop, partner: Partner, by: User | None, **changes: object) -> Expense:
    values: dict[str, object] = {
        "workshop": workshop,
        "category": "venue",
        "partner": partner,
        "amount": 100_000,
        "spent_on": START,
        "description": "Location de la salle, 1er jour",
        "receipt": pdf_upload(),
        "by": by,
    }
    values.update(changes)
    return services_budget.expense_record(**values)  # type: ignore[arg-type]


def _refused(code: str, field: str | None, call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(BudgetError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert (caught.value.code, caught.value.field) == (code, field)
    return str(caught.value)


def _media_files(settings: Settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- budget lines -------------------------------------------------------------------------------


def test_a_line_takes_any_non_negative_planned_amount(funded: Workshop, funder: Partner) -> None:
    line = services_budget.budget_line_save(
        workshop=funded, category="meals", partner=funder, planned=0
    )
    assert line.planned == 0
    line = services_budget.budget_line_save(
        workshop=funded, category="meals", partner=funder, planned=480_000, line=line
    )
    assert BudgetLine.objects.get().planned == 480_000
    message = _refused(
        "amount_not_positive",
        "planned",
        services_budget.budget_line_save,
        workshop=funded,
        category="meals",
        partner=funder,
        planned=-1,
        line=line,
    )
    assert "négatif" in message
    assert BudgetLine.objects.get().planned == 480_000


def test_a_line_is_one_per_funder_and_only_for_a_funder(
    venue_line: BudgetLine, funded: Workshop, funder: Partner
) -> None:
    message = _refused(
        "line_exists",
        "category",
        services_budget.budget_line_save,
        workshop=funded,
        category="venue",
        partner=funder,
        planned=1,
    )
    assert "Salle et logistique" in message
    stranger = PartnerFactory(name="Coopération suisse", acronym="DDC")
    message = _refused(
        "not_a_funder",
        "partner",
        services_budget.budget_line_save,
        workshop=funded,
        category="venue",
        partner=stranger,
        planned=1,
    )
    assert "DDC" in message
    assert BudgetLine.objects.count() == 1


def test_a_line_used_by_an_expense_is_not_deleted(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    expense = _record(funded, funder, finance_officer)
    _refused("line_used", None, services_budget.budget_line_delete, line=venue_line)
    assert BudgetLine.objects.filter(pk=venue_line.pk).exists()
    services_budget.expense_delete(expense=expense)
    services_budget.budget_line_delete(line=venue_line)
    assert not BudgetLine.objects.exists()


# --- expenses: what is stored ---------------------------------------------------------------


def test_a_pdf_receipt_is_kept_as_sent(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    content = pdf_bytes("Facture 117")
    expense = _record(
        funded, funder, finance_officer, receipt=pdf_upload("Facture 117.pdf", content)
    )
    expense.refresh_from_db()
    with expense.receipt.open("rb") as stored:
        assert stored.read() == content
    assert expense.receipt.name.endswith(".pdf")
    assert expense.receipt_name == "Facture 117.pdf"
    assert expense.entered_by == finance_officer and expense.checked_by is None


def test_an_image_receipt_is_re_encoded_without_its_metadata(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("photo.png", png_bytes(exif_gps=True), content_type="image/png")
    expense = _record(funded, funder, finance_officer, receipt=photo)
    with expense.receipt.open("rb") as file:
        stored = file.read()
    assert stored.startswith(b"\xff\xd8") and expense.receipt.name.endswith(".jpg")
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    assert b"PhoneMaker" not in stored


# --- expenses: what is refused, at its field, nothing saved ---------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "field", "says"),
    [
        ({"amount": 0}, "amount_not_positive", "amount", "supérieur à zéro"),
        ({"amount": -5_000}, "amount_not_positive", "amount", "supérieur à zéro"),
        ({"currency": "EUR"}, "currency", "currency", "XOF"),
        ({"spent_on": START - dt.timedelta(days=31)}, "period", "spent_on", "9 octobre 2022"),
        ({"spent_on": dt.date(2023, 1, 10)}, "period", "spent_on", "9 janvier 2023"),
        ({"category": "materials"}, "no_line", "category", "Fournitures et supports"),
        (
            {"receipt": b"Ceci n'est pas une facture."},
            "not_a_receipt",
            "receipt",
            "ni une image ni un PDF",
        ),
        (
            {"receipt": b"%PDF-1.7\ngarbage that is no PDF at all"},
            "pdf_unreadable",
            "receipt",
            "PDF lisible",
        ),
        ({"amount": 400_000}, "variance_note_required", "variance_note", "10 %"),
    ],
)
def test_an_expense_is_refused_at_its_field(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    settings: Settings,
    changes: dict[str, object],
    code: str,
    field: str,
    says: str,
) -> None:
    if isinstance(changes.get("receipt"), bytes):  # a fresh upload for each run
        changes = {**changes, "receipt": pdf_upload("facture.pdf", changes["receipt"])}  # type: ignore[arg-type]
    message = _refused(code, field, _record, funded, funder, finance_officer, **changes)
    assert says in message
    assert not Expense.objects.exists()
    assert _media_files(settings) == []


def test_the_currency_message_names_both_currencies(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    message = _refused(
        "currency", "currency", _record, funded, funder, finance_officer, currency="EUR"
    )
    assert "XOF" in message and "EUR" in message
    assert _record(funded, funder, finance_officer, currency="xof").amount == 100_000


def test_the_period_admits_preparations_and_late_invoices(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    _record(funded, funder, finance_officer, spent_on=START - dt.timedelta(days=30), amount=1)
    _record(
        funded,
        funder,
        finance_officer,
        spent_on=dt.date(2022, 11, 10) + dt.timedelta(days=60),
        amount=1,
    )
    assert Expense.objects.count() == 2


def test_a_receipt_over_the_size_limit_is_refused(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    settings: Settings,
) -> None:
    settings.KALAN_PHOTO_MAX_BYTES = 1_000
    message = _refused("too_large", "receipt", _record, funded, funder, finance_officer)
    assert "Mo" in message
    assert not Expense.objects.exists()


def test_an_encrypted_pdf_is_refused(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    receipt = pdf_upload("facture.pdf", buffer.getvalue())
    _refused("pdf_encrypted", "receipt", _record, funded, funder, finance_officer, receipt=receipt)


def test_a_failed_save_leaves_no_receipt_file(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    settings: Settings,
) -> None:
    # The row fails its validation once the file is written: the file goes with it.
    with pytest.raises(ValidationError):
        _record(funded, funder, finance_officer, supplier="x" * 201)
    assert not Expense.objects.exists()
    assert _media_files(settings) == []


def test_an_expense_over_the_threshold_saves_its_explanation_on_the_line(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    # 300 000 planned, 10 %: 330 000 passes without a word, 330 001 does not.
    _record(funded, funder, finance_officer, amount=330_000)
    _refused(
        "variance_note_required",
        "variance_note",
        _record,
        funded,
        funder,
        finance_officer,
        amount=1,
    )
    _record(funded, funder, finance_officer, amount=1, variance_note="Une journée de plus.")
    venue_line.refresh_from_db()
    assert venue_line.variance_note == "Une journée de plus."
    # Explained once: the next expense on the line needs no other explanation.
    _record(funded, funder, finance_officer, amount=50_000)
    assert Expense.objects.count() == 3


def test_the_threshold_comes_from_the_setting(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    settings: Settings,
) -> None:
    settings.KALAN_BUDGET_VARIANCE_PERCENT = 50
    _record(funded, funder, finance_officer, amount=450_000)
    [line] = budget.workshop_lines(workshop=funded)
    assert not line.needs_note
    settings.KALAN_BUDGET_VARIANCE_PERCENT = 10
    [line] = budget.workshop_lines(workshop=funded)
    assert line.needs_note and line.note_missing


# --- four eyes --------------------------------------------------------------------------------


def test_an_expense_is_checked_by_someone_else(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, finance_officer: User
) -> None:
    expense = _record(funded, funder, finance_officer)
    message = _refused(
        "own_expense", None, services_budget.expense_check, expense=expense, by=finance_officer
    )
    assert "autre personne" in message
    expense.refresh_from_db()
    assert expense.checked_by is None
    colleague = UserFactory(username="comptable", role="finance")
    services_budget.expense_check(expense=expense, by=colleague)
    expense.refresh_from_db()
    assert expense.checked_by == colleague and expense.checked_at is not None
    _refused("already_checked", None, services_budget.expense_check, expense=expense, by=colleague)


def test_an_administrator_checks_even_their_own(
    venue_line: BudgetLine, funded: Workshop, funder: Partner, administrator: User
) -> None:
    expense = _record(funded, funder, administrator)
    services_budget.expense_check(expense=expense, by=administrator)
    assert Expense.objects.get().checked_by == administrator


def test_only_an_unchecked_expense_is_deleted_with_its_receipt(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    administrator: User,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    checked = _record(funded, funder, finance_officer)
    services_budget.expense_check(expense=checked, by=administrator)
    _refused("already_checked", None, services_budget.expense_delete, expense=checked)
    pending = _record(funded, funder, finance_officer, receipt=png_upload())
    assert len(_media_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services_budget.expense_delete(expense=pending)
    assert list(Expense.objects.all()) == [checked]
    assert [p.name for p in _media_files(settings)] == [Path(checked.receipt.name).name]


# --- funds ---------------------------------------------------------------------------------------


def test_funds_are_recorded_in_the_books_currency(
    funded: Workshop, funder: Partner, organisation: Organisation
) -> None:
    _refused(
        "currency",
        "currency",
        services_budget.funds_record,
        partner=funder,
        workshop=funded,
        received_on=START,
        amount=1_000,
        currency="EUR",
    )
    _refused(
        "amount_not_positive",
        "amount",
        services_budget.funds_record,
        partner=funder,
        received_on=START,
        amount=0,
    )
    funds = services_budget.funds_record(
        partner=funder, workshop=funded, received_on=START, amount=6_000_000, reference="VIR-1"
    )
    assert FundsReceived.objects.get() == funds and funds.amount == 6_000_000


def test_a_line_s_variance_explanation_is_saved_and_cleared(venue_line: BudgetLine) -> None:
    services_budget.variance_note_save(line=venue_line, note="  Prix de la salle revu.  ")
    venue_line.refresh_from_db()
    assert venue_line.variance_note == "Prix de la salle revu."
    services_budget.variance_note_save(line=venue_line, note="")
    venue_line.refresh_from_db()
    assert venue_line.variance_note == ""


# --- the figures ---------------------------------------------------------------------------------


def test_planned_committed_spent_and_variance_of_a_line(
    venue_line: BudgetLine,
    funded: Workshop,
    funder: Partner,
    finance_officer: User,
    administrator: User,
) -> None:
    first = _record(funded, funder, finance_officer, amount=120_000)
    _record(funded, funder, finance_officer, amount=80_000)
    services_budget.expense_check(expense=first, by=administrator)
    [line] = budget.workshop_lines(workshop=funded)
    assert (line.planned, line.committed, line.spent, line.variance) == (
        300_000,
        80_000,
        120_000,
        -100_000,
    )
    # 100 000 under a 300 000 plan (33 %): shown, but a line under its plan needs no note.
    assert not line.needs_note and not line.note_missing
    assert line.line_id == venue_line.pk and line.partner == "EUCAP"
    assert line.category_label == "Salle et logistique"


def _issue_statement(session: Session, *, people: int, by: User) -> PaymentStatement:
    for _n in range(people):
        enrollment = EnrollmentFactory(session=session)
        for day in session.days:
            AttendanceFactory(enrollment=enrollment, day=day, half=Attendance.Half.DAY)
    return statement_issue(session=session, by=by)


def test_statements_split_between_the_funders_of_the_line_by_their_planned_amounts(
    funded: Workshop, funder: Partner, sevare_session: Session, programme_officer: User
) -> None:
    swiss = PartnerFactory(name="Coopération suisse", acronym="DDC")
    FundingFactory(workshop=funded, partner=swiss, amount=1_000_000)
    services_budget.budget_line_save(
        workshop=funded, category="per_diem", partner=funder, planned=200_000
    )
    services_budget.budget_line_save(
        workshop=funded, category="per_diem", partner=swiss, planned=100_000
    )
    # Nobody budgeted transport: it goes to the first funder, EUCAP (the larger funding).
    _issue_statement(sevare_session, people=1, by=programme_officer)  # 3 × 25 000 + 15 000
    actuals = budget.statement_actuals(workshops=[funded.pk])
    assert actuals == {
        (funded.pk, "per_diem", funder.pk): 50_000,
        (funded.pk, "per_diem", swiss.pk): 25_000,
        (funded.pk, "transport", funder.pk): 15_000,
    }
    lines = {(f.category, f.partner): f for f in budget.workshop_lines(workshop=funded)}
    assert lines[("per_diem", "EUCAP")].spent == 50_000
    assert lines[("per_diem", "DDC")].spent == 25_000
    transport = lines[("transport", "EUCAP")]
    assert transport.unbudgeted and transport.planned == 0 and transport.spent == 15_000
    assert transport.needs_note


def test_the_remainder_of_a_split_goes_to_the_largest_share(
    funded: Workshop, funder: Partner, sevare_session: Session, programme_officer: User
) -> None:
    swiss = PartnerFactory(name="Coopération suisse", acronym="DDC")
    FundingFactory(workshop=funded, partner=swiss, amount=1_000_000)
    services_budget.budget_line_save(
        workshop=funded, category="transport", partner=funder, planned=2
    )
    services_budget.budget_line_save(
        workshop=funded, category="transport", partner=swiss, planned=1
    )
    sevare_session.transport_rate = 10_001
    sevare_session.save()
    _issue_statement(sevare_session, people=1, by=programme_officer)
    actuals = budget.statement_actuals(workshops=[funded.pk])
    assert actuals[(funded.pk, "transport", funder.pk)] == 6_668  # 6 667 and the remainder
    assert actuals[(funded.pk, "transport", swiss.pk)] == 3_333


def test_only_the_latest_statement_of_a_session_counts(
    funded: Workshop, funder: Partner, sevare_session: Session, programme_officer: User
) -> None:
    _issue_statement(sevare_session, people=1, by=programme_officer)
    _issue_statement(sevare_session, people=1, by=programme_officer)  # two people now
    actuals = budget.statement_actuals(workshops=Workshop.objects.filter(pk=funded.pk))
    assert actuals == {
        (funded.pk, "per_diem", funder.pk): 150_000,
        (funded.pk, "transport", funder.pk): 30_000,
    }


def test_a_workshop_without_funder_shows_its_statements_unbudgeted(
    organisation: Organisation, programme_officer: User
) -> None:
    session = SessionFactory(workshop=WorkshopFactory(title="Sans bailleur"))
    _issue_statement(session, people=1, by=programme_officer)
    lines = budget.workshop_lines(workshop=session.workshop)
    assert [(f.category, f.partner_id, f.spent, f.unbudgeted) for f in lines] == [
        ("per_diem", None, 75_000, True),
        ("transport", None, 15_000, True),
    ]


def _workshop_with_everything(funder: Partner, by: User) -> Workshop:
    session = SessionFactory(workshop=WorkshopFactory())
    workshop = session.workshop
    FundingFactory(workshop=workshop, partner=funder)
    for category in ("venue", "per_diem"):
        services_budget.budget_line_save(
            workshop=workshop, category=category, partner=funder, planned=500_000
        )
    _record(workshop, funder, by, receipt=png_upload())
    _issue_statement(session, people=1, by=by)
    return workshop


def test_the_figures_of_many_workshops_take_as_many_queries_as_of_one(
    organisation: Organisation, funder: Partner, administrator: User
) -> None:
    one = _workshop_with_everything(funder, administrator)
    with CaptureQueriesContext(connection) as few:
        budget.workshops_lines(workshops=Workshop.objects.filter(pk=one.pk))
    for _n in range(3):
        _workshop_with_everything(funder, administrator)
    with CaptureQueriesContext(connection) as many:
        figures = budget.workshops_lines(workshops=Workshop.objects.all())
    assert len(many) == len(few) <= 4
    assert len(figures) == 4
    assert all(len(lines) == 3 for lines in figures.values())  # venue, per diem, transport
    with CaptureQueriesContext(connection) as statements:
        budget.statement_actuals(workshops=Workshop.objects.all())
    assert len(statements) <= 3
