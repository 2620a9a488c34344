"""What a role is offered in the browser: no button it would be refused, and when a click is
refused all the same (its role changed while the page was open) a message, not nothing. And the
navigation of the role that sees the most links holds on one line on a 1,366 px laptop."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/k")  # noqa: S108 (looked at by hand after the run; nothing secret)
REFUSED = "Action refusée : votre rôle ne permet pas cette action."
# The attendance buttons' accessible names end with the day they mark: « … mar 8/11 ».
MARK = re.compile(r" \w+ \d+.11$")


def _account(username: str, role: str, **fields: Any) -> Any:
    from kalan.core.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, **fields)


def _session_page(page: Any, live_server: Any, session: Any) -> None:
    page.goto(f"{live_server.url}/sessions/{session.uid}/")
    expect(page.get_by_role("heading", name=re.compile(r"Session 1 — Sévaré"))).to_be_visible()


def test_finance_reads_the_roster_without_a_button_to_click(
    page: Any, context: Any, page_errors: list[str], live_server: Any, sevare_session: Any
) -> None:
    from kalan.core.roles import Role

    log_in(context, live_server, _account("seydou.konate", Role.FINANCE))
    _session_page(page, live_server, sevare_session)

    roster = page.get_by_role("table", name="Liste des participants et présences")
    expect(roster.get_by_role("row", name=re.compile("KONATÉ-DEMBÉLÉ 01"))).to_be_visible()
    expect(roster.get_by_role("button")).to_have_count(0)
    # Six of the twelve were marked present on the first day: read as text.
    expect(roster.locator(".mark-seen.present")).to_have_count(6)
    expect(page.get_by_role("link", name="Modifier la session")).to_have_count(0)
    expect(page.get_by_role("link", name="Importer une liste (Excel, CSV)")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("États de paiement"))).to_be_visible()
    assert page_errors == []


def test_a_trainer_marks_attendance_but_is_not_offered_to_edit_the_session(
    page: Any, context: Any, page_errors: list[str], live_server: Any, sevare_session: Any
) -> None:
    from kalan.core.roles import Role

    trainer = _account("moussa.coulibaly", Role.TRAINER)
    sevare_session.trainers.add(trainer)
    log_in(context, live_server, trainer)
    _session_page(page, live_server, sevare_session)

    expect(page.get_by_role("button", name=MARK)).to_have_count(12 * 3)
    expect(page.get_by_role("link", name="Modifier la session")).to_have_count(0)
    expect(page.get_by_role("link", name="Importer une liste (Excel, CSV)")).to_have_count(0)
    assert page_errors == []


def test_a_click_refused_after_a_change_of_role_says_so_in_the_page(
    page: Any, context: Any, page_errors: list[str], live_server: Any, sevare_session: Any
) -> None:
    from kalan.core.roles import Role
    from kalan.workshops.models import Attendance

    account = _account("awa.traore", Role.PROGRAMME)
    log_in(context, live_server, account)
    _session_page(page, live_server, sevare_session)
    before = Attendance.objects.count()

    # The administrator makes the account a finance one while its page is open.
    account.role = Role.FINANCE
    account.save(update_fields=["role"])
    mark = page.get_by_role("button", name=MARK).first
    pressed = mark.get_attribute("aria-pressed")
    mark.click()

    message = page.locator("#messages").get_by_role("alert")
    expect(message).to_have_text(REFUSED)
    expect(message).to_be_in_viewport()  # down by the roster, where the click was
    expect(mark).to_have_attribute("aria-pressed", pressed or "")
    assert Attendance.objects.count() == before
    page.screenshot(path=SCREENSHOTS / "refused-click.png")

    # Given its role back, the next click goes through and takes the message away.
    account.role = Role.PROGRAMME
    account.save(update_fields=["role"])
    mark.click()
    expect(mark).not_to_have_attribute("aria-pressed", pressed or "")
    expect(message).to_have_count(0)
    assert Attendance.objects.count() != before
    assert page_errors == []


def test_a_forced_htmx_post_of_finance_is_refused_with_a_message(
    page: Any, context: Any, page_errors: list[str], live_server: Any, sevare_session: Any
) -> None:
    from kalan.core.roles import Role
    from kalan.workshops.models import Attendance

    log_in(context, live_server, _account("seydou.konate", Role.FINANCE))
    _session_page(page, live_server, sevare_session)
    from kalan.workshops.selectors import roster_columns_version

    enrollment = sevare_session.enrollments.first()
    toggle = f"/sessions/{sevare_session.uid}/presences/"
    values = {"m": f"{enrollment.pk}-1", "columns": roster_columns_version(session=sevare_session)}
    before = Attendance.objects.count()

    # What a hand-made request through the page's own htmx would send.
    page.evaluate(
        """([url, values]) => htmx.ajax("POST", url, {target: "#roster-title", values})""",
        [toggle, values],
    )

    expect(page.locator("#messages").get_by_role("alert")).to_have_text(REFUSED)
    expect(page.locator("#roster-title")).to_have_text("Liste des participants et présences")
    assert Attendance.objects.count() == before
    assert page_errors == []


def test_the_administrator_s_navigation_holds_on_one_line_at_1366_px(
    browser: Any, live_server: Any, sevare_session: Any
) -> None:
    from kalan.core.models import User
    from kalan.core.roles import Role

    administrator = User.objects.create_superuser(
        username="boubacar.keita",
        password=PASSWORD,
        first_name="Boubacar",
        last_name="Keïta Administrateur",
        role=Role.ADMINISTRATOR,
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    try:
        log_in(context, live_server, administrator)
        page = context.new_page()
        _session_page(page, live_server, sevare_session)

        links = page.get_by_role("navigation").get_by_role("link")
        # every page of the programme, of custody monitoring and of the administration
        expect(links).to_have_count(13)
        boxes = [links.nth(n).bounding_box() for n in range(13)]
        assert {round(box["y"]) for box in boxes} == {round(boxes[0]["y"])}
        navigation = page.get_by_role("navigation").bounding_box()
        assert navigation["height"] < 2 * boxes[0]["height"]
        assert boxes[-1]["x"] + boxes[-1]["width"] <= 1366
        page.screenshot(path=SCREENSHOTS / "navigation-1366.png")
    finally:
        context.close()
