"""A venue laptop may run Windows (issue 16): the names Kalan gives files are ones Windows can
save, the data folder is made without Unix-only calls, a data folder's path of any spelling
reaches the database, and the documents find DejaVu Sans without Debian's package.

CI runs Linux only: these tests take away what Windows lacks (``os.getuid``, Debian's fonts)
or check the names against what Windows refuses."""

from __future__ import annotations

import ast
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

import kalan
from kalan.core.backup import default_backup_path
from kalan.core.datadir import KEY_FILE, prepare_data_dir
from kalan.core.filenames import WINDOWS_FORBIDDEN, is_portable_filename, portable_filename
from kalan.core.http import attachment
from kalan.core.render import layout
from kalan.core.render.spreadsheets import export_filename
from kalan.reports.activity import activity_filename
from kalan.reports.donor import donor_filename
from tests.core.test_settings import read_settings

PDF = "application/pdf"


def names_in(disposition: str) -> list[str]:
    """The file names a Content-Disposition header gives: the plain one and the UTF-8 one."""
    names = []
    for part in disposition.split("; ")[1:]:
        key, _sep, value = part.partition("=")
        if key == "filename":
            names.append(value.strip('"'))
        elif key == "filename*":
            names.append(unquote(value.removeprefix("UTF-8''")))
    return names


# --- portable_filename -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "portable"),
    [
        ("EP-2026-0001.pdf", "EP-2026-0001.pdf"),
        ("Présences Sévaré.pdf", "Présences Sévaré.pdf"),  # accents are kept
        ("Rapport 2026/1 : Sévaré.pdf", "Rapport 2026_1 _ Sévaré.pdf"),
        ('a<b>c:d"e/f\\g|h?i*j.csv', "a_b_c_d_e_f_g_h_i_j.csv"),
        ("tab\there\r\n.txt", "tab_here__.txt"),
        ("liste. ", "liste"),  # Windows drops trailing dots and spaces
        ("NUL.pdf", "_NUL.pdf"),  # device names, whatever the extension
        ("com1", "_com1"),
        ("console.pdf", "console.pdf"),  # only the exact device names
        ("", "_"),
        ("...", "_"),
    ],
)
def test_portable_filename_replaces_what_windows_refuses(name: str, portable: str) -> None:
    assert portable_filename(name) == portable
    assert is_portable_filename(portable)


def test_is_portable_filename_refuses_every_character_windows_forbids() -> None:
    for char in WINDOWS_FORBIDDEN:
        assert not is_portable_filename(f"a{char}b.pdf"), char
    assert not is_portable_filename("")


# --- the names Kalan gives its files -----------------------------------------------------------


def test_every_download_is_offered_under_a_name_windows_can_save() -> None:
    for char in WINDOWS_FORBIDDEN:
        for name in (f"Rapport {char} Sévaré.pdf", f"rapport{char}2026.pdf"):
            response = attachment(b"%PDF-1.4", filename=name, content_type=PDF)

            offered = names_in(response["Content-Disposition"])
            assert offered, response["Content-Disposition"]
            for saved in offered:
                assert is_portable_filename(saved), (name, saved)


def test_the_default_backup_name_has_no_colon(tmp_path: Path) -> None:
    path = default_backup_path(tmp_path)

    assert is_portable_filename(path.name), path.name
    assert path.parent == tmp_path / "backups"


def test_the_names_of_exports_and_reports_are_portable() -> None:
    workshop = SimpleNamespace(pk=12)
    partner = SimpleNamespace(pk=3)
    start, end = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    names = [
        export_filename(subject="personnes", fmt="xlsx"),
        export_filename(subject="tableau-de-bord-formes", fmt="csv", dated=False),
        activity_filename(workshop=workshop, language="fr", fmt="pdf"),
        donor_filename(partner=partner, start=start, end=end, language="en", fmt="docx"),
    ]
    for name in names:
        assert is_portable_filename(name), name


