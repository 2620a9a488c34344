"""The evidence page (``/rapports/garde-a-vue/``): the two tables by item grouped by theme, the
cutoff the user picks, a workshop's trainings, the method; no unit named; the same queries
whatever the visits."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.custody.models import DetentionPlace
from tests.reports.test_figures_custody import (
    END,
    _items,
    _officer,
    _session,
    _unit,
    _visit,
    _world,
)

pytestmark = pytest.mark.django_db
URL = reverse("custody_evidence")


def _small_world() -> None:
    items = _items(2)
    trained, other = _unit(), _unit()
    _officer(_session(), [(trained, dt.date(2020, 1, 1))])
    for n in range(6):
        for unit in (trained, other):
            _visit(unit, dt.date(2022, 3, 1 + n), {item: "no" for item in items})
            _visit(
                unit,
                dt.date(2023, 3, 1 + n),
                {item: "yes" if unit == trained else "no" for item in items},
            )


def test_the_page_shows_both_tables_by_theme_and_the_method(
    client_for: Callable[[User], Client], monitoring_officer: User
) -> None:
    _small_world()
    page = client_for(monitoring_officer).get(URL).content.decode()
    assert "Différence de différences" in page
    assert "Registre de garde à vue" in page  # a theme's row
    assert "+100,0 pts" in page  # the trained units went from none to all, the others stayed
    assert "association, pas une cause" in page
    assert END.strftime("%d/%m/%Y") in page  # the default cutoff
    # No unit, no place named.
    for name in DetentionPlace.objects.values_list("name", "unit__name"):
        assert name[0] not in page and name[1] not in page


def test_a_cutoff_picked_after_every_visit_leaves_nothing_to_conclude(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    _small_world()
    page = client_for(npm_monitor).get(URL, {"date": "01/01/2024"}).content.decode()
    assert "+100,0 pts" in page  # table 1 does not depend on the cutoff
    assert page.count("pas assez de visites pour conclure") > 4
    bad = client_for(npm_monitor).get(URL, {"date": "31/02/2024"}).content.decode()
    assert "Date invalide" in bad and "Méthode" not in bad


def test_a_workshop_filter_counts_its_trainings_only(
    client_for: Callable[[User], Client], programme_officer: User
) -> None:
    _small_world()
    later = _session(dt.date(2023, 1, 2))  # another workshop, nobody of it in the units visited
    client = client_for(programme_officer)
    page = client.get(URL, {"atelier": later.workshop_id}).content.decode()
    assert "+100,0 pts" not in page
    assert "Personne n’a encore été formé par ces ateliers" in page  # its session trained nobody
    unknown = client.get(URL, {"atelier": 999_999}).content.decode()
    assert "Sélectionnez un choix valide" in unknown and "Méthode" not in unknown


def test_the_npm_monitor_picks_no_workshop(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    _small_world()
    response = client_for(npm_monitor).get(URL)
    assert list(response.context["form"].fields["atelier"].queryset) == []


def test_the_page_runs_the_same_queries_whatever_the_visits(
    client_for: Callable[[User], Client],
    monitoring_officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(monitoring_officer)
    _world(random.Random(1), units=7, visits_per_unit=2)
    with django_assert_max_num_queries(30) as small:
        client.get(URL)
    _world(random.Random(2), units=12, visits_per_unit=15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)
