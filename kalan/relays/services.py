"""Writes every part of the relays app shares."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from kalan.relays.models import RelayCode, code_new
from kalan.workshops.models import Enrollment

RELAY_CODE_LENGTH = 8


def relay_code_for(*, enrollment: Enrollment) -> RelayCode:
    """The relay's personal code, made the first time it is asked for (a commitment, a paper
    form, a round that opens). Eight characters of an alphabet without look-alikes: 31^8, about
    850 billion codes."""
    found = RelayCode.objects.filter(enrollment=enrollment).first()
    if found is not None:
        return found
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return RelayCode.objects.create(
                    enrollment=enrollment, code=code_new(RELAY_CODE_LENGTH)
                )
        except IntegrityError:
            # Another request made this relay's code meanwhile, or (rarely) the code was taken.
            found = RelayCode.objects.filter(enrollment=enrollment).first()
            if found is not None:
                return found
    raise RuntimeError("no free relay code after five draws")
