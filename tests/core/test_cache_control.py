"""No page of Kalan may stay in a browser cache or a proxy: ``Cache-Control: private, no-store``
on every response its views make, logged in or not (the participant pages name the participant).
Static files are the exception: they name no one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from kalan.core.models import User
from kalan.workshops.models import Session
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def directives(response: object) -> set[str]:
    header = response.headers.get("Cache-Control", "")  # type: ignore[attr-defined]
    return {part.strip() for part in header.split(",") if part.strip()}


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("person_list", {}),
        ("person_detail", "person"),
        ("person_export", {"fmt": "xlsx"}),
        ("person_export", {"fmt": "csv"}),
        ("session_detail", "session"),
        ("session_export", "session_xlsx"),
        ("duplicate_list", {}),
    ],
)
def test_every_page_and_export_for_a_logged_in_user_is_private_and_never_stored(
    client_for: Callable[[User], Client], programme_officer: User, sevare_session: Session,
    name: str, kwargs: object,
) -> None:  # fmt: skip
    enrollment = EnrollmentFactory(session=sevare_session)
    named = {
        "person": {"uid": enrollment.person.uid},
        "session": {"uid": sevare_session.uid},
        "session_xlsx": {"uid": sevare_session.uid, "fmt": "xlsx"},
    }
    arguments = named[kwargs] if isinstance(kwargs, str) else kwargs

    response = client_for(programme_officer).get(reverse(name, kwargs=arguments))
    if response.streaming:  # an export: read it to the end, and close its file
        b"".join(response.streaming_content)
    response.close()

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize("name", ["take_join", "login"])
def test_pages_without_a_login_are_never_stored_either(name: str) -> None:
    response = Client().get(reverse(name))

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_refused_or_missing_page_is_never_stored(
    client_for: Callable[[User], Client], trainer: User
) -> None:
    client = client_for(trainer)
    for response in (client.get(reverse("person_list")), client.get("/nulle-part/")):
        assert response.status_code in (403, 404)
        assert {"private", "no-store"} <= directives(response)


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/kalan/kalan.css")
    response.close()  # WhiteNoise streams the file: close it

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert get_max_age(response) is None or get_max_age(response) > 0
