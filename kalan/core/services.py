from __future__ import annotations

from django.db import transaction

from kalan.core.models import Organisation
from kalan.people.models import Place


@transaction.atomic
def organisation_create(
    *,
    name: str,
    acronym: str = "",
    country: Place | None = None,
    currency: str = "XOF",
    mandate: str = "",
) -> Organisation:
    """Record the institution. Raises ValidationError (by field), e.g. for a non-ISO currency."""
    organisation = Organisation(
        name=name.strip(),
        acronym=acronym.strip(),
        country=country,
        currency=currency.strip().upper(),
        mandate=mandate.strip(),
    )
    organisation.full_clean()
    organisation.save()
    return organisation
