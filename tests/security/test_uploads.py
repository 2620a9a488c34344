"""Uploads are judged by their content, not their name, within size limits, and never choose
where they land; downloads take no path from the address.

Uploaded participant lists go to ``<data folder>/imports/<random>.upload`` and the logo to
``<media>/organisation/logo.<png|jpg>``: the name the sender gave is shown, never used as a path.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter
from PIL import Image
from pytest_django import Settings

from kalan.core.models import Organisation, User
from kalan.core.services import LOGO_MAX_BYTES
from kalan.workshops.importing.service import import_batch_create
from kalan.workshops.models import ImportBatch, Session
from tests.security.routes import RegexGroup, Route, routes
from tests.security.support import Programme, fetched
from tests.workshops.importing.files import HEADER, PEOPLE

ClientFor = Callable[[User], Client]

SCRIPT = "<script>alert(1)</script>"


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def a_list() -> bytes:
    lines = [";".join(HEADER)] + [";".join(str(cell) for cell in row) for row in PEOPLE]
    return ("\n".join(lines) + "\n").encode()


def png(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "darkgreen").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "darkgreen").save(buffer, "JPEG")
    return buffer.getvalue()


def multipart(field: str, filename: str, content: bytes, **fields: str) -> dict[str, object]:
    """A multipart body naming the file exactly as given: the test client would keep only the
    base name, and an attacker's browser sends what it likes."""
    boundary = "kalan-attack-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def officer(programme_officer: User, client_for: ClientFor) -> Client:
    return client_for(programme_officer)


