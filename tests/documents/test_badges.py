from __future__ import annotations

import math

from kalan.workshops.badges import PER_SHEET, badges_pdf
from kalan.workshops.models import CODE_DIGITS, Enrollment, Session
from tests.documents.readers import pdf_pages
from tests.factories import EnrollmentFactory, PersonFactory, UnitFactory


def test_badges_print_name_rank_unit_workshop_and_participant_code(
    sevare_session: Session,
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session, person=PersonFactory(unit=UnitFactory()))
    (page,) = pdf_pages(badges_pdf(session=sevare_session))
    person = enrollment.person
    assert person.last_name.upper() in page
    assert person.first_names in page
    assert str(person.rank) in page
    assert person.unit.name in page
    assert "Les droits de l’homme dans l’enquête" in page
    assert "Code participant :" in page
    assert enrollment.code in page
    assert len(enrollment.code) == CODE_DIGITS == 6  # a sweep finds under 1 % (README)


def test_facilitators_get_their_role_instead_of_a_code(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    (page,) = pdf_pages(badges_pdf(session=sevare_session))
    assert "Facilitateur" in page
    assert "Code participant" not in page
    assert enrollment.code not in page


def test_forty_participants_fill_five_sheets_of_eight(sevare_session: Session) -> None:
    enrollments = [EnrollmentFactory(session=sevare_session) for _n in range(40)]
    pages = pdf_pages(badges_pdf(session=sevare_session))
    assert PER_SHEET == 8
    assert len(pages) == math.ceil(40 / PER_SHEET) == 5
    text = "\n".join(pages)
    for enrollment in enrollments:
        assert enrollment.code in text
    assert sum(page.count("Code participant") for page in pages) == 40
