"""The duplicates page: listing, merging, undoing and dismissing through the web."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.people.models import DuplicateDismissal, Person, PersonMerge
from tests.factories import EnrollmentFactory, PersonFactory, UnitFactory, corps

LAST_NAMES = ["Coulibaly", "Diarra", "Keïta", "Cissé", "Ouattara", "Touré", "Maïga", "Kanté"]
VARIANTS = ["Koulibaly", "Dyarra", "Keita", "Sissé", "Wattara", "Toure", "Mayga", "Canté"]
FIRST_NAMES = ["Oumar", "Seydou", "Bakary", "Modibo", "Drissa", "Siaka", "Lassana", "Zoumana"]


def make_pairs(count: int, start: int = 0) -> list[tuple[Person, Person]]:
    """Likely pairs (64 in all), each a numbered gendarme and a spelling variant of the name."""
    unit = UnitFactory(corps=corps("Gendarmerie"))
    pairs = []
    for n in range(start, start + count):
        first_names = FIRST_NAMES[n // 8]
        first = PersonFactory(last_name=LAST_NAMES[n % 8], first_names=first_names, unit=unit)
        second = PersonFactory(
            last_name=VARIANTS[n % 8], first_names=first_names, service_number="", unit=unit
        )
        EnrollmentFactory(person=first)
        pairs.append((first, second))
    return pairs


def merge_url(kept: Person, merged: Person) -> str:
    return reverse("person_merge", kwargs={"kept_uid": kept.uid, "merged_uid": merged.uid})


def test_the_page_shows_both_persons_side_by_side(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    ((coulibaly, koulibaly),) = make_pairs(1)
    response = client_for(programme_officer).get(reverse("duplicate_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "COULIBALY Oumar" in body and "KOULIBALY Oumar" in body
    assert coulibaly.service_number in body
    assert merge_url(coulibaly, koulibaly) in body and merge_url(koulibaly, coulibaly) in body
    assert body.count("Garder celle-ci") == 2 and "Personnes différentes" in body
    assert 'name="csrfmiddlewaretoken"' in body
    ((first, second),) = [(r.first, r.second) for r in response.context["rows"]]
    assert (first, second) == (coulibaly, koulibaly)


def test_the_page_runs_the_same_queries_whatever_the_number_of_pairs(
    programme_officer: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(programme_officer)
    (kept, merged), *_others = make_pairs(3)
    client.post(merge_url(kept, merged))  # the history has a merge, with its button
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("duplicate_list"))
    baseline = len(few)
    # session, user, dismissals, the scan's read, the pairs' persons, organisation, history
    assert 0 < baseline <= 10
    *_more, last = make_pairs(40, start=3)
    client.post(merge_url(*last))
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("duplicate_list"))
    assert len(response.context["rows"]) == 2 + 39
    assert len(response.context["merges"]) == 2


def test_merging_redirects_with_a_message_and_the_pair_leaves_the_list(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    ((coulibaly, koulibaly),) = make_pairs(1)
    client = client_for(programme_officer)
    response = client.post(merge_url(coulibaly, koulibaly), {"score": "97.5"})
    assert response.status_code == 302 and response.url == reverse("duplicate_list")
    (message,) = get_messages(response.wsgi_request)
    assert "fusionné(e) dans COULIBALY Oumar" in str(message)
    merge = PersonMerge.objects.get()
    assert (merge.kept, merge.merged, merge.merged_by, merge.score) == (
        coulibaly,
        koulibaly,
        programme_officer,
        97.5,
    )
    page = client.get(reverse("duplicate_list"))
    assert page.context["rows"] == []
    assert reverse("person_merge_undo", kwargs={"uid": merge.uid}) in page.content.decode()


def test_a_refused_merge_redirects_with_the_reason(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    a = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-1")
    b = PersonFactory(last_name="Traoré", first_names="Moussa", service_number="G-2")
    response = client_for(programme_officer).post(merge_url(a, b))
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and "deux personnes distinctes" in str(message)
    assert not PersonMerge.objects.exists()


def test_undo_through_the_page_and_a_second_undo_is_refused(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    ((coulibaly, koulibaly),) = make_pairs(1)
    client = client_for(programme_officer)
    client.post(merge_url(coulibaly, koulibaly))
    url = reverse("person_merge_undo", kwargs={"uid": PersonMerge.objects.get().uid})
    assert client.post(url).status_code == 302
    assert Person.objects.filter(pk=koulibaly.pk).exists()
    response = client.post(url)
    *_earlier, message = get_messages(response.wsgi_request)
    assert "déjà été annulée" in str(message)
    page = client.get(reverse("duplicate_list")).content.decode()
    assert "Annulée le" in page and url not in page


def test_dismissing_a_pair_removes_it_from_the_page(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    ((coulibaly, koulibaly),) = make_pairs(1)
    client = client_for(programme_officer)
    url = reverse(
        "duplicate_dismiss", kwargs={"first_uid": coulibaly.uid, "second_uid": koulibaly.uid}
    )
    response = client.post(url)
    assert response.status_code == 302
    assert DuplicateDismissal.objects.get().dismissed_by == programme_officer
    assert client.get(reverse("duplicate_list")).context["rows"] == []


def test_get_on_the_actions_is_not_allowed(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    ((a, b),) = make_pairs(1)
    client = client_for(programme_officer)
    # A GET on the merge shows what the merge would do, to confirm (test_merge_conservation).
    assert client.get(merge_url(a, b)).status_code == 200
    dismiss = reverse("duplicate_dismiss", kwargs={"first_uid": a.uid, "second_uid": b.uid})
    assert client.get(dismiss).status_code == 405
    assert not PersonMerge.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page() -> None:
    ((a, b),) = make_pairs(1)
    client = Client()
    for response in (client.get(reverse("duplicate_list")), client.post(merge_url(a, b))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not PersonMerge.objects.exists()


def test_an_unknown_person_is_404(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    person = PersonFactory()
    url = reverse(
        "person_merge",
        kwargs={"kept_uid": person.uid, "merged_uid": "00000000-0000-0000-0000-000000000000"},
    )
    assert client_for(programme_officer).post(url).status_code == 404


def test_the_person_list_links_to_the_duplicates(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(programme_officer).get(reverse("person_list"))
    assert reverse("duplicate_list") in response.content.decode()
