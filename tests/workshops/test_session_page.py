"""The session page offers each role what it may do, in a useful order; a refused click says why.

(Which addresses every page links to, checked against every role's capabilities, is
``tests/core/test_offered_actions.py``.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.assessments import services as assessments
from kalan.assessments.models import Test
from kalan.core.models import User
from kalan.workshops.models import Enrollment, Session
from kalan.workshops.views_import import _imported_message
from tests.assessments.builders import small_bank
from tests.factories import AttendanceFactory, EnrollmentFactory
from tests.workshops.clicks import attendance_click

HTMX = {"HTTP_HX_REQUEST": "true"}
MARK_BUTTON = re.compile(r"<button name=m ")


def _page(client: Client, session: Session) -> str:
    response = client.get(reverse("session_detail", kwargs={"uid": session.uid}))
    assert response.status_code == 200
    return response.content.decode()


def _bad_click(enrollment: Enrollment, cell: str) -> tuple[str, dict[str, str]]:
    """A click whose cell is ``cell`` rather than what a button of the page posts."""
    url, data = attendance_click(enrollment, "2022-11-08")
    return url, {**data, "m": cell}


@pytest.fixture
def roster(sevare_session: Session) -> Enrollment:
    enrollment = EnrollmentFactory(session=sevare_session, person__last_name="Sangaré")
    AttendanceFactory(enrollment=enrollment, day=dt.date(2022, 11, 8))
    return enrollment


# Attendance clicks: what the request sends is checked, never echoed as markup.


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain form"])
def test_a_script_sent_as_the_cell_is_refused_and_never_echoed(
    programme_officer: User,
    client_for: Callable[[User], Client],
    roster: Enrollment,
    headers: dict[str, str],
) -> None:
    script = "<script>alert(1)</script>"
    response = client_for(programme_officer).post(*_bad_click(roster, script), **headers)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Case de présence invalide." in body
    assert "<script>" not in body and "alert(1)" not in body
    assert roster.attendances.count() == 1  # nothing marked


def test_without_htmx_a_refused_click_answers_plain_text(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    response = client_for(programme_officer).post(*_bad_click(roster, f"{roster.pk}-3"))

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Case de présence invalide."


def test_a_refused_htmx_click_is_shown_in_the_page_s_messages(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    response = client_for(programme_officer).post(*_bad_click(roster, f"{roster.pk}-3"), **HTMX)

    assert response.status_code == 400
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#messages", "innerHTML")
    assert re.search(
        r'<div class="refused" role="alert"><ul class="messages"><li class="msg-error">'
        r"Case de présence invalide\.",
        response.content.decode(),
    )
    assert roster.attendances.count() == 1


def test_every_page_has_the_messages_region_htmx_writes_to(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    page = _page(client_for(programme_officer), roster.session)

    assert page.count('<div id="messages">') == 1
    # htmx is told to swap a 400 or a 403 there, which it would otherwise drop.
    assert '{"code":"40[03]","swap":true,"error":true,"target":"#messages"' in page


# What each role is offered.


def test_the_programme_officer_is_offered_every_action_of_the_session(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    page = _page(client_for(programme_officer), roster.session)

    assert len(MARK_BUTTON.findall(page)) == 3  # one per day
    assert "Modifier la session" in page
    assert "Importer une liste (Excel, CSV)" in page
    assert "Un clic par personne et par jour" in page
    assert reverse("person_detail", kwargs={"uid": roster.person.uid}) in page


def test_finance_reads_attendance_as_text_and_is_offered_no_edit(
    finance_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    page = _page(client_for(finance_officer), roster.session)

    assert not MARK_BUTTON.search(page)
    assert "hx-post" not in page
    assert 'class="mark-seen present">✓<span class="sr-label">présent</span>' in page
    assert page.count('class="mark-seen">·<span class="sr-label">absent</span>') == 2
    assert "Un clic par personne et par jour" not in page
    assert "Modifier la session" not in page
    assert 'id="enroll"' not in page and "Importer une liste" not in page
    # Its own card stays; those of the tests, certificates and papers are not for it.
    assert 'id="finances"' in page
    for card in ("tests", "certificates", "documents"):
        assert f'id="{card}"' not in page, card
    # The registry of persons is closed to it: names are not links.
    assert reverse("person_detail", kwargs={"uid": roster.person.uid}) not in page


def test_a_trainer_marks_attendance_but_is_offered_no_edit_and_no_enrolment(
    trainer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    roster.session.trainers.add(trainer)

    page = _page(client_for(trainer), roster.session)

    assert len(MARK_BUTTON.findall(page)) == 3
    assert "Modifier la session" not in page
    assert 'id="enroll"' not in page and "Importer une liste" not in page
    assert 'id="finances"' not in page
    assert reverse("person_detail", kwargs={"uid": roster.person.uid}) not in page


def test_the_enrolment_tools_come_before_the_roster(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    page = _page(client_for(programme_officer), roster.session)

    assert page.index("Importer une liste (Excel, CSV)") < page.index('id="roster-title"')
    assert page.index('id="person-q"') < page.index('id="roster-title"')


def test_the_workshop_page_offers_its_edit_buttons_to_who_may_edit_only(
    programme_officer: User,
    trainer: User,
    client_for: Callable[[User], Client],
    roster: Enrollment,
) -> None:
    roster.session.trainers.add(trainer)
    url = reverse("workshop_detail", kwargs={"pk": roster.session.workshop.pk})
    edit = reverse("workshop_edit", kwargs={"pk": roster.session.workshop.pk})
    create = reverse("session_create", kwargs={"pk": roster.session.workshop.pk})

    officer_page = client_for(programme_officer).get(url).content.decode()
    trainer_page = client_for(trainer).get(url).content.decode()

    assert edit in officer_page and create in officer_page
    assert edit not in trainer_page and create not in trainer_page


# Order and plurals.


def test_the_tests_card_lists_the_pre_test_before_the_post_test(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    codes = [objective.code for objective in small_bank()]
    questions = assessments.bank_questions_for(objective_codes=codes)
    session = roster.session
    for kind in (Test.Kind.SURVEY, Test.Kind.POST, Test.Kind.PRE):  # made in the wrong order
        assessments.test_create(session=session, kind=kind, title=kind, questions=questions)

    page = _page(client_for(programme_officer), session)

    card = page[page.index('id="tests"') : page.index('id="finances"')]
    shown = re.findall(r'<a href="/tests/[^"]+/">([^<]+)</a>', card)
    assert shown == ["Pré-test", "Post-test", "Questionnaire de satisfaction"]


def test_a_session_of_one_participant_and_one_day_says_so_in_the_singular(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    session = roster.session
    session.end_date = session.start_date
    session.save()

    page = _page(client_for(programme_officer), session)

    assert re.search(r">1</span><span class=\"label\">participant sur 40 places<", page)
    assert re.search(r">1</span><span class=\"label\">jour<", page)


def test_the_import_message_agrees_each_word_with_its_own_number() -> None:
    assert _imported_message(created=1, matched=1, enrolled=1) == (
        "Liste importée : 1 personne créée, 1 retrouvée, 1 inscription."
    )
    assert _imported_message(created=2, matched=3, enrolled=5) == (
        "Liste importée : 2 personnes créées, 3 retrouvées, 5 inscriptions."
    )


def test_the_session_tables_separate_the_workshop_s_title_from_the_session_number(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    title = roster.session.workshop.title

    home = client_for(programme_officer).get(reverse("home")).content.decode()

    assert f'{title} — <span class="badge">session 1</span>' in home


def test_a_mark_that_goes_through_takes_a_refusal_message_away(
    programme_officer: User, client_for: Callable[[User], Client], roster: Enrollment
) -> None:
    response = client_for(programme_officer).post(*attendance_click(roster, "2022-11-09"), **HTMX)

    assert response.status_code == 200
    assert '<div hx-swap-oob="innerHTML" id="messages"></div>' in response.content.decode()
