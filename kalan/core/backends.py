from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kalan.core.roles import capabilities_of


class RoleBackend(ModelBackend):
    """Authenticates like Django's ModelBackend; permissions come from the role alone."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None:
            return set()
        return {f"kalan.{capability}" for capability in capabilities_of(user_obj)}
