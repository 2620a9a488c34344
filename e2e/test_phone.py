"""The session page on a trainer's phone: the roster scrolls inside its frame, never the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        locale="fr-FR", viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_session_page_does_not_scroll_sideways_on_a_phone(
    phone: Any, live_server: Any, officer: Any, sevare_session: Any
) -> None:
    log_in(phone, live_server, officer)
    page = phone.new_page()
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    roster = page.get_by_role("table", name="Liste des participants et présences")
    expect(roster).to_be_visible()

    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            viewport: window.innerWidth,
        })"""
    )
    assert widths["viewport"] == PHONE["width"]
    assert widths["page"] <= widths["viewport"], widths
    assert widths["body"] <= widths["viewport"], widths

    # Whatever does not fit stays in the roster's own frame, which ends inside the screen.
    frame = roster.evaluate(
        """table => {
            const frame = table.parentElement;
            const box = frame.getBoundingClientRect();
            return {left: box.left, right: box.right, overflowX: getComputedStyle(frame).overflowX};
        }"""
    )
    assert frame["left"] >= 0 and frame["right"] <= PHONE["width"], frame
    if roster.evaluate("table => table.scrollWidth") > frame["right"] - frame["left"]:
        assert frame["overflowX"] in ("auto", "scroll"), frame

    # The first day can be marked with a thumb: its buttons are on screen and big enough.
    # Named by its row's person and its column's header (aria-labelledby).
    mark = page.get_by_role("button", name="KONATÉ-DEMBÉLÉ 00 Mahamadou Abdoulaye Ousmane mar 8/11")
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert min(box["width"], box["height"]) >= 24, box
