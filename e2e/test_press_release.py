"""The communication officer, in a browser: the session's family photo, then the press release
drafted from the data, one sentence rewritten by hand, saved and downloaded in Word."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep screenshots of the pages for a person to look at (none unless set).
SCREENSHOTS = os.environ.get("KALAN_SCREENSHOTS", "")
DRAFTED = "Ainsi formés, ils serviront de relais de promotion des droits de l’homme"
EDITED = "Les officiers formés deviendront les relais des droits humains dans leurs brigades"


def _photo(folder: Path) -> Path:
    from PIL import Image

    path = folder / "IMG_2022-11-10_famille.jpg"
    image = Image.new("RGB", (2000, 1333), (196, 160, 110))
    image.paste((40, 90, 70), (0, 900, 2000, 1333))  # a green lawn under a sand-coloured wall
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "N"  # a GPS position, which Kalan must not keep
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def _screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def test_the_communication_officer_writes_the_release_and_downloads_it_in_word(
    page: Any, page_errors: list[str], live_server: Any, sevare_session: Any, settings: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    import docx

    from kalan.core.models import User
    from kalan.core.roles import Role
    from kalan.reports.models import Photo, PressRelease

    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.create_user(
        username="mariam.toure",
        password=PASSWORD,
        first_name="Mariam",
        last_name="Touré",
        role=Role.COMMUNICATION,
    )

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill("mariam.toure")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # The session's page, its Communication card, the photos.
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    card = page.locator("#communication")
    expect(card.get_by_role("heading", name="Communication")).to_be_visible()
    _screenshot(page, "press-session.png")
    card.get_by_role("link", name=re.compile("^Photos")).click()

    # A file that is not a photo, whatever its name, is refused by name and nothing is kept.
    notes = tmp_path / "notes.jpg"
    notes.write_text("Liste des participants")
    page.get_by_label("Photos").set_input_files([_photo(tmp_path), notes])
    page.get_by_role("button", name="Téléverser").click()
    expect(page.get_by_role("alert")).to_contain_text("« notes.jpg » n’est pas une photo")
    assert not Photo.objects.exists()
    _screenshot(page, "press-photos-refused.png")

    page.get_by_label("Photos").set_input_files(_photo(tmp_path))
    page.get_by_role("button", name="Téléverser").click()
    expect(page.get_by_role("status")).to_contain_text("1 photo ajoutée, sans ses métadonnées.")
    photo = Photo.objects.get()

    page.get_by_label("Légende", exact=True).fill("Photo de famille des participants, Sévaré")
    page.get_by_role("button", name="Enregistrer les légendes").click()
    expect(page.get_by_role("status")).to_contain_text("Légendes enregistrées")
    page.get_by_role("button", name="Choisir comme photo de famille").click()
    expect(page.locator(f"#photo-{photo.uid} .badge.family")).to_have_text("Photo de famille")
    thumbnail = page.locator(f"#photo-{photo.uid} img")
    expect(thumbnail).to_be_visible()
    # The thumbnail is lazy-loaded: wait until the browser has decoded it, then read its size.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") == 320
    _screenshot(page, "press-photos.png")

    # The release, drafted from the data; one sentence rewritten by hand.
    page.get_by_role("link", name="Communiqué de presse").click()
    expect(page.get_by_role("heading", name="Communiqué de presse")).to_be_visible()
    text = page.get_by_label("Texte")
    drafted = text.input_value()
    assert "les 8, 9 et 10 novembre 2022" in drafted
    assert DRAFTED in drafted
    expect(page.get_by_label("Photo", exact=True)).to_have_value(str(photo.pk))
    text.fill(drafted.replace(DRAFTED, EDITED))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Communiqué enregistré")
    assert EDITED in PressRelease.objects.get(session=sevare_session, language="fr").body
    _screenshot(page, "press-edit.png")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Enregistrer et télécharger en Word").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-fr.docx")
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert EDITED in paragraphs
    assert DRAFTED not in paragraphs
    assert "Photo de famille des participants, Sévaré" in paragraphs
    assert "Cellule de Communication/CNDH" in paragraphs
    images = [p for p in document.part.related_parts.values() if p.content_type == "image/jpeg"]
    assert len(images) == 1

    # The English release: the workshop has no English title yet, so the draft quotes the French
    # one and the page says so (issue 11).
    page.get_by_role("link", name="English").click()
    missing = page.locator("#english-missing")
    expect(missing).to_contain_text("Intitulé anglais de l’atelier manquant")
    assert (
        "the workshop “Droits de l’homme et garde à vue”"
        in page.get_by_label("Texte").input_value()
    )
    _screenshot(page, "press-english.png")
    assert page_errors == []
