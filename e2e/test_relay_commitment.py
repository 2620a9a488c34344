"""A participant states a commitment at the close of the session on a small phone with JavaScript
off, and the trainer sees it on the session's commitments page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, SMALL_PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_LIMIT = 30_000


@pytest.fixture
def trainer(sevare_session: Any) -> Any:
    from kalan.core.models import User
    from kalan.core.roles import Role

    user = User.objects.create_user(
        username="ibrahim.kone",
        password=PASSWORD,
        first_name="Ibrahim",
        last_name="Koné",
        role=Role.TRAINER,
    )
    sevare_session.trainers.add(user)
    return user


def _not_wider_than_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_a_participant_commits_on_a_phone_and_the_trainer_sees_it(
    context: Any, page: Any, phone: Any, live_server: Any, trainer: Any, sevare_session: Any
) -> None:
    from kalan.relays.models import Commitment, RelayCode
    from kalan.workshops.models import Enrollment

    participant = Enrollment.objects.select_related("person").order_by("pk")[1]
    log_in(context, live_server, trainer)

    # The trainer opens the phone entry from the session page.
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_role("link", name="Engagements des participants").click()
    expect(page.locator("#commitments-entered")).to_have_text("0 / 12")
    page.get_by_role("button", name="Ouvrir la saisie sur téléphone").click()
    code = page.locator("#access-code").inner_text().strip()
    assert len(code) == 6
    expect(page.locator("#room-address")).to_have_text(f"{live_server.url}/e/")

    # The participant, on a 360 px phone with no JavaScript.
    mobile = phone.new_page()
    sizes: list[int] = []
    mobile.on(
        "response",
        lambda r: sizes.append(len(r.body())) if "/e/" in r.url and r.status == 200 else None,
    )
    mobile.goto(f"{live_server.url}/e/")
    screenshot(mobile, "commitment-phone-join.png")
    mobile.get_by_label("Code des engagements").fill(code.lower())
    mobile.get_by_label("Votre code participant").fill("000000")
    mobile.get_by_role("button", name="Continuer").click()
    expect(mobile.get_by_role("alert")).to_contain_text("Code participant inconnu")
    screenshot(mobile, "commitment-phone-wrong-code.png")
    mobile.get_by_label("Votre code participant").fill(participant.code)
    mobile.get_by_role("button", name="Continuer").click()

    expect(mobile.get_by_role("heading", name="Mon engagement de relais")).to_be_visible()
    assert mobile.url == f"{live_server.url}/e/engagement/"  # no id in the address
    mobile.get_by_label("son unité").check()
    mobile.get_by_label("des unités voisines").check()
    mobile.get_by_label("Combien de personnes").fill("45")
    mobile.get_by_label("Avant quelle date").fill("2023-02-28")
    mobile.get_by_label("Prévenir la torture.").check()
    _not_wider_than_the_phone(mobile)
    screenshot(mobile, "commitment-phone-form.png")
    mobile.get_by_role("button", name="Enregistrer mon engagement").click()

    expect(mobile.get_by_role("heading", name="Merci !")).to_be_visible()
    relay_code = RelayCode.objects.get(enrollment=participant).code
    expect(mobile.locator("#relay-code")).to_have_text(relay_code)
    expect(mobile.get_by_text("/r/", exact=False)).to_be_visible()
    _not_wider_than_the_phone(mobile)
    screenshot(mobile, "commitment-phone-done.png")
    assert sizes and max(sizes) < PAGE_LIMIT
    commitment = Commitment.objects.get(enrollment=participant)
    assert commitment.people_planned == 45 and commitment.source == "phone"

    # The trainer's page shows it.
    page.reload()
    expect(page.locator("#commitments-entered")).to_have_text("1 / 12")
    row = page.locator(f"#commitment-{participant.pk}")
    expect(row).to_contain_text(participant.person.full_name)
    expect(row).to_contain_text("son unité, des unités voisines")
    expect(row).to_contain_text("45")
    expect(row).to_contain_text("28/02/2023")
    screenshot(page, "commitment-staff.png")

    # Another participant filled the paper form: the trainer types it in.
    other = Enrollment.objects.select_related("person").order_by("pk")[0]
    page.locator(f"#commitment-{other.pk}").get_by_role("link", name="Saisir").click()
    page.get_by_label("la population").check()
    page.get_by_label("Combien de personnes").fill("120")
    page.get_by_label("Avant quelle date").fill("2022-11-01")  # before the session's end
    page.get_by_label("Connaître les délais de la garde à vue.").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Échéance")
    screenshot(page, "commitment-enter-error.png")
    page.get_by_label("Avant quelle date").fill("2023-03-31")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#commitments-entered")).to_have_text("2 / 12")
    expect(page.locator(f"#commitment-{other.pk}")).to_contain_text("formulaire papier")
    assert Commitment.objects.get(enrollment=other).source == "paper"
