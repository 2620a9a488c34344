from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from kalan.core import formats

register = template.Library()


@register.filter
def date_range(start: dt.date | None, end: dt.date | None) -> str:
    """« 8-10 novembre 2022 » (``kalan.core.formats.date_range``, in the page's language)."""
    return formats.date_range(start, end)


@register.filter
def money(amount: int | None, currency: str = "XOF") -> str:
    """« 2 400 000 FCFA » (``kalan.core.formats.money``); nothing for no amount."""
    return "" if amount is None else formats.money(int(amount), currency)


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``{{ row.values|get:field }}``: a dict's value by a variable key."""
    return (mapping or {}).get(key, "")
