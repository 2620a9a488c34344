"""``kalan.core.formats``: dates, periods, numbers and money as Kalan writes them, in French and
in English, whatever language is active when ``lang`` is given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kalan.core import formats
from kalan.core.formats import (
    NBSP,
    NNBSP,
    amount,
    date_long,
    date_range,
    date_short,
    dates_phrase,
    day_month,
    days,
    fr,
    money,
    month_abbr,
    number,
    percent,
    period_label,
    plain_spaces,
)

NOV_8 = dt.date(2022, 11, 8)
NOV_10 = dt.date(2022, 11, 10)

# --- Typography --------------------------------------------------------------------------------


def test_fr_puts_a_narrow_no_break_space_before_high_punctuation() -> None:
    assert fr("Code participant: 4821") == f"Code participant{NNBSP}: 4821"
    assert fr("Code participant : 4821") == f"Code participant{NNBSP}: 4821"
    assert fr("Vraiment? Oui! Non; peut-être") == (
        f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; peut-être"
    )


def test_fr_puts_narrow_no_break_spaces_inside_guillemets() -> None:
    assert fr("« Axe 3 »") == f"«{NNBSP}Axe 3{NNBSP}»"
    assert fr("«Axe 3»") == f"«{NNBSP}Axe 3{NNBSP}»"


def test_fr_leaves_times_and_addresses_alone() -> None:
    assert fr("à 10:30 sur https://kalan.example/v/AB12") == (
        "à 10:30 sur https://kalan.example/v/AB12"
    )
    assert fr("") == ""


def test_the_narrow_no_break_space_is_u202f_whatever_the_pdf_font() -> None:
    assert (NNBSP, NBSP) == ("\u202f", "\u00a0")
    assert plain_spaces(f"2{NNBSP}400{NBSP}F") == "2 400 F"


# --- Numbers and money -------------------------------------------------------------------------


def test_amount_is_whole_units_with_narrow_no_break_spaces_in_any_language() -> None:
    with translation.override("en"):
        assert amount(2_400_000) == f"2{NNBSP}400{NNBSP}000"
    assert amount(25_000) == f"25{NNBSP}000"
    assert amount(999) == "999"
    assert amount(0) == "0"
    assert amount(1_234.5) == f"1{NNBSP}235"  # half up
    assert amount(-1_234.5) == f"-1{NNBSP}235"


def test_number_and_percent_follow_the_language() -> None:
    assert number(1234.5, 1, lang="fr") == f"1{NNBSP}234,5"
    assert number(1234.5, 1, lang="en") == "1,234.5"
    assert number(None) == "—"
    assert percent(0.975, lang="fr") == f"97,5{NNBSP}%"
    assert percent(0.975, lang="en") == "97.5%"
    assert percent(62.5, scale=1, lang="fr") == f"62,5{NNBSP}%"
    assert percent(None) == "—"


def test_days_have_a_decimal_only_for_a_half() -> None:
    assert days(2.5, lang="fr") == "2,5"
    assert days(2.5, lang="en") == "2.5"
    assert days(3.0, lang="fr") == "3"
    assert days(1234, lang="fr") == f"1{NNBSP}234"
    assert days(None) == "—"


def test_money_names_the_currency() -> None:
    assert money(2_400_000, lang="fr") == f"2{NNBSP}400{NNBSP}000{NBSP}FCFA"
    assert money(2_400_000, lang="en") == f"2,400,000{NBSP}FCFA"
    assert money(5_000, "EUR", lang="fr") == f"5{NNBSP}000{NBSP}EUR"
    assert money(None) == "—"


def test_without_lang_the_active_language_is_spoken() -> None:
    with translation.override("en"):
        assert days(2.5) == "2.5"
        assert date_short(NOV_8) == "8 November 2022"
    with translation.override("fr"):
        assert days(2.5) == "2,5"
        assert date_short(NOV_8) == "8 novembre 2022"


# --- Dates -------------------------------------------------------------------------------------


def test_date_long_has_the_weekday_and_the_first_of_the_month_is_1er_in_french() -> None:
    assert date_long(NOV_8, "fr") == "mardi 8 novembre 2022"
    assert date_long(dt.date(2022, 11, 1), "fr") == "mardi 1er novembre 2022"
    assert date_long(NOV_8, "en") == "Tuesday 8 November 2022"
    assert date_long(dt.date(2022, 11, 1), "en") == "Tuesday 1 November 2022"


def test_date_short_has_no_weekday() -> None:
    assert date_short(NOV_8, "fr") == "8 novembre 2022"
    assert date_short(dt.date(2023, 1, 1), "fr") == "1er janvier 2023"
    assert date_short(dt.date(2023, 1, 1), "en") == "1 January 2023"


def test_day_month_is_in_figures() -> None:
    assert day_month(NOV_8) == "08/11"
    assert day_month(dt.date(2023, 1, 1)) == "01/01"


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        (NOV_8, NOV_8, "8 novembre 2022", "8 November 2022"),
        (NOV_8, NOV_10, "8-10 novembre 2022", "8-10 November 2022"),
        (
            dt.date(2022, 11, 30),
            dt.date(2022, 12, 2),
            "30 novembre-2 décembre 2022",
            "30 November-2 December 2022",
        ),
        (
            dt.date(2022, 12, 30),
            dt.date(2023, 1, 2),
            "30 décembre 2022-2 janvier 2023",
            "30 December 2022-2 January 2023",
        ),
        (dt.date(2022, 12, 1), dt.date(2022, 12, 3), "1er-3 décembre 2022", "1-3 December 2022"),
    ],
)
def test_date_range_is_a_span_for_a_cell_or_a_heading(
    start: dt.date, end: dt.date, french: str, english: str
) -> None:
    assert date_range(start, end, "fr") == french
    assert date_range(start, end, "en") == english


def test_date_range_of_a_missing_date_is_empty() -> None:
    assert date_range(None, NOV_8) == ""
    assert date_range(NOV_8, None) == ""


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        (NOV_8, NOV_8, "le 8 novembre 2022", "on 8 November 2022"),
        (NOV_8, NOV_10, "du 8 au 10 novembre 2022", "from 8 to 10 November 2022"),
        (
            dt.date(2022, 11, 30),
            dt.date(2022, 12, 1),
            "du 30 novembre au 1er décembre 2022",
            "from 30 November to 1 December 2022",
        ),
        (
            dt.date(2022, 12, 30),
            dt.date(2023, 1, 1),
            "du 30 décembre 2022 au 1er janvier 2023",
            "from 30 December 2022 to 1 January 2023",
        ),
    ],
)
def test_dates_phrase_is_how_a_sentence_says_when(
    start: dt.date, end: dt.date, french: str, english: str
) -> None:
    assert plain_spaces(dates_phrase(start, end, lang="fr")) == french
    assert plain_spaces(dates_phrase(start, end, lang="en")) == english


def test_dates_phrase_holds_each_day_to_its_month() -> None:
    assert dates_phrase(NOV_8, NOV_10, lang="fr") == f"du 8 au 10{NBSP}novembre 2022"
    assert dates_phrase(dt.date(2022, 11, 30), dt.date(2022, 12, 1), lang="en") == (
        f"from 30{NBSP}November to 1{NBSP}December 2022"
    )


def test_dates_phrase_can_name_up_to_four_days_of_a_month_one_by_one() -> None:
    listed = {"list_days": True}
    assert dates_phrase(NOV_8, NOV_10, lang="fr", **listed) == (
        f"les 8, 9 et 10{NBSP}novembre 2022"
    )
    assert dates_phrase(NOV_8, NOV_10, lang="en", **listed) == f"on 8, 9 and 10{NBSP}November 2022"
    assert plain_spaces(
        dates_phrase(dt.date(2022, 11, 1), dt.date(2022, 11, 2), lang="fr", **listed)
    ) == ("les 1er et 2 novembre 2022")
    assert plain_spaces(dates_phrase(NOV_8, dt.date(2022, 11, 12), lang="fr", **listed)) == (
        "du 8 au 12 novembre 2022"
    )


def test_month_abbreviations_are_those_of_french_and_english_usage() -> None:
    assert [month_abbr(month, "fr") for month in range(1, 13)] == [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]
    assert [month_abbr(month, "en") for month in range(1, 13)] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]


def test_period_label_names_the_day_and_its_half() -> None:
    assert period_label(NOV_8, "day", "fr") == "mardi 8 novembre 2022"
    assert period_label(NOV_8, "am", "fr") == "mardi 8 novembre 2022 — matin"
    assert period_label(NOV_8, "pm", "fr") == "mardi 8 novembre 2022 — après-midi"
    assert period_label(NOV_8, "pm", "en") == "Tuesday 8 November 2022 — afternoon"
    with translation.override("en"):
        assert period_label(NOV_8, "am") == "Tuesday 8 November 2022 — morning"


def test_the_half_days_are_those_attendance_is_taken_by() -> None:
    from kalan.workshops.models import Attendance

    with translation.override("fr"):
        halves = {half.value: str(half.label) for half in Attendance.Half}
    assert {code: halves[code] for code in formats.HALF_DAYS} == formats.HALF_DAYS
    assert set(halves) == {"day", *formats.HALF_DAYS}
