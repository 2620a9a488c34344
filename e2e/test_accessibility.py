"""Accessibility held to WCAG 2.1 AA, in the browser.

- axe-core (``e2e/package.json`` pins it; ``make test`` installs it with npm) runs its WCAG 2.1
  A and AA rules on every page of the role matrix (``tests/core/test_role_matrix.py``) that
  answers 200 to a role, at 1,366 px, and on the pages without an account at 360 px: the
  participant's test (join, each question, the summary, the wait page, the thanks), the relays'
  join pages, the public certificate check, and the login page; and a page with a message after
  an action. A violation fails the test with its rule and the elements it found, and so does an
  ``aria-describedby`` naming an id the page lacks (axe lets it through).
- What axe leaves to a person: the contrast of borders and focus rings (WCAG 1.4.11 and 2.4.7),
  read from the computed styles and measured against what is behind them; and the question pages
  at 320 px, which must not scroll sideways (1.4.10).

The pages send a strict Content-Security-Policy that would refuse axe's script: the contexts here
bypass it, in these tests only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from e2e.conftest import in_ci, log_in
from tests import conftest as shared
from tests.core import test_role_matrix as matrix
from tests.core.test_role_matrix import ANONYMOUS, GET, USERS, World
from tests.factories import EnrollmentFactory

# The role matrix's ``world`` and the fixtures it is built from (tests/conftest.py's, not e2e's).
world = matrix.world
organisation, plan, axis, workshop = shared.organisation, shared.plan, shared.axis, shared.workshop
sevare_session, funder = shared.sevare_session, shared.funder
administrator, programme_officer, trainer = (
    shared.administrator,
    shared.programme_officer,
    shared.trainer,
)
monitoring_officer, finance_officer = shared.monitoring_officer, shared.finance_officer
communication_officer, donor_viewer = shared.communication_officer, shared.donor_viewer
npm_monitor, outsider = shared.npm_monitor, shared.outsider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
NARROWEST = {"width": 320, "height": 640}
# What the role matrix lists that is no page but a piece of one, fetched by htmx into it.
FRAGMENTS = {"test_live"}
# The matrix's second row of a page, the same template with the Ségou session's records (or the
# other partner's report): checked once, with Sévaré's (EUCAP's), to keep the run short.
AGAIN = {"Ségou", "DDC"}
# WCAG 1.4.11: a control's boundary and a focus ring against what is next to them.
NON_TEXT_CONTRAST = 3.0

RUN_AXE = """async (tags) => {
    if (typeof axe === "undefined") {
        throw new Error("axe-core is not in the page: open the context with _new_context(axe=…)");
    }
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map(n => n.target.join(" ")),
    }));
}"""

# What axe lets through: an aria-describedby or aria-labelledby naming an id the page lacks (a
# help text that is never read out).
MISSING_IDS = """() => {
    const missing = [];
    for (const element of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
        for (const attribute of ["aria-describedby", "aria-labelledby"]) {
            for (const id of (element.getAttribute(attribute) || "").split(/\\s+/)) {
                if (id && !document.getElementById(id)) {
                    missing.push(`${attribute}="${id}" on <${element.localName}>`);
                }
            }
        }
    }
    return missing;
}"""

# What is behind an element: its background and its ancestors' (the page's canvas is white), and
# the colours of its border and focus ring.
STYLES = """element => {
    const chain = [];
    for (let node = element; node; node = node.parentElement) {
        chain.push(getComputedStyle(node).backgroundColor);
    }
    const style = getComputedStyle(element);
    return {
        chain: chain,
        border: style.borderTopColor,
        borderStyle: style.borderTopStyle,
        outline: style.outlineColor,
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        focused: document.activeElement === element,
    };
}"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        message = f"{AXE} is missing: npm ci --prefix e2e (make test does it)"
        if in_ci():
            pytest.fail(f"CI must run the accessibility checks, but {message}", pytrace=False)
        pytest.skip(message)
    return AXE


