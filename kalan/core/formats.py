"""How Kalan writes dates, periods, numbers and money, in French and in English: the one place
that pages, files and documents take them from.

Every function that depends on the language takes ``lang`` ("fr" or "en"); without it, the
active language, so that a document built inside ``translation.override(language)`` speaks its
own. Any other language is written as French, Kalan's first language.

Typography
    ``fr(text)``: a narrow no-break space (``NNBSP``) before ``: ; ! ?`` and inside « ». Only a
    colon followed by a space or the end counts, so ``10:30`` and ``https://`` stay as they are.
    ``plain_spaces(text)``: every no-break space as a plain one, for tests that read text back.
Numbers and money
    ``amount(2400000)``: « 2 400 000 », in French whatever the language (payment statements).
    ``number(1234.5, 1)``: « 1 234,5 », "1,234.5". ``percent(0.975)``: « 97,5 % », "97.5%".
    ``days(2.5)``: « 2,5 », "2.5". ``money(2400000)``: « 2 400 000 FCFA ».
    An absent value (None) is « — ».
Dates
    ``date_long``: « mardi 8 novembre 2022 », "Tuesday 8 November 2022".
    ``date_short``: « 8 novembre 2022 », « 1er novembre 2022 », "1 November 2022".
    ``day_month``: « 08/11 », for a column heading.
    ``date_range``: « 8-10 novembre 2022 », « 30 novembre-2 décembre 2022 », for a table cell
    or a heading.
    ``dates_phrase``: « du 8 au 10 novembre 2022 », « le 8 novembre 2022 », for a sentence; the
    day and its month held together by a no-break space.
    ``month_abbr``: « janv. », « févr. »… as the Office québécois de la langue française and the
    Imprimerie nationale abbreviate; "Jan", "Feb"… in English.
    ``period_label``: « mardi 8 novembre 2022 — matin », an attendance period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, gettext_noop

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: before « : ; ! ? », inside « », between thousands
NO_VALUE = "—"

# fmt: off
MONTH_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin",
           "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
# fmt: on

# Attendance periods of a half-day session (``Attendance.Half``); any other is the whole day.
HALF_DAYS = {"am": gettext_noop("matin"), "pm": gettext_noop("après-midi")}


def _language(lang: str | None) -> str:
    code = lang or translation.get_language() or "fr"
    return "en" if code.startswith("en") else "fr"


# --- Typography --------------------------------------------------------------------------------

_SPACES = " \u00a0\u202f"
# A high punctuation mark after a word (or a closing guillemet), with or without a space before:
# the colon only when a space or the end follows, so "10:30" and "https://" are left alone.
_HIGH_PUNCT = re.compile(rf"(?<=[^\s;:!?])[{_SPACES}]?(;|!|\?|:(?=\s|$))")
_OPEN_QUOTE = re.compile(rf"«[{_SPACES}]*")
_CLOSE_QUOTE = re.compile(rf"[{_SPACES}]*»")


def fr(text: str) -> str:
    """French typography: a no-break space before ``: ; ! ?`` and inside ``« »``."""
    if not text:
        return text
    text = _HIGH_PUNCT.sub(lambda m: NNBSP + m.group(1), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)


def plain_spaces(text: str) -> str:
    """Every no-break space as a plain one: what a reader of the text compares against."""
    return text.replace(NNBSP, " ").replace(NBSP, " ")


# --- Numbers and money -------------------------------------------------------------------------


def amount(n: int | float) -> str:
    """``2 400 000``: whole units (rounded half up), thousands apart by narrow no-break spaces.
    French whatever the language; append the currency yourself."""
    whole = int(n + 0.5) if n >= 0 else -int(-n + 0.5)
    return f"{whole:,}".replace(",", NNBSP)


def number(value: float | int | None, digits: int = 0, *, lang: str | None = None) -> str:
    """``1 234``, ``97,5`` in French; ``1,234``, ``97.5`` in English; « — » for no value."""
    if value is None:
        return NO_VALUE
    with translation.override(_language(lang)):
        text = number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)
    return text.replace(NBSP, NNBSP)


def percent(
    share: float | None, digits: int = 1, *, scale: float = 100.0, lang: str | None = None
) -> str:
    """A share (0-1, or a percent with ``scale=1``) as ``97,5 %`` or ``97.5%``."""
    if share is None:
        return NO_VALUE
    text = number(share * scale, digits, lang=lang)
    return f"{text}{NNBSP}%" if _language(lang) == "fr" else f"{text}%"


def days(value: float | None, *, lang: str | None = None) -> str:
    """Days, with a decimal only for a half: « 3 », « 2,5 », "2.5"."""
    if value is None:
        return NO_VALUE
    return number(value, 0 if float(value).is_integer() else 1, lang=lang)


def money(value: int | None, currency: str = "XOF", *, lang: str | None = None) -> str:
    """« 2 400 000 FCFA », "2,400,000 FCFA": whole units and the currency's label."""
    if value is None:
        return NO_VALUE
    with translation.override(_language(lang)):
        label = gettext("FCFA") if currency == "XOF" else currency
    return f"{number(value, lang=lang)}{NBSP}{label}"