def upload_list(client: Client, session: Session, name: str, content: bytes) -> str:
    """Upload a participant list; the page's text (a refusal shows the form again)."""
    response = client.post(
        reverse("import_upload", kwargs={"uid": session.uid}),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200, "a refused list comes back to the form"
    return response.content.decode()


def imports_folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


# --- Participant lists: content, not name -----------------------------------------------------


def test_a_png_renamed_xlsx_is_refused_by_its_content_naming_the_file(
    officer: Client, sevare_session: Session
) -> None:
    page = upload_list(officer, sevare_session, "liste-des-opj.xlsx", png())

    assert "Le fichier « liste-des-opj.xlsx » est une image PNG, pas une liste" in page
    assert not ImportBatch.objects.exists()
    assert files_under(Path(settings.DATA_DIR)) == set()


def test_a_web_page_renamed_csv_is_refused_and_its_script_not_run(
    officer: Client, sevare_session: Session
) -> None:
    page_sent = f"<html><body>{SCRIPT}<table><tr><td>NOM</td></tr></table></body></html>"

    page = upload_list(officer, sevare_session, "liste.csv", page_sent.encode())

    assert "Le fichier « liste.csv » est une page web ou un fichier XML, pas une liste" in page
    assert SCRIPT not in page
    assert not ImportBatch.objects.exists()
    assert files_under(Path(settings.DATA_DIR)) == set()


def test_a_file_name_holding_markup_is_shown_as_text(
    officer: Client, sevare_session: Session
) -> None:
    page = upload_list(officer, sevare_session, '"><img src=x onerror=alert(1)>.xlsx', png())

    assert "<img src=x onerror=alert(1)>" not in page
    assert "« &quot;&gt;&lt;img src=x onerror=alert(1)&gt;.xlsx »" in page


def zip_bomb_xlsx(megabytes: int = 4) -> bytes:
    """An xlsx whose sheet is megabytes of one repeated row: it deflates over 1,000 times."""
    row = "<row><c t='inlineStr'><is><t>TRAORE</t></is></c></row>"
    sheet = (
        "<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        f"<sheetData>{row * (megabytes * 1024 * 1024 // len(row))}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def test_a_zip_bomb_xlsx_is_refused_before_it_inflates(
    officer: Client, sevare_session: Session
) -> None:
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 64 * 1024  # a few MB of cells, a few KB on the wire

    page = upload_list(officer, sevare_session, "liste.xlsx", bomb)

    assert "Le fichier « liste.xlsx » est refusé par sécurité" in page
    assert not ImportBatch.objects.exists()
    assert files_under(Path(settings.DATA_DIR)) == set()


def test_an_empty_file_is_refused_in_french(officer: Client, sevare_session: Session) -> None:
    page = upload_list(officer, sevare_session, "liste-vide.csv", b"")

    # Django's own check, before Kalan's reader: it does not repeat the name (the field shows it).
    assert "Le fichier soumis est vide." in page
    assert not ImportBatch.objects.exists()
    assert files_under(Path(settings.DATA_DIR)) == set()


def test_a_list_of_blank_lines_is_refused_naming_the_file(
    officer: Client, sevare_session: Session
) -> None:
    page = upload_list(officer, sevare_session, "liste-vide.csv", b"\n \n;;\n")

    assert "liste-vide.csv" in page
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused_naming_it_and_nothing_is_kept(
    officer: Client, sevare_session: Session, settings: Settings
) -> None:
    # The limit is KALAN_IMPORT_MAX_BYTES (20 MB by default); a small one keeps the test fast.
    assert settings.KALAN_IMPORT_MAX_BYTES == 20 * 1024 * 1024
    settings.KALAN_IMPORT_MAX_BYTES = 1024 * 1024
    content = a_list() + b"TRAORE;Moussa;Adjudant;1;Brigade;70000000;M\n" * 30_000
    assert len(content) > settings.KALAN_IMPORT_MAX_BYTES

    page = upload_list(officer, sevare_session, "grande-liste.csv", content)

    assert "« grande-liste.csv » dépasse la taille permise (1 Mo)" in page
    assert not ImportBatch.objects.exists()
    assert files_under(Path(settings.DATA_DIR)) == set()


def test_a_good_list_is_kept_under_a_name_of_kalan_s(
    officer: Client, sevare_session: Session
) -> None:
    officer.post(
        reverse("import_upload", kwargs={"uid": sevare_session.uid}),
        {"file": SimpleUploadedFile("liste.csv", a_list())},
    )

    batch = ImportBatch.objects.get()
    assert files_under(Path(settings.DATA_DIR)) == {imports_folder() / batch.stored_name}


# --- Names that are paths ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.csv", "..\\..\\x.csv", "/tmp/evil.csv", "liste.csv/../../x"],  # noqa: S108
)
def test_an_uploaded_file_name_is_never_used_as_a_path(
    officer: Client, sevare_session: Session, tmp_path: Path, filename: str
) -> None:
    before = files_under(tmp_path)

    response = officer.post(
        reverse("import_upload", kwargs={"uid": sevare_session.uid}),
        **multipart("file", filename, a_list()),  # type: ignore[arg-type]
    )

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert files_under(tmp_path) - before == {imports_folder() / batch.stored_name}
    assert "/" not in batch.filename
    assert not Path("/tmp/evil.csv").exists()  # noqa: S108


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.csv", "..\\..\\x.csv", "/tmp/evil.csv"],  # noqa: S108
)
def test_the_import_service_keeps_a_file_under_its_own_name_whatever_it_is_told(
    sevare_session: Session, tmp_path: Path, filename: str
) -> None:
    # Django's upload parser already drops the folders: the service must not rely on it.
    before = files_under(tmp_path)

    batch = import_batch_create(
        session=sevare_session, filename=filename, content=io.BytesIO(a_list()), by=None
    )

    assert files_under(tmp_path) - before == {imports_folder() / batch.stored_name}
    assert batch.stored_name.endswith(".upload")
    assert "/" not in batch.filename


# --- The logo ---------------------------------------------------------------------------------


def management(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
PHP = b"<?php system($_GET['c']); ?>"


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("logo.png", PHP),
        ("logo.php", PHP),
        ("logo.png", b""),
        ("logo.png", png() + b"\0" * LOGO_MAX_BYTES),  # a real PNG padded past 2 MB
        ("logo.png", png()[:-40]),  # a PNG cut short: its last pixels and end are missing
        ("logo.jpg", jpeg()[: len(jpeg()) // 2]),  # a JPEG cut in half: verify() let it through
        ("logo.jpg", jpeg()[:200]),  # a JPEG cut inside its header
    ],
)
def test_a_logo_that_is_no_png_or_jpeg_image_is_refused_and_nothing_saved(
    administrator: User,
    client_for: ClientFor,
    organisation: Organisation,
    filename: str,
    content: bytes,
) -> None:
    response = client_for(administrator).post(
        reverse("organisation_settings"),
        {
            "name": "Autre nom",
            "logo": SimpleUploadedFile(filename, content, content_type="image/png"),
            **management("signatories"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "Le logo doit être une image PNG ou JPEG de 2 Mo au plus." in page
        or "Le fichier soumis est vide." in page
    )
    assert "<script>alert(1)" not in page
    organisation.refresh_from_db()
    assert organisation.name == "Commission nationale des droits de l’homme"
    assert not organisation.logo
    assert files_under(Path(settings.MEDIA_ROOT)) == set()


def test_a_logo_named_like_a_path_lands_in_the_organisation_folder(
    administrator: User, client_for: ClientFor, organisation: Organisation, tmp_path: Path
) -> None:
    before = files_under(tmp_path)

    response = client_for(administrator).post(
        reverse("organisation_settings"),
        **multipart(  # type: ignore[arg-type]
            "logo", "../../../../tmp/evil.php.png", png(), name="CNDH", **management("signatories")
        ),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert files_under(tmp_path) - before == {Path(settings.MEDIA_ROOT) / organisation.logo.name}
    assert organisation.logo.name == "organisation/logo.png"
    assert not Path("/tmp/evil.php.png").exists()  # noqa: S108


# --- Downloads take no path from the address --------------------------------------------------

# Parameters that are neither an id nor a fixed choice (xlsx|csv), each read as a value, not a
# path: a date (date.fromisoformat), a short code (letters and digits kept), a chart's slug, a
# photo's variant, a language, a format (each looked up in a table of known ones). The walk finds
# those added later: each gets the traversals below.
KNOWN_FREE_TEXT = {
    ("sign_in_sheet_day", "day"),
    ("certificate_verify", "code"),
    ("dashboard_download", "chart"),
}
TRAVERSALS = [
    "..",
    "%2e%2e",
    "..%2F..%2Fsettings.py",
    "..%5C..%5Csettings.py",
    "..\\..\\settings.py",
    "....%2F%2Fsecret_key",
    "secret_key",
]


def free_text_parameters() -> list[tuple[Route, str]]:
    return [
        (route, name)
        for route in routes()
        for name, converter in route.converters.items()
        if not isinstance(converter, (UUIDConverter, IntConverter))
        and not (isinstance(converter, RegexGroup) and re.fullmatch(r"[\w|]+", converter.regex))
        and type(converter).__name__ != "ExportFormatConverter"
    ]


def test_no_address_takes_a_path() -> None:
    kinds = {type(c).__name__ for route in routes() for c in route.converters.values()}
    found = {(route.name, name) for route, name in free_text_parameters()}

    assert "PathConverter" not in kinds
    assert found >= KNOWN_FREE_TEXT


def test_a_traversal_in_any_free_text_parameter_finds_nothing(
    programme: Programme, administrator: User, client_for: ClientFor
) -> None:
    secret_key = Path(settings.DATA_DIR) / "secret_key"
    secret_key.write_text(settings.SECRET_KEY)
    source = (Path(settings.BASE_DIR) / "settings.py").read_bytes()[:120]
    client = client_for(administrator)
    client.raise_request_exception = False
    walked, faults = 0, []
    for route, name in free_text_parameters():
        for traversal in TRAVERSALS:
            url = route.url({**programme.kwargs(route), name: traversal})
            response = fetched(client.get(url))
            walked += 1
            body = b"" if response.streaming else response.content
            if response.status_code not in (400, 404) or source in body:
                faults.append(f"{url} ({response.status_code})")
            assert settings.SECRET_KEY.encode() not in body, url

    assert faults == []
    assert walked >= len(KNOWN_FREE_TEXT) * len(TRAVERSALS)


@pytest.mark.parametrize(
    "url",
    [
        "/media/../settings.py",
        "/media/organisation/..%2F..%2Fsecret_key",
        "/static/..%2F..%2Fsettings.py",
        "/static/%2e%2e/%2e%2e/settings.py",
        "/static/../../secret_key",
    ],
)
def test_media_and_static_files_give_nothing_outside_their_folder(
    administrator: User, client_for: ClientFor, url: str
) -> None:
    secret_key = Path(settings.DATA_DIR) / "secret_key"
    secret_key.write_text(settings.SECRET_KEY)

    response = fetched(client_for(administrator).get(url))

    assert response.status_code == 404
    assert settings.SECRET_KEY.encode() not in (b"" if response.streaming else response.content)
