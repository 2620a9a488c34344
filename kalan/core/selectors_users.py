"""Reads for the user management pages and "my account"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise

from kalan.core.models import User
from kalan.core.roles import CAPABILITIES, GRANTS, Role, capabilities_of


@dataclass(frozen=True)
class RoleDescription:
    value: str
    label: str | Promise
    may: list[str | Promise]


def user_list(*, role: str = "") -> QuerySet[User]:
    """Every account (active first), with its partner, in one query whatever their number; only
    those of ``role`` when one is given. A trainer's sessions are listed on the sessions' pages:
    core does not reach into workshops."""
    users = User.objects.select_related("partner").order_by(
        "-is_active", "last_name", "first_name", "username"
    )
    if role:
        users = users.filter(role=role)
    return users


def user_get_or_404(*, pk: int) -> User:
    return get_object_or_404(User.objects.select_related("partner"), pk=pk)


def _described(granted: frozenset[str]) -> list[str | Promise]:
    """Capabilities in words, in the order of ``CAPABILITIES``."""
    return [description for name, description in CAPABILITIES.items() if name in granted]


def role_capabilities(role: str) -> list[str | Promise]:
    """What a role may do, in words."""
    return _described(GRANTS.get(role, frozenset()))


def account_capabilities(*, user: User) -> list[str | Promise]:
    """What this account may do now, in words (a superuser without a role counts as an
    administrator, an inactive account may do nothing), as ``RoleBackend`` answers."""
    return _described(capabilities_of(user))


def roles_described() -> list[RoleDescription]:
    return [
        RoleDescription(value=value, label=label, may=role_capabilities(value))
        for value, label in Role.choices
    ]
