"""The visit pages: the custody index, the list and its filters (flat queries), record and
correct a visit, its page, the instrument's grid, its photos; the navigation and the NPM's home."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from kalan.core.http import PAGE_SIZE
from kalan.core.models import User
from kalan.custody.models import InstrumentItem, ItemAnswer, Recommendation, Visit, VisitPhoto
from kalan.custody.services_visits import visit_photo_add
from tests.custody.builders_visits import a_place, a_visit, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def form_data(visit_place: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "place": visit_place.pk,
        "kind": "unannounced",
        "status": "done",
        "visited_on": "14/02/2023",
        "arrived_at": "09:30",
        "left_at": "12:15",
        "team": [],
        "received_by": "L’adjudant-chef",
        "held_men": "2",
        "held_women": "",
        "held_boys": "1",
        "held_girls": "",
        "summary": "",
    }
    data.update(changes)
    return data


def url(name: str, visit: Visit) -> str:
    return reverse(name, kwargs={"uid": visit.uid})


# --- record and correct -----------------------------------------------------------------------


def test_a_monitor_records_a_visit_with_the_team(
    client_for: Callable[[User], Client], npm_monitor: User, administrator: User
) -> None:
    detention = a_place()
    response = client_for(npm_monitor).post(
        reverse("visit_create"), form_data(detention, team=[npm_monitor.pk, administrator.pk])
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == url("visit", visit)
    assert set(visit.team.all()) == {npm_monitor, administrator}
    assert (visit.held_men, visit.held_women, visit.held_boys) == (2, None, 1)
    assert visit.arrived_at == dt.time(9, 30) and visit.created_by == npm_monitor


def test_the_form_offers_npm_members_and_administrators_only_as_team(
    client_for: Callable[[User], Client], npm_monitor: User, administrator: User, trainer: User
) -> None:
    page = client_for(npm_monitor).get(reverse("visit_create"))
    offered = {int(value) for value, _label in page.context["form"].fields["team"].choices}
    assert offered == {npm_monitor.pk, administrator.pk}


def test_a_trainer_in_the_team_is_refused_in_french_at_the_field(
    client_for: Callable[[User], Client], npm_monitor: User, trainer: User
) -> None:
    response = client_for(npm_monitor).post(
        reverse("visit_create"), form_data(a_place(), team=[npm_monitor.pk, trainer.pk])
    )
    assert response.status_code == 400
    error = response.context["form"].errors["team"][0]
    assert trainer.get_full_name() in error and "membres du MNP" in error
    assert not Visit.objects.exists()


def test_a_date_outside_the_place_s_existence_is_refused_at_the_date(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    detention = a_place(opened_on=dt.date(2023, 3, 1))
    response = client_for(npm_monitor).post(reverse("visit_create"), form_data(detention))
    assert response.status_code == 400
    assert "01/03/2023" in response.context["form"].errors["visited_on"][0]


def test_bad_times_counts_and_future_dates_are_refused_at_their_field(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    client = client_for(npm_monitor)
    detention = a_place()
    cases = {
        "left_at": {"arrived_at": "10:00", "left_at": "09:00"},
        "held_men": {"held_men": "-1"},
        "visited_on": {
            "visited_on": (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
        },
    }
    for field, changes in cases.items():
        response = client.post(reverse("visit_create"), form_data(detention, **changes))
        assert response.status_code == 400, field
        assert field in response.context["form"].errors, field
    assert not Visit.objects.exists()


def test_a_visit_is_corrected(client_for: Callable[[User], Client], npm_monitor: User) -> None:
    visit = a_visit(a_place(), team=[npm_monitor])
    response = client_for(npm_monitor).post(
        url("visit_edit", visit), form_data(visit.place, status="cancelled", team=[npm_monitor.pk])
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.received_by == "L’adjudant-chef"


def test_the_creation_page_chooses_the_place_given_in_its_address(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    detention = a_place()
    page = client_for(npm_monitor).get(reverse("visit_create"), {"lieu": str(detention.uid)})
    assert page.context["form"]["place"].value() == detention.pk


# --- the list and the index -------------------------------------------------------------------


def test_the_list_filters_by_place_status_and_year(
    client_for: Callable[[User], Client], monitoring_officer: User
) -> None:
    sevare, segou = a_place(), a_place(name="Commissariat de Ségou")
    a_visit(sevare, visited_on=dt.date(2022, 11, 3))
    a_visit(sevare, visited_on=dt.date(2023, 4, 5), status="cancelled")
    a_visit(segou, visited_on=dt.date(2023, 7, 8))
    client = client_for(monitoring_officer)

    def dates(**query: Any) -> set[str]:
        page = client.get(reverse("visits"), query)
        return {v.visited_on.isoformat() for v in page.context["visits"]}

    assert dates() == {"2022-11-03", "2023-04-05", "2023-07-08"}
    assert dates(place=str(sevare.uid)) == {"2022-11-03", "2023-04-05"}
    assert dates(status="cancelled") == {"2023-04-05"}
    assert dates(year="2023") == {"2023-04-05", "2023-07-08"}
    assert dates(place="pas-un-uid", status="nonsense", year="1990") == dates()


def test_the_list_costs_the_same_queries_for_many_visits(
    client_for: Callable[[User], Client],
    npm_monitor: User,
    django_assert_max_num_queries: Callable[[int], DjangoAssertNumQueries],
) -> None:
    client = client_for(npm_monitor)
    a_visit(a_place(), team=[npm_monitor])
    client.get(reverse("visits"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits"))
    for n in range(12):
        a_visit(a_place(name=f"Lieu {n}"), team=[npm_monitor], visited_on=dt.date(2023, 1, n + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("visits"))
    assert len(response.context["visits"]) == 13


def test_the_lists_show_fifty_rows_a_page_and_keep_the_filters_in_their_links(
    client_for: Callable[[User], Client], monitoring_officer: User
) -> None:
    place = a_place()
    first = dt.date(2023, 1, 1)
    Visit.objects.bulk_create(
        Visit(place=place, kind="announced", status="done", visited_on=first + dt.timedelta(n))
        for n in range(PAGE_SIZE + 2)
    )
    client = client_for(monitoring_officer)
    one = client.get(reverse("visits"), {"status": "done"})
    assert len(one.context["visits"]) == PAGE_SIZE
    assert one.context["visits"][0].visited_on == first + dt.timedelta(PAGE_SIZE + 1)
    assert "?status=done&amp;page=2" in one.content.decode()
    two = client.get(reverse("visits"), {"status": "done", "page": "2"})
    assert [v.visited_on for v in two.context["visits"]] == [first + dt.timedelta(1), first]
    # Past the end or nonsense: the last page, the first page.
    assert client.get(reverse("visits"), {"page": "9"}).context["page"].number == 2
    assert client.get(reverse("visits"), {"page": "x"}).context["page"].number == 1
    Recommendation.objects.bulk_create(
        Recommendation(visit=Visit.objects.first(), authority="Parquet", text="R", priority="low")
        for _ in range(PAGE_SIZE + 1)
    )
    page = client.get(reverse("recommendations"), {"page": "2"})
    assert len(page.context["recommendations"]) == 1
    for n in range(PAGE_SIZE):
        a_place(name=f"Lieu {n:02d}")
    assert len(client.get(reverse("detention_places"), {"page": "2"}).context["places"]) == 1


def test_the_index_shows_planned_and_recent_visits_and_the_open_recommendations(
    client_for: Callable[[User], Client],
    programme_officer: User,
    django_assert_max_num_queries: Callable[[int], DjangoAssertNumQueries],
) -> None:
    detention = a_place()
    coming = timezone.localdate() + dt.timedelta(days=10)
    a_visit(detention, status="planned", visited_on=coming)
    done = a_visit(detention, visited_on=dt.date(2023, 5, 6))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Recommendation.objects.create(
        visit=done, authority="Procureur", text="A", priority="high", due_on=yesterday
    )
    Recommendation.objects.create(visit=done, authority="Procureur", text="B", priority="low")
    client = client_for(programme_officer)
    client.get(reverse("custody_index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("custody_index"))
    for n in range(8):
        a_visit(a_place(name=f"Lieu {n}"), visited_on=dt.date(2023, 1, n + 1))
        a_visit(a_place(name=f"Lieu {n}"), status="planned", visited_on=coming)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("custody_index"))
    text = page.content.decode()
    assert coming.strftime("%d/%m/%Y") in text and "06/05/2023" in text
    assert page.context["counts"] == {"open": 2, "overdue": 1}
    for name in ("detention_places", "visits", "recommendations"):
        assert reverse(name) in text
    assert reverse("visit_create") not in text  # programme officers read, they do not record


def test_the_navigation_offers_custody_to_its_readers_only(
    client_for: Callable[[User], Client],
    npm_monitor: User,
    monitoring_officer: User,
    trainer: User,
    finance_officer: User,
) -> None:
    link = f'href="{reverse("custody_index")}"'
    for user in (npm_monitor, monitoring_officer):
        assert link in client_for(user).get(reverse("account")).content.decode()
    for user in (trainer, finance_officer):
        assert link not in client_for(user).get(reverse("account")).content.decode()


def test_the_npm_s_home_offers_the_custody_pages_and_no_sessions(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    a_visit(a_place(), status="planned", visited_on=timezone.localdate() + dt.timedelta(days=2))
    page = client_for(npm_monitor).get(reverse("home")).content.decode()
    for name in ("custody_index", "detention_places", "visits", "visit_create"):
        assert f'href="{reverse(name)}"' in page
    assert "Brigade territoriale de Sévaré" in page
    assert "Sessions récentes" not in page


# --- the visit's page -------------------------------------------------------------------------


def test_the_visit_s_page_shows_answers_by_theme_and_the_interviews_and_recommendations(
    client_for: Callable[[User], Client], monitoring_officer: User
) -> None:
    visit = a_visit(a_place(), held_men=4, register_examined=30, register_over_limit=2)
    kept = InstrumentItem.objects.get(key="register_kept")
    ItemAnswer.objects.create(visit=visit, item=kept, value="partly", note="Registre non coté")
    page = client_for(monitoring_officer).get(url("visit", visit))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Registre de garde à vue" in text and kept.text in text
    assert "En partie" in text or "en partie" in text
    assert "Registre non coté" in text and "30 inscriptions examinées, dont 2" in text
    assert 'id="visit-recommendations"' in text  # helper B's section is included
    assert "interviews_readable" in page.context
    assert url("visit_instrument", visit) not in text  # monitoring reads, does not record


def test_a_forged_visit_uid_answers_404(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    forged = "5f0c6b1e-0000-4000-8000-000000000000"
    for name in ("visit", "visit_edit", "visit_instrument"):
        response = client_for(npm_monitor).get(reverse(name, kwargs={"uid": forged}))
        assert response.status_code == 404, name


# --- the instrument's grid ----------------------------------------------------------------------


def test_the_grid_shows_every_active_item_by_theme_with_its_sources_and_the_register_counts(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    retired = InstrumentItem.objects.get(key="register_kept")
    retired.active = False
    retired.save()
    visit = a_visit(a_place())
    page = client_for(npm_monitor).get(url("visit_instrument", visit))
    text = page.content.decode()
    active = InstrumentItem.objects.filter(active=True)
    assert text.count('<fieldset class="question') == active.count()
    assert retired.text not in text
    for theme in ("Registre de garde à vue", "Notification des droits", "Plaintes"):
        assert f">{theme}</h2>" in text
    assert "Code de procédure pénale du Mali" in text and "art. " in text
    register_item = InstrumentItem.objects.get(register_check=True)
    register = text.index(f'id="item-{register_item.pk}"')
    assert register < text.index('name="register_examined"') < text.index("</fieldset>", register)
    assert text.count('type="radio"') == 4 * active.count()


def test_the_grid_saves_the_answers_and_the_register_counts(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    visit = a_visit(a_place())
    kept = InstrumentItem.objects.get(key="register_kept")
    complete = InstrumentItem.objects.get(key="register_complete")
    ItemAnswer.objects.create(visit=visit, item=complete, value="no")
    response = client_for(npm_monitor).post(
        url("visit_instrument", visit),
        {
            f"item-{kept.pk}": "yes",
            f"note-{kept.pk}": "Présenté sans délai",
            f"item-{complete.pk}": "",
            "register_examined": "25",
            "register_over_limit": "4",
        },
    )
    assert response.status_code == 302
    assert [(a.item_id, a.value, a.note) for a in visit.answers.all()] == [
        (kept.pk, "yes", "Présenté sans délai")
    ]
    visit.refresh_from_db()
    assert (visit.register_examined, visit.register_over_limit) == (25, 4)


def test_the_grid_refuses_more_entries_over_the_limit_than_examined_at_the_field(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    visit = a_visit(a_place())
    kept = InstrumentItem.objects.get(key="register_kept")
    response = client_for(npm_monitor).post(
        url("visit_instrument", visit),
        {f"item-{kept.pk}": "yes", "register_examined": "5", "register_over_limit": "6"},
    )
    assert response.status_code == 400
    assert "plus que les 5" in response.context["form"].errors["register_over_limit"][0]
    assert not visit.answers.exists()


def test_a_note_without_an_answer_is_refused_at_its_item(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    visit = a_visit(a_place())
    kept = InstrumentItem.objects.get(key="register_kept")
    response = client_for(npm_monitor).post(
        url("visit_instrument", visit), {f"note-{kept.pk}": "Vu le registre"}
    )
    assert response.status_code == 400
    assert f"item-{kept.pk}" in response.context["form"].errors


# --- photos -------------------------------------------------------------------------------------


def test_a_photo_is_uploaded_and_served_to_custody_readers_only_never_stored(
    client_for: Callable[[User], Client], npm_monitor: User, programme_officer: User, trainer: User
) -> None:
    visit = a_visit(a_place())
    response = client_for(npm_monitor).post(
        url("visit_photos", visit), {"image": jpeg(), "caption": "Cellule", "places_only": "on"}
    )
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    served = client_for(programme_officer).get(url("visit_photo", photo))  # type: ignore[arg-type]
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"]
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8")  # type: ignore[attr-defined]
    assert client_for(trainer).get(url("visit_photo", photo)).status_code == 403  # type: ignore[arg-type]
    assert "/media/" not in client_for(npm_monitor).get(url("visit", visit)).content.decode()


def test_a_photo_without_the_box_ticked_is_refused_on_the_visit_s_page(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    visit = a_visit(a_place())
    response = client_for(npm_monitor).post(
        url("visit_photos", visit), {"image": jpeg(), "caption": "Cellule"}
    )
    assert response.status_code == 400
    assert "places_only" in response.context["photo_form"].errors
    assert response.context["photo_lost"] is True
    assert not VisitPhoto.objects.exists()


def test_a_photo_is_deleted_by_a_post_only(
    client_for: Callable[[User], Client], npm_monitor: User
) -> None:
    visit = a_visit(a_place())
    photo = visit_photo_add(visit=visit, image=jpeg(), caption="Cour", places_only=True, by=None)
    client = client_for(npm_monitor)
    assert client.get(url("visit_photo_delete", photo)).status_code == 405  # type: ignore[arg-type]
    response = client.post(url("visit_photo_delete", photo))  # type: ignore[arg-type]
    assert response.status_code == 302 and not VisitPhoto.objects.exists()
