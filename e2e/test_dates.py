"""Dates in a browser set up in English (issue 11, points 14 and 10).

A venue laptop whose system speaks American English showed mm/dd/yyyy in the native date inputs
of a French page, and the partners' report page showed its dates empty (Chromium refuses
01/01/2026 in a date input) and could not be sent. Kalan's date box is the same everywhere:
jj/mm/aaaa, day first (``kalan.core.forms.DateInput``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def english_page(browser: Any) -> Iterator[Any]:
    """A page of a browser whose language is American English, like many venue laptops."""
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    assert page.evaluate("navigator.language") == "en-US"
    yield page
    context.close()


def test_a_session_is_typed_and_shown_jj_mm_aaaa_in_an_english_browser(
    english_page: Any, live_server: Any, officer: Any, sevare_session: Any
) -> None:
    from kalan.workshops.models import Session

    page = english_page
    log_in(page.context, live_server, officer)

    # The existing session's dates, day first, under a French hint.
    edit = reverse("session_edit", kwargs={"uid": sevare_session.uid})
    page.goto(live_server.url + edit)
    start, end = page.get_by_label("Date de début"), page.get_by_label("Date de fin")
    for box in (start, end):
        expect(box).to_have_attribute("type", "text")
        expect(box).to_have_attribute("placeholder", "jj/mm/aaaa")
        expect(box).to_have_attribute("inputmode", "numeric")
    expect(start).to_have_value("08/11/2022")
    expect(end).to_have_value("10/11/2022")

    # A new session typed on the keyboard: 05/03/2026 is the fifth of March, not the third of May.
    page.goto(
        live_server.url + reverse("session_create", kwargs={"pk": sevare_session.workshop_id})
    )
    page.get_by_label("Localité").select_option(label="Ségou")
    page.get_by_label("Lieu de la session").fill("Hôtel Djoliba")
    start, end = page.get_by_label("Date de début"), page.get_by_label("Date de fin")
    expect(start).to_have_attribute("placeholder", "jj/mm/aaaa")
    # The browser checks the shape: the pattern is in force (not ignored as a bad expression).
    start.fill("2026/03/05")
    assert start.evaluate("box => box.validity.patternMismatch") is True
    start.fill("")
    start.press_sequentially("05/03/2026")
    assert start.evaluate("box => box.validity.valid") is True
    end.press_sequentially("06/03/2026")
    page.get_by_label("Capacité").fill("30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name=re.compile(r"Session 2 — Ségou"))).to_be_visible()
    session = Session.objects.get(number=2)
    assert (session.start_date, session.end_date) == (dt.date(2026, 3, 5), dt.date(2026, 3, 6))

    page.goto(live_server.url + reverse("session_edit", kwargs={"uid": session.uid}))
    expect(page.get_by_label("Date de début")).to_have_value("05/03/2026")
    expect(page.get_by_label("Date de fin")).to_have_value("06/03/2026")


def test_the_partners_report_opens_over_the_partners_data_and_gives_the_report(
    english_page: Any, live_server: Any, officer: Any, sevare_session: Any
) -> None:
    from kalan.core.models import Partner, Place
    from kalan.workshops import services
    from kalan.workshops.models import Funding

    partner = Partner.objects.create(name="EUCAP Sahel Mali", acronym="EUCAP")
    Funding.objects.create(workshop=sevare_session.workshop, partner=partner, amount=9_000_000)
    services.session_create(
        workshop=sevare_session.workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Ségou"),
        venue="Hôtel Djoliba",
        start_date=dt.date(2023, 2, 6),
        end_date=dt.date(2023, 2, 7),
        capacity=30,
    )
    page = english_page
    log_in(page.context, live_server, officer)

    page.goto(live_server.url + "/")
    page.get_by_role("navigation").get_by_role("link", name="Rapports aux partenaires").click()
    expect(page.get_by_role("heading", name="Rapports aux partenaires")).to_be_visible()
    # The period is the partner's sessions, 8 November 2022 to 7 February 2023, not this year.
    expect(page.get_by_label("Partenaire")).to_have_value(str(partner.pk))
    du, au = page.get_by_label("Du", exact=True), page.get_by_label("Au", exact=True)
    expect(du).to_have_value("08/11/2022")
    expect(au).to_have_value("07/02/2023")
    expect(du).to_have_attribute("placeholder", "jj/mm/aaaa")

    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"du=08%2F11%2F2022"))
    report = page.locator("section.card").filter(has=page.get_by_role("heading", level=2))
    expect(report.get_by_role("heading", name=re.compile("EUCAP Sahel Mali"))).to_be_visible()
    workshop_row = report.get_by_role("row", name=re.compile("Droits de l’homme et garde à vue"))
    # Two sessions; the six officers marked present on the first day of Sévaré.
    expect(workshop_row.get_by_role("cell")).to_have_text(
        ["Droits de l’homme et garde à vue · cibles", "2", "6", re.compile(r"\d")]
    )
    # The download links carry the period in ISO; the boxes still show it day first.
    excel = report.get_by_role("link", name="Chiffres (Excel)")
    expect(excel).to_have_attribute("href", re.compile(r"du=2022-11-08&au=2023-02-07"))
    expect(du).to_have_value("08/11/2022")
    with page.expect_download() as download_info:
        excel.click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
