"""Attendance on the session page's roster, in a browser: one click (or Space) per cell, the
totals that follow it, the focus that stays, what a screen reader hears, and the same form
without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# KONATÉ-DEMBÉLÉ 00 (a woman, absent on the 8th: only odd numbers were marked that day).
FIRST = "KONATÉ-DEMBÉLÉ 00 Mahamadou Abdoulaye Ousmane"


def _open(page: Any, context: Any, live_server: Any, officer: Any, session: Any) -> Any:
    log_in(context, live_server, officer)
    page.goto(f"{live_server.url}/sessions/{session.uid}/")
    return page.get_by_role("table", name="Liste des participants et présences")


def _first_enrollment(session: Any) -> Any:
    return session.enrollments.get(person__last_name="Konaté-Dembélé 00")


def test_a_click_marks_the_cell_and_every_total_follows_without_a_reload(
    page: Any,
    context: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
) -> None:
    roster = _open(page, context, live_server, officer, sevare_session)
    pk = _first_enrollment(sevare_session).pk
    expect(page.locator("#total-20221108-day")).to_have_text("6")
    expect(page.locator("#person-days")).to_have_text("6")
    page.evaluate("window.kalanNoReload = 'still here'")
    mark = roster.get_by_role("button", name=f"{FIRST} mar 8/11")
    expect(mark).to_have_attribute("aria-pressed", "false")

    mark.click()

    expect(mark).to_have_attribute("aria-pressed", "true")
    expect(mark).to_have_text("✓")
    expect(page.locator(f"#n{pk}")).to_have_text("1")
    expect(page.locator("#total-20221108-day")).to_have_text("7")
    expect(page.locator("#person-days")).to_have_text("7")
    expect(page.locator("#att-said")).to_have_text(f"{FIRST}, mar 8/11 : présente")
    assert page.evaluate("window.kalanNoReload") == "still here"
    assert page.evaluate("document.activeElement.id") == f"a{pk}-0"
    assert page_errors == []


def test_the_keyboard_marks_with_space_and_the_focus_stays_on_the_cell(
    page: Any,
    context: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
) -> None:
    from kalan.workshops.models import Attendance

    roster = _open(page, context, live_server, officer, sevare_session)
    enrollment = _first_enrollment(sevare_session)
    pk = enrollment.pk
    # From the person's name, Tab goes to the first day's cell of the row.
    roster.get_by_role("link", name=FIRST).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"a{pk}-0"

    page.keyboard.press("Space")

    first = roster.get_by_role("button", name=f"{FIRST} mar 8/11")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#att-said")).to_have_text(f"{FIRST}, mar 8/11 : présente")
    expect(first).to_be_focused()  # the new button, put in by htmx, has the focus back
    assert page.evaluate("document.activeElement.id") == f"a{pk}-0"

    # On from there: the next cell of the row, then Space again, unmarks it once marked.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"a{pk}-1"
    page.keyboard.press("Space")
    second = roster.get_by_role("button", name=f"{FIRST} mer 9/11")
    expect(second).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#n{pk}")).to_have_text("2")
    page.keyboard.press("Space")
    expect(second).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#att-said")).to_have_text(f"{FIRST}, mer 9/11 : absente")
    expect(second).to_be_focused()
    assert [a.day.day for a in Attendance.objects.filter(enrollment=enrollment)] == [8]
    assert page_errors == []


def test_without_javascript_the_click_posts_the_form_and_comes_back_to_the_row(
    browser: Any, live_server: Any, officer: Any, sevare_session: Any
) -> None:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 600}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        roster = _open(page, context, live_server, officer, sevare_session)
        last = sevare_session.enrollments.get(person__last_name="Konaté-Dembélé 11")
        name = "KONATÉ-DEMBÉLÉ 11 Mahamadou Abdoulaye Ousmane"
        mark = roster.get_by_role("button", name=f"{name} jeu 10/11")
        expect(mark).to_have_attribute("aria-pressed", "false")

        mark.click()

        page.wait_for_url(re.compile(rf"#p{last.pk}$"))
        expect(mark).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#n{last.pk}")).to_have_text("2")
        expect(page.locator("#total-20221110-day")).to_have_text("1")
        expect(page.locator(f"#p{last.pk}")).to_be_in_viewport()  # back at the row, not the top
    finally:
        context.close()
