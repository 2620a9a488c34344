"""The M&E officer reads, on the dashboard, the Kirkpatrick chain of a workshop up to the
follow-up's level: satisfaction → gain → restitution within 3 months → reported practice; then
the workshop's follow-up page, where the persons reached are printed as two bounds."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monitoring_officer(transactional_db: None) -> Any:
    from kalan.core.models import User
    from kalan.core.roles import Role

    return User.objects.create_user(
        username="fatoumata.diarra",
        password=PASSWORD,
        first_name="Fatoumata",
        last_name="Diarra",
        role=Role.MONITORING,
    )


@pytest.fixture
def followed(sevare_session: Any) -> dict[str, Any]:
    """Sévaré's relays, eight months on: restitutions (four of the present relays within 3
    months), one departure, a closed round where three of four answered about one practice."""
    from kalan.relays.models import Departure, Respondent, Response, RoundQuestion
    from kalan.relays.selectors import relays_of
    from kalan.workshops.models import Session
    from tests.relays.factories import RestitutionFactory, RoundFactory

    relays = list(relays_of(sessions=Session.objects.filter(pk=sevare_session.pk)).order_by("pk"))
    assert len(relays) >= 5
    Departure.objects.create(person=relays[-1].person, reason="left", since=dt.date(2023, 1, 5))
    for n, relay in enumerate(relays[:4]):
        RestitutionFactory(
            enrollment=relay,
            held_on=sevare_session.end_date + dt.timedelta(days=20 + 10 * n),
            men=12 + n,
            colleagues=12 + n,
        )
    round_ = RoundFactory(workshop=sevare_session.workshop, number=1, months=3, status="closed")
    question = RoundQuestion.objects.create(
        round=round_,
        order=1,
        content={
            "code": "RIGHTS",
            "kind": "practice",
            "text": "Informez-vous la personne gardée à vue de ses droits ?",
            "practice": "Informer la personne gardée à vue de ses droits",
        },
    )
    values = ["changed", "changed", "not_yet", None]
    for relay, value in zip(relays[:-1], values + [None] * len(relays), strict=False):
        respondent = Respondent.objects.create(round=round_, enrollment=relay)
        if value is not None:
            respondent.answered_at = dt.datetime(2023, 2, 10, tzinfo=dt.UTC)
            respondent.save()
            Response.objects.create(respondent=respondent, question=question, value=value)
    return {"active": len(relays) - 1, "workshop": sevare_session.workshop}


def test_the_dashboard_chain_shows_the_follow_up_level(
    page: Any,
    live_server: Any,
    monitoring_officer: Any,
    followed: dict[str, Any],
    tmp_path: Path,
) -> None:
    from kalan.reports.figures import Scope
    from kalan.reports.figures_followup import followup

    workshop = followed["workshop"]
    found = followup(scope=Scope(workshop_id=workshop.pk))
    assert found.active == followed["active"]
    log_in(page.context, live_server, monitoring_officer)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/tableau-de-bord/")

    chain = page.locator(f'.chain[data-workshop="{workshop.pk}"]')
    expect(chain.get_by_text("Restitution dans les 3 mois")).to_be_visible()
    steps = chain.locator(".chain-steps li")
    expect(steps).to_have_count(4)
    share = f"{100 * (found.restitution_share or 0):.1f}".replace(".", ",")
    expect(steps.nth(2)).to_contain_text(share)
    expect(steps.nth(2)).to_contain_text(f"sur {found.due} relais")
    # Two of the three who answered report a change.
    expect(steps.nth(3)).to_contain_text("66,7")
    # KALAN_SCREENSHOTS keeps the pictures for a person to look at.
    shots = Path(os.environ.get("KALAN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    chain.scroll_into_view_if_needed()
    page.locator("#kirkpatrick").screenshot(path=str(shots / "dashboard-kirkpatrick-chain.png"))

    page.goto(f"{live_server.url}/ateliers/{workshop.pk}/")
    page.get_by_role("link", name="Suivi des relais en chiffres").click()
    expect(page.locator("#reached .num")).to_have_text(
        f"{found.reached.lower_bound}–{found.reached.upper_bound}"
    )
    page.screenshot(path=str(shots / "workshop-followup.png"), full_page=True)
