"""A programme officer takes a session to a venue laptop: from the session page to the kit file,
which opens with the passphrase typed in the form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "Kit-Sévaré-Palmeraie-2022"  # noqa: S105 (a throwaway test kit only)


def test_the_officer_issues_a_kit_from_the_session_page_and_downloads_it(
    context: Any,
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
    tmp_path: Path,
) -> None:
    from kalan.fieldkit.kit import _read
    from kalan.fieldkit.models import FieldKit

    log_in(context, live_server, officer)
    page.goto(f"{live_server.url}/sessions/{sevare_session.uid}/")
    page.get_by_role("link", name="Emporter sur un portable de site").click()
    expect(page.get_by_role("heading", name="Émettre un kit de terrain")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Droits de l’homme et garde à vue")).to_be_checked()
    # Two phrases that differ: refused at the second box, neither written back.
    page.get_by_label("Phrase secrète du kit").fill(PASSPHRASE)
    page.get_by_label("Phrase secrète (encore)").fill(PASSPHRASE + "!")
    page.get_by_role("button", name="Émettre et télécharger le kit").click()
    expect(page.locator("#id_passphrase_confirm_error")).to_have_text(
        "Les deux phrases secrètes diffèrent."
    )
    expect(page.get_by_label("Phrase secrète du kit")).to_have_value("")
    expect(page.get_by_role("checkbox", name="Droits de l’homme et garde à vue")).to_be_checked()
    screenshot(page, "field-kit-form-refused.png")
    assert not FieldKit.objects.exists()

    page.get_by_label("Phrase secrète du kit").fill(PASSPHRASE)
    page.get_by_label("Phrase secrète (encore)").fill(PASSPHRASE)
    screenshot(page, "field-kit-form.png")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Émettre et télécharger le kit").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kalan-kit-sevare-")
    assert download.suggested_filename.endswith(".kkit")
    kit = tmp_path / download.suggested_filename
    download.save_as(kit)

    folder = tmp_path / "read"
    folder.mkdir()
    manifest, content = _read(kit, PASSPHRASE, folder)
    assert manifest["sessions"] == [str(sevare_session.uid)]
    assert manifest["counts"]["people.Person"] == 12
    rows = (content / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum(json.loads(row)["m"] == "people.Person" for row in rows) == 12
    assert FieldKit.objects.get().issued_by == officer

    # The list shows the kit, and the next page the officer opens says it was issued.
    page.goto(f"{live_server.url}/kits-de-terrain/")
    expect(page.get_by_role("status")).to_contain_text("Kit émis")
    expect(page.locator("#kits tbody tr")).to_have_count(1)
    expect(page.locator("#kits tbody")).to_contain_text("CNDH-2022-0001")
    screenshot(page, "field-kit-list.png")
    assert page_errors == []
