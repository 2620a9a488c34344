"""The follow-up's rows when two persons are merged, and when the merge is undone.

Receivers of ``kalan.people.signals`` (connected in ``RelaysConfig.ready``), run inside the
merge's transaction, with both persons locked.

Commitments, restitutions, call-list rows (``Respondent``, with their attempts and answers) and
personal codes hang on an enrollment. Where the merged person's enrollment moves to the kept
person (``kalan.workshops.merge``), they go with it untouched: nothing to do here. Where both
persons were enrolled in one session (``kalan.workshops.merge.merge_pairs``: merged's enrollment
is then superseded by kept's, and the readers of the follow-up leave it out), merged's rows move
to kept's enrollment so that they count, except where kept's already holds one of a kind that
is one per enrollment:

- restitutions always move (a briefing held is a briefing held, whichever record typed it);
- the commitment moves when kept's has none; else both stay, merged's on its superseded
  enrollment (only kept's counts);
- a round's call-list row moves when kept's has none in that round; else both stay, merged's
  (with its attempts and answers) on its superseded enrollment;
- the personal code moves when kept's has none; else kept's keeps its own and merged's stays on
  the superseded enrollment, where it still works: the phone page resolves a superseded
  enrollment to the kept one (``kalan.relays.phone.relay_current``), so a code printed on an
  old form opens the officer's page.

A departure (transferred, left the service, deceased) hangs on the person: merged's moves to
kept when kept has none; else kept's stays and merged's stays on the merged person.

Nothing is deleted, so the undo puts every row back where it was.

``PersonMerge.details["relays"]``:

    restitutions, commitments, respondents, codes
                 [row, from enrollment, to enrollment] ids of the rows moved
    departure    [departure, from person, to person] ids, or null
    kept_both    {"commitments", "respondents", "codes": [[merged's row, kept's row]],
                 "departure": [merged's, kept's] or null}: left where they were (the history)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kalan.people.models import Person
from kalan.people.signals import MergeMoves
from kalan.relays.errors import RelayError
from kalan.relays.models import Commitment, Departure, RelayCode, Respondent, Restitution
from kalan.workshops.merge import merge_pairs
from kalan.workshops.models import Enrollment

KEY = "relays"
# The rows of one enrollment, by their key in the record: the model and whether an enrollment
# holds one at most (one per round for the call list: see _collides).
ROWS: dict[str, type[Model]] = {
    "restitutions": Restitution,
    "commitments": Commitment,
    "respondents": Respondent,
    "codes": RelayCode,
}
COUNT_KEYS = {
    "restitutions": "restitutions_moved",
    "commitments": "commitments_moved",
    "respondents": "followups_moved",
    "codes": "relay_codes_moved",
}

Pair = tuple[Enrollment, Enrollment]


@dataclass
class _Plan:
    """What the merge moves (``moves``) and leaves as it is (``kept_both``), for both persons."""

    moves: dict[str, list[list[int]]] = field(default_factory=lambda: {k: [] for k in ROWS})
    kept_both: dict[str, list[list[int]]] = field(
        default_factory=lambda: {k: [] for k in ROWS if k != "restitutions"}
    )
    departure: list[int] | None = None
    departure_kept_both: list[int] | None = None
    # For the preview: the pair each move or collision belongs to.
    lines: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            any(self.moves.values())
            or any(self.kept_both.values())
            or self.departure
            or self.departure_kept_both
        )


def _plan(*, kept: Person, merged: Person, lock: bool) -> _Plan:
    plan = _Plan()
    for theirs, ours in merge_pairs(kept=kept, merged=merged):
        for key, model in ROWS.items():
            rows = model._default_manager.filter(enrollment_id__in=[theirs.pk, ours.pk])
            if lock:
                rows = rows.select_for_update()
            _plan_rows(plan=plan, key=key, rows=list(rows.order_by("pk")), pair=(theirs, ours))
    _plan_departure(plan=plan, kept=kept, merged=merged, lock=lock)
    return plan


def _plan_rows(*, plan: _Plan, key: str, rows: list[Any], pair: Pair) -> None:
    theirs, ours = pair
    mine = [row for row in rows if row.enrollment_id == ours.pk]
    moving = []
    for row in rows:
        if row.enrollment_id != theirs.pk:
            continue
        other = next((kept_row for kept_row in mine if _collides(key, row, kept_row)), None)
        if other is None:
            moving.append(row)
            plan.moves[key].append([row.pk, theirs.pk, ours.pk])
        else:
            plan.kept_both[key].append([row.pk, other.pk])
            plan.lines.append((f"{key}_kept_both", pair, (row, other)))
    if moving:
        plan.lines.append((f"{key}_moved", pair, moving))


def _collides(key: str, row: Any, other: Any) -> bool:
    if key == "restitutions":
        return False
    if key == "respondents":
        return bool(row.round_id == other.round_id)
    return True


def _plan_departure(*, plan: _Plan, kept: Person, merged: Person, lock: bool) -> None:
    rows = Departure.objects.filter(person__in=[kept, merged])
    if lock:
        rows = rows.select_for_update()
    found = {departure.person_id: departure for departure in rows}
    theirs, ours = found.get(merged.pk), found.get(kept.pk)
    if theirs is not None and ours is None:
        plan.departure = [theirs.pk, merged.pk, kept.pk]
    elif theirs is not None and ours is not None:
        plan.departure_kept_both = [theirs.pk, ours.pk]
    if theirs is not None:
        plan.lines.append(("departure", (theirs, ours), None))


# --- preview -------------------------------------------------------------------------------


def relays_merge_preview(*, kept: Person, merged: Person, **kwargs: Any) -> list[str]:
    plan = _plan(kept=kept, merged=merged, lock=False)
    names = {"kept": kept, "merged": merged}
    return [_line(kind, pair, what, names) for kind, pair, what in plan.lines]


def _line(kind: str, pair: Any, what: Any, names: dict[str, Person]) -> str:
    if kind == "departure":
        return _departure_line(pair, names)
    values = {**names, "session": pair[1].session}
    if kind == "restitutions_moved":
        return ngettext(
            "%(session)s : la restitution déclarée par %(merged)s passe à %(kept)s.",
            "%(session)s : les %(count)s restitutions déclarées par %(merged)s passent à %(kept)s.",
            len(what),
        ) % {**values, "count": len(what)}
    if kind == "commitments_moved":
        return _("%(session)s : l’engagement de %(merged)s passe à %(kept)s.") % values
    if kind == "respondents_moved":
        return ngettext(
            "%(session)s : le suivi de %(merged)s (%(count)s tour, appels et réponses compris) "
            "passe à %(kept)s.",
            "%(session)s : le suivi de %(merged)s (%(count)s tours, appels et réponses compris) "
            "passe à %(kept)s.",
            len(what),
        ) % {**values, "count": len(what)}
    if kind == "codes_moved":
        return (
            _("%(session)s : le code personnel de relais de %(merged)s passe à %(kept)s.") % values
        )
    if kind == "commitments_kept_both":
        return (
            _(
                "%(session)s : %(kept)s et %(merged)s ont chacun pris un engagement. Les deux "
                "sont gardés ; seul celui de %(kept)s compte, celui de %(merged)s reste sur son "
                "inscription, marquée remplacée."
            )
            % values
        )
    if kind == "respondents_kept_both":
        theirs, _ours = what
        return _(
            "%(session)s, %(round)s : %(kept)s et %(merged)s sont chacun sur la liste "
            "d’appel. Les deux sont gardés ; seuls les appels et réponses de %(kept)s "
            "comptent, ceux de %(merged)s restent sur son inscription, marquée remplacée."
        ) % {**values, "round": theirs.round}
    return (
        _(
            "%(session)s : %(kept)s et %(merged)s ont chacun un code personnel de relais. "
            "L’un et l’autre ouvriront la page de relais de %(kept)s."
        )
        % values
    )


def _departure_line(pair: tuple[Departure, Departure | None], names: dict[str, Person]) -> str:
    theirs, ours = pair
    if ours is None:
        return _(
            "%(merged)s est sorti(e) du suivi des relais (%(reason)s, depuis le %(since)s) : "
            "%(kept)s le sera aussi."
        ) % {
            **names,
            "reason": theirs.get_reason_display(),
            "since": f"{theirs.since:%d/%m/%Y}",
        }
    return _(
        "%(kept)s et %(merged)s sont chacun notés sortis du suivi des relais : la sortie de "
        "%(kept)s (%(reason)s) est gardée, celle de %(merged)s reste sur sa fiche."
    ) % {**names, "reason": ours.get_reason_display()}


# --- merge ---------------------------------------------------------------------------------


def relays_merge(*, kept: Person, merged: Person, **kwargs: Any) -> MergeMoves | None:
    plan = _plan(kept=kept, merged=merged, lock=True)
    if plan.empty:
        return None
    now = timezone.now()
    for key, model in ROWS.items():
        _move(model, plan.moves[key], back=False, now=now)
    if plan.departure:
        Departure.objects.filter(pk=plan.departure[0]).update(person=kept, updated_at=now)
    record = {
        **plan.moves,
        "departure": plan.departure,
        "kept_both": {**plan.kept_both, "departure": plan.departure_kept_both},
    }
    counts = {COUNT_KEYS[key]: len(plan.moves[key]) for key in ROWS if plan.moves[key]}
    if plan.departure:
        counts["departures_moved"] = 1
    return MergeMoves(key=KEY, record=record, counts=counts)


def _move(model: type[Model], moves: Iterable[list[int]], *, back: bool, now: Any) -> None:
    """Each row of ``moves`` ([row, from, to]) to its ``to`` enrollment, or with ``back`` to its
    ``from`` one; one update per target enrollment."""
    targets: dict[int, list[int]] = {}
    for row, origin, target in moves:
        targets.setdefault(origin if back else target, []).append(row)
    for enrollment, rows in targets.items():
        model._default_manager.filter(pk__in=rows).update(enrollment_id=enrollment, updated_at=now)


# --- undo ----------------------------------------------------------------------------------


def _changed_since() -> RelayError:
    return RelayError(
        _(
            "Des engagements, restitutions ou suivis de relais concernés par cette fusion ont "
            "été modifiés ou supprimés depuis : elle ne peut plus être annulée."
        ),
        code="merge_changed_since",
    )


def relays_unmerge(*, kept: Person, merged: Person, details: dict[str, Any], **kwargs: Any) -> None:
    """Put every row the merge moved back on its enrollment, and the departure on merged.

    A row deleted since (a restitution deleted as a duplicate, a departure cleared as a
    mistake) stays deleted: the journal holds that decision, and the other rows go back all the
    same. Raises RelayError merge_changed_since when a row is now on another enrollment than the
    merge put it on, or when its enrollment of origin holds another row of a kind it may hold
    once (a commitment, a code, a call-list row of the same round), or merged has a departure
    again.
    """
    record = details.get(KEY)
    if not record:
        return
    now = timezone.now()
    for key, model in ROWS.items():
        moves = _check_back(key=key, model=model, moves=record.get(key, []))
        _move(model, moves, back=True, now=now)
    if record.get("departure"):
        departure, origin, target = record["departure"]
        found = Departure.objects.select_for_update().filter(pk=departure).first()
        if found is None:
            return
        if found.person_id != target or Departure.objects.filter(person_id=origin).exists():
            raise _changed_since()
        Departure.objects.filter(pk=departure).update(person_id=origin, updated_at=now)


def _check_back(*, key: str, model: type[Model], moves: list[list[int]]) -> list[list[int]]:
    """The moves that can be undone: those whose row is still there. Raises as the undo."""
    if not moves:
        return []
    ids = [row for row, _origin, _target in moves]
    rows: Any = model._default_manager.select_for_update().filter(pk__in=ids)
    here = {row.pk: row for row in rows}
    moves = [move for move in moves if move[0] in here]
    if any(here[row].enrollment_id != target for row, _origin, target in moves):
        raise _changed_since()
    ids = [row for row, _origin, _target in moves]
    if key == "restitutions" or not moves:
        return moves
    origins = [origin for _row, origin, _target in moves]
    held = model._default_manager.filter(enrollment_id__in=origins).exclude(pk__in=ids)
    if key == "respondents":
        taken = set(held.values_list("enrollment_id", "round_id"))
        if any((o, here[row].round_id) in taken for row, o, _t in moves):
            raise _changed_since()
    elif held.exists():
        raise _changed_since()
    return moves
