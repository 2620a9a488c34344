"""A session's dates are typed jj/mm/aaaa and shown so, whatever the browser's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.workshops.forms import SessionForm
from kalan.workshops.models import Session, Workshop
from tests.factories import place

pytestmark = pytest.mark.django_db

INVALID = "Date invalide : écrivez jj/mm/aaaa, par exemple 15/03/2026"


def _form(**dates: str) -> dict[str, str]:
    return {
        "place": str(place("Ségou").pk),
        "venue": "Hôtel Djoliba",
        "capacity": "40",
        "per_diem_rate": "25000",
        "transport_rate": "10000",
        "certificate_min_percent": "100",
        **dates,
    }


def test_the_session_form_reads_05_03_as_the_fifth_of_march() -> None:
    form = SessionForm(_form(start_date="05/03/2026", end_date="07.03.2026"))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start_date"], form.cleaned_data["end_date"]) == (
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 7),
    )


def test_the_session_form_refuses_the_american_order_with_its_reason() -> None:
    form = SessionForm(_form(start_date="03/15/2026", end_date="03/17/2026"))
    assert not form.is_valid()
    assert form.errors["start_date"] == [INVALID]
    assert form.errors["end_date"] == [INVALID]


def test_a_new_session_typed_jj_mm_aaaa_is_saved_on_those_days(
    client_for: Callable[[User], Client], programme_officer: User, workshop: Workshop
) -> None:
    response = client_for(programme_officer).post(
        reverse("session_create", kwargs={"pk": workshop.pk}),
        _form(start_date="05/03/2026", end_date="06/03/2026"),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.start_date, session.end_date) == (dt.date(2026, 3, 5), dt.date(2026, 3, 6))


def test_the_edit_page_shows_the_dates_jj_mm_aaaa(
    client_for: Callable[[User], Client], programme_officer: User, sevare_session: Session
) -> None:
    response = client_for(programme_officer).get(
        reverse("session_edit", kwargs={"uid": sevare_session.uid})
    )
    html = response.content.decode()
    assert 'name="start_date" value="08/11/2022"' in html
    assert 'name="end_date" value="10/11/2022"' in html
    assert 'type="date"' not in html
    assert 'placeholder="jj/mm/aaaa"' in html
