"""Payment statements: the figures from attendance, the words, the issued PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries, Settings

from kalan.core import formats
from kalan.core.models import NumberBlock, Organisation, Signatory, User
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
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    SessionFactory,
    UnitFactory,
    corps,
    rank,
)
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
    for last_name, days, service_number in (
        ("Traoré", 3, "PN-2231"),
        ("Diarra", 2, "GN-0457"),
        ("Keïta", 0, "PN-9999"),
    ):
        person = PersonFactory(
            last_name=last_name, first_names="Awa", service_number=service_number
        )
        _present(EnrollmentFactory(session=session, person=person), days)
    return session


@pytest.fixture
def statement_signatories(organisation: Organisation) -> list[Signatory]:
    """The three boxes held; the president signs certificates only."""
    Signatory.objects.create(
        organisation=organisation, name="Aminata Diallo", title="Présidente", order=1
    )
    return [
        Signatory.objects.create(
            organisation=organisation,
            name=name,
            title=title,
            order=order,
            signs_certificates=False,
            statement_role=role,
        )
        for order, (name, title, role) in enumerate(
            [
                ("Fatoumata Coulibaly", "Comptable", Signatory.StatementRole.PREPARED),
                ("Seydou Konaté", "Chef du service financier", Signatory.StatementRole.CHECKED),
                ("Aguibou Bouaré", "Secrétaire général", Signatory.StatementRole.APPROVED),
            ],
            start=2,
        )
    ]


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


def _by_half_days(session: Session) -> Session:
    """The session paid by half-days, at 25 001 a day (an odd rate: a half franc shows) and
    10 000 of transport."""
    session.half_days = True
    session.per_diem_rate = 25_001
    session.transport_rate = 10_000
    session.save()
    return session


def test_a_half_day_counts_half_a_day(sevare_session: Session) -> None:
    session = _by_half_days(sevare_session)
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


def test_an_even_count_of_half_days_pays_whole_francs_without_rounding(
    sevare_session: Session,
) -> None:
    session = _by_half_days(sevare_session)
    enrollment = EnrollmentFactory(session=session)
    _present(enrollment, 2, half=Attendance.Half.MORNING)
    _present(enrollment, 2, half=Attendance.Half.AFTERNOON)

    (line,) = statement_lines(session=session)

    # Four half-days are two whole days: 2 × 25 001, nothing to round, and no float either.
    assert (line.periods, line.days) == (4, 2)
    assert line.per_diem == 50_002
    assert type(line.per_diem) is int


def test_whole_days_stay_integers_in_the_stored_line(sevare_session: Session) -> None:
    _present(EnrollmentFactory(session=sevare_session), 3)

    (line,) = statement_lines(session=sevare_session)

    # Stored as JSON and shown as « 3 »: 3, not 3.0.
    assert type(line.days) is int
    assert json.dumps(line.as_json()["days"]) == "3"


def test_lines_name_rank_corps_and_unit_and_leave_them_blank_for_a_civilian(
    sevare_session: Session,
) -> None:
    officer = PersonFactory(
        last_name="Coulibaly",
        corps=corps("Gendarmerie"),
        rank=rank("Gendarmerie", "Capitaine"),
        unit=UnitFactory(corps=corps("Gendarmerie"), name="Brigade territoriale de Sévaré"),
    )
    civilian = PersonFactory(last_name="Diallo", corps=None, rank=None, unit=None)
    _present(EnrollmentFactory(session=sevare_session, person=officer), 1)
    _present(EnrollmentFactory(session=sevare_session, person=civilian), 1)

    lines = statement_lines(session=sevare_session)

    assert [(line.name.split()[0], line.rank, line.corps, line.unit) for line in lines] == [
        ("COULIBALY", "Capitaine", "Gendarmerie", "Brigade territoriale de Sévaré"),
        ("DIALLO", "", "", ""),
    ]


def test_lines_read_in_two_queries_however_many_payees(
    sevare_session: Session, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for days in (1, 2, 3, 3):
        person = PersonFactory(unit=UnitFactory())
        _present(EnrollmentFactory(session=sevare_session, person=person), days)

    # The enrollments with their persons' rank, corps and unit; their attendance marks.
    with django_assert_num_queries(2):
        lines = statement_lines(session=sevare_session)

    assert sorted(line.periods for line in lines) == [1, 2, 3, 3]
    assert all(line.rank and line.corps and line.unit for line in lines)


# Mutants of ``_read`` that `make mutation` (bench/mutation.py) lets live, as equivalent:
# - the ``Prefetch`` of the attendance marks without its queryset, or with ``queryset=None``:
#   the same marks in the same one query, read with every column rather than the three used.


def test_a_superseded_enrollment_is_never_paid(sevare_session: Session) -> None:
    kept = EnrollmentFactory(session=sevare_session, person=PersonFactory(last_name="Touré"))
    merged = EnrollmentFactory(
        session=sevare_session, person=PersonFactory(last_name="Toure"), superseded_by=kept
    )
    _present(kept, 2)
    _present(merged, 3)

    lines = statement_lines(session=sevare_session)

    assert [(line.name.split()[0], line.days) for line in lines] == [("TOURÉ", 2)]


def _line_of(days: float) -> statements.StatementLine:
    """A line at 20 000 a day and 10 000 of transport."""
    per_diem = int(days * 20_000)
    return statements.StatementLine(
        number=1,
        name="PAYÉ Awa",
        rank="",
        corps="",
        unit="",
        role="participant",
        periods=int(days * 2),
        days=days,
        per_diem=per_diem,
        transport=10_000,
        total=per_diem + 10_000,
    )


def test_sums_add_each_column_and_keep_a_half_day() -> None:
    sums = statements.statement_sums([_line_of(2.5), _line_of(1)])

    assert (sums.days, sums.per_diem, sums.transport, sums.total) == (3.5, 70_000, 20_000, 90_000)
    assert sums.days_text == "3,5"


def test_sums_of_half_days_that_make_whole_days_are_an_integer() -> None:
    sums = statements.statement_sums([_line_of(2.5), _line_of(0.5)])

    # The spreadsheet's total row shows 3, as whole days do, not 3.0.
    assert sums.days == 3
    assert type(sums.days) is int


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


def test_headquarters_numbers_statements_past_a_kits_block(
    small_session: Session, programme_officer: User
) -> None:
    NumberBlock.objects.create(prefix="EP-2022-", first=1, last=20, holder="Kit Sévaré")
    assert statement_issue(session=small_session, by=programme_officer).number == "EP-2022-0021"


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
    statement_signatories: list[Signatory],
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


def _approval(text: str) -> dict[str, list[str]]:
    """The approval block's lines, by what they start with, left to right (one per box)."""
    starts = ("Établi par", "Vérifié par", "Approuvé par", "Nom :", "Fonction :", "Date :")
    lines = [line.strip() for line in text.splitlines()]
    block: dict[str, list[str]] = {start: [] for start in (*starts, "Signature et cachet :")}
    for line in lines:
        for start in block:
            if line.startswith(start):
                block[start].append(line)
    return block


