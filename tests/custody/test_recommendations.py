"""Recommendations: the services' rules (addressee, due date, closing without a response, the
checks of later visits), the list's filters and queries, and the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.custody import services_recommendations as service
from kalan.custody.errors import CustodyError
from kalan.custody.models import (
    Recommendation,
    RecommendationCheck,
    RecommendationResponse,
    Visit,
)
from kalan.custody.selectors_recommendations import (
    recommendation_counts,
    recommendations_filtered,
    visit_recommendations_context,
)
from tests.custody.builders_recommendations import detention_place, recommendation, response, visit

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 12)


def create(on: Visit, **changes: Any) -> Recommendation:
    kwargs: dict[str, Any] = {
        "visit": on,
        "unit": on.place.unit,
        "authority": "",
        "text": "Afficher les droits dans la langue des personnes gardées à vue.",
        "priority": Recommendation.Priority.MEDIUM,
        "due_on": DAY + dt.timedelta(days=60),
        "by": None,
    }
    kwargs.update(changes)
    return service.recommendation_create(**kwargs)


# --- creating, correcting -------------------------------------------------------------------


def test_a_recommendation_goes_to_a_unit_or_an_authority() -> None:
    on = visit(on=DAY)
    assert create(on).status == Recommendation.Status.OPEN
    assert create(on, unit=None, authority=" Procureur de Mopti ").authority == "Procureur de Mopti"
    with pytest.raises(CustodyError) as refused:
        create(on, unit=None, authority="  ")
    assert (refused.value.code, refused.value.field) == ("no_addressee", "unit")
    assert "destinataire" in str(refused.value)
    assert Recommendation.objects.count() == 2


def test_the_database_too_refuses_a_recommendation_without_addressee() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(visit=visit(), text="x", priority="low", authority="")


def test_the_due_date_may_not_precede_the_visit() -> None:
    on = visit(on=DAY)
    assert create(on, due_on=DAY).due_on == DAY
    with pytest.raises(CustodyError) as refused:
        create(on, due_on=DAY - dt.timedelta(days=1))
    assert (refused.value.code, refused.value.field) == ("due_before_visit", "due_on")
    assert "12/03/2024" in str(refused.value)


def test_an_empty_text_and_a_cancelled_visit_are_refused() -> None:
    with pytest.raises(CustodyError) as refused:
        create(visit(), text=" ")
    assert (refused.value.code, refused.value.field) == ("text_empty", "text")
    with pytest.raises(CustodyError) as refused:
        create(visit(status=Visit.Status.CANCELLED))
    assert refused.value.code == "visit_cancelled"
    assert not Recommendation.objects.exists()


def test_an_update_follows_the_same_rules() -> None:
    rec = recommendation(visit(on=DAY))
    kwargs: dict[str, Any] = {
        "unit": None,
        "authority": "Direction régionale de la gendarmerie",
        "text": "Autre texte.",
        "priority": Recommendation.Priority.LOW,
        "due_on": None,
    }
    service.recommendation_update(recommendation=rec, **kwargs)
    rec.refresh_from_db()
    assert (rec.unit, rec.authority, rec.priority, rec.due_on) == (
        None,
        "Direction régionale de la gendarmerie",
        "low",
        None,
    )
    with pytest.raises(CustodyError):
        service.recommendation_update(recommendation=rec, **{**kwargs, "authority": ""})
    with pytest.raises(CustodyError):
        service.recommendation_update(
            recommendation=rec, **{**kwargs, "due_on": dt.date(2020, 1, 1)}
        )
    rec.refresh_from_db()
    assert rec.authority == "Direction régionale de la gendarmerie"


# --- responses and status -------------------------------------------------------------------


def test_closing_without_a_response_is_refused_and_nothing_saved() -> None:
    rec = recommendation(visit(on=DAY))
    for closed in (Recommendation.Status.IMPLEMENTED, Recommendation.Status.REJECTED):
        with pytest.raises(CustodyError) as refused:
            service.recommendation_status_set(recommendation=rec, status=closed)
        assert str(refused.value) == (
            "Une recommandation ne peut être close sans réponse enregistrée."
        )
        assert refused.value.code == "closed_without_response"
        rec.refresh_from_db()
        assert rec.status == Recommendation.Status.OPEN
    service.recommendation_status_set(recommendation=rec, status="in_progress")
    rec.refresh_from_db()
    assert rec.status == "in_progress"


def test_with_a_response_it_may_be_closed() -> None:
    rec = recommendation(visit(on=DAY))
    service.recommendation_response_add(
        recommendation=rec,
        received_on=DAY + dt.timedelta(days=10),
        respondent="Commandant de brigade",
        text="Affiche posée.",
        by=None,
        today=DAY + dt.timedelta(days=30),
    )
    service.recommendation_status_set(recommendation=rec, status="implemented")
    rec.refresh_from_db()
    assert rec.status == "implemented"
    with pytest.raises(CustodyError) as refused:
        service.recommendation_status_set(recommendation=rec, status="done")
    assert refused.value.code == "unknown_status"


@pytest.mark.parametrize(
    ("received", "respondent", "text", "code"),
    [
        (DAY - dt.timedelta(days=1), "Préfet", "Reçu.", "response_before_visit"),
        (DAY + dt.timedelta(days=31), "Préfet", "Reçu.", "response_in_future"),
        (DAY, " ", "Reçu.", "respondent_empty"),
        (DAY, "Préfet", " ", "response_empty"),
    ],
)
def test_a_bad_response_is_refused(
    received: dt.date, respondent: str, text: str, code: str
) -> None:
    rec = recommendation(visit(on=DAY))
    with pytest.raises(CustodyError) as refused:
        service.recommendation_response_add(
            recommendation=rec,
            received_on=received,
            respondent=respondent,
            text=text,
            by=None,
            today=DAY + dt.timedelta(days=30),
        )
    assert refused.value.code == code
    assert not RecommendationResponse.objects.exists()


# --- checks at later visits -----------------------------------------------------------------


def test_a_later_visit_to_the_same_place_checks_once() -> None:
    place = detention_place()
    first = visit(place, on=DAY)
    later = visit(place, on=DAY + dt.timedelta(days=200))
    rec = recommendation(first)
    check = service.recommendation_check_record(
        recommendation=rec, visit=later, finding="partly", note="Affiche en français seulement."
    )
    assert (check.finding, check.note) == ("partly", "Affiche en français seulement.")
    with pytest.raises(CustodyError) as refused:
        service.recommendation_check_record(
            recommendation=rec, visit=later, finding="implemented", note=""
        )
    assert (refused.value.code, refused.value.field) == ("checked_twice", "visit")
    assert "déjà été vérifiée" in str(refused.value)
    assert RecommendationCheck.objects.get().finding == "partly"


def test_a_check_needs_the_same_place_and_a_later_visit() -> None:
    place = detention_place()
    first = visit(place, on=DAY)
    rec = recommendation(first)
    cases = [
        (visit(on=DAY + dt.timedelta(days=5)), "check_other_place"),
        (visit(place, on=DAY), "check_not_later"),
        (visit(place, on=DAY - dt.timedelta(days=5)), "check_not_later"),
        (first, "check_not_later"),
    ]
    for other, code in cases:
        with pytest.raises(CustodyError) as refused:
            service.recommendation_check_record(
                recommendation=rec, visit=other, finding="implemented", note=""
            )
        assert refused.value.code == code
    with pytest.raises(CustodyError) as refused:
        service.recommendation_check_record(
            recommendation=rec,
            visit=visit(place, on=DAY + dt.timedelta(days=9)),
            finding="x",
            note="",
        )
    assert refused.value.code == "unknown_finding"
    assert not RecommendationCheck.objects.exists()


def test_the_visit_section_lists_its_own_and_the_open_earlier_ones(npm_monitor: User) -> None:
    place = detention_place()
    first = visit(place, on=DAY)
    later = visit(place, on=DAY + dt.timedelta(days=200))
    still_open = recommendation(first)
    closed = recommendation(first, status=Recommendation.Status.REJECTED)
    in_progress = recommendation(first, status=Recommendation.Status.IN_PROGRESS)
    own = recommendation(later)
    recommendation(visit(on=DAY))  # another place
    recommendation(visit(place, on=DAY + dt.timedelta(days=300)))  # a later visit's
    context = visit_recommendations_context(visit=later, user=npm_monitor)
    assert context["recommendations"] == [own]
    assert {r.pk for r in context["recommendations_to_check"]} == {still_open.pk, in_progress.pk}
    assert closed not in context["recommendations_to_check"]
    assert context["recommendation_can_write"]
    # Once checked, it stays listed with its finding, even closed since.
    service.recommendation_check_record(
        recommendation=in_progress, visit=later, finding="implemented", note=""
    )
    Recommendation.objects.filter(pk=in_progress.pk).update(status="implemented")
    again = {
        r.pk: r
        for r in visit_recommendations_context(visit=later, user=npm_monitor)[
            "recommendations_to_check"
        ]
    }
    assert again[in_progress.pk].this_check.finding == "implemented"
    assert again[still_open.pk].this_check is None


def test_filters_and_counts() -> None:
    on = visit(on=DAY)
    today = DAY + dt.timedelta(days=100)
    late = recommendation(on, due_on=DAY + dt.timedelta(days=10))
    recommendation(on, due_on=DAY + dt.timedelta(days=200), priority="low")
    recommendation(on, due_on=DAY + dt.timedelta(days=10), status="rejected")
    assert list(recommendations_filtered(overdue=True, today=today)) == [late]
    assert recommendations_filtered(priority="low").count() == 1
    assert recommendations_filtered(status="rejected").count() == 1
    assert recommendations_filtered(status="bogus").count() == 3
    assert recommendation_counts(today=today) == {"open": 2, "overdue": 1}


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def npm(npm_monitor: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(npm_monitor)


def test_the_list_page_filters_in_flat_queries(
    npm: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    on = visit(on=DAY)
    for n in range(6):
        response(recommendation(on, text=f"Recommandation n° {n}"))
    recommendation(on, text="Basse priorité", priority="low")
    with django_assert_max_num_queries(12):
        page = npm.get(reverse("recommendations")).content.decode()
    assert "Recommandation n° 5" in page and "Basse priorité" in page
    page = npm.get(reverse("recommendations"), {"priority": "low"}).content.decode()
    assert "Basse priorité" in page and "Recommandation n° 5" not in page
    many = [recommendation(visit(on=DAY)) for _ in range(5)]
    with django_assert_max_num_queries(12):
        npm.get(reverse("recommendations"))
    assert many


def test_create_defaults_to_the_place_unit_and_shows_errors_in_french(npm: Client) -> None:
    on = visit(on=DAY)
    url = reverse("recommendation_create", kwargs={"uid": on.uid})
    page = npm.get(url).content.decode()
    assert f'<option value="{on.place.unit.pk}" selected>' in page
    refused = npm.post(url, {"text": "Texte.", "unit": "", "authority": "", "priority": "high"})
    assert refused.status_code == 400
    assert "Indiquez le destinataire" in refused.content.decode()
    refused = npm.post(
        url,
        {"text": "Texte.", "unit": on.place.unit.pk, "priority": "high", "due_on": "01/01/2024"},
    )
    assert "ne peut précéder la date de la visite" in refused.content.decode()
    assert not Recommendation.objects.exists()
    done = npm.post(
        url,
        {"text": "Texte.", "unit": on.place.unit.pk, "priority": "high", "due_on": "12/06/2024"},
    )
    assert done.status_code == 302
    rec = Recommendation.objects.get()
    assert (rec.unit, rec.due_on) == (on.place.unit, dt.date(2024, 6, 12))


def test_the_detail_page_adds_a_response_then_closes(npm: Client) -> None:
    rec = recommendation(visit(on=DAY))
    status_url = reverse("recommendation_status", kwargs={"uid": rec.uid})
    page_url = reverse("recommendation", kwargs={"uid": rec.uid})
    followed = npm.post(status_url, {"status": "implemented"}, follow=True)
    assert "ne peut être close sans réponse enregistrée" in followed.content.decode()
    rec.refresh_from_db()
    assert rec.status == "open"
    npm.post(
        reverse("recommendation_response", kwargs={"uid": rec.uid}),
        {"received_on": "20/03/2024", "respondent": "Le commandant", "text": "Affiche posée."},
    )
    assert npm.post(status_url, {"status": "implemented"}).status_code == 302
    rec.refresh_from_db()
    assert rec.status == "implemented"
    page = npm.get(page_url).content.decode()
    assert "Affiche posée." in page and "Le commandant" in page


def test_a_refused_response_says_why(npm: Client) -> None:
    rec = recommendation(visit(on=DAY))
    followed = npm.post(
        reverse("recommendation_response", kwargs={"uid": rec.uid}),
        {"received_on": "01/01/2024", "respondent": "Préfet", "text": "x"},
        follow=True,
    )
    assert "ne peut être reçue avant la visite" in followed.content.decode()
    assert not RecommendationResponse.objects.exists()


def test_the_check_from_the_visit_page(npm: Client) -> None:
    place = detention_place()
    rec = recommendation(visit(place, on=DAY))
    later = visit(place, on=DAY + dt.timedelta(days=200))
    page = npm.get(reverse("visit", kwargs={"uid": later.uid})).content.decode()
    url = reverse("recommendation_check", kwargs={"uid": rec.uid})
    assert url in page
    data = {"visit": str(later.uid), "finding": "not_implemented", "note": "Rien n’a changé."}
    first = npm.post(url, data)
    assert first["Location"].startswith(reverse("visit", kwargs={"uid": later.uid}))
    second = npm.post(url, data, follow=True)
    assert "déjà été vérifiée lors de cette visite" in second.content.decode()
    assert RecommendationCheck.objects.count() == 1
    page = npm.get(reverse("visit", kwargs={"uid": later.uid})).content.decode()
    assert "Rien n’a changé." in page
    assert npm.post(url, {**data, "visit": "nope"}).status_code == 404


def test_programme_reads_but_gets_no_form(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    place = detention_place()
    rec = recommendation(visit(place, on=DAY))
    later = visit(place, on=DAY + dt.timedelta(days=200))
    client = client_for(programme_officer)
    page = client.get(reverse("recommendation", kwargs={"uid": rec.uid})).content.decode()
    assert rec.text in page
    assert reverse("recommendation_status", kwargs={"uid": rec.uid}) not in page
    visit_page = client.get(reverse("visit", kwargs={"uid": later.uid})).content.decode()
    assert rec.text[:40] in visit_page
    assert reverse("recommendation_check", kwargs={"uid": rec.uid}) not in visit_page


@pytest.mark.parametrize("name", ["recommendation", "recommendation_edit"])
def test_a_forged_uid_is_not_found(npm: Client, name: str) -> None:
    assert npm.get(reverse(name, kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_the_list_page_keeps_the_overdue_ones_only_when_asked(npm: Client) -> None:
    on = visit(on=DAY)
    recommendation(on, text="Échue depuis longtemps", due_on=DAY + dt.timedelta(days=1))
    recommendation(on, text="Sans échéance", due_on=None)
    page = npm.get(reverse("recommendations"), {"overdue": "1"}).content.decode()
    assert "Échue depuis longtemps" in page and "Sans échéance" not in page
    assert 'name="overdue" value="1" checked' in page
    page = npm.get(reverse("recommendations"), {"status": "bogus"}).content.decode()
    assert "Échue depuis longtemps" in page and "Sans échéance" in page


def test_a_check_without_a_finding_is_refused_in_french(npm: Client) -> None:
    place = detention_place()
    rec = recommendation(visit(place, on=DAY))
    later = visit(place, on=DAY + dt.timedelta(days=200))
    followed = npm.post(
        reverse("recommendation_check", kwargs={"uid": rec.uid}),
        {"visit": str(later.uid), "finding": "", "note": ""},
        follow=True,
    )
    assert "Choisissez un constat." in followed.content.decode()
    assert not RecommendationCheck.objects.exists()


def test_the_visit_section_reads_in_a_fixed_number_of_queries(
    npm_monitor: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    place = detention_place()
    later = visit(place, on=DAY + dt.timedelta(days=200))

    def read() -> int:
        context = visit_recommendations_context(visit=later, user=npm_monitor)
        return len(context["recommendations_to_check"]) + len(context["recommendations"])

    first = visit(place, on=DAY)
    recommendation(first)
    recommendation(later)
    with django_assert_num_queries(3):
        assert read() == 2
    for _ in range(5):
        rec = recommendation(first)
        response(rec)
        service.recommendation_check_record(
            recommendation=rec, visit=later, finding="partly", note=""
        )
        recommendation(later)
    with django_assert_num_queries(3):
        assert read() == 12
