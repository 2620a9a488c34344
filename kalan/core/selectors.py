from __future__ import annotations

from kalan.core.models import Organisation


def organisation_current() -> Organisation | None:
    """The institution this installation serves: the first one recorded."""
    return Organisation.objects.select_related("country").order_by("pk").first()
