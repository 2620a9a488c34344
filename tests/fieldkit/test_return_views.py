"""The page « Retours de terrain » (issue 16, « Back »): a laptop's bundle uploaded, previewed
without a change, decided where both sides changed a row, imported.

Each bundle is a real one: a laptop opened from a kit in its own data folder, worked on and
bundled through the ``kalan`` command (``tests.fieldkit.test_bundle._worked_laptop``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalan.core.datadir import IMPORTS_FOLDER
from kalan.core.models import User
from kalan.fieldkit.models import FieldKit, FieldReturn
from kalan.people.models import Person
from kalan.workshops.models import Enrollment, Session
from tests.factories import PersonFactory
from tests.fieldkit.test_bundle import _counts, _worked_laptop, registered  # noqa: F401
from tests.fieldkit.test_kit import sessions  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_data_folder(settings: Any, tmp_path: Path) -> None:
    """The bundles waiting for their import are counted in a folder of this test's own, not
    the run's data folder, where another test process may be keeping its own."""
    settings.DATA_DIR = tmp_path


LIST = reverse("field_return_list")


def _upload(client: Client, bundle: Path, name: str = "retour.kret") -> Any:
    return client.post(LIST, {"bundle": SimpleUploadedFile(name, bundle.read_bytes())})


def _waiting() -> list[Path]:
    """The bundles kept under the data folder until their import."""
    return sorted((Path(settings.DATA_DIR) / IMPORTS_FOLDER).glob("retour-*.kret"))


