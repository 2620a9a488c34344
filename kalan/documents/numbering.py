"""The numbers of the register of outgoing mail: « 0042/CNDH/SG/2022 ».

The format, decided here for every letter and mission order Kalan issues:

``<sequence, 4 digits>/<the organisation's acronym>/<office>[/<kind>]/<year>``

- the **sequence** restarts at 1 each calendar year, the year of the date the piece bears, as a
  paper register of outgoing mail does; it has no gap and no double: it is taken under a lock, in
  the transaction that stores the piece (``kalan.documents.services``), so a piece that fails to
  render leaves no number behind;
- the **office** is the service that keeps the register: ``OFFICE``, the Secrétariat général
  (« SG ») of the CNDH of Mali. It is a constant rather than a setting on purpose: a register's
  format changes by decision of the institution, with a new release, not by a click;
- the **kind** sets the mission orders apart in a series of their own (« OM »):
  « 0007/CNDH/SG/OM/2022 »; letters have none.

``kalan.core.numbering.sequence_next`` gives the next sequence: these pieces are headquarters
paperwork that no field kit carries, so a venue laptop (which numbers only inside the blocks its
kit set aside) refuses to number them, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from kalan.core.models import Organisation
from kalan.core.numbering import NumberingError, sequence_next
from kalan.documents.errors import DocumentError

OFFICE = "SG"
LETTER_SERIES = "LETTRE"
MISSION_ORDER_SERIES = "OM"


def acronym_of(organisation: Organisation | None) -> str:
    """The acronym the number carries: the organisation's, else the initials of its name."""
    if organisation is None:
        return "—"
    if organisation.acronym:
        return organisation.acronym
    return "".join(word[0] for word in organisation.name.split() if word[:1].isupper()) or "—"


def reference_number(
    *, sequence: int, year: int, organisation: Organisation | None, kind: str = ""
) -> str:
    """« 0042/CNDH/SG/2022 », or with ``kind`` « 0007/CNDH/SG/OM/2022 »."""
    parts = [
        f"{sequence:04d}",
        acronym_of(organisation),
        OFFICE,
        *([kind] if kind else []),
        str(year),
    ]
    return "/".join(parts)


def sequences_next(*, series: str, year: int, taken: Iterable[int], count: int) -> int:
    """The first of ``count`` consecutive sequences of ``series`` in ``year``.

    Raises DocumentError (``no_block``, ``block_used_up``) on a venue laptop.
    """
    try:
        return sequence_next(prefix=f"{series}-{year}-", taken=taken, count=count)
    except NumberingError as error:
        raise DocumentError(error.message, code=error.code) from None
