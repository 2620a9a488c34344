"""What a click on a cell of the session page's roster posts, for tests that click."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from kalan.workshops.models import Enrollment
from kalan.workshops.selectors import roster_columns, roster_columns_version


def attendance_click(
    enrollment: Enrollment, day: dt.date | str, half: str = "day"
) -> tuple[str, dict[str, str]]:
    """The address and the body of a click on the cell of ``enrollment`` for ``day`` (and
    ``half``), as the roster's form sends them."""
    session = enrollment.session
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    column = roster_columns(session=session).index((day, half))
    return reverse("attendance_toggle", kwargs={"uid": session.uid}), {
        "m": f"{enrollment.pk}-{column}",
        "columns": roster_columns_version(session=session),
    }
