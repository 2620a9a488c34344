"""Payment statements when two persons are merged: nothing moves, the preview says what stays.

An issued statement belongs to its session and stays exactly as issued: its PDF and its lines
(JSON: a name, rank, unit and amounts per line, no link to a person) never change, so a merge has
no row of finance to move and its undo none to move back; finance records nothing in
``PersonMerge.details``. What a merge changes is the attendance the next statement will be read
from: in a session both persons attended, the marks gathered on the kept person's enrollment (and
the superseded enrollment left out) change the session's fingerprint, so an issued statement is
shown as outdated; the undo puts the marks back and the fingerprint matches again.

Before the user confirms, ``statements_merge_preview`` (connected in ``FinanceConfig.ready``)
names every issued statement the merged person is on, and warns when both persons are on the same
one: the same person was then paid twice, to be settled outside Kalan.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kalan.finance.models import PaymentStatement
from kalan.people.models import Person
from kalan.workshops.merge import merge_pairs
from kalan.workshops.models import Enrollment


def statements_merge_preview(*, kept: Person, merged: Person, **kwargs: Any) -> list[str]:
    shared = {ours.session_id for _theirs, ours in merge_pairs(kept=kept, merged=merged)}
    present = Enrollment.objects.filter(
        person=merged, superseded_by__isnull=True, attendances__isnull=False
    ).values("session_id")
    statements = (
        PaymentStatement.objects.filter(session__in=present)
        .select_related("session__workshop", "session__place")
        .order_by("session__start_date", "created_at")
    )
    lines = []
    for statement in statements:
        names = {line.get("name") for line in statement.lines}
        values = {
            "number": statement.number,
            "session": statement.session,
            "kept": kept,
            "merged": merged,
        }
        if statement.session_id not in shared:
            text = _(
                "État de paiement %(number)s (%(session)s), émis avec une ligne pour "
                "%(merged)s : il reste tel qu’émis (son PDF et ses lignes ne changent jamais)."
            )
        elif kept.full_name in names and merged.full_name in names:
            text = _(
                "État de paiement %(number)s (%(session)s) : %(kept)s et %(merged)s y figurent "
                "chacun, la même personne y a donc été payée deux fois. L’état reste tel qu’émis "
                "(son PDF et ses lignes ne changent jamais) et sera signalé périmé : régularisez "
                "le paiement en double avant d’en émettre un nouveau."
            )
        else:
            text = _(
                "État de paiement %(number)s (%(session)s), émis avec les présences de "
                "%(merged)s : il reste tel qu’émis (son PDF et ses lignes ne changent jamais) et "
                "sera signalé périmé, les présences étant réunies sur %(kept)s."
            )
        lines.append(text % values)
    return lines