def _plain(html: str) -> str:
    """HTML as read: tags dropped, spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _text(response: Any) -> str:
    return _plain(response.content.decode())


def _stats(response: Any) -> dict[str, int]:
    """The counts of the preview or of the result: « 3 lignes créées » → {"lignes créées": 3}."""
    block = re.search(
        r'<ul class="stats" id="return-counts".*?</ul>', response.content.decode(), re.S
    )
    assert block, "no counts on the page"
    found = re.findall(
        r'<span class="num">(\d+)</span><span class="label">([^<]+)</span>', block.group(0)
    )
    return {label: int(number) for number, label in found}


def _radios(response: Any) -> dict[str, list[str]]:
    """The decisions the page asks: radio group name → its values."""
    groups: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="radio" name="(decision:[^"]+)" value="([^"]+)"', response.content.decode()
    ):
        groups.setdefault(name, []).append(value)
    return groups


def _checked(response: Any) -> str:
    found = re.search(r'name="checked" value="([0-9a-f]+)"', response.content.decode())
    assert found
    return found.group(1)


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> tuple[User, Client]:
    return programme_officer, client_for(programme_officer)


def test_the_preview_counts_what_the_bundle_brings_changes_nothing_and_the_import_applies_it(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,  # noqa: F811
    officer: tuple[User, Client],
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    user, client = officer
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    before = _counts()

    uploaded = _upload(client, bundle)
    assert uploaded.status_code == 302
    preview = client.get(uploaded["Location"])

    assert preview.status_code == 200 and _counts() == before  # a preview writes nothing
    stats = _stats(preview)
    # The walk-in is the registry's officer; the rest (enrollment, days, certificates…) is new.
    assert stats["personnes retrouvées au registre"] == 1
    assert stats["lignes créées"] > 0 and stats["lignes mises à jour"] >= 1
    assert stats["entrées du journal"] > 0
    assert not _radios(preview) and "Importer" in _text(preview)
    [kept] = _waiting()
    assert kept.read_bytes() == bundle.read_bytes()
    assert (
        "sevare" not in uploaded["Location"] and kept.stem[len("retour-") :] in uploaded["Location"]
    )

    done = client.post(uploaded["Location"], {"action": "import", "checked": _checked(preview)})

    assert done.status_code == 200 and "Retour importé" in _text(done)
    assert _stats(done) == stats  # what the preview said is what was done
    assert Enrollment.objects.get(session=sevare, code="0099").person == registered
    assert Person.objects.get(last_name="Diarra").phone == "+223 76 11 22 33"
    imported = FieldReturn.objects.get()
    assert (imported.kit, imported.imported_by) == (FieldKit.objects.get(), user)
    assert not _waiting()  # the upload is deleted once imported
    listing = client.get(LIST)
    assert imported.machine in _text(listing) and "1 retour importé" in _text(listing)

    after = _counts()
    again = client.get(_upload(client, bundle)["Location"], follow=True)
    assert "Ce retour est déjà importé : rien n’a changé." in _text(again)
    assert _counts() == after and not _waiting()


def test_a_row_changed_on_both_sides_shows_both_values_and_waits_for_a_decision(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,  # noqa: F811
    officer: tuple[User, Client],
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    _user, client = officer
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    diarra = Person.objects.get(last_name="Diarra")
    diarra.phone = "+223 66 00 00 00"  # headquarters corrected it too, otherwise
    diarra.save()
    before = _counts()
    address = _upload(client, bundle)["Location"]

    preview = client.get(address)

    text = _text(preview)
    row = re.search(r'<tr id="decision-1">.*?</tr>', preview.content.decode(), re.S)
    assert row, "no decision asked"
    cells = _plain(row.group(0))
    assert "DIARRA" in cells and "téléphone" in cells
    assert cells.index("+223 66 00 00 00") < cells.index("+223 76 11 22 33")  # siège | terrain
    assert "1 décision attend votre choix" in text
    [(group, values)] = _radios(preview).items()
    assert values == ["hq", "field"]
    assert re.search(r'value="import" class="btn primary" disabled', preview.content.decode())

    # Sent anyway, with no decision: nothing imported.
    refused = client.post(address, {"action": "import", "checked": _checked(preview)})
    assert refused.status_code == 200 and "1 décision attend votre choix" in _text(refused)
    assert _counts() == before

    checked = client.post(address, {"action": "check", group: "field"})
    assert checked.status_code == 200 and _counts() == before
    assert _stats(checked)["lignes mises à jour"] >= 1
    assert 'value="field" checked' in checked.content.decode()  # the choice stays shown
    # Another choice than the one previewed is previewed again, not imported.
    changed = client.post(address, {"action": "import", group: "hq", "checked": _checked(checked)})
    assert "Vos choix ont changé" in _text(changed) and _counts() == before

    done = client.post(address, {"action": "import", group: "field", "checked": _checked(checked)})

    assert "Retour importé" in _text(done)
    diarra.refresh_from_db()
    assert diarra.phone == "+223 76 11 22 33"  # the venue's number, as decided
    assert FieldReturn.objects.count() == 1 and not _waiting()


def test_a_tampered_bundle_is_refused_with_its_reason_and_nothing_is_kept(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,  # noqa: F811
    officer: tuple[User, Client],
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    _user, client = officer
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    data = bundle.read_bytes()
    altered = tmp_path / "altered.kret"
    altered.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    before = _counts()

    refused = client.get(_upload(client, altered)["Location"], follow=True)

    assert refused.redirect_chain[-1][0] == LIST
    assert "Retour altéré ou tronqué : il est refusé, rien n’a été importé." in _text(refused)
    assert _counts() == before and not _waiting()


def test_a_file_that_is_no_bundle_or_too_large_is_refused_at_the_upload(
    officer: tuple[User, Client], tmp_path: Path, settings: Any
) -> None:
    _user, client = officer
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a bundle")

    wrong = _upload(client, photo, name="photo.jpg")

    assert wrong.status_code == 400
    assert "« photo.jpg » n’est pas un retour de kit de terrain Kalan" in _text(wrong)
    settings.KALAN_FIELD_RETURN_MAX_BYTES = 1024 * 1024
    big = tmp_path / "gros.kret"
    big.write_bytes(b"KALANRET" + bytes(2 * 1024 * 1024))
    large = _upload(client, big)
    assert large.status_code == 400 and "dépasse la taille permise (1 Mo)" in _text(large)
    assert not _waiting()


def test_only_those_who_issue_kits_take_returns_back_and_only_their_own_upload(
    trainer: User,
    administrator: User,
    officer: tuple[User, Client],
    client_for: Callable[[User], Client],
    tmp_path: Path,
) -> None:
    _user, client = officer
    fake = tmp_path / "retour.kret"
    fake.write_bytes(b"KALANRET" + bytes(64))
    address = _upload(client, fake)["Location"]

    assert client_for(trainer).get(LIST).status_code == 403
    assert client_for(trainer).post(LIST, {}).status_code == 403
    assert client_for(trainer).get(address).status_code == 403
    # Another officer's upload is nothing to an administrator's browser.
    assert client_for(administrator).get(address).status_code == 404
    assert client_for(administrator).post(address, {"action": "abandon"}).status_code == 404
    assert _waiting()

    abandoned = client.post(address, {"action": "abandon"}, follow=True)
    assert "Retour abandonné : rien n’a été importé." in _text(abandoned) and not _waiting()


def test_the_list_of_returns_costs_the_same_queries_whatever_its_length(
    officer: tuple[User, Client],
) -> None:
    user, client = officer
    kit = FieldKit.objects.create(label="Sévaré 2022", bundle_key="00" * 32)

    def queries(returns: int) -> int:
        for n in range(FieldReturn.objects.count(), returns):
            FieldReturn.objects.create(
                kit=kit,
                machine=f"PORTABLE-{n}",
                imported_by=user,
                counts={"new": n, "change": 1, "delete": 0},
            )
        with CaptureQueriesContext(connection) as captured:
            page = client.get(LIST)
        assert f"PORTABLE-{returns - 1}" in _text(page)
        return len(captured)

    client.get(LIST)  # the first page of a login pays for the session's own queries
    assert queries(1) == queries(12)
    assert "12 retours importés" in _text(client.get(LIST))


def test_a_walk_in_whose_number_another_holds_is_decided_among_the_candidates(
    sessions: tuple[Session, Session],  # noqa: F811
    officer: tuple[User, Client],
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    _user, client = officer
    corps = sevare.enrollments.first().person.corps  # type: ignore[union-attr]
    other = PersonFactory(
        last_name="Sangaré", first_names="Adama", service_number="G-4471", corps=corps
    )
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    address = _upload(client, bundle)["Location"]

    preview = client.get(address)

    row = re.search(r'<tr id="decision-1">.*?</tr>', preview.content.decode(), re.S)
    assert row, "no decision asked"
    cells = _plain(row.group(0))
    assert "COULIBALY Moussa" in cells and "G-4471" in cells  # the walk-in, as the venue wrote
    assert "c’est SANGARÉ Adama — G-4471" in cells  # the registry’s holder of the number
    [(group, values)] = _radios(preview).items()
    assert values == ["new", str(other.uid)]

    checked = client.post(address, {"action": "check", group: "new"})
    done = client.post(address, {"action": "import", group: "new", "checked": _checked(checked)})

    assert "Retour importé" in _text(done)
    walk_in = Enrollment.objects.get(session=sevare, code="0099").person
    assert walk_in != other and walk_in.last_name == "Coulibaly"
