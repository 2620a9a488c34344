"""Certificates: who earns one, issuing (numbers, codes, idempotence), revoking, and the PDF read
back with pypdf — its text, its page count, and its QR code decoded from the embedded image."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pytest_django import Settings

from kalan.certificates.errors import CertificateError
from kalan.certificates.models import Certificate
from kalan.certificates.services import (
    SHORT_CODE_ALPHABET,
    certificate_eligibility,
    certificate_eligible,
    certificate_pdf,
    certificate_revoke,
    certificates_for_pdf,
    certificates_issue,
    certificates_of_session,
    certificates_pdf,
    verification_url,
)
from kalan.core.formats import plain_spaces
from kalan.core.models import NumberBlock, Organisation, Signatory, User
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory, rank


def present(enrollment: Enrollment, *periods: tuple[int, str]) -> None:
    """Mark the enrollment present on (day index, half) periods of its session."""
    start = enrollment.session.start_date
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=start + dt.timedelta(days=day), half=half)
        for day, half in periods
    )


def every_day(enrollment: Enrollment) -> None:
    session = enrollment.session
    present(enrollment, *((n, half) for n in range(len(session.days)) for half in session.halves))


def enrolled(session: Session, **kwargs: object) -> Enrollment:
    return EnrollmentFactory(session=session, **kwargs)


def pdf_text(data: bytes) -> list[str]:
    return [plain_spaces(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def qr_payloads(data: bytes) -> list[str]:
    """Every QR code of the PDF, decoded from the images pypdf extracts (zxing-cpp)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as picture:
                found.extend(r.text for r in zxingcpp.read_barcodes(picture.convert("L")))
    return found


@pytest.fixture
def signatories(organisation: Organisation) -> list[Signatory]:
    return [
        Signatory.objects.create(
            organisation=organisation, name="Aguibou Bouaré", title="Président de la CNDH", order=1
        ),
        Signatory.objects.create(
            organisation=organisation,
            name="Mariam Diallo",
            title="Directrice de la formation",
            order=2,
        ),
        Signatory.objects.create(
            organisation=organisation,
            name="Oumar Sy",
            title="Comptable",
            order=3,
            signs_certificates=False,
        ),
    ]


# --- The rule ------------------------------------------------------------------------------------


def test_every_day_rule_needs_all_three_days(sevare_session: Session) -> None:
    all_days, two_days = enrolled(sevare_session), enrolled(sevare_session)
    every_day(all_days)
    present(two_days, (0, "day"), (1, "day"))

    assert certificate_eligible(enrollment=all_days)
    assert not certificate_eligible(enrollment=two_days)


def test_eighty_percent_rule_counts_half_days(workshop: object) -> None:
    # 3 days in half-days: 6 periods; 5/6 = 83 % passes 80 %, 4/6 = 67 % does not.
    session = SessionFactory(workshop=workshop, half_days=True, certificate_min_percent=80)
    five, four = enrolled(session), enrolled(session)
    present(five, (0, "am"), (0, "pm"), (1, "am"), (1, "pm"), (2, "am"))
    present(four, (0, "am"), (0, "pm"), (1, "am"), (1, "pm"))

    assert certificate_eligible(enrollment=five)
    assert not certificate_eligible(enrollment=four)
    rows = {row.enrollment.pk: row for row in certificate_eligibility(session=session)}
    assert (rows[five.pk].attended, rows[five.pk].periods, rows[five.pk].percent) == (5, 6, 83)
    assert rows[five.pk].eligible and not rows[four.pk].eligible


def test_eighty_percent_is_reached_exactly(workshop: object) -> None:
    session = SessionFactory(
        workshop=workshop, end_date=dt.date(2022, 11, 12), certificate_min_percent=80
    )
    four_of_five = enrolled(session)
    present(four_of_five, *((n, "day") for n in range(4)))

    assert certificate_eligible(enrollment=four_of_five)


def test_marks_outside_the_session_periods_do_not_count(sevare_session: Session) -> None:
    enrollment = enrolled(sevare_session)
    present(enrollment, (0, "day"), (1, "day"), (5, "day"), (2, "am"))

    assert not certificate_eligible(enrollment=enrollment)


def test_only_participants_who_did_not_withdraw_earn_one(sevare_session: Session) -> None:
    facilitator = enrolled(sevare_session, role=Enrollment.Role.FACILITATOR)
    withdrawn = enrolled(sevare_session, status=Enrollment.Status.WITHDRAWN)
    for enrollment in (facilitator, withdrawn):
        every_day(enrollment)

    assert not certificate_eligible(enrollment=facilitator)
    assert not certificate_eligible(enrollment=withdrawn)
    assert certificates_issue(session=sevare_session, by=None) == []


def test_zero_percent_rule_still_needs_one_period(workshop: object) -> None:
    session = SessionFactory(workshop=workshop, certificate_min_percent=0)
    absent = enrolled(session)

    assert not certificate_eligible(enrollment=absent)