@pytest.fixture
def migrations_data(reference_data: None) -> None:
    """What the migrations load besides the places, corps and ranks (``reference_data``), which
    the role matrix's ``world`` needs and the flush after a live-server test takes away."""
    from kalan.custody.instrument import instrument_load

    instrument_load()


def _new_context(
    browser: Any, viewport: dict[str, int], *, axe: Path | None = None, **options: Any
) -> Any:
    """A browser context that lets axe in: the pages' Content-Security-Policy is bypassed (in
    these tests only), and with ``axe``, every page of the context gets axe-core's script.

    Given once to the context (an init script) rather than to each page (``add_script_tag``):
    the browser then keeps the 560 kB script, which a run over a hundred pages sends and compiles
    once instead of each time (a third of the run's time).
    """
    context = browser.new_context(locale="fr-FR", viewport=viewport, bypass_csp=True, **options)
    context.set_default_timeout(10_000)
    if axe is not None:
        context.add_init_script(path=str(axe))
    return context


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = _new_context(browser, DESKTOP)
    yield context
    context.close()


PHONE_OPTIONS: dict[str, Any] = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = _new_context(browser, PHONE, **PHONE_OPTIONS)
    yield context
    context.close()


def _violations(page: Any) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now: rule, impact, elements."""
    found = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [
        *(f"{v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'])}" for v in found),
        *(f"no such id: {reference}" for reference in page.evaluate(MISSING_IDS)),
    ]


def _check(page: Any, where: str, wrong: list[str]) -> None:
    wrong.extend(f"{where}: {violation}" for violation in _violations(page))


# --- every page of the role matrix, by role ---------------------------------------------------


@pytest.mark.parametrize("who", USERS)
def test_every_page_a_role_opens_has_no_wcag_violation(
    who: str,
    migrations_data: None,
    world: World,
    browser: Any,
    live_server: Any,
    axe_script: Path,
    request: pytest.FixtureRequest,
) -> None:
    context = _new_context(browser, DESKTOP, axe=axe_script)
    seen = 0
    wrong: list[str] = []
    try:
        log_in(context, live_server, request.getfixturevalue(who))
        page = context.new_page()
        for line in GET:
            if line.status(who) != "200" or line.name in FRAGMENTS or line.where in AGAIN:
                continue
            try:
                response = page.goto(live_server.url + line.url(world))
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # a file (.docx, .xlsx, .csv): no page to check
                raise
            assert response is not None, line.label
            assert response.status == 200, f"{line.label}: {response.status}"
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # a PDF or an image the browser shows as it is
            _check(page, line.label, wrong)
            seen += 1
    finally:
        context.close()
    # The donor viewer's and the outsider's pages are few; every other role opens dozens.
    assert seen, f"{who}: no page checked"
    assert not wrong, f"{who}, WCAG 2.1 A/AA violations:\n  " + "\n  ".join(wrong)


def test_a_page_with_a_message_has_no_wcag_violation(
    migrations_data: None,
    world: World,
    browser: Any,
    live_server: Any,
    axe_script: Path,
    programme_officer: Any,
) -> None:
    """The message after an action (none of the matrix's pages has one): its list stays a list
    inside its status region."""
    context = _new_context(browser, DESKTOP, axe=axe_script)
    try:
        log_in(context, live_server, programme_officer)
        page = context.new_page()
        page.goto(live_server.url + reverse("duplicate_list"))
        page.get_by_role("button", name="Personnes différentes").first.click()
        message = page.locator("#messages").get_by_role("status").get_by_role("listitem")
        expect(message).to_have_count(1)
        wrong: list[str] = []
        _check(page, "duplicate_list (after an action)", wrong)
    finally:
        context.close()
    assert not wrong, "WCAG 2.1 A/AA violations:\n  " + "\n  ".join(wrong)


# --- the pages without an account, on a phone -------------------------------------------------


def _join(page: Any, url: str, world: World) -> None:
    page.goto(f"{url}/t/")
    page.get_by_label("Code du test").fill(world.sevare.test.access_code)
    page.get_by_label("Votre code participant").fill(world.sevare.participant.code)
    page.get_by_role("button", name="Commencer").click()


def _no_sideways_scroll(page: Any, where: str, wrong: list[str]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    if width > viewport:
        wrong.append(f"{where}: {width - viewport} px sideways at {viewport} px")


def test_the_participants_pages_have_no_wcag_violation_on_a_phone(
    migrations_data: None,
    world: World,
    browser: Any,
    live_server: Any,
    axe_script: Path,
) -> None:
    url = live_server.url
    wrong: list[str] = []
    phone = _new_context(browser, PHONE, axe=axe_script, **PHONE_OPTIONS)
    other = _new_context(browser, PHONE, axe=axe_script, **PHONE_OPTIONS)
    try:
        _participant_pages(phone, other, url, world, wrong)
        # The login page, on a laptop.
        page = phone.new_page()
        page.set_viewport_size(DESKTOP)
        page.goto(url + reverse("login"))
        _check(page, "login", wrong)
    finally:
        phone.close()
        other.close()
    assert not wrong, "WCAG 2.1 A/AA violations:\n  " + "\n  ".join(wrong)


def _participant_pages(phone: Any, other: Any, url: str, world: World, wrong: list[str]) -> None:
    page = phone.new_page()

    # Every page that opens without an account: the join pages, the certificate check.
    for name, (kwargs, status) in ANONYMOUS.items():
        if status == 200:
            page.goto(url + reverse(name, kwargs=kwargs(world)))
            _check(page, name, wrong)

    # The join page with its errors, tied to their fields.
    page.goto(f"{url}/t/")
    page.get_by_role("button", name="Commencer").click()
    expect(page.locator(".error").first).to_be_visible()
    _check(page, "take_join (errors)", wrong)

    # The test, question after question, each also at 320 px; the summary; the thanks.
    _join(page, url, world)
    count = world.sevare.test.questions.count()
    for n in range(1, count + 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {n} sur {count}")
        _check(page, f"take_question {n}", wrong)
        page.set_viewport_size(NARROWEST)
        _no_sideways_scroll(page, f"take_question {n}", wrong)
        page.set_viewport_size(PHONE)
        page.locator("fieldset input").first.check()
        page.get_by_role("button", name="Enregistrer et").click()
    expect(page.get_by_role("heading", name="Vos réponses")).to_be_visible()
    _check(page, "take_summary", wrong)

    # Another phone with the same codes waits for the trainer to let it take the copy over.
    waiting = other.new_page()
    _join(waiting, url, world)
    expect(waiting).to_have_url(re.compile(r"/t/attente/$"))
    _check(waiting, "take_wait", wrong)

    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    _check(page, "take_done", wrong)


# --- borders and focus rings: 3:1 against what is next to them --------------------------------


def _rgba(text: str) -> tuple[float, float, float, float]:
    match = re.search(r"rgba?\(([^)]+)\)", text)
    assert match, f"not a colour: {text!r}"
    parts = [float(p) for p in re.split(r"[\s,/]+", match.group(1).strip()) if p]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0


def _over(top: str, below: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, alpha = _rgba(top)
    return (
        r * alpha + below[0] * (1 - alpha),
        g * alpha + below[1] * (1 - alpha),
        b * alpha + below[2] * (1 - alpha),
    )


def _behind(chain: list[str]) -> tuple[float, float, float]:
    """The colour the backgrounds of ``chain`` (an element, then its ancestors) paint together,
    over the white canvas."""
    colour = (255.0, 255.0, 255.0)
    for background in reversed(chain):
        colour = _over(background, colour)
    return colour


def _luminance(colour: tuple[float, float, float]) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """WCAG's contrast ratio, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _border_contrast(locator: Any) -> float:
    """The lower contrast of an element's border with its inside and with its outside."""
    styles = locator.evaluate(STYLES)
    assert styles["borderStyle"] != "none", styles
    inside, outside = _behind(styles["chain"]), _behind(styles["chain"][1:])
    border = _over(styles["border"], outside)
    return min(contrast(border, inside), contrast(border, outside))


def _ring_contrast(locator: Any) -> float:
    """Focus the element and measure its ring (outline, or else box-shadow) against what is
    around the element."""
    locator.focus()
    styles = locator.evaluate(STYLES)
    assert styles["focused"], styles
    if styles["outlineStyle"] not in ("none", "auto") and styles["outlineWidth"] >= 2:
        ring = styles["outline"]
    elif styles["boxShadow"] != "none":
        ring = styles["boxShadow"]
    else:
        pytest.fail(f"no focus ring of its own: {styles}")
    outside = _behind(styles["chain"][1:])
    return contrast(_over(ring, outside), outside)


def test_the_colour_math_is_wcags() -> None:
    white, black = (255.0, 255.0, 255.0), (0.0, 0.0, 0.0)
    assert contrast(white, black) == pytest.approx(21)
    assert contrast(_over("rgb(170, 181, 181)", white), white) == pytest.approx(2.10, abs=0.01)
    # The old staff focus ring, brand green at 30 % on white.
    assert contrast(_over("rgba(11, 93, 75, 0.3)", white), white) == pytest.approx(1.66, abs=0.01)


def test_borders_and_focus_rings_reach_3_to_1(
    migrations_data: None,
    world: World,
    desktop: Any,
    phone: Any,
    live_server: Any,
    programme_officer: Any,
) -> None:
    # Someone absent every day: the roster shows their boxes unmarked.
    absent = EnrollmentFactory(session=world.sevare.session)
    url = live_server.url
    measured: dict[str, float] = {}

    log_in(desktop, live_server, programme_officer)
    page = desktop.new_page()
    page.goto(url + reverse("workshop_create"))
    field = page.locator("main input[type=text]").first
    measured["staff field, border"] = _border_contrast(field)
    measured["staff field, focus ring"] = _ring_contrast(field)
    select = page.locator("main select").first
    measured["staff list, border"] = _border_contrast(select)
    measured["staff list, focus ring"] = _ring_contrast(select)
    page.goto(url + reverse("session_detail", kwargs={"uid": world.sevare.session.uid}))
    unmarked = page.locator(f"#a{absent.pk}-0")
    expect(unmarked).to_have_attribute("aria-pressed", "false")
    measured["attendance box unmarked, border"] = _border_contrast(unmarked)
    measured["attendance box unmarked, focus ring"] = _ring_contrast(unmarked)
    marked = page.locator(f"#a{world.sevare.participant.pk}-0")
    expect(marked).to_have_attribute("aria-pressed", "true")
    measured["attendance box marked, focus ring"] = _ring_contrast(marked)

    page = phone.new_page()
    page.goto(f"{url}/t/")
    code = page.get_by_label("Code du test")
    measured["phone field, border"] = _border_contrast(code)
    measured["phone field, focus ring"] = _ring_contrast(code)
    measured["phone button, focus ring"] = _ring_contrast(
        page.get_by_role("button", name="Commencer")
    )
    _join(page, url, world)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Question 1 sur"))
    choice = page.locator("fieldset input").first
    measured[f"phone {choice.get_attribute('type')}, focus ring"] = _ring_contrast(choice)
    measured["phone secondary button, focus ring"] = _ring_contrast(
        page.get_by_role("button", name="Récapitulatif")
    )

    low = {what: round(ratio, 2) for what, ratio in measured.items() if ratio < NON_TEXT_CONTRAST}
    assert not low, f"under {NON_TEXT_CONTRAST}:1 against what is next to them: {low}"
