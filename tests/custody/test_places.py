"""Places of detention: the rules of ``services_places`` and the pages (list and its filters,
a place's page, record, correct, create from the registry's units)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.custody.errors import CustodyError
from kalan.custody.models import DetentionPlace, Recommendation, Visit
from kalan.custody.services_places import detention_place_save, detention_places_from_units
from kalan.people.models import Unit
from tests.custody.builders_visits import a_place, a_unit, a_visit
from tests.factories import place

pytestmark = pytest.mark.django_db


def save(**changes: Any) -> DetentionPlace:
    values: dict[str, Any] = {
        "unit": None,
        "name": "Commissariat du 1er arrondissement",
        "kind": DetentionPlace.Kind.COMMISSARIAT,
        "locality": place("Ségou"),
        "capacity": 12,
        "cells": 2,
        "opened_on": None,
        "closed_on": None,
    }
    values.update(changes)
    return detention_place_save(**values)


# --- the service ----------------------------------------------------------------------------


def test_a_place_of_a_unit_takes_the_unit_s_name_when_none_is_given() -> None:
    unit = a_unit(name="Brigade territoriale de Konna", town="Konna")
    saved = save(unit=unit, name="  ", locality=unit.place)
    assert saved.name == "Brigade territoriale de Konna"
    assert saved.unit == unit


def test_a_place_without_name_nor_unit_is_refused() -> None:
    with pytest.raises(CustodyError) as caught:
        save(name="")
    assert caught.value.code == "name_missing" and caught.value.field == "name"
    assert not DetentionPlace.objects.exists()


def test_a_unit_has_one_place_only() -> None:
    unit = a_unit()
    save(unit=unit)
    with pytest.raises(CustodyError) as caught:
        save(unit=unit, name="Autre")
    assert caught.value.code == "unit_taken" and caught.value.field == "unit"
    assert unit.name in str(caught.value)


def test_a_place_closed_before_it_opened_is_refused_naming_both_dates() -> None:
    with pytest.raises(CustodyError) as caught:
        save(opened_on=dt.date(2020, 5, 1), closed_on=dt.date(2019, 1, 1))
    assert caught.value.code == "closed_before_opened" and caught.value.field == "closed_on"
    assert "01/01/2019" in str(caught.value) and "01/05/2020" in str(caught.value)


def test_new_dates_may_not_leave_out_a_visit_already_recorded() -> None:
    detention = a_place()
    a_visit(detention, visited_on=dt.date(2021, 3, 4))
    with pytest.raises(CustodyError) as caught:
        save(place=detention, opened_on=dt.date(2022, 1, 1))
    assert caught.value.code == "visit_outside" and "04/03/2021" in str(caught.value)
    detention.refresh_from_db()
    assert detention.opened_on is None


def test_the_registry_s_units_with_cells_get_their_place_once() -> None:
    brigade = a_unit(Unit.Kind.BRIGADE, "Sévaré")
    commissariat = a_unit(Unit.Kind.COMMISSARIAT, "Ségou", name="Commissariat de Ségou")
    post = a_unit(Unit.Kind.POST, "Mopti", name="Poste de Mopti")
    a_unit(Unit.Kind.SCHOOL, "Ségou", name="École de gendarmerie")  # no cells
    already = a_unit(Unit.Kind.BRIGADE, "Konna", name="Brigade de Konna")
    a_place(unit=already, name="Chambre de sûreté de Konna")

    created = detention_places_from_units()

    assert {p.unit for p in created} == {brigade, commissariat, post}
    kinds = {p.unit.kind: (p.kind, p.locality, p.name) for p in created}
    assert kinds[Unit.Kind.COMMISSARIAT] == (
        "commissariat",
        place("Ségou"),
        "Commissariat de Ségou",
    )
    assert kinds[Unit.Kind.POST][0] == "post"
    assert detention_places_from_units() == []
    assert DetentionPlace.objects.count() == 4


# --- the pages ------------------------------------------------------------------------------


def test_the_list_shows_counts_and_last_visit_and_filters_by_kind_and_region(
    client_for: Callable[[User], Client], monitoring_officer: User
) -> None:
    sevare = a_place(capacity=8)
    a_visit(sevare, visited_on=dt.date(2023, 2, 14))
    a_visit(sevare, visited_on=dt.date(2023, 6, 2))
    a_visit(sevare, visited_on=dt.date(2024, 1, 9), status=Visit.Status.PLANNED)
    a_place(name="Commissariat de Ségou", kind="commissariat", locality=place("Ségou"))
    client = client_for(monitoring_officer)

    page = client.get(reverse("detention_places")).content.decode()
    assert "Brigade territoriale de Sévaré" in page and "Commissariat de Ségou" in page
    assert "02/06/2023" in page  # the last visit done, not the planned one
    assert "09/01/2024" not in page

    mopti = place("Mopti", "region")
    page = client.get(reverse("detention_places"), {"region": mopti.pk}).content.decode()
    assert "Brigade territoriale de Sévaré" in page and "Commissariat de Ségou" not in page
    page = client.get(reverse("detention_places"), {"kind": "commissariat"}).content.decode()
    assert "Brigade territoriale de Sévaré" not in page and "Commissariat de Ségou" in page


def test_the_list_costs_the_same_queries_for_many_places(
    client_for: Callable[[User], Client],
    npm_monitor: User,
    django_assert_max_num_queries: Callable[[int], DjangoAssertNumQueries],
) -> None:
    client = client_for(npm_monitor)
    a_visit(a_place(name="Lieu 0"))
    client.get(reverse("detention_places"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("detention_places"))
    for n in range(1, 15):
        a_visit(a_place(name=f"Lieu {n}", locality=place("Ségou")))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("detention_places"))
    assert page.content.decode().count('href="/garde-a-vue/lieux/') >= 15


def test_a_place_is_recorded_from_the_form(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    unit = a_unit(name="Brigade de Djenné", town="Djenné")
    response = client_for(npm_monitor).post(
        reverse("detention_place_create"),
        {"unit": unit.pk, "name": "", "kind": "brigade", "locality": "", "capacity": "6"},
    )
    created = DetentionPlace.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("detention_place", kwargs={"uid": created.uid})
    assert (created.name, created.locality, created.capacity) == (
        "Brigade de Djenné",
        unit.place,
        6,
    )


def test_the_form_shows_the_service_s_error_at_its_field(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    response = client_for(npm_monitor).post(
        reverse("detention_place_create"),
        {
            "name": "Poste",
            "kind": "post",
            "locality": place("Ségou").pk,
            "opened_on": "01/05/2020",
            "closed_on": "01/01/2019",
            "capacity": "-2",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "capacity" in form.errors  # a negative capacity is refused by the form
    assert not DetentionPlace.objects.exists()
    response = client_for(npm_monitor).post(
        reverse("detention_place_create"),
        {
            "name": "Poste",
            "kind": "post",
            "locality": place("Ségou").pk,
            "opened_on": "01/05/2020",
            "closed_on": "01/01/2019",
        },
    )
    assert "précède la mise en service" in response.context["form"].errors["closed_on"][0]


def test_a_place_is_corrected_from_the_form(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    detention = a_place()
    response = client_for(npm_monitor).post(
        reverse("detention_place_edit", kwargs={"uid": detention.uid}),
        {"name": "Chambre de sûreté", "kind": "brigade", "locality": detention.locality_id},
    )
    assert response.status_code == 302
    detention.refresh_from_db()
    assert detention.name == "Chambre de sûreté"


def test_the_action_creates_the_places_of_the_units_and_says_how_many(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    a_unit(Unit.Kind.BRIGADE, "Sévaré")
    a_unit(Unit.Kind.POST, "Mopti", name="Poste de Mopti")
    client = client_for(npm_monitor)
    response = client.post(reverse("detention_places_from_units"), follow=True)
    assert "2 lieux créés depuis les unités du registre" in response.content.decode()
    response = client.post(reverse("detention_places_from_units"), follow=True)
    assert "Aucun lieu à créer" in response.content.decode()
    assert DetentionPlace.objects.count() == 2


def test_the_place_s_page_shows_its_visits_and_open_recommendations(
    client_for: Callable[[User], Client], programme_officer: User
) -> None:
    detention = a_place()
    visit = a_visit(detention)
    Recommendation.objects.create(
        visit=visit, authority="Procureur", text="Ouvrir", priority="high"
    )
    Recommendation.objects.create(
        visit=visit, authority="Procureur", text="Fermé déjà", priority="low", status="rejected"
    )
    page = client_for(programme_officer).get(
        reverse("detention_place", kwargs={"uid": detention.uid})
    )
    text = page.content.decode()
    assert "14/02/2023" in text and "Ouvrir" in text and "Fermé déjà" not in text
    assert reverse("detention_place_edit", kwargs={"uid": detention.uid}) not in text


def test_a_forged_place_uid_answers_404(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    url = reverse("detention_place", kwargs={"uid": "5f0c6b1e-0000-4000-8000-000000000000"})
    assert client_for(npm_monitor).get(url).status_code == 404
