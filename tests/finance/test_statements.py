"""Payment statements: the figures from attendance, the words, the issued PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytest_django import Settings

from kalan.core import formats
from kalan.core.models import Organisation, Signatory, User
from kalan.core.render.spreadsheets import xlsx_write
from kalan.finance import statements
from kalan.finance.errors import StatementError
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import (
    amount_in_words,
    statement_closing,
    statement_fingerprint,
    statement_issue,
    statement_lines,
    statement_outdated,
)
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory, SessionFactory
from tests.spreadsheets import xlsx_has_formulas, xlsx_values

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    """Issued PDFs go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _present(enrollment: Enrollment, days: int, half: str = Attendance.Half.DAY) -> None:
    for n in range(days):
        AttendanceFactory(
            enrollment=enrollment,
            day=enrollment.session.start_date + dt.timedelta(days=n),
            half=half,
        )


def _spaces(text: str) -> str:
    """French typography puts (narrow) non-breaking spaces in numbers: compare on plain ones."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def _pdf_text(data: bytes) -> list[str]:
    return [_spaces(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def small_session(sevare_session: Session) -> Session:
    """Three persons at 25 000 a day and 10 000 of transport: present 3, 2 and 0 days."""
    session = sevare_session
    session.per_diem_rate = 25_000
    session.transport_rate = 10_000
    session.save()
    for last_name, days in (("Traoré", 3), ("Diarra", 2), ("Keïta", 0)):
        enrollment = EnrollmentFactory(
            session=session, person=PersonFactory(last_name=last_name, first_names="Awa")
        )
        _present(enrollment, days)
    return session


@pytest.fixture
def finance_signatory(organisation: Organisation) -> Signatory:
    Signatory.objects.create(
        organisation=organisation,
        name="Aminata Diallo",
        title="Présidente",
        order=1,
        signs_statements=False,
    )
    return Signatory.objects.create(
        organisation=organisation,
        name="Seydou Konaté",
        title="Chef du service financier",
        order=2,
        signs_statements=True,
    )


def test_lines_pay_days_present_and_one_transport_lump_sum(small_session: Session) -> None:
    lines = statement_lines(session=small_session)

    assert [
        (line.name, line.days, line.per_diem, line.transport, line.total) for line in lines
    ] == [
        ("DIARRA Awa", 2, 50_000, 10_000, 60_000),
        ("TRAORÉ Awa", 3, 75_000, 10_000, 85_000),
    ]
    assert [line.number for line in lines] == [1, 2]
    assert statements.statement_total(lines) == 145_000


def test_person_with_no_attendance_gets_no_line(small_session: Session) -> None:
    names = [line.name for line in statement_lines(session=small_session)]

    assert "KEÏTA Awa" not in names


def test_every_role_with_attendance_is_paid_participants_first(sevare_session: Session) -> None:
    facilitator = EnrollmentFactory(
        session=sevare_session,
        role=Enrollment.Role.FACILITATOR,
        person=PersonFactory(last_name="Cissé"),
    )
    participant = EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name="Touré"))
    _present(facilitator, 1)
    _present(participant, 1)

    lines = statement_lines(session=sevare_session)

    assert [(line.role, line.role_label) for line in lines] == [
        ("participant", "participant"),
        ("facilitator", "facilitateur"),
    ]


def test_a_half_day_counts_half_a_day(sevare_session: Session) -> None:
    session = sevare_session
    session.half_days = True
    session.per_diem_rate = 25_001
    session.transport_rate = 10_000
    session.save()
    enrollment = EnrollmentFactory(session=session)
    # Two mornings and three afternoons: five half-days, two and a half days.
    _present(enrollment, 2, half=Attendance.Half.MORNING)
    _present(enrollment, 3, half=Attendance.Half.AFTERNOON)

    (line,) = statement_lines(session=session)

    assert line.periods == 5
    assert line.days == 2.5
    assert line.days_text == "2,5"
    # 2.5 × 25 001 = 62 502.5: the half franc is rounded up, in favour of the payee.
    assert line.per_diem == 62_503
    assert line.total == 72_503


def test_marks_outside_the_sessions_periods_are_not_paid(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    _present(enrollment, 1)
    # A morning mark left from when the session took half-days, and a day after its end.
    AttendanceFactory(
        enrollment=enrollment, day=sevare_session.start_date, half=Attendance.Half.MORNING
    )
    AttendanceFactory(enrollment=enrollment, day=sevare_session.end_date + dt.timedelta(days=1))

    (line,) = statement_lines(session=sevare_session)

    assert line.days == 1


def test_amount_in_words_is_french() -> None:
    assert amount_in_words(145_000) == "cent quarante-cinq mille"
    assert amount_in_words(2_400_000) == "deux millions quatre cent mille"


def test_closing_sentence_has_words_and_figures_with_french_separator() -> None:
    assert _spaces(statement_closing(2_400_000)) == (
        "Arrêté le présent état à la somme de deux millions quatre cent mille (2 400 000) "
        "francs CFA"
    )
    assert " " not in statement_closing(2_400_000).split("(")[1].split(")")[0]


def test_fingerprint_changes_with_attendance_and_rates(small_session: Session) -> None:
    before = statement_fingerprint(session=small_session)
    assert statement_fingerprint(session=small_session) == before

    enrollment = small_session.enrollments.get(person__last_name="Keïta")
    _present(enrollment, 1)
    after_attendance = statement_fingerprint(session=small_session)
    small_session.transport_rate = 12_000
    small_session.save()

    assert after_attendance != before
    assert statement_fingerprint(session=small_session) != after_attendance


def test_issue_keeps_lines_total_fingerprint_and_pdf(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)

    statement.refresh_from_db()
    assert statement.number == "EP-2022-0001"
    assert statement.total == 145_000
    assert [line["total"] for line in statement.lines] == [60_000, 85_000]
    assert statement.issued_by == programme_officer
    assert statement.fingerprint == statement_fingerprint(session=small_session)
    with statement.pdf.open("rb") as file:
        assert file.read(5) == b"%PDF-"
    assert not statement_outdated(statement)


def test_issue_numbers_in_sequence_per_year_of_the_session(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    first = statement_issue(session=small_session, by=programme_officer)
    _present(small_session.enrollments.get(person__last_name="Keïta"), 1)
    second = statement_issue(session=small_session, by=programme_officer)
    later = SessionFactory(
        workshop=small_session.workshop,
        start_date=dt.date(2023, 2, 1),
    )
    _present(EnrollmentFactory(session=later), 1)
    other_year = statement_issue(session=later, by=programme_officer)
    _present(EnrollmentFactory(session=small_session), 1)
    third = statement_issue(session=small_session, by=None)

    assert [first.number, second.number, third.number] == [
        "EP-2022-0001",
        "EP-2022-0002",
        "EP-2022-0003",
    ]
    assert other_year.number == "EP-2023-0001"
    assert PaymentStatement.objects.count() == 4


def test_issue_refuses_a_statement_with_nobody_present(
    sevare_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    EnrollmentFactory(session=sevare_session)

    with pytest.raises(StatementError) as error:
        statement_issue(session=sevare_session, by=programme_officer)

    assert error.value.code == "statement_empty"
    assert not PaymentStatement.objects.exists()


def test_issue_refuses_a_second_statement_while_the_last_is_current(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    statement_issue(session=small_session, by=programme_officer)

    with pytest.raises(StatementError) as error:
        statement_issue(session=small_session, by=programme_officer)

    assert error.value.code == "statement_current"
    assert PaymentStatement.objects.count() == 1


def test_attendance_change_marks_outdated_and_never_touches_the_issued_pdf(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        printed = file.read()

    Attendance.objects.filter(enrollment__person__last_name="Traoré").first().delete()  # type: ignore[union-attr]

    statement.refresh_from_db()
    assert statement_outdated(statement)
    assert statement.total == 145_000
    with statement.pdf.open("rb") as file:
        assert file.read() == printed
    newer = statement_issue(session=small_session, by=programme_officer)
    assert newer.total == 120_000
    assert not statement_outdated(newer)
    assert statement_outdated(statement)


# The PDF ------------------------------------------------------------------------------------


def test_pdf_shows_names_totals_words_number_and_signatories(
    small_session: Session,
    programme_officer: User,
    organisation: Organisation,
    finance_signatory: Signatory,
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        pages = _pdf_text(file.read())

    assert len(pages) == 1
    text = pages[0]
    assert "TRAORÉ Awa" in text
    assert "DIARRA Awa" in text
    assert "KEÏTA" not in text
    assert "85 000" in text
    assert "60 000" in text
    assert "Total de la page" in text
    assert "145 000" in text
    assert "cent quarante-cinq mille (145 000) francs CFA" in " ".join(text.split())
    assert "EP-2022-0001" in text
    assert "Seydou Konaté" in text
    assert "Chef du service financier" in text
    assert "Aminata Diallo" not in text
    assert "Hôtel La Palmeraie" in text


def _big_session(session: Session, count: int) -> Session:
    enrollments = EnrollmentFactory.create_batch(count, session=session)
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day, half=Attendance.Half.DAY)
        for enrollment in enrollments
        for day in session.days
    )
    return session


def _rows_per_page(count: int) -> list[int]:
    """Rows are fixed in height: FIRST_PAGE_ROWS under the title, ROWS_PER_PAGE after."""
    pages, left, room = [], count, statements.FIRST_PAGE_ROWS
    while left > 0:
        pages.append(min(left, room))
        left, room = left - room, statements.ROWS_PER_PAGE
    return pages


@pytest.mark.parametrize("count", [40, 400])
def test_pdf_page_count_and_page_totals_for_many_participants(
    sevare_session: Session, programme_officer: User, organisation: Organisation, count: int
) -> None:
    session = _big_session(sevare_session, count)
    statement = statement_issue(session=session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        pages = _pdf_text(file.read())

    rows = _rows_per_page(count)
    # The closing block (overall total, words, signatures) needs CLOSING_ROWS rows of room
    # under the last rows, or it takes a page of its own.
    closing_apart = rows[-1] + statements.CLOSING_ROWS > statements.ROWS_PER_PAGE
    assert len(pages) == len(rows) + closing_apart
    per_person = 3 * 25_000 + 15_000  # the factory's rates, three days each
    for text, count_on_page in zip(pages, rows, strict=False):
        assert "Total de la page" in text
        assert _spaces(formats.amount(count_on_page * per_person)) in text
    assert "Total de la page" not in pages[-1] or not closing_apart
    last = " ".join(pages[-1].split())
    assert "Total général" in last
    assert _spaces(formats.amount(count * per_person)) in last
    assert amount_in_words(count * per_person) in last
    assert statement.number in pages[-1]


# The XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_values_totals_and_words_but_no_formula(small_session: Session) -> None:
    table = statements.statement_table(
        session=small_session, lines=statement_lines(session=small_session)
    )
    file = io.BytesIO()
    xlsx_write(table, file)
    data = file.getvalue()

    rows = xlsx_values(data)
    assert rows[0][:3] == ["N°", "Nom et prénoms", "Grade"]
    assert rows[1][1] == "DIARRA Awa"
    assert rows[1][6:] == [2, 50_000, 10_000, 60_000]
    assert rows[2][6:] == [3, 75_000, 10_000, 85_000]
    total_row = next(row for row in rows if row[1] == "Total")
    assert total_row[6:] == [5, 125_000, 20_000, 145_000]
    assert any(isinstance(row[1], str) and "cent quarante-cinq mille" in row[1] for row in rows)
    assert not xlsx_has_formulas(data)


def test_xlsx_neutralises_a_name_that_looks_like_a_formula(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(
        session=sevare_session, person=PersonFactory(last_name="=HYPERLINK", first_names="x")
    )
    _present(enrollment, 1)
    table = statements.statement_table(
        session=sevare_session, lines=statement_lines(session=sevare_session)
    )
    file = io.BytesIO()
    xlsx_write(table, file)

    assert xlsx_values(file.getvalue())[1][1] == "'=HYPERLINK x"
    assert not xlsx_has_formulas(file.getvalue())
