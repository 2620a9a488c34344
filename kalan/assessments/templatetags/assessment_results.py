"""Numbers of the results pages, written the way the language writes them: « 62,5 % ».

Each filter prints a dash for a number not known yet (None, or a missing test's attribute,
which a template resolves to an empty string).
"""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

DASH = "—"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _format(number: float, places: int) -> str:
    return number_format(round(number, places), decimal_pos=places)


@register.filter
def percent(value: object, places: int = 1) -> str:
    """« 62,5 % »."""
    number = _number(value)
    return DASH if number is None else f"{_format(number, places)}\u00a0%"


@register.filter
def share(value: object) -> str:
    """A share from 0 to 1 as a percentage: 0.3 → « 30,0 % »."""
    number = _number(value)
    return DASH if number is None else percent(100 * number)


@register.filter
def decimal(value: object, places: int = 2) -> str:
    """« 0,33 », « -0,33 »."""
    number = _number(value)
    return DASH if number is None else _format(number, places)


@register.filter
def points(value: object) -> str:
    """A gain in points of percentage, signed: « +12,5 », « -5,0 »."""
    number = _number(value)
    if number is None:
        return DASH
    return f"{'+' if number > 0 else ''}{_format(number, 1)}"
