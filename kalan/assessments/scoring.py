"""Points of one answer, as the test defines them. Pure functions: tests check them by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CHOICE_KEYS = "ABCDEFGH"


def question_points(content: dict[str, Any], chosen: Sequence[str], *, scoring: str) -> float:
    """0 to 1 point for one question.

    Single choice and true/false: 1 for the right choice, else 0. Multiple choice: with ``all``
    (all or nothing) 1 only for exactly the right set; with ``partial``, each right choice ticked
    earns 1/(number of right choices) and each wrong one ticked costs as much, never below 0 —
    so ticking every box earns nothing.
    """
    right = {c["key"] for c in content.get("choices", []) if c["correct"]}
    picked = set(chosen)
    if not right:
        return 0.0
    if content["kind"] != "multiple" or scoring == "all":
        return 1.0 if picked == right else 0.0
    hits = len(picked & right)
    misses = len(picked - right)
    return max(0.0, (hits - misses) / len(right))
