"""Back from Sévaré: the programme officer uploads the laptop's return bundle, decides the one
value both sides changed, and imports it.

The laptop is real (a data folder of its own, opened from a kit and worked on through the
``kalan`` command): building it takes a while, hence one test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# On the laptop: a phone corrected and everybody marked present on the second day.
WORK = """
import datetime as dt
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Session
session = Session.objects.get(uid="{session}")
person = Person.objects.get(service_number="G-20220000")
person.phone = "+223 76 11 22 33"
person.save()
for enrollment in session.enrollments.all():
    Attendance.objects.get_or_create(
        enrollment=enrollment, day=session.start_date + dt.timedelta(days=1),
        half=session.halves[0],
    )
"""


def _bundle(session: Any, tmp_path: Path) -> Path:
    """The kit of ``session`` opened on a laptop, worked on, and the laptop's return bundle."""
    from tests.fieldkit.test_kit import _kit, _laptop

    laptop = tmp_path / "laptop"
    kit = _kit(tmp_path, session)
    for command in (
        ("field", "open", str(kit)),
        ("shell", "-c", WORK.format(session=session.uid)),
        ("field", "bundle", "--to", str(tmp_path / "sevare.kret")),
    ):
        done = _laptop(laptop, *command)
        assert done.returncode == 0, done.stderr
    return tmp_path / "sevare.kret"


def test_the_officer_previews_a_return_decides_a_conflict_and_imports_it(
    context: Any,
    page: Any,
    page_errors: list[str],
    live_server: Any,
    officer: Any,
    sevare_session: Any,
    tmp_path: Path,
) -> None:
    from kalan.fieldkit.models import FieldReturn
    from kalan.people.models import Person
    from kalan.workshops.models import Attendance

    bundle = _bundle(sevare_session, tmp_path)
    person = Person.objects.get(service_number="G-20220000")
    person.phone = "+223 66 00 00 00"  # corrected at headquarters too, otherwise
    person.save()
    attendance = Attendance.objects.count()

    log_in(context, live_server, officer)
    page.goto(f"{live_server.url}/kits-de-terrain/retours/")
    expect(page.get_by_role("heading", name="Retours de terrain", exact=True)).to_be_visible()
    page.get_by_label("Retour du portable de site").set_input_files(str(bundle))
    page.get_by_role("button", name="Voir l’aperçu").click()

    expect(page.get_by_role("heading", name="Aperçu du retour de terrain")).to_be_visible()
    row = page.locator("#decisions tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".side-hq")).to_have_text("+223 66 00 00 00")
    expect(row.locator(".side-field")).to_have_text("+223 76 11 22 33")
    expect(page.get_by_role("button", name="Importer")).to_be_disabled()
    screenshot(page, "field-return-preview-conflict.png")

    page.get_by_role("radio", name="prendre le terrain").check()
    page.get_by_role("button", name="Appliquer ces choix à l’aperçu").click()
    expect(page.locator("#return-counts")).to_be_visible()
    expect(page.get_by_role("radio", name="prendre le terrain")).to_be_checked()
    assert Attendance.objects.count() == attendance  # the preview wrote nothing
    screenshot(page, "field-return-preview-decided.png")
    page.get_by_role("button", name="Importer").click()

    expect(page.get_by_role("heading", name="Retour importé")).to_be_visible()
    screenshot(page, "field-return-done.png")
    person.refresh_from_db()
    assert person.phone == "+223 76 11 22 33"
    assert Attendance.objects.count() == attendance + 12
    assert FieldReturn.objects.get().imported_by == officer
    page.get_by_role("link", name="Retours de terrain").last.click()
    expect(page.locator("#returns tbody tr")).to_have_count(1)
    screenshot(page, "field-return-list.png")
    assert page_errors == []