def _is_blank_line(line: str, label: str) -> bool:
    rest = line.removeprefix(label).strip()
    return len(rest) >= 10 and set(rest) == {"."}


def test_pdf_has_the_approval_block_with_names_titles_and_date_lines(
    small_session: Session,
    programme_officer: User,
    organisation: Organisation,
    statement_signatories: list[Signatory],
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        block = _approval(_pdf_text(file.read())[-1])

    assert block["Établi par"] and block["Vérifié par"] and block["Approuvé par"]
    assert block["Nom :"] == [
        "Nom : Fatoumata Coulibaly",
        "Nom : Seydou Konaté",
        "Nom : Aguibou Bouaré",
    ]
    assert block["Fonction :"] == [
        "Fonction : Comptable",
        "Fonction : Chef du service financier",
        "Fonction : Secrétaire général",
    ]
    assert len(block["Date :"]) == 3
    assert all(_is_blank_line(line, "Date :") for line in block["Date :"])
    assert len(block["Signature et cachet :"]) == 3


def test_pdf_prints_blank_lines_to_sign_on_when_no_signatory_is_set(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    # A signatory of certificates only does not sign statements.
    Signatory.objects.create(organisation=organisation, name="Aminata Diallo", title="Présidente")

    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        text = _pdf_text(file.read())[-1]
    block = _approval(text)

    assert "Aminata Diallo" not in text
    assert [len(block[label]) for label in ("Établi par", "Vérifié par", "Approuvé par")] == [
        1,
        1,
        1,
    ]
    for label in ("Nom :", "Fonction :", "Date :"):
        assert len(block[label]) == 3
        assert all(_is_blank_line(line, label) for line in block[label]), block[label]
    assert len(block["Signature et cachet :"]) == 3


def test_pdf_puts_a_signatory_in_the_box_of_its_role_not_of_its_order(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    Signatory.objects.create(
        organisation=organisation,
        name="Aguibou Bouaré",
        title="Président",
        order=1,
        statement_role=Signatory.StatementRole.APPROVED,
    )

    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        names = _approval(_pdf_text(file.read())[-1])["Nom :"]

    assert _is_blank_line(names[0], "Nom :")
    assert _is_blank_line(names[1], "Nom :")
    assert names[2] == "Nom : Aguibou Bouaré"


def test_pdf_shows_each_payees_service_number_on_their_row(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        lines = [line.strip() for line in _pdf_text(file.read())[0].splitlines()]

    assert "Matricule" in lines
    assert lines[lines.index("DIARRA Awa") + 1] == "GN-0457"
    assert lines[lines.index("TRAORÉ Awa") + 1] == "PN-2231"
    assert "PN-9999" not in lines  # KEÏTA, never present, is not paid


def test_lines_stored_before_service_numbers_read_back_without_one(
    small_session: Session, programme_officer: User, organisation: Organisation
) -> None:
    statement = statement_issue(session=small_session, by=programme_officer)
    for line in statement.lines:
        del line["service_number"]
    statement.save()

    lines = statements.statement_stored_lines(statement)

    assert [(line.name, line.service_number) for line in lines] == [
        ("DIARRA Awa", ""),
        ("TRAORÉ Awa", ""),
    ]


def _big_session(session: Session, count: int) -> Session:
    enrollments = EnrollmentFactory.create_batch(count, session=session)
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day, half=Attendance.Half.DAY)
        for enrollment in enrollments
        for day in session.days
    )
    return session


PER_PERSON = 3 * 25_000 + 15_000  # the factory's rates, three days each
SERVICE_NUMBER = re.compile(r"MLE-\d{5}")


def _check_page_totals(pages: list[str], count: int) -> None:
    """Each page's total is its rows', every row is printed once, and the last page has rows
    above the overall total, the words and the approval block."""
    printed: list[str] = []
    for text in pages:
        rows = SERVICE_NUMBER.findall(text)
        printed += rows
        assert "Total de la page" in text
        assert _spaces(formats.amount(len(rows) * PER_PERSON)) in text
    assert len(printed) == len(set(printed)) == count
    last = pages[-1]
    assert last.index("Total général") > last.index(SERVICE_NUMBER.findall(last)[-1])
    words = " ".join(last.split())
    assert _spaces(formats.amount(count * PER_PERSON)) in words
    assert amount_in_words(count * PER_PERSON) in words
    assert "Approuvé par" in last


@pytest.mark.parametrize("count", [40, 400])
def test_pdf_page_count_and_page_totals_for_many_participants(
    sevare_session: Session, programme_officer: User, organisation: Organisation, count: int
) -> None:
    session = _big_session(sevare_session, count)
    statement = statement_issue(session=session, by=programme_officer)
    with statement.pdf.open("rb") as file:
        pages = _pdf_text(file.read())

    _check_page_totals(pages, count)
    assert statement.number in pages[-1]


def _lines(count: int) -> list[statements.StatementLine]:
    return [
        statements.StatementLine(
            number=n,
            name=f"PAYÉ{n:03d} Awa",
            service_number=f"MLE-{n:05d}",
            rank="Sergent-chef",
            corps="Police nationale",
            unit="Commissariat du 3e arrondissement de Bamako",
            role="participant",
            periods=3,
            days=3,
            per_diem=75_000,
            transport=15_000,
            total=PER_PERSON,
        )
        for n in range(1, count + 1)
    ]


def test_total_never_stands_on_a_last_page_without_rows(
    sevare_session: Session, organisation: Organisation
) -> None:
    # Before issue 11, 6 to 13 payees (and 21 to 28, 36 to 43…) put the overall total and the
    # signatures alone on the last page. Every count up to four pages' worth, last page only.
    for count in range(1, 61):
        lines = _lines(count)
        pdf = statements.statement_pdf(
            session=sevare_session,
            organisation=organisation,
            lines=lines,
            number="EP-2022-0001",
            issued_on=dt.date(2022, 11, 10),
        )
        reader = PdfReader(io.BytesIO(pdf))
        last = _spaces(reader.pages[-1].extract_text())

        on_last = SERVICE_NUMBER.findall(last)
        assert on_last, f"{count} payees: no row on the last page"
        assert on_last == [line.service_number for line in lines[-len(on_last) :]], count
        assert last.index("Total général") > last.index(on_last[-1]), count
        assert "Établi par" in last and "Approuvé par" in last, count


# The XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_values_totals_and_words_but_no_formula(small_session: Session) -> None:
    table = statements.statement_table(
        session=small_session, lines=statement_lines(session=small_session)
    )
    file = io.BytesIO()
    xlsx_write(table, file)
    data = file.getvalue()

    rows = xlsx_values(data)
    assert rows[0][:4] == ["N°", "Nom et prénoms", "Matricule", "Grade"]
    assert rows[1][1:3] == ["DIARRA Awa", "GN-0457"]
    assert rows[1][7:] == [2, 50_000, 10_000, 60_000]
    assert rows[2][7:] == [3, 75_000, 10_000, 85_000]
    total_row = next(row for row in rows if row[1] == "Total")
    assert total_row[7:] == [5, 125_000, 20_000, 145_000]
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
