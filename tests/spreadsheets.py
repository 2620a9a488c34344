"""Read exported files back, and make users holding given permissions, for the export tests."""

from __future__ import annotations

import csv
import io
import zipfile

from django.contrib.auth.models import Permission
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from kalan.core.models import User
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


def user_with(*codenames: str, username: str = "exporter") -> User:
    """A user holding these ``people`` permissions, fresh from the database (perms are cached)."""
    user = UserFactory(username=username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="people", codename__in=codenames)
    )
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
