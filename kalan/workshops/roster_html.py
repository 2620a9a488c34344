"""The session page's roster rows and attendance buttons, written in Python.

The rows are the one part of the session page that grows with the participants: 400 persons
are 400 rows and 1,200 attendance buttons. Drawn by Django's template engine (an ``include``
per cell, then a ``for`` over the cells of each row) they cost about 0.3 ms a row, most of the
page's time at 400; written here with ``format_html`` they cost a fraction of it (figures in
``bench/run.py``'s docstring). Everything else of the page stays in its template.

Every text that comes from the database goes through ``format_html`` (escaped); the buttons hold
only numbers. The markup is kept to what a cell needs, as the page's weight is mostly cells:

- the whole roster is one form (one CSRF token for the page, see ``session_detail.html``);
  each cell is one ``<button name=m value=<enrollment pk>-<column index>>``;
- a button is named by ``aria-labelledby`` after its row's person (``p<pk>``) and its column's
  header (``c<index>``): « TRAORÉ Aminata mar 8/11 », its state by ``aria-pressed``;
- its ``id`` (``a<pk>-<index>``) lets htmx give the focus back to the new button after a click;
- the row's total is ``n<pk>``; the footer's totals keep the ids the template gives them.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kalan.workshops.models import Enrollment

if TYPE_CHECKING:
    from kalan.workshops.selectors import PriorTraining, RosterEntry, RosterRow, SessionRoster

MARK_FIELD = "m"  # the POST field of a cell: "<enrollment pk>-<column index>"
LIVE_REGION = "att-said"  # the polite live region that reads out what a click did

_PRESENT = "✓"
_ABSENT = "·"
_PLACEHOLDER_UID = uuid.UUID(int=0)
_BUTTON = (
    "<button name=m value={pk}-{n} id=a{pk}-{n} "
    'aria-labelledby="p{pk} c{n}" aria-pressed={pressed}{oob}>{mark}</button>'
)


def mark_value_parse(value: str) -> tuple[int, int] | None:
    """The (enrollment pk, column index) a cell's button posts, or None when it is not one."""
    pk, sep, column = value.partition("-")
    # Bounded lengths: a number past the database's integers would fail in the query.
    if not (sep and pk.isdigit() and column.isdigit() and len(pk) <= 18 and len(column) <= 4):
        return None
    return int(pk), int(column)


def mark_button(*, enrollment_pk: int, column: int, present: bool, oob: bool = False) -> SafeString:
    """One attendance cell's button; ``oob`` for the answer to a click, which htmx puts in the
    place of the button with the same id."""
    # Numbers and constants only (int() makes sure of it), so nothing to escape and no
    # format_html: 1,200 buttons on a page of 400. Unquoted where the value is a number or a
    # word (valid HTML), for the same reason.
    return mark_safe(  # noqa: S308
        _BUTTON.format(
            pk=int(enrollment_pk),
            n=int(column),
            pressed="true" if present else "false",
            oob=' hx-swap-oob="true"' if oob else "",
            mark=_PRESENT if present else _ABSENT,
        )
    )


def _mark_seen(present: bool) -> SafeString:
    """A cell for a role that reads attendance without marking it: text, not a button."""
    if present:
        return format_html(
            '<span class="mark-seen present">✓<span class="sr-label">{}</span></span>',
            _("présent"),
        )
    return format_html(
        '<span class="mark-seen">·<span class="sr-label">{}</span></span>', _("absent")
    )


def _person(row: RosterRow[RosterEntry], person_url: str | None) -> SafeString:
    """The row's header: the person's name (``p<pk>``, which the row's buttons are named
    after), then their corps, role and capacity (``<small>``) and earlier trainings."""
    entry = row.enrollment
    if person_url is not None:
        name = format_html(
            '<a id="p{}" href="{}">{}</a>',
            entry.pk,
            person_url.replace(str(_PLACEHOLDER_UID), str(entry.person_uid)),
            entry.full_name,
        )
    else:
        name = format_html('<span id="p{}">{}</span>', entry.pk, entry.full_name)
    badges = []
    if entry.role != Enrollment.Role.PARTICIPANT:
        badges.append(
            format_html(' <span class="badge role-{}">{}</span>', entry.role, entry.role_label)
        )
    if entry.over_capacity:
        badges.append(format_html(' <span class="badge warn">{}</span>', _("hors capacité")))
    return format_html(
        "{}<small>{}{}</small>{}",
        name,
        entry.corps,
        mark_safe("".join(badges)),  # noqa: S308 (each built by format_html above)
        _prior(row.prior),
    )


def _prior(prior: list[PriorTraining]) -> SafeString:
    return format_html_join(
        "",
        '<span class="sub prior">{}</span>',
        (
            (
                _("déjà formé(e) : %(place)s, %(dates)s")
                % {
                    "place": earlier.session.place,
                    "dates": date_format(earlier.session.start_date, "F Y"),
                },
            )
            for earlier in prior
        ),
    )


def roster_rows(
    roster: SessionRoster[RosterEntry], *, may_mark: bool, may_open_persons: bool
) -> SafeString:
    """The ``<tr>`` of every person of the roster, for the page's ``<tbody>``."""
    # One reverse() for the page: the persons' addresses differ only by their uid.
    person_url = (
        reverse("person_detail", kwargs={"uid": _PLACEHOLDER_UID}) if may_open_persons else None
    )
    rows = []
    for number, row in enumerate(roster.rows, start=1):
        entry = row.enrollment
        if may_mark:
            cells = "".join(
                f"<td>{mark_button(enrollment_pk=entry.pk, column=n, present=mark)}</td>"
                for n, mark in enumerate(row.marks)
            )
        else:
            cells = "".join(f"<td>{_mark_seen(mark)}</td>" for mark in row.marks)
        rows.append(
            format_html(
                '<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td>{}'
                '<td id="n{}">{}</td></tr>\n',
                number,
                _person(row, person_url),
                entry.rank,
                entry.unit,
                mark_safe(cells),  # noqa: S308 (buttons and spans built by format_html)
                entry.pk,
                row.present_count,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)
