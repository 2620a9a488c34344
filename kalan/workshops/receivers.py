"""How workshops answers what the lower apps announce (connected in ``WorkshopsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from kalan.core.models import User
from kalan.core.roles import SCOPED_TO_ASSIGNED_SESSIONS
from kalan.people.signals import PersonSection
from kalan.workshops.selectors import person_history
from kalan.workshops.services import trainer_assignments_end


def person_training_section(*, person: Any, **kwargs: Any) -> PersonSection:
    """The person's training record: every session, newest first, with days present."""
    return PersonSection(
        order=10,
        template="workshops/_person_history.html",
        context={"history": person_history(person=person)},
    )


def trainer_role_changed(*, user: User, new_role: str, **kwargs: Any) -> None:
    """An account that is no longer a trainer runs no session: its assignments end, inside the
    transaction that changed its role (``user_role_changed``)."""
    if new_role not in SCOPED_TO_ASSIGNED_SESSIONS:
        trainer_assignments_end(user=user)


def trainer_deactivated(*, user: User, **kwargs: Any) -> None:
    """A deactivated account runs no session: its assignments end (``user_deactivated``); if it
    comes back, a programme officer assigns it again."""
    trainer_assignments_end(user=user)