# --- the data folder without Unix-only calls ---------------------------------------------------


def test_the_data_folder_is_made_where_os_has_no_getuid(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KALAN_SECRET_KEY", raising=False)
    monkeypatch.delattr(os, "getuid")  # as on Windows

    folder = prepare_data_dir(tmp_path / "Kalan" / "données")

    assert (folder / KEY_FILE).read_text()
    assert (folder / "static").is_dir()


@pytest.mark.parametrize("folder", ["Équipe #2", "dossier ?", "100% Ségou"])
def test_the_sqlite_database_is_in_the_data_folder_whatever_its_name(
    tmp_path: Path, folder: str
) -> None:
    data_dir = tmp_path / folder

    values = read_settings(data_dir)

    assert values["name"] == str(data_dir / "kalan.sqlite3")


def test_documents_use_matplotlibs_dejavu_where_the_system_has_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(layout, "DEJAVU", tmp_path / "no-fonts-here")

    folder = layout.dejavu_folder()

    assert folder is not None
    assert "matplotlib" in folder.parts
    # ReportLab reads them: a page written with matplotlib's DejaVu reads back, narrow space kept.
    pdfmetrics.registerFont(TTFont("KalanTestDejaVu", str(folder / "DejaVuSans-Bold.ttf")))
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("KalanTestDejaVu", 12)
    canvas.drawString(72, 720, "Sévaré, 1\u202f250\u00a0F\u202fCFA")
    canvas.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    text = page.extract_text()  # pypdf reads U+00A0 back as a space
    assert "Sévaré, 1\u202f250" in text and "F\u202fCFA" in text
    fonts = page["/Resources"]["/Font"].get_object().values()
    assert any("DejaVuSans-Bold" in str(font.get_object()["/BaseFont"]) for font in fonts)


# --- no Unix-only call in the code a laptop runs -----------------------------------------------

KALAN = Path(kalan.__file__).resolve().parent
# gunicorn runs headquarters on Linux only (README, "Serveur du siège"); a laptop uses waitress.
LINUX_ONLY = {KALAN / "gunicorn_conf.py"}
UNIX_MODULES = {"fcntl", "grp", "posix", "pwd", "resource", "termios"}
UNIX_OS_CALLS = {
    "chown", "fork", "forkpty", "getgid", "getpgid", "geteuid", "getuid", "killpg", "lchown",
    "mkfifo", "setsid", "setuid", "WNOHANG",
}  # fmt: skip
UNIX_SIGNALS = {"SIGALRM", "SIGCHLD", "SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2"}


def _sources() -> Iterator[Path]:
    for path in sorted(KALAN.rglob("*.py")):
        if "migrations" not in path.parts and path not in LINUX_ONLY:
            yield path


def _unix_only(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UNIX_MODULES:
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNIX_MODULES:
            yield node.lineno, f"from {node.module} import"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr in UNIX_OS_CALLS:
                yield node.lineno, f"os.{node.attr}"
            if node.value.id == "signal" and node.attr in UNIX_SIGNALS:
                yield node.lineno, f"signal.{node.attr}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            path = node.value
            if path == "/tmp" or path.startswith(("/tmp/", "/dev/")):  # noqa: S108
                yield node.lineno, repr(path)


def test_no_unix_only_call_in_the_code_a_laptop_runs() -> None:
    found = [
        f"{path.relative_to(KALAN.parent)}:{line}: {what}"
        for path in _sources()
        for line, what in _unix_only(ast.parse(path.read_text(encoding="utf-8")))
    ]

    assert found == []


def test_the_scan_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        "import fcntl\nfrom pwd import getpwnam\nos.getuid()\nos.kill(1, signal.SIGKILL)\n"
        "open('/tmp/x')\n"
    )

    assert [what for _line, what in sorted(_unix_only(tree))] == [
        "import fcntl",
        "from pwd import",
        "os.getuid",
        "signal.SIGKILL",
        "'/tmp/x'",
    ]