# --- Issuing -------------------------------------------------------------------------------------


def test_issue_numbers_by_acronym_year_and_sequence(
    sevare_session: Session, programme_officer: User
) -> None:
    people = [
        enrolled(sevare_session, person=PersonFactory(last_name=name))
        for name in ("Traoré", "Coulibaly", "Diarra")
    ]
    for enrollment in people:
        every_day(enrollment)
    enrolled(sevare_session)  # never came

    issued = certificates_issue(session=sevare_session, by=programme_officer)

    by_name = {c.enrollment.person.last_name: c.number for c in issued}
    assert by_name == {
        "Coulibaly": "CNDH-2022-0001",
        "Diarra": "CNDH-2022-0002",
        "Traoré": "CNDH-2022-0003",
    }
    assert {c.issued_by for c in issued} == {programme_officer}


def test_issue_is_idempotent_and_numbers_newcomers_after(sevare_session: Session) -> None:
    first = enrolled(sevare_session)
    every_day(first)
    [kept] = certificates_issue(session=sevare_session, by=None)

    assert certificates_issue(session=sevare_session, by=None) == []
    late = enrolled(sevare_session)
    every_day(late)
    [added] = certificates_issue(session=sevare_session, by=None)

    kept.refresh_from_db()
    assert (kept.number, kept.enrollment_id) == ("CNDH-2022-0001", first.pk)
    assert added.number == "CNDH-2022-0002"
    assert Certificate.objects.count() == 2


def test_a_laptop_numbers_inside_the_block_its_kit_set_aside(sevare_session: Session) -> None:
    NumberBlock.objects.create(prefix="CNDH-2022-", first=41, last=42, holder="Siège", local=True)
    people = [enrolled(sevare_session) for _ in range(3)]
    for enrollment in people[:2]:
        every_day(enrollment)
    issued = certificates_issue(session=sevare_session, by=None)
    assert sorted(c.number for c in issued) == ["CNDH-2022-0041", "CNDH-2022-0042"]

    every_day(people[2])
    with pytest.raises(CertificateError) as used_up:
        certificates_issue(session=sevare_session, by=None)
    assert used_up.value.code == "block_used_up"
    assert Certificate.objects.count() == 2


def test_sequence_runs_across_the_sessions_of_a_year(workshop: object) -> None:
    sevare, segou = SessionFactory(workshop=workshop), SessionFactory(workshop=workshop)
    for session in (sevare, segou):
        every_day(enrolled(session))

    numbers = [
        certificates_issue(session=sevare, by=None)[0].number,
        certificates_issue(session=segou, by=None)[0].number,
    ]

    assert numbers == ["CNDH-2022-0001", "CNDH-2022-0002"]


def test_short_codes_are_eight_unambiguous_random_characters(sevare_session: Session) -> None:
    for _n in range(30):
        every_day(enrolled(sevare_session))

    codes = [c.short_code for c in certificates_issue(session=sevare_session, by=None)]

    assert len(set(codes)) == 30
    assert all(len(code) == 8 and set(code) <= set(SHORT_CODE_ALPHABET) for code in codes)
    assert not set("".join(codes)) & set("01OI")


def test_issue_refuses_an_unknown_language(sevare_session: Session) -> None:
    every_day(enrolled(sevare_session))

    with pytest.raises(CertificateError) as error:
        certificates_issue(session=sevare_session, by=None, language="de")

    assert error.value.code == "language_unknown"
    assert not Certificate.objects.exists()


# --- Revoking ------------------------------------------------------------------------------------


@pytest.fixture
def certificate(sevare_session: Session) -> Certificate:
    every_day(enrolled(sevare_session))
    [issued] = certificates_issue(session=sevare_session, by=None)
    return issued


def test_revoke_needs_a_reason(certificate: Certificate, programme_officer: User) -> None:
    with pytest.raises(CertificateError) as error:
        certificate_revoke(certificate=certificate, by=programme_officer, reason="   ")

    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    certificate.refresh_from_db()
    assert certificate.valid


def test_revoke_keeps_who_when_and_why(certificate: Certificate, programme_officer: User) -> None:
    certificate_revoke(certificate=certificate, by=programme_officer, reason="Erreur de nom")

    certificate.refresh_from_db()
    assert not certificate.valid
    assert certificate.revoked_by == programme_officer
    assert certificate.revoke_reason == "Erreur de nom"


def test_revoke_twice_is_refused(certificate: Certificate, programme_officer: User) -> None:
    certificate_revoke(certificate=certificate, by=programme_officer, reason="Erreur de nom")

    with pytest.raises(CertificateError) as error:
        certificate_revoke(certificate=certificate, by=programme_officer, reason="Encore")

    assert error.value.code == "already_revoked"
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Erreur de nom"


