"""Read exported files back, and make users holding given permissions, for the export tests."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from kalan.core.models import User
from kalan.core.roles import GRANTS
from tests.factories import UserFactory

# The columns every person export starts with, in French (the default language).
PERSON_HEADERS = [
    "N°",
    "Nom",
    "Prénoms",
    "Sexe",
    "Corps",
    "Grade",
    "Matricule",
    "Unité",
    "Localité",
    "Région",
]


def user_with(*capabilities: str, username: str = "exporter") -> User:
    """A user whose role grants exactly these ``kalan.*`` capabilities, fresh from the database.

    Real roles bundle capabilities (every role that exports also sees contacts); the code under
    test checks each capability on its own, so these tests give it combinations no role has yet,
    through a test-only role registered in ``GRANTS`` under a short made-up name.
    """
    key = "t-" + hashlib.sha256(" ".join(sorted(capabilities)).encode()).hexdigest()[:8]
    GRANTS[key] = frozenset(capabilities)
    user = UserFactory(username=username, role=key)
    return User.objects.get(pk=user.pk)


def body(response: HttpResponseBase) -> bytes:
    """Consume the whole stream, as a browser would (the test client then closes the response)."""
    assert isinstance(response, StreamingHttpResponse)  # FileResponse is one too
    assert response.streaming is True
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def csv_rows(data: bytes) -> list[list[str]]:
    """The CSV as Excel in French reads it: UTF-8 with its byte-order mark, ``;`` between fields."""
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_cells(data: bytes) -> list[list[Cell]]:
    """The cells of the workbook's only sheet, row by row, as openpyxl reads them back."""
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return [list(row) for row in workbook.worksheets[0].iter_rows()]


def xlsx_values(data: bytes) -> list[list[object]]:
    return [[cell.value for cell in row] for row in xlsx_cells(data)]


def xlsx_has_formulas(data: bytes) -> bool:
    """Whether any sheet of the file holds a formula element, whatever openpyxl makes of it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            b"<f>" in archive.read(name) or b"<f " in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
