"""Search boxes and filters take SQL's special characters as plain text.

A quote, a comment, ``%`` and ``_`` (LIKE's wildcards), a backslash (its escape) or 2,000
characters: the page answers 200, finds what the literal text finds, and no table gains or loses a
row. A NUL byte, which PostgreSQL can neither store nor compare, is a 400 on every page, whether
in the query, the path, a cookie or a posted field.

The specific searches (the registry, a session's enrolment search, the export, the bank, the
duplicates) are checked against what the words mean; every other GET filter, found by reading
Kalan's source (``request.GET.get("…")`` and the forms bound to ``request.GET``), is sent the
same values on every page, and the fields views read from ``request.POST`` themselves on every
form: no 500 anywhere.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import kalan
from kalan.assessments.models import Module
from kalan.core.models import User
from kalan.people.models import Person
from kalan.workshops.models import Session
from tests.assessments.builders import small_bank
from tests.factories import EnrollmentFactory, PersonFactory
from tests.security.routes import routes
from tests.security.support import Programme, fetched, row_counts
from tests.spreadsheets import body, csv_rows

ClientFor = Callable[[User], Client]

NUL = "\x00"
ATTACKS = [
    "' OR 1=1 --",
    "' OR '1'='1",
    "%",
    "_",
    "\\",
    "%' --",
    '"; DROP TABLE people_person; --',
    "1; SELECT * FROM core_user",
    NUL,
    "a" + NUL + "b",
    "x" * 2000,
]
# Sent in every GET parameter of every page, each page fetched once per value: three values
# (the last, 2,000 characters long) keep the walk to seconds.
WALKED = ["' OR 1=1 --", "%_\\", '"; DROP TABLE people_person; -- ' * 60]
# Registry entries whose names hold the characters literally: "%" must find Cent%Pour alone.
LITERAL_NAMES = ["D'Almeida", "Cent%Pour", "Sous_Tiret", "Barre\\Oblique", 'Guillemet"s']

KALAN = Path(kalan.__file__).resolve().parent
READ_PARAMETER = re.compile(r"request\.GET\.get(?:list)?\(\s*[\"']([^\"']+)[\"']")
BOUND_FORM = re.compile(r"\b([A-Z]\w*Form)\(request\.GET\b")


def registry() -> list[Person]:
    persons = [PersonFactory(last_name=name, first_names="Awa") for name in LITERAL_NAMES]
    persons += [
        PersonFactory(last_name="Traoré", first_names="Moussa", service_number="MLE-1001"),
        PersonFactory(last_name="Coulibaly", first_names="Orokia", service_number="OR-1"),
    ]
    return persons


def literal_matches(persons: Iterable[Person], query: str) -> set[str]:
    """What the search means: every word of the query, as typed, in a name or as the number."""

    def holds(person: Person, word: str) -> bool:
        word = word.casefold()
        return (
            word in person.last_name.casefold()
            or word in person.first_names.casefold()
            or word == person.service_number.casefold()
        )

    return {str(person.uid) for person in persons if all(holds(person, w) for w in query.split())}


# --- What each search finds -------------------------------------------------------------------


def test_the_literal_names_are_found_by_their_own_characters(
    client_for: ClientFor, programme_officer: User
) -> None:
    persons = registry()
    client = client_for(programme_officer)

    for query, name in [("%", "Cent%Pour"), ("_", "Sous_Tiret"), ("\\", "Barre\\Oblique")]:
        page = client.get(reverse("person_list"), {"q": query}).context["page"]
        assert [p.last_name for p in page.object_list] == [name]
    assert literal_matches(persons, "%") == {str(persons[1].uid)}


@pytest.mark.parametrize("query", ATTACKS)
def test_the_person_search_finds_what_the_text_literally_says(
    client_for: ClientFor, programme_officer: User, query: str
) -> None:
    persons = registry()
    before = row_counts()

    response = client_for(programme_officer).get(reverse("person_list"), {"q": query})

    if NUL in query:  # no database compares it (kalan.core.middleware.NulCharacterMiddleware)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    found = {str(p.uid) for p in response.context["page"].object_list}
    assert found == literal_matches(persons, query)
    assert row_counts() == before


@pytest.mark.parametrize("page", ["' OR 1=1 --", "-1", "0", "99999999999999999999", "%", NUL])
def test_the_person_list_takes_any_page_number(
    client_for: ClientFor, programme_officer: User, page: str
) -> None:
    registry()

    response = client_for(programme_officer).get(reverse("person_list"), {"page": page})

    assert response.status_code == 400 if NUL in page else 200


@pytest.mark.parametrize("query", ATTACKS)
def test_the_export_holds_what_the_search_literally_finds(
    client_for: ClientFor, programme_officer: User, query: str
) -> None:
    persons = registry()
    before = row_counts()

    response = client_for(programme_officer).get(
        reverse("person_export", kwargs={"fmt": "csv"}), {"q": query}
    )

    if NUL in query:
        assert response.status_code == 400
        return
    assert response.status_code == 200
    rows = csv_rows(body(response))[1:]  # under the header
    expected = sorted(
        (p.last_name, p.first_names)
        for p in persons
        if str(p.uid) in literal_matches(persons, query)
    )
    assert sorted((row[1], row[2]) for row in rows) == expected
    assert row_counts() == before


@pytest.mark.parametrize("query", ATTACKS)
def test_the_enrolment_search_of_a_session_finds_what_the_text_literally_says(
    client_for: ClientFor, programme_officer: User, sevare_session: Session, query: str
) -> None:
    persons = registry()
    EnrollmentFactory(session=sevare_session, person=persons[0])  # enrolled: never offered
    before = row_counts()
    url = reverse("session_detail", kwargs={"uid": sevare_session.uid})

    client = client_for(programme_officer)
    page = client.get(url, {"q": query})
    partial = client.get(url, {"q": query, "partial": "search"}, headers={"HX-Request": "true"})

    if NUL in query:
        assert page.status_code == partial.status_code == 400
        return
    expected = literal_matches(persons[1:], query) if len(query.strip()) >= 2 else set()
    for response in (page, partial):
        assert response.status_code == 200
        assert {str(p.uid) for p in response.context["results"]} == expected
    assert row_counts() == before


@pytest.mark.parametrize("value", ATTACKS)
def test_the_bank_filters_keep_nothing_for_a_code_that_is_none(
    client_for: ClientFor, programme_officer: User, value: str
) -> None:
    small_bank()
    before = row_counts()
    client = client_for(programme_officer)

    for params in ({"objectif": value}, {"module": value}, {"objectif": value, "module": "M1"}):
        response = client.get(reverse("bank_list"), params)
        if NUL in value:
            assert response.status_code == 400
            continue
        assert response.status_code == 200
        assert response.context["overview"].groups == []
        assert response.context["overview"].question_count == 0
    creating = client.get(reverse("question_create"), {"module": value})
    assert creating.status_code == 400 if NUL in value else 200
    if creating.status_code == 200:
        assert creating.context["form"].initial.get("module") is None
    assert Module.objects.count() > 0
    assert row_counts() == before


def test_the_bank_filters_still_find_a_real_code(
    client_for: ClientFor, programme_officer: User
) -> None:
    small_bank()
    module = Module.objects.order_by("code").first()
    assert module is not None

    response = client_for(programme_officer).get(reverse("bank_list"), {"module": module.code})

    assert response.context["overview"].question_count == 3


def test_the_duplicates_page_lists_names_made_of_sql(
    client_for: ClientFor, programme_officer: User
) -> None:
    name = '"; DROP TABLE people_person; --'
    for _ in range(2):
        PersonFactory(last_name=name, first_names="Awa", corps=None, phone="")
    before = row_counts()

    response = client_for(programme_officer).get(reverse("duplicate_list"), {"q": "' OR 1=1 --"})

    assert response.status_code == 200
    assert "&quot;; drop table people_person; --" in response.content.decode().lower()
    assert row_counts() == before


# --- Every other GET filter, on every page ----------------------------------------------------


@functools.cache
def get_parameters() -> frozenset[str]:
    """The query-string keys Kalan's views read: by name, and as fields of forms bound to GET."""
    names: set[str] = set()
    for path in KALAN.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text()
        names.update(READ_PARAMETER.findall(source))
        if BOUND_FORM.search(source):
            module = importlib.import_module(
                ".".join(("kalan", *path.relative_to(KALAN).with_suffix("").parts))
            )
            for form_name in BOUND_FORM.findall(source):
                form = getattr(module, form_name)
                assert issubclass(form, forms.BaseForm)
                names.update(form.base_fields)
    return frozenset(names)


