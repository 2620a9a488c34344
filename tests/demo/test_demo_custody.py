"""The demo's custody monitoring (kalan.demo.custody): places in both regions, trained units and
others, a year and a half of visits before and after the sessions, and an evidence table that
shows both a difference and a cell with too few visits to conclude."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from kalan.core.models import User
from kalan.core.roles import Role
from kalan.custody.models import (
    DetentionPlace,
    Interview,
    ItemAnswer,
    Recommendation,
    RecommendationCheck,
    Visit,
)
from kalan.demo.programme import ACCOUNTS, demo_load
from kalan.reports.figures_custody import evidence
from kalan.reports.models import VisitReport

pytestmark = pytest.mark.django_db

SEVARE_ENDS = dt.date(2022, 11, 10)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: None, db: None) -> None:
    return None


def _snapshot() -> dict[str, Any]:
    return {
        "visits": sorted(
            Visit.objects.values_list(
                "place__name", "visited_on", "kind", "held_men", "register_over_limit"
            )
        ),
        "answers": sorted(
            ItemAnswer.objects.values_list(
                "visit__place__name", "visit__visited_on", "item__key", "value"
            )
        ),
        "interviews": sorted(Interview.objects.values_list("code", "allegation")),
        "recommendations": sorted(
            Recommendation.objects.values_list("visit__place__name", "text", "status")
        ),
    }


def test_places_are_the_units_of_both_regions_with_their_kind(loaded: None) -> None:
    places = DetentionPlace.objects.select_related("unit__place__parent")

    assert places.count() >= 20
    for place in places:
        assert place.unit is not None
        assert place.unit.place.region.name in ("Ségou", "Mopti")
        assert place.kind == place.unit.kind
    assert set(places.values_list("kind", flat=True)) == {"brigade", "commissariat", "post"}


def test_visits_run_from_march_2022_to_october_2023_before_and_after_the_sessions(
    loaded: None,
) -> None:
    days = list(Visit.objects.values_list("visited_on", flat=True))

    assert min(days) >= dt.date(2022, 3, 1)
    assert max(days) <= dt.date(2023, 10, 31)
    assert sum(day < SEVARE_ENDS for day in days) >= 20
    assert sum(day > SEVARE_ENDS for day in days) >= 30
    assert not Visit.objects.exclude(status=Visit.Status.DONE).exists()
    npm = User.objects.get(username="mnp")
    assert all(list(v.team.all()) == [npm] for v in Visit.objects.prefetch_related("team"))


def test_every_visit_answers_the_whole_instrument_with_notes_where_it_fails(loaded: None) -> None:
    visits = Visit.objects.count()
    answers = ItemAnswer.objects.filter(item__active=True)

    assert answers.count() == visits * 32
    failed = answers.filter(value__in=["no", "partly"])
    assert failed.exists()
    assert not failed.filter(note="").exists()
    assert answers.filter(value="not_seen").exists()


def test_interviews_have_codes_only_and_some_report_ill_treatment(loaded: None) -> None:
    interviews = Interview.objects.all()

    assert interviews.count() >= 30
    assert all(i.code.startswith("E-") and i.consent for i in interviews)
    assert 0 < interviews.filter(allegation=True).count() < interviews.count() / 2
    # What the persons heard said is the answer to « no allegation »: « non » after an
    # allegation, « oui » when all heard said none, « non vu » when nobody was heard.
    for answer in ItemAnswer.objects.filter(item__key="no_allegation").select_related("visit"):
        heard = list(answer.visit.interviews.values_list("allegation", flat=True))
        expected = "no" if any(heard) else ("yes" if heard else "not_seen")
        assert answer.value == expected


def test_recommendations_are_in_every_status_with_responses_and_later_checks(
    loaded: None,
) -> None:
    statuses = set(Recommendation.objects.values_list("status", flat=True))

    assert statuses == set(Recommendation.Status.values)
    closed = Recommendation.objects.filter(status__in=["implemented", "rejected"])
    assert not closed.filter(responses=None).exists()
    assert Recommendation.objects.filter(unit=None).exclude(authority="").exists()
    for check in RecommendationCheck.objects.select_related("visit", "recommendation__visit"):
        assert check.visit.place_id == check.recommendation.visit.place_id
        assert check.visit.visited_on > check.recommendation.visit.visited_on


def test_two_visit_reports_are_drafted_without_interview_notes(loaded: None) -> None:
    reports = list(VisitReport.objects.select_related("visit"))

    assert len(reports) == 2
    notes = set(Interview.objects.values_list("notes", flat=True))
    codes = set(Interview.objects.values_list("code", flat=True))
    for report in reports:
        assert report.title.startswith("Rapport de visite")
        assert not any(note[:40] in report.body for note in notes)
        assert not any(code in report.body for code in codes)


def test_the_evidence_shows_a_difference_and_a_cell_with_too_few_visits(loaded: None) -> None:
    found = evidence(today=dt.date(2023, 12, 31))

    assert found.cutoff == SEVARE_ENDS
    assert found.visits == Visit.objects.count()
    assert 0 < found.visits_trained < found.visits
    themes = {row.line.key: row for row in found.themes}
    # Rights are better notified where trained officers serve, after their training.
    assert themes["rights"].difference is not None and themes["rights"].difference > 10
    did = {row.line.key: row for row in found.did_themes}
    assert did["rights"].did is not None and did["rights"].did > 10
    # Minors are seldom held: their items have too few visits to conclude.
    items = {row.line.key: row for row in found.items}
    minors = items["minors_separated"]
    assert not (minors.trained.enough and minors.others.enough)
    assert minors.difference is None
    assert did["separation"].did is None
    assert any(row.difference is not None for row in found.items)


def test_the_demo_monitor_holds_the_npm_role(loaded: None) -> None:
    user = User.objects.get(username="mnp")

    assert user.role == Role.NPM
    # The login itself: tests/demo/test_demo_command.py, with every demo account.
    assert ("mnp", "Garde-a-vue-MNP-2022") in {(a.username, a.password) for a in ACCOUNTS}


def test_loading_again_adds_nothing(loaded: None) -> None:
    before = _snapshot()

    result = demo_load()

    assert _snapshot() == before
    assert result.created["custody_visits"] == 0
    assert result.created["visit_reports"] == 0
