"""A refused request (403) is one line in the log: status, path without query, account id."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import User

pytestmark = pytest.mark.django_db


def test_a_403_is_logged_in_one_line_with_no_traceback_and_no_query(
    client_for: Callable[[User], Client], trainer: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(trainer).get(reverse("person_list"), {"q": "KONE Moussa"})

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"403 /personnes/ user={trainer.pk}"
    assert record.exc_info is None
    assert "KONE" not in caplog.text
    assert "Traceback" not in caplog.text
    assert trainer.username not in caplog.text


def test_other_request_logs_are_left_as_django_writes_them(
    client_for: Callable[[User], Client], trainer: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client_for(trainer).get("/nulle-part/")

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /nulle-part/"
