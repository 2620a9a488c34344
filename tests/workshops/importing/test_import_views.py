"""Importing from the web: upload, preview, correct the mapping, decide, commit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.people.models import Person
from kalan.workshops.importing.service import imports_dir
from kalan.workshops.models import ImportBatch, Session
from tests.factories import PersonFactory, corps, rank
from tests.workshops.importing.files import xlsx_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_data_folder(settings: Any, tmp_path: Path) -> None:
    """Uploaded lists are kept in a folder of this test's own, not the run's data folder, where
    another test process may be keeping its own at the same moment."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


def _upload(client: Client, session: Session, path: Path) -> object:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("import_upload", kwargs={"uid": session.uid}), {"file": upload})


def test_a_list_with_an_unknown_header_is_fixed_on_the_preview_then_committed(
    officer: Client,
    sevare_session: Session,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # "Agent" is no header Kalan knows: the names column is left unmapped.
    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [
            ["Agent", "Prénoms", "Grade", "Sexe", "Matricule"],
            ["TRAORE", "Moussa", "Adjudant", "M", "G-1"],
            ["DIARRA", "Awa", "Adjudant", "F", "G-2"],
        ],
    )
    response = _upload(officer, sevare_session, path)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_preview", kwargs={"uid": batch.uid})  # type: ignore[index]
    preview = officer.get(reverse("import_preview", kwargs={"uid": batch.uid}))
    assert "Aucune colonne n’est reconnue comme le nom" in preview.content.decode()
    assert 'disabled aria-disabled="true"' in preview.content.decode()

    choices = {"col_0": "last_name", "col_1": "first_names", "col_2": "rank", "col_3": "sex"}
    choices |= {"col_4": "service_number", "corps": str(corps("Gendarmerie").pk)}
    officer.post(
        reverse("import_preview", kwargs={"uid": batch.uid}), {**choices, "action": "refresh"}
    )
    fixed = officer.get(reverse("import_preview", kwargs={"uid": batch.uid}))
    assert fixed.context["counts"]["errors"] == 0
    assert fixed.context["counts"]["created"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        done = officer.post(
            reverse("import_preview", kwargs={"uid": batch.uid}), {**choices, "action": "commit"}
        )
    assert done["Location"] == reverse("session_detail", kwargs={"uid": sevare_session.uid})
    assert set(sevare_session.enrollments.values_list("person__last_name", flat=True)) == {
        "TRAORE",
        "DIARRA",
    }
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.counts["enrolled"] == 2
    assert not (imports_dir() / batch.stored_name).exists()  # the list is not kept once imported


def test_a_commit_with_errors_saves_nothing_and_comes_back_to_the_preview(
    officer: Client, sevare_session: Session, tmp_path: Path
) -> None:
    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [["Nom", "Prénoms", "Sexe", "Téléphone"], ["TRAORE", "Moussa", "M", "12"]],
    )
    _upload(officer, sevare_session, path)
    batch = ImportBatch.objects.get()
    response = officer.post(
        reverse("import_preview", kwargs={"uid": batch.uid}), {"action": "commit"}, follow=True
    )
    assert "Rien n’a été importé" in response.content.decode()
    assert not Person.objects.exists()


def test_a_file_that_is_no_spreadsheet_is_refused_at_the_field(
    officer: Client, sevare_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "liste.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    kept_before = set(imports_dir().iterdir())
    response = _upload(officer, sevare_session, path)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.context["form"].errors["file"]  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()
    assert set(imports_dir().iterdir()) == kept_before  # the refused upload is not kept


def test_the_preview_shows_the_capacity_apart_from_the_errors_and_labels_a_repeat_once(
    officer: Client, sevare_session: Session, tmp_path: Path
) -> None:
    sevare_session.capacity = 1
    sevare_session.save()
    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [
            ["Nom", "Prénoms", "Grade", "Sexe", "Matricule"],
            ["TRAORE", "Moussa", "Adjudant", "M", "G-1"],
            ["DIARRA", "Awa", "Adjudant", "F", "G-2"],
            ["TRAORÉ", "Moussa", "Adjudant", "M", "G-1"],
        ],
    )
    _upload(officer, sevare_session, path)
    batch = ImportBatch.objects.get()
    officer.post(
        reverse("import_preview", kwargs={"uid": batch.uid}),
        {"corps": str(corps("Gendarmerie").pk), "action": "refresh"},
    )

    preview = officer.get(reverse("import_preview", kwargs={"uid": batch.uid}))
    page = preview.content.decode()

    assert preview.context["counts"]["errors"] == 0
    assert 'id="error-count">0<' in page
    assert 'class="form-errors"' not in page
    warning = page.split('id="capacity-warning"', 1)[1].split("</p>", 1)[0]
    assert "2 participants pour 1 places" in warning
    assert 'disabled aria-disabled="true"' in page  # still to confirm before importing
    repeat_row = next(row for row in page.split("<tr>") if '<td class="num">4</td>' in row)
    assert repeat_row.count("même personne que la ligne 2") == 1
    assert "nouvelle personne" not in repeat_row


def test_the_new_person_form_offers_two_sexes_and_no_dashed_choice(
    officer: Client, sevare_session: Session
) -> None:
    page = officer.get(reverse("session_detail", kwargs={"uid": sevare_session.uid}))

    html = page.content.decode()
    assert html.count('name="sex"') == 2
    assert 'name="sex" value=""' not in html
    assert list(page.context["new_form"].fields["sex"].choices) == [("F", "femme"), ("M", "homme")]


def test_the_preview_shows_a_known_person_s_new_rank_and_applies_it_when_ticked(
    officer: Client,
    sevare_session: Session,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    holder = PersonFactory(
        last_name="Traoré",
        first_names="Moussa",
        corps=corps("Gendarmerie"),
        service_number="G-77",
        rank=rank("Gendarmerie", "Maréchal des logis"),
    )
    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [
            ["Nom", "Prénoms", "Grade", "Sexe", "Matricule"],
            ["TRAORE", "Moussa", "Adjudant", "M", "G-77"],
        ],
    )
    _upload(officer, sevare_session, path)
    batch = ImportBatch.objects.get()
    url = reverse("import_preview", kwargs={"uid": batch.uid})
    choices = {"corps": str(corps("Gendarmerie").pk)}
    officer.post(url, {**choices, "action": "refresh"})

    page = officer.get(url).content.decode()
    assert "Grade : Maréchal des logis → Adjudant" in page
    assert 'name="apply_changes"' in page

    with django_capture_on_commit_callbacks(execute=True):
        officer.post(url, {**choices, "apply_changes": "on", "action": "commit"})
    holder.refresh_from_db()
    assert holder.rank == rank("Gendarmerie", "Adjudant")
    assert sevare_session.enrollments.get().person == holder
