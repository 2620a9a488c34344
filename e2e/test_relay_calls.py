"""The M&E officer works through the call list of a follow-up round (issue 13, point 3): forty
relays, calls with mixed outcomes, answers typed as the officer speaks, a departure; a second
caller sees who has a call. And a relay answers the round on a 360 px phone with no JavaScript.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, log_in, phone_context, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RELAYS = 40


def _account(username: str, first: str, last: str) -> Any:
    from kalan.core.models import User
    from kalan.core.roles import Role

    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        role=Role.MONITORING,
    )


@pytest.fixture
def segou_workshop(programme: Any, officer: Any) -> Any:
    """A Ségou session of March 2023 with forty officers, all present, each with a phone."""
    from kalan.core.models import Place
    from kalan.people.models import Corps
    from kalan.people.services import person_create
    from kalan.relays.bank import followup_bank_load
    from kalan.workshops import services

    workshop = services.workshop_create(
        axis=programme,
        title="Garde à vue et droits de la défense",
        general_objective="Respecter les garanties de la garde à vue.",
        objectives=["Informer la personne gardée à vue de ses droits."],
    )
    session = services.session_create(
        workshop=workshop,
        place=Place.objects.get(kind=Place.Kind.TOWN, name="Ségou"),
        venue="Centre Ségou",
        start_date=dt.date(2023, 3, 14),
        end_date=dt.date(2023, 3, 16),
        capacity=RELAYS,
        per_diem_rate=25_000,
        transport_rate=15_000,
    )
    police = Corps.objects.get(name="Police nationale")
    for n in range(RELAYS):
        person = person_create(
            last_name=f"Traoré {n:02d}",
            first_names="Moussa" if n % 2 else "Aminata",
            sex="M" if n % 2 else "F",
            corps=police,
            phone=f"+223 76 10 {n:02d} 00",
        )
        enrollment = services.enrollment_create(session=session, person=person, by=officer)
        services.attendance_set(
            enrollment=enrollment, day=session.start_date, present=True, by=officer
        )
    followup_bank_load()
    return workshop


def _first_due(page: Any) -> None:
    page.locator("table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Noter l’appel")).to_be_visible()


def _attempt(page: Any, outcome: str, *, call_back: dt.date | None = None) -> None:
    _first_due(page)
    page.get_by_label(outcome, exact=True).check()
    if call_back is not None:
        page.get_by_label("Rappeler le").fill(call_back.isoformat())
    page.get_by_role("button", name="Enregistrer l’appel").click()
    expect(page.get_by_role("heading", name=re.compile("Liste d’appel"))).to_be_visible()


def _reached_and_answered(page: Any, n: int) -> None:
    _first_due(page)
    page.get_by_label("joint", exact=True).check()
    page.get_by_role("button", name="Enregistrer l’appel").click()
    form = page.locator("#questionnaire")
    expect(form).to_be_visible()
    questions = form.locator("fieldset.question")
    questions.nth(0).get_by_label("Oui").check()
    questions.nth(1).locator("input").fill(str(n))
    questions.nth(2).locator("input").fill(str(10 * n))
    questions.nth(3).get_by_label("Oui, je le fais (ou mieux) depuis la formation").check()
    questions.nth(9).get_by_label("Manque de temps (missions, permanences)").check()
    if n == 1:
        screenshot(page, "relay_call_page.png")
    form.get_by_role("button", name="Enregistrer les réponses").click()
    expect(page.get_by_text("Réponses enregistrées.")).to_be_visible()


def _departure(page: Any) -> None:
    _first_due(page)
    page.get_by_role("link", name=re.compile("Sortie du suivi")).click()
    page.get_by_label("muté hors de portée du suivi").check()
    page.get_by_label("Depuis le").fill("2023-06-01")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    expect(page.get_by_text("Sortie du suivi enregistrée.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Liste d’appel")).click()


def test_the_officer_works_through_a_call_list_of_forty(
    page: Any,
    browser: Any,
    context: Any,
    page_errors: list[str],
    live_server: Any,
    segou_workshop: Any,
) -> None:
    from kalan.relays.models import CallAttempt, Respondent, Response

    caller = _account("mariam.traore", "Mariam", "Traoré")
    log_in(context, live_server, caller)
    page.goto(f"{live_server.url}/relais/")
    page.get_by_role("link", name="Garde à vue et droits de la défense").click()
    page.get_by_label("Mois après la dernière session").fill("1, 3")
    page.get_by_role("button", name="Prévoir les tours").click()
    expect(page.get_by_text("2 tours de suivi prévus.")).to_be_visible()
    page.get_by_role("button", name="Ouvrir le tour").first.click()
    expect(page.get_by_text("40 relais ajoutés à la liste d’appel.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(RELAYS)
    expect(page.locator("#count-due")).to_have_text("40")

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    later = dt.date.today() + dt.timedelta(days=7)
    for _ in range(5):
        _attempt(page, "pas de réponse", call_back=tomorrow)
    for _ in range(2):
        _attempt(page, "mauvais numéro", call_back=later)
    for n in range(1, 5):
        _reached_and_answered(page, n)
    _attempt(page, "refus de répondre", call_back=dt.date.today() + dt.timedelta(days=30))
    _departure(page)

    page.get_by_role("link", name="Tous", exact=True).click()
    expect(page.locator("table tbody tr")).to_have_count(RELAYS)
    expect(page.locator("#count-due")).to_have_text(str(RELAYS - 5 - 2 - 4 - 1 - 1))
    expect(page.locator("#count-answered")).to_have_text("4 / 39")
    expect(page.locator("#count-departed")).to_have_text("1")
    expect(page.locator("table tbody tr")).to_have_count(RELAYS)
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Répondu")).to_have_count(4)
    expect(rows.filter(has_text="Sorti du suivi (muté hors de portée du suivi)")).to_have_count(1)
    expect(rows.filter(has_text="À rappeler plus tard")).to_have_count(8)
    expect(rows.filter(has_text="pas de réponse")).to_have_count(5)
    screenshot(page, "relay_call_list.png")
    assert Response.objects.filter(value__isnull=False).count() == 4 * 5
    assert CallAttempt.objects.count() == 5 + 2 + 4 + 1
    assert Respondent.objects.filter(answered_at__isnull=False).count() == 4
    page.get_by_role("link", name="Garde à vue et droits de la défense").click()
    expect(page.get_by_role("heading", name="Suivi des relais")).to_be_visible()
    expect(page.locator("table tbody tr").first).to_contain_text("10 %")  # 4 of the 39 followed
    screenshot(page, "relay_workshop_followup.png")
    page.get_by_role("navigation").get_by_role("link", name="Relais").click()
    expect(page.locator("table tbody tr").first).to_contain_text("4/39 réponses")
    screenshot(page, "relay_index.png")
    page.go_back()
    page.go_back()

    # A second caller opens the officer the first one is calling: told who has the call.
    page.get_by_role("link", name="À appeler aujourd’hui").click()
    _first_due(page)
    other = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    try:
        log_in(other, live_server, _account("issa.diallo", "Issa", "Diallo"))
        second = other.new_page()
        second.goto(page.url)
        expect(second.get_by_text(re.compile("Appel en cours par Mariam Traoré"))).to_have_count(2)
        expect(second.get_by_role("heading", name="Noter l’appel")).to_have_count(0)
    finally:
        other.close()
    assert page_errors == []


def test_a_relay_answers_the_round_on_a_360_px_phone(
    browser: Any, live_server: Any, segou_workshop: Any
) -> None:
    from kalan.relays.models import RelayCode, Respondent
    from kalan.relays.services_rounds import round_open, rounds_plan

    [first] = rounds_plan(workshop=segou_workshop, months=[1], by=None)
    round_open(round=first, by=None)
    respondent = Respondent.objects.select_related("enrollment__person").first()
    code = RelayCode.objects.get(enrollment=respondent.enrollment).code
    phone = phone_context(browser)
    try:
        page = phone.new_page()
        page.goto(f"{live_server.url}/r/")
        page.get_by_label("Votre code personnel de relais").fill("ZZZZ2222")
        page.get_by_role("button", name="Continuer").click()
        expect(page.get_by_text(re.compile("Code personnel inconnu"))).to_be_visible()
        page.get_by_label("Votre code personnel de relais").fill(code.lower())
        page.get_by_role("button", name="Continuer").click()
        expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
        page.get_by_role("link", name=re.compile("Questionnaire de suivi")).click()
        page.get_by_role("group").nth(0).get_by_label("Oui").check()
        page.get_by_role("group").nth(2).locator("input").fill("30")
        page.get_by_role("group").nth(4).get_by_label("Je le faisais déjà avant").check()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360
        screenshot(page, "relay_phone_questionnaire.png")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    finally:
        phone.close()
    respondent.refresh_from_db()
    assert respondent.answered_via == "phone"
