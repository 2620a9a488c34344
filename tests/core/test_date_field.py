"""The date typed jj/mm/aaaa (``kalan.core.forms.DateField`` and ``DateInput``), and the journal's
filters that use it: the same box on every browser, the day always before the month."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kalan.core.forms import DATE_PATTERN, DateField, date_parse
from kalan.core.forms_audit import AuditFilterForm
from kalan.core.models import User

INVALID = "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"
IDES_OF_MARCH = dt.date(2026, 3, 15)


class DayForm(forms.Form):
    day = DateField(label="Jour", required=False)


def inputs(html: str) -> list[dict[str, str | None]]:
    """The attributes of each ``<input>`` of a piece of HTML."""
    found: list[dict[str, str | None]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "input":
                found.append(dict(attrs))

    Parser().feed(html)
    return found


@pytest.mark.parametrize(
    "typed",
    ["15/03/2026", "15.03.2026", "15-03-2026", "15032026", "2026-03-15", " 15/03/2026 "],
)
def test_it_reads_each_accepted_shape_day_first(typed: str) -> None:
    form = DayForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == IDES_OF_MARCH
    assert re.fullmatch(DATE_PATTERN, typed.strip())  # the browser lets it through too


def test_it_reads_05_03_as_the_fifth_of_march_never_the_third_of_may() -> None:
    for typed in ("05/03/2026", "5/3/2026", "05.03.2026", "05-03-2026", "05032026"):
        form = DayForm({"day": typed})
        assert form.is_valid(), typed
        assert form.cleaned_data["day"] == dt.date(2026, 3, 5), typed


@pytest.mark.parametrize(
    "typed",
    [
        "03/15/2026",  # the American order: there is no month 15
        "31/02/2026",
        "15/03/26",  # a two-digit year could be 1926 as well
        "1532026",  # seven digits: 15/3 or 1/5? refused rather than guessed
        "2026/03/15",
        "15/03/2026 10:00",
        "demain",
    ],
)
def test_it_refuses_anything_else_saying_how_to_write_a_date(typed: str) -> None:
    with translation.override("fr"):
        form = DayForm({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == [INVALID]
    assert date_parse(typed) is None


def test_an_empty_box_is_no_date() -> None:
    form = DayForm({"day": "  "})
    assert form.is_valid()
    assert form.cleaned_data["day"] is None


def test_the_box_is_a_text_box_that_says_jj_mm_aaaa() -> None:
    with translation.override("fr"):
        [box] = inputs(str(DayForm(initial={"day": IDES_OF_MARCH})["day"]))
    assert box["type"] == "text"  # never type="date", which follows the browser's language
    assert box["inputmode"] == "numeric"
    assert box["placeholder"] == "jj/mm/aaaa"
    assert box["pattern"] == DATE_PATTERN
    assert box["autocomplete"] == "off"
    assert box["value"] == "15/03/2026"


def test_the_box_says_dd_mm_yyyy_in_english_and_still_shows_the_day_first() -> None:
    with translation.override("en"):
        [box] = inputs(str(DayForm(initial={"day": dt.date(2026, 3, 5)})["day"]))
    assert box["placeholder"] == "dd/mm/yyyy"
    assert box["value"] == "05/03/2026"


def test_a_date_sent_in_iso_is_shown_jj_mm_aaaa_and_a_wrong_one_as_typed() -> None:
    [iso] = inputs(str(DayForm({"day": "2026-03-15"})["day"]))
    assert iso["value"] == "15/03/2026"
    [wrong] = inputs(str(DayForm({"day": "03/15/2026"})["day"]))
    assert wrong["value"] == "03/15/2026"


def test_the_pattern_compiles_with_the_browsers_v_flag_rules() -> None:
    # With the ``v`` flag, ``/`` and ``-`` must be escaped inside brackets, or Chromium ignores
    # the pattern; the browser test checks it in Chromium itself.
    for bracket in re.findall(r"\[[^\]]*\]", DATE_PATTERN):
        assert re.search(r"(?<!\\)[/-]", bracket[1:-1]) is None, bracket


# --- the journal's filters ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_journal_filters_read_both_shapes_of_date() -> None:
    typed = AuditFilterForm({"date_from": "01/03/2023", "date_to": "2023-03-31"})
    assert typed.is_valid(), typed.errors
    filters = typed.filters()
    assert (filters.date_from, filters.date_to) == (dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert typed.dates_iso() == {"date_from": "2023-03-01", "date_to": "2023-03-31"}
    assert AuditFilterForm({"date_from": "03/31/2023"}).dates_iso() == {}


@pytest.mark.django_db
def test_the_journal_writes_its_links_with_iso_dates(
    client_for: Callable[[User], Client], administrator: User
) -> None:
    response = client_for(administrator).get(
        reverse("audit_list"), {"date_from": "01/03/2023", "text": "Coulibaly"}
    )
    assert response.status_code == 200
    assert "date_from=2023-03-01" in response.context["query"]
    [box] = [box for box in inputs(response.content.decode()) if box["name"] == "date_from"]
    assert box["value"] == "01/03/2023"
