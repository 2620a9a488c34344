from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def date_range(start: dt.date | None, end: dt.date | None) -> str:
    """« 8-10 novembre 2022 », « 30 novembre-2 décembre 2022 »: how French writes a span."""
    if start is None or end is None:
        return ""
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')}-{date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')}-{date_format(end, 'j F Y')}"


@register.filter
def money(amount: int | None, currency: str = "XOF") -> str:
    """Whole amounts with the locale's thousands separator: « 2 400 000 FCFA »."""
    if amount is None:
        return ""
    label = _("FCFA") if currency == "XOF" else currency
    return f"{intcomma(int(amount))}\u00a0{label}"


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``{{ row.values|get:field }}``: a dict's value by a variable key."""
    return (mapping or {}).get(key, "")
