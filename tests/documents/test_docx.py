from __future__ import annotations

import datetime as dt

from kalan.workshops.models import Enrollment, Session
from kalan.workshops.word_lists import attendance_summary_docx, participants_docx
from tests.documents.readers import docx_text
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory, UnitFactory
from tests.spreadsheets import user_with


def test_participant_list_has_institution_names_and_units(sevare_session: Session) -> None:
    enrollments = [
        EnrollmentFactory(session=sevare_session, person=PersonFactory(unit=UnitFactory()))
        for _n in range(3)
    ]
    facilitator = EnrollmentFactory(session=sevare_session, role=Enrollment.Role.FACILITATOR)
    printer = user_with("print_documents", username="printer")
    text = docx_text(participants_docx(session=sevare_session, user=printer))
    assert "Commission nationale des droits de l’homme (CNDH)" in text
    assert "Liste des participants" in text
    assert "Hôtel La Palmeraie" in text
    for enrollment in enrollments:
        person = enrollment.person
        assert f"| {person.full_name} | {person.rank} | Gendarmerie | {person.unit.name}" in text
        assert person.phone not in text
    assert "Téléphone" not in text
    assert facilitator.person.full_name in text
    assert "Total : 3 participants." in text


def test_participant_list_shows_phones_with_view_contacts(sevare_session: Session) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)
    caller = user_with("print_documents", "view_contacts", username="caller")
    text = docx_text(participants_docx(session=sevare_session, user=caller))
    assert "Téléphone" in text
    assert enrollment.person.phone in text


def test_attendance_summary_counts_days_per_person_and_people_per_day(
    sevare_session: Session,
) -> None:
    every_day = EnrollmentFactory(session=sevare_session)
    one_day = EnrollmentFactory(session=sevare_session)
    for day in sevare_session.days:
        AttendanceFactory(enrollment=every_day, day=day)
    AttendanceFactory(enrollment=one_day, day=dt.date(2022, 11, 9))

    text = docx_text(attendance_summary_docx(session=sevare_session))

    assert "Récapitulatif des présences" in text
    assert "Commission nationale des droits de l’homme" in text
    assert (
        f"{every_day.person.full_name} | {every_day.person.rank} | participant | ✓ | ✓ | ✓ | 3 / 3"
        in text
    )
    assert (
        f"{one_day.person.full_name} | {one_day.person.rank} | participant | — | ✓ | — | 1 / 3"
        in text
    )
    assert "Participants présents |  |  | 1 | 2 | 1 | 4" in text


def test_attendance_summary_counts_half_days_as_halves(db: None) -> None:
    enrollment = EnrollmentFactory(session__half_days=True)
    AttendanceFactory(enrollment=enrollment, half="am")
    text = docx_text(attendance_summary_docx(session=enrollment.session))
    assert "0,5 / 3" in text
    assert "08/11 matin" in text
