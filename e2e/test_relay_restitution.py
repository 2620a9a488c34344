"""A relay's restitution, in a browser: the programme officer records one on the relay's behalf
with a photo of the attendance sheet (a large audience, confirmed), sees it in the workshop's
list and opens the photo, served without its GPS position; then the relay reports another from
a 360 px phone with JavaScript off."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import SMALL_PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GPS_IFD = 0x8825


def _sheet(folder: Path, name: str) -> Path:
    """A photographed attendance sheet, with the GPS position a phone writes in its EXIF."""
    from PIL import Image, ImageDraw

    path = folder / name
    image = Image.new("RGB", (1500, 2000), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    for line in range(20):
        draw.line((100, 200 + 80 * line, 1400, 200 + 80 * line), fill=(60, 60, 60), width=3)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    position = exif.get_ifd(GPS_IFD)
    position[1], position[2] = "N", (14.0, 29.0, 50.0)
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def _relay(session: Any) -> Any:
    """The first participant marked present: a relay."""
    from kalan.relays.selectors import relays_of
    from kalan.workshops.models import Session

    return relays_of(sessions=Session.objects.filter(pk=session.pk)).order_by("pk").first()


def test_the_programme_officer_records_a_restitution_with_a_photo(
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    from PIL import Image

    from kalan.relays.models import Restitution

    settings.MEDIA_ROOT = tmp_path / "media"
    relay = _relay(sevare_session)
    log_in(page.context, live_server, officer)
    page.goto(f"{live_server.url}/relais/ateliers/{sevare_session.workshop.pk}/restitutions/")
    expect(page.get_by_role("heading", name="Restitutions des relais")).to_be_visible()
    expect(page.get_by_text("Aucune restitution enregistrée pour l’instant.")).to_be_visible()
    screenshot(page, "restitutions-empty.png")

    page.locator(f"a[href='/relais/restitutions/nouvelle/{relay.uid}/']").click()
    expect(page.get_by_role("heading", name="Nouvelle restitution")).to_be_visible()
    page.get_by_label("Date de la restitution").fill("05/12/2022")
    page.get_by_label("Femmes").fill("40")
    page.get_by_label("Hommes").fill("180")
    page.get_by_label("Collègues").fill("20")
    page.get_by_label("Population").fill("200")
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_label("Connaître les délais de la garde à vue.").check()
    page.get_by_label("Feuille de présence ou photo (facultatif)").set_input_files(
        str(_sheet(tmp_path, "IMG_20221205_feuille.jpg"))
    )
    page.get_by_role("button", name="Enregistrer").click()

    # 220 persons: a warning to confirm, not a refusal; nothing is stored yet.
    expect(page.get_by_text("220 personnes, c’est beaucoup pour une restitution")).to_be_visible()
    expect(page.get_by_text("Choisissez de nouveau la photo")).to_be_visible()
    screenshot(page, "restitution-confirm.png")
    assert not Restitution.objects.exists()
    page.get_by_label("Je confirme cet effectif").check()
    page.get_by_label("Feuille de présence ou photo (facultatif)").set_input_files(
        str(_sheet(tmp_path, "IMG_20221205_feuille.jpg"))
    )
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Restitution enregistrée.")).to_be_visible()
    expect(page.get_by_text("effectif confirmé")).to_be_visible()
    screenshot(page, "restitutions-list.png")
    restitution = Restitution.objects.get()
    assert (restitution.women, restitution.men, restitution.population) == (40, 180, 200)
    assert restitution.held_on == dt.date(2022, 12, 5)
    assert restitution.large_confirmed

    # The photo, as the list links it: a JPEG re-encoded without the phone's GPS position.
    href = page.get_by_role("link", name="Photo").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert "no-store" in response.headers["cache-control"]
    with Image.open(io.BytesIO(response.body())) as image:
        assert not image.getexif().get_ifd(GPS_IFD)
        assert max(image.size) <= 1600
    page.goto(f"{live_server.url}{href}")
    screenshot(page, "restitution-photo.png")

    # Correcting it shows what was stored, the confirmation kept, and a way to drop the photo.
    page.goto(f"{live_server.url}/relais/restitutions/{restitution.uid}/modifier/")
    expect(page.get_by_label("Femmes")).to_have_value("40")
    expect(page.get_by_label("Je confirme cet effectif")).to_be_checked()
    expect(page.get_by_label("Retirer la photo enregistrée")).to_be_visible()
    screenshot(page, "restitution-edit.png")
    page.get_by_role("link", name="Supprimer").click()
    expect(page.get_by_role("heading", name="Supprimer cette restitution ?")).to_be_visible()
    screenshot(page, "restitution-delete.png")
    assert not page_errors


def _remember(context: Any, live_server: Any, relay: Any) -> None:
    """The phone's session as the ``/r/`` join page leaves it once the personal code is typed."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from kalan.relays.phone import SESSION_KEY

    store = SessionStore()
    store[SESSION_KEY] = relay.pk
    store.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": store.session_key,
                "url": live_server.url,
                "httpOnly": True,
            }
        ]
    )


def test_a_relay_reports_a_restitution_from_a_phone_without_javascript(
    phone: Any, live_server: Any, sevare_session: Any, settings: Any, tmp_path: Path
) -> None:
    from kalan.relays.models import Restitution, Source

    settings.MEDIA_ROOT = tmp_path / "media"
    relay = _relay(sevare_session)
    page = phone.new_page()
    page.goto(f"{live_server.url}/r/restitution/")
    assert page.url.rstrip("/").endswith("/r")  # no code typed yet: to the join page

    _remember(phone, live_server, relay)
    page.goto(f"{live_server.url}/r/restitution/")
    expect(page.get_by_role("heading", name="Rendre compte d’une restitution")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(page, "restitution-phone.png")

    page.get_by_label("Date de la restitution").fill("20/11/2022")
    page.get_by_label("Femmes").fill("2")
    page.get_by_label("Hommes").fill("14")
    page.get_by_label("Collègues").fill("12")
    page.get_by_label("Autorités et leaders locaux").fill("3")
    page.get_by_label("Durée (minutes)").fill("45")
    page.get_by_text("Prévenir la torture.").click()
    page.get_by_role("button", name="Envoyer").click()
    # 16 by sex, 15 by category: refused, both totals said.
    expect(page.get_by_text("16 personnes par sexe")).to_be_visible()
    expect(page.get_by_text("15 par catégorie")).to_be_visible()
    screenshot(page, "restitution-phone-refused.png")
    page.get_by_label("Autres").fill("1")
    page.get_by_label("Feuille de présence ou photo (facultatif)").set_input_files(
        str(_sheet(tmp_path, "feuille.jpg"))
    )
    page.get_by_role("button", name="Envoyer").click()

    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    screenshot(page, "restitution-phone-done.png")
    restitution = Restitution.objects.get()
    assert (restitution.source, restitution.enrollment_id) == (Source.PHONE, relay.pk)
    assert restitution.reported_by is None
    assert restitution.photo
    assert [o.text for o in restitution.objectives.all()] == ["Prévenir la torture."]
