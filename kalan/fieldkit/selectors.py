"""Reads of the field kits issued at headquarters (the page « Kits de terrain »)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from kalan.core.models import NumberBlock, User
from kalan.fieldkit.models import FieldKit
from kalan.workshops.models import Session
from kalan.workshops.selectors import sessions_visible

if TYPE_CHECKING:
    from kalan.core.roles import AnyUser


@dataclass(frozen=True)
class KitIssued:
    kit: FieldKit
    sessions: list[Session]
    blocks: list[NumberBlock]  # the numbers headquarters set aside for it


def field_kits() -> QuerySet[FieldKit]:
    """The kits issued here, newest first, with who issued them and their sessions."""
    return (
        FieldKit.objects.select_related("issued_by")
        .prefetch_related("sessions__workshop", "sessions__place")
        .order_by("-created_at")
    )


def kits_described(kits: Iterable[FieldKit]) -> list[KitIssued]:
    """Each kit (of ``field_kits``) with its sessions in date order and its number blocks.

    The blocks of all the kits come in one query (``kit_uid``): a page of kits costs the same
    few queries whatever its length.
    """
    kits = list(kits)
    blocks: dict[str, list[NumberBlock]] = {}
    for block in NumberBlock.objects.filter(
        local=False, kit_uid__in=[kit.uid for kit in kits]
    ).order_by("prefix", "first"):
        blocks.setdefault(str(block.kit_uid), []).append(block)
    return [
        KitIssued(
            kit=kit,
            sessions=sorted(kit.sessions.all(), key=lambda s: (s.start_date, s.number)),
            blocks=blocks.get(str(kit.uid), []),
        )
        for kit in kits
    ]


def kit_sessions_choosable(*, user: AnyUser) -> QuerySet[Session]:
    """The sessions this user may put in a kit: those they may open, the latest first."""
    return (
        sessions_visible(user)
        .select_related("workshop", "place")
        .order_by("-start_date", "workshop__title", "number")
    )


def kit_accounts_choosable() -> QuerySet[User]:
    """The active accounts a kit may carry besides the sessions' trainers."""
    return User.objects.filter(is_active=True).order_by("username")
