"""The next number of a series (certificates « CNDH-2022-0041 », statements « EP-2022-0007 »),
with the blocks that field kits set aside (``NumberBlock``).

- At headquarters, a series goes on past every block a kit took: the laptop gives the numbers
  of its block, headquarters those after it, and the two never meet.
- On a venue laptop (a machine that holds a block of its own, ``local``), a series gives only
  the numbers of its own blocks; a series it holds no block of, or a block used up, is refused
  with the reason, rather than risk a number headquarters also gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kalan.core.errors import KalanError
from kalan.core.models import NumberBlock


class NumberingError(KalanError):
    """No number can be given: this laptop's block of the series is missing or used up."""


def is_field_laptop() -> bool:
    """True on a machine that opened a field kit: it numbers inside its own blocks only."""
    return NumberBlock.objects.filter(local=True).exists()


def sequence_next(*, prefix: str, taken: Iterable[int], count: int = 1) -> int:
    """The first of ``count`` consecutive free numbers of the series ``prefix``.

    ``taken``: the numbers of the series already given on this machine. Raises NumberingError
    (``no_block``, ``block_used_up``) on a laptop that cannot give them.
    """
    used = set(taken)
    blocks = list(NumberBlock.objects.filter(prefix=prefix).order_by("first"))
    if not is_field_laptop():
        return max([*used, *(block.last for block in blocks)], default=0) + 1
    own = [block for block in blocks if block.local]
    if not own:
        raise NumberingError(
            _(
                "Ce poste n’a pas de numéros réservés pour la série « %(prefix)s » : "
                "ils se donnent au siège."
            )
            % {"prefix": prefix},
            code="no_block",
        )
    for block in own:
        inside = [n for n in used if block.first <= n <= block.last]
        first = max(inside, default=block.first - 1) + 1
        if first + count - 1 <= block.last:
            return first
    raise NumberingError(
        _(
            "Les numéros réservés par le kit pour la série « %(prefix)s » sont épuisés "
            "(%(count)s demandé(s)) : les suivants se donnent au siège."
        )
        % {"prefix": prefix, "count": count},
        code="block_used_up",
    )


def sequence_of(number: str, prefix: str) -> int | None:
    """The sequence of ``number`` in the series ``prefix`` (« CNDH-2022-0041 » → 41), or None."""
    rest = number[len(prefix) :] if number.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None
