"""The named users and the logged-in clients other tests build on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpRequest
from django.test import Client

from kalan.core.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_named_users_are_distinct_people_with_names(
    administrator: User, programme_officer: User, trainer: User, outsider: User
) -> None:
    users = [administrator, programme_officer, trainer, outsider]

    assert len({u.pk for u in users}) == 4
    assert all(u.get_full_name() for u in users)
    assert all(u.check_password(PASSWORD) for u in users)
    assert administrator.is_superuser
    assert not any(u.is_superuser or u.is_staff for u in users[1:])


def test_client_for_returns_a_client_logged_in_as_that_user(
    client_for: Callable[[User], Client], trainer: User, outsider: User
) -> None:
    as_trainer, as_outsider = client_for(trainer), client_for(outsider)

    assert as_trainer.session["_auth_user_id"] == str(trainer.pk)
    assert as_outsider.session["_auth_user_id"] == str(outsider.pk)


def test_named_users_can_log_in_with_the_shared_password(client: Client, trainer: User) -> None:
    assert client.login(request=HttpRequest(), username="trainer", password=PASSWORD)