def test_the_get_parameters_are_found() -> None:
    assert {"q", "page", "objectif", "module", "code"} <= get_parameters()


def test_every_page_answers_every_filter_given_sql(
    programme: Programme, administrator: User, client_for: ClientFor
) -> None:
    client = client_for(administrator)
    client.raise_request_exception = False  # a 500 is reported with the others, below
    before = row_counts()
    shown, faults = 0, []
    for value in WALKED:
        query = dict.fromkeys(get_parameters(), value)
        for route in routes():
            url = route.url(programme.kwargs(route))
            response = fetched(client.get(url, query))
            if response.status_code not in (200, 302, 400, 403, 404, 405):
                faults.append(f"{url} ({response.status_code}) given {value[:20]!r}")
            shown += response.status_code == 200

    assert faults == []
    assert shown > 30 * len(WALKED)
    assert row_counts() == before


@pytest.mark.parametrize("where", ["query", "path", "cookie"])
def test_a_nul_byte_is_refused_with_a_400_on_every_page(
    programme: Programme, administrator: User, client_for: ClientFor, where: str
) -> None:
    # Left to the views, PostgreSQL answered each search box and filter given one with a 500,
    # and SQLite's LIKE, which stops at it, matched everyone.
    client = client_for(administrator)
    before = row_counts()
    faults = []
    for route in routes():
        url = route.url(programme.kwargs(route))
        if where == "query":
            response = client.get(url, dict.fromkeys(get_parameters(), "a" + NUL))
        elif where == "path":
            response = client.get(url.rstrip("/") + "%00/")
        else:
            # A quoted cookie value may carry one as an octal escape; the session cookie is
            # looked up in the database.
            response = client.get(url, HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
        if fetched(response).status_code != 400:
            faults.append(f"{url} ({response.status_code})")

    assert faults == []
    assert row_counts() == before


# The fields Kalan's views read from request.POST themselves, outside any Django form.
POSTED = [
    "action", "choice", "col_0", "corps", "day", "direction", "dup_2", "family", "go", "half",
    "language", "next", "over_capacity", "rating", "reason", "score", "sheet", "text", "then",
]  # fmt: skip


@pytest.mark.parametrize(
    "value", ["' OR 1=1 --", '"; DROP TABLE people_person; -- ' * 60, "9" * 30]
)
def test_every_form_answers_sql_and_overlong_values_without_an_error(
    programme: Programme, administrator: User, client_for: ClientFor, value: str
) -> None:
    client = client_for(administrator)
    client.raise_request_exception = False
    faults = []
    for route in routes():
        if route.name and ("logout" in route.name or "deconnect" in route.route):
            continue  # signing out would end the walk
        url = route.url(programme.kwargs(route))
        response = fetched(client.post(url, dict.fromkeys(POSTED, value)))
        if response.status_code >= 500:
            faults.append(f"{url} ({response.status_code})")

    assert faults == []


def test_a_nul_byte_in_a_posted_field_is_refused_with_a_400(
    programme: Programme, administrator: User, client_for: ClientFor
) -> None:
    client = client_for(administrator)
    before = row_counts()
    for route in routes():
        response = fetched(
            client.post(route.url(programme.kwargs(route)), {"reason": "a" + NUL, "q": NUL})
        )
        assert response.status_code == 400, route

    assert row_counts() == before