# --- Dates -------------------------------------------------------------------------------------


def _day_number(day: dt.date, lang: str) -> str:
    return "1er" if lang == "fr" and day.day == 1 else str(day.day)


def _month(day: dt.date, lang: str) -> str:
    with translation.override(lang):
        name = date_format(day, "F")
    return name.lower() if lang == "fr" else name


def date_short(day: dt.date, lang: str | None = None) -> str:
    """« 8 novembre 2022 », « 1er novembre 2022 »; "8 November 2022"."""
    lang = _language(lang)
    return f"{_day_number(day, lang)} {_month(day, lang)} {day.year}"


def date_long(day: dt.date, lang: str | None = None) -> str:
    """« mardi 8 novembre 2022 » (« 1er novembre »); "Tuesday 8 November 2022"."""
    lang = _language(lang)
    with translation.override(lang):
        weekday = date_format(day, "l")
    return f"{weekday.lower() if lang == 'fr' else weekday} {date_short(day, lang)}"


def day_month(day: dt.date) -> str:
    """« 08/11 »: the day and the month in figures, for a narrow column heading."""
    return f"{day:%d/%m}"


def date_range(start: dt.date | None, end: dt.date | None, lang: str | None = None) -> str:
    """« 8-10 novembre 2022 », « 30 novembre-2 décembre 2022 », « 8 novembre 2022 » for one day;
    "8-10 November 2022". Empty when a date is missing."""
    if start is None or end is None:
        return ""
    lang = _language(lang)
    if start == end:
        return date_short(start, lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{_day_number(start, lang)}-{date_short(end, lang)}"
    if start.year == end.year:
        return f"{_day_number(start, lang)} {_month(start, lang)}-{date_short(end, lang)}"
    return f"{date_short(start, lang)}-{date_short(end, lang)}"


def dates_phrase(
    start: dt.date, end: dt.date, *, lang: str | None = None, list_days: bool = False
) -> str:
    """When something takes place, as a sentence says it: « le 8 novembre 2022 », « du 8 au
    10 novembre 2022 », « du 30 novembre au 2 décembre 2022 »; "on 8 November 2022", "from 8 to
    10 November 2022". With ``list_days``, two to four days of one month are named one by one:
    « les 8, 9 et 10 novembre 2022 », "on 8, 9 and 10 November 2022".

    A no-break space holds each day to its month, so that a line never ends on « 8 ».
    """
    lang = _language(lang)

    def day(when: dt.date, *, month: bool = True, year: bool = True) -> str:
        text = _day_number(when, lang)
        if month:
            text += NBSP + _month(when, lang)
        return f"{text} {when.year}" if year else text

    count = (end - start).days + 1
    same_year = start.year == end.year
    same_month = same_year and start.month == end.month
    with translation.override(lang):
        if count <= 1:
            return gettext("le %(day)s") % {"day": day(start)}
        if list_days and same_month and count <= 4:
            firsts = [_day_number(start + dt.timedelta(days=n), lang) for n in range(count - 1)]
            listed = gettext("%(first)s et %(second)s") % {
                "first": ", ".join(firsts),
                "second": day(end),
            }
            return gettext("les %(days)s") % {"days": listed}
        return gettext("du %(start)s au %(end)s") % {
            "start": day(start, year=not same_year, month=not same_month),
            "end": day(end),
        }


def month_abbr(month: int, lang: str | None = None) -> str:
    """The month (1-12) abbreviated: « janv. », « févr. », « mars »…; "Jan", "Feb", "Mar"…"""
    return MONTH_ABBREVIATIONS[_language(lang)][month - 1]


def period_label(day: dt.date, half: str, lang: str | None = None) -> str:
    """An attendance period: « mardi 8 novembre 2022 », or with a half-day (``"am"``, ``"pm"``)
    « mardi 8 novembre 2022 — matin »; "Tuesday 8 November 2022 — afternoon"."""
    lang = _language(lang)
    label = date_long(day, lang)
    if half not in HALF_DAYS:
        return label
    with translation.override(lang):
        return f"{label} — {gettext(HALF_DAYS[half])}"


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, or that month's last day when it has no
    such day (30 Nov + 3 → 28 Feb; 29 Feb 2024 + 12 → 28 Feb 2025)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
