from __future__ import annotations

import datetime as dt
import math
import re

import pytest

from kalan.core.models import User
from kalan.core.render.layout import content_height
from kalan.workshops import sheets
from kalan.workshops.models import Enrollment, Session
from tests.documents.readers import pdf_pages
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory, UnitFactory
from tests.spreadsheets import user_with


def enroll(session: Session, count: int, **kwargs: object) -> list[Enrollment]:
    return [
        EnrollmentFactory(session=session, person=PersonFactory(unit=UnitFactory()), **kwargs)
        for _n in range(count)
    ]


def numbers_on(page: str) -> list[int]:
    """The row numbers printed on a page: lines that are a number and nothing else."""
    return [int(line) for line in page.splitlines() if re.fullmatch(r"\d{1,3}", line.strip())]


def expected_pages_per_day(attendees: int, facilitators: int) -> int:
    """Rows have a fixed height: 16 rows under the title, then 17 a page; the facilitators'
    table follows on the last page if it fits there."""
    first, following = sheets.rows_per_page(first=True), sheets.rows_per_page(first=False)
    if attendees <= first:
        pages, used = 1, sheets.TITLE_HEIGHT + sheets.HEADER_HEIGHT + attendees * sheets.ROW_HEIGHT
    else:
        rest = attendees - first
        pages = 1 + math.ceil(rest / following)
        on_last = rest - (pages - 2) * following
        used = sheets.HEADER_HEIGHT + on_last * sheets.ROW_HEIGHT
    visa = sheets.VISA_TITLE_HEIGHT + sheets.HEADER_HEIGHT + facilitators * sheets.ROW_HEIGHT
    return pages + (used + visa > content_height(landscape=True))


def test_a4_landscape_holds_16_rows_under_the_title_then_17() -> None:
    assert sheets.rows_per_page(first=True) == 16
    assert sheets.rows_per_page(first=False) == 17


def test_sheets_list_participants_then_facilitators_for_each_day(
    sevare_session: Session, administrator: User
) -> None:
    participants = enroll(sevare_session, 3)
    (facilitator,) = enroll(sevare_session, 1, role=Enrollment.Role.FACILITATOR)
    withdrawn = EnrollmentFactory(session=sevare_session, status=Enrollment.Status.WITHDRAWN)

    pages = pdf_pages(sheets.sign_in_sheets_pdf(session=sevare_session, user=administrator))

    assert len(pages) == 3
    for page, day in zip(pages, ["mardi 8", "mercredi 9", "jeudi 10"], strict=True):
        assert f"Feuille de présence du {day} novembre 2022" in page
        assert "Commission nationale des droits de l’homme" in page
        assert "Les droits de l’homme dans l’enquête de police judiciaire" in page
        assert "Session n° 1 — Hôtel La Palmeraie, Sévaré (Mopti) — 8-10 novembre 2022" in page
        for enrollment in participants:
            assert enrollment.person.full_name in page
            assert str(enrollment.person.rank) in page
            assert enrollment.person.unit.name in page
        assert "Visa des facilitateurs" in page
        assert page.index("Visa des facilitateurs") < page.index(facilitator.person.full_name)
        assert withdrawn.person.full_name not in page
    assert "page 2 / 3" in pages[1]


def test_half_day_sessions_get_a_sheet_per_morning_and_afternoon(administrator: User) -> None:
    session = SessionFactory(half_days=True, end_date=dt.date(2022, 11, 9))
    enroll(session, 2)
    pages = pdf_pages(sheets.sign_in_sheets_pdf(session=session, user=administrator))
    assert [re.search(r"Feuille de présence du (.*)", p).group(1) for p in pages] == [
        "mardi 8 novembre 2022 — matin",
        "mardi 8 novembre 2022 — après-midi",
        "mercredi 9 novembre 2022 — matin",
        "mercredi 9 novembre 2022 — après-midi",
    ]


def test_one_day_only(sevare_session: Session, administrator: User) -> None:
    enroll(sevare_session, 2)
    (page,) = pdf_pages(
        sheets.sign_in_sheets_pdf(
            session=sevare_session, user=administrator, day=dt.date(2022, 11, 9)
        )
    )
    assert "mercredi 9 novembre 2022" in page
    with pytest.raises(ValueError):
        sheets.sign_in_sheets_pdf(
            session=sevare_session, user=administrator, day=dt.date(2022, 11, 11)
        )


def test_phones_only_with_view_contacts(sevare_session: Session) -> None:
    (enrollment,) = enroll(sevare_session, 1)
    phone = enrollment.person.phone
    day = dt.date(2022, 11, 8)
    printer = user_with("print_documents", username="printer")
    (without,) = pdf_pages(sheets.sign_in_sheets_pdf(session=sevare_session, user=printer, day=day))
    assert phone not in without
    assert "Téléphone" not in without

    caller = user_with("print_documents", "view_contacts", username="caller")
    (with_perm,) = pdf_pages(
        sheets.sign_in_sheets_pdf(session=sevare_session, user=caller, day=day)
    )
    assert phone in with_perm
    assert "Téléphone" in with_perm


def test_blank_sheet_has_one_page_of_numbered_rows_per_day(
    sevare_session: Session, administrator: User
) -> None:
    (enrollment,) = enroll(sevare_session, 1)
    pages = pdf_pages(
        sheets.sign_in_sheets_pdf(session=sevare_session, user=administrator, blank=True)
    )
    assert len(pages) == 3
    for page in pages:
        assert "Feuille de présence complémentaire" in page
        assert numbers_on(page) == list(range(1, sheets.blank_rows() + 1))
        assert enrollment.person.full_name not in page


@pytest.mark.parametrize("count", [40, 400])
def test_page_count_and_rows_for_many_participants(
    sevare_session: Session, administrator: User, count: int
) -> None:
    enroll(sevare_session, count)
    enroll(sevare_session, 2, role=Enrollment.Role.FACILITATOR)

    pages = pdf_pages(sheets.sign_in_sheets_pdf(session=sevare_session, user=administrator))

    per_day = expected_pages_per_day(count, 2)
    assert per_day == {40: 3, 400: 24}[count]
    assert len(pages) == 3 * per_day
    first, following = sheets.rows_per_page(first=True), sheets.rows_per_page(first=False)
    for day in range(3):
        day_pages = pages[day * per_day : (day + 1) * per_day]
        numbers = [numbers_on(page) for page in day_pages]
        # Every row once, in order, and full pages hold exactly as many rows as computed.
        flat = [n for page in numbers for n in page if n <= count]
        assert flat[:count] == list(range(1, count + 1))
        assert len([n for n in numbers[0] if n <= count]) == first
        assert len([n for n in numbers[1] if n <= count]) == following
        for page in day_pages:
            assert "Nom et prénoms" in page  # the column headers repeat
            assert "Feuille de présence du" in page  # and so does the day
