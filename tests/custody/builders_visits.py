"""Places and visits for the custody tests."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kalan.core.models import User
from kalan.custody.models import DetentionPlace, Visit
from kalan.people.models import Unit
from tests.factories import UnitFactory, place


def a_place(**changes: Any) -> DetentionPlace:
    values: dict[str, Any] = {
        "name": "Brigade territoriale de Sévaré",
        "kind": DetentionPlace.Kind.BRIGADE,
        "locality": place("Sévaré"),
    }
    values.update(changes)
    return DetentionPlace.objects.create(**values)


def a_unit(kind: str = Unit.Kind.BRIGADE, town: str = "Sévaré", **changes: Any) -> Unit:
    return UnitFactory(kind=kind, place=place(town), **changes)


def a_visit(detention: DetentionPlace, *, team: Sequence[User] = (), **changes: Any) -> Visit:
    values: dict[str, Any] = {
        "place": detention,
        "kind": Visit.Kind.UNANNOUNCED,
        "status": Visit.Status.DONE,
        "visited_on": dt.date(2023, 2, 14),
    }
    values.update(changes)
    visit = Visit.objects.create(**values)
    visit.team.set(team)
    return visit


def jpeg(name: str = "cellule.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "grey").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