def test_revoked_certificates_are_left_out_of_the_session_print(
    sevare_session: Session, certificate: Certificate
) -> None:
    every_day(enrolled(sevare_session))
    [other] = certificates_issue(session=sevare_session, by=None)
    certificate_revoke(certificate=certificate, by=None, reason="Doublon")

    assert certificates_of_session(session=sevare_session) == [other]


# --- PDF -----------------------------------------------------------------------------------------


def test_certificate_page_prints_holder_workshop_number_code_and_signatories(
    sevare_session: Session, signatories: list[Signatory], settings: Settings
) -> None:
    settings.KALAN_PUBLIC_URL = "https://kalan.cndh.ml/"
    person = PersonFactory(
        last_name="Maïga",
        first_names="Aïssata",
        sex=Person.Sex.FEMALE,
        rank=rank("Gendarmerie", "Capitaine"),
    )
    every_day(enrolled(sevare_session, person=person))
    [issued] = certificates_issue(session=sevare_session, by=None)

    [page] = pdf_text(certificate_pdf(certificate=issued))
    text = " ".join(page.split())

    assert "ATTESTATION DE PARTICIPATION" in text
    assert "Capitaine Aïssata MAÏGA" in text
    assert sevare_session.workshop.title in text
    assert "du 8 au 10 novembre 2022 à Sévaré" in text
    assert "Objectif général : Renforcer le respect" in text
    assert issued.number in text
    assert f"Vérifier : https://kalan.cndh.ml/v/{issued.short_code}/" in text
    assert "Président de la CNDH" in text and "Mariam Diallo" in text
    assert "Oumar Sy" not in text  # signs statements, not certificates
    assert "Sévaré, le 10 novembre 2022" in text


def test_qr_code_decodes_to_the_verification_url(
    certificate: Certificate, settings: Settings
) -> None:
    settings.KALAN_PUBLIC_URL = "https://kalan.cndh.ml"

    payloads = qr_payloads(certificate_pdf(certificate=certificate))

    assert payloads == [f"https://kalan.cndh.ml/v/{certificate.short_code}/"]
    assert payloads == [verification_url(certificate)]


def test_english_certificate_uses_english_dates(sevare_session: Session) -> None:
    every_day(enrolled(sevare_session))
    [issued] = certificates_issue(session=sevare_session, by=None, language="en")

    [text] = pdf_text(certificate_pdf(certificate=issued))

    assert "November 2022" in text and "novembre" not in text


def test_a_long_objective_stays_on_one_line(sevare_session: Session) -> None:
    workshop = sevare_session.workshop
    workshop.general_objective = "Renforcer le respect des droits de l’homme. " * 20
    workshop.save()
    every_day(enrolled(sevare_session))
    [issued] = certificates_issue(session=sevare_session, by=None)

    [text] = pdf_text(certificate_pdf(certificate=issued))

    [line] = [line.strip() for line in text.splitlines() if "Objectif général" in line]
    assert line.endswith("…")


def test_nothing_to_print_is_an_error() -> None:
    with pytest.raises(CertificateError) as error:
        certificates_pdf(certificates=[])

    assert error.value.code == "nothing_to_print"


def _issued_session(workshop: object, size: int) -> list[Certificate]:
    session = SessionFactory(workshop=workshop, capacity=size)
    persons = Person.objects.bulk_create(
        Person(last_name=f"Participant {n:03d}", first_names="Moussa", sex=Person.Sex.MALE)
        for n in range(size)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(session=session, person=person, code=f"{n:04d}")
        for n, person in enumerate(persons)
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day)
        for enrollment in enrollments
        for day in session.days
    )
    certificates_issue(session=session, by=None)
    return certificates_of_session(session=session)


@pytest.mark.parametrize("size", [40, 400])
def test_one_page_per_certificate(
    workshop: object, signatories: list[Signatory], size: int
) -> None:
    issued = _issued_session(workshop, size)
    assert len(issued) == size

    data = certificates_pdf(certificates=issued)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == size
    pages = [plain_spaces(reader.pages[n].extract_text()) for n in (0, -1)]
    assert issued[0].number in pages[0] and "PARTICIPANT 000" in pages[0]
    assert issued[-1].number in pages[-1] and f"PARTICIPANT {size - 1:03d}" in pages[-1]
    assert issued[-1].short_code in pages[-1]
    # Its speed is measured by make bench (document_pack_40_s): a loaded machine fails no test.


def test_pack_fetches_certificates_in_one_query(
    sevare_session: Session, django_assert_num_queries: object
) -> None:
    for _n in range(5):
        every_day(enrolled(sevare_session))
    certificates_issue(session=sevare_session, by=None)

    with django_assert_num_queries(2):  # type: ignore[operator]
        # the certificates with everything they print; the signatories
        certificates_pdf(
            certificates=certificates_for_pdf(
                Certificate.objects.filter(enrollment__session=sevare_session)
            )
        )
