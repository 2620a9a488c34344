"""Creating a strategic plan, an axis under it and a partner from the plans page."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import Organisation, Partner, User
from kalan.plans.models import Axis, StrategicPlan

Login = Callable[[User], Client]


def test_plan_list_offers_the_creation_buttons_to_programme_officers_only(
    client_for: Login, programme_officer: User, finance_officer: User, plan: StrategicPlan
) -> None:
    buttons = [
        reverse("plan_create"),
        reverse("partner_create"),
        reverse("axis_create", kwargs={"pk": plan.pk}),
    ]

    offered = client_for(programme_officer).get(reverse("plan_list")).content.decode()
    read_only = client_for(finance_officer).get(reverse("plan_list")).content.decode()

    assert all(f'href="{button}"' in offered for button in buttons)
    assert not any(f'href="{button}"' in read_only for button in buttons)


def test_a_plan_is_created_for_the_institution(
    client_for: Login, programme_officer: User, organisation: Organisation
) -> None:
    response = client_for(programme_officer).post(
        reverse("plan_create"),
        {"title": "Plan stratégique 2023-2027", "start_year": "2023", "end_year": "2027"},
    )

    assert response.status_code == 302
    plan = StrategicPlan.objects.get(title="Plan stratégique 2023-2027")
    assert (plan.organisation, plan.start_year, plan.end_year) == (organisation, 2023, 2027)


def test_a_plan_ending_before_it_starts_is_refused_at_the_end_year(
    client_for: Login, programme_officer: User, organisation: Organisation
) -> None:
    response = client_for(programme_officer).post(
        reverse("plan_create"), {"title": "Plan", "start_year": "2027", "end_year": "2023"}
    )

    page = response.content.decode()
    assert 'id="id_end_year_error"' in page
    assert "L’année de fin précède l’année de début." in page
    assert not StrategicPlan.objects.filter(title="Plan").exists()


def test_an_axis_is_numbered_after_the_last_and_a_number_taken_is_refused_at_its_field(
    client_for: Login, programme_officer: User, axis: Axis
) -> None:
    client = client_for(programme_officer)
    address = reverse("axis_create", kwargs={"pk": axis.plan_id})

    form = client.get(address).content.decode()
    taken = client.post(address, {"number": "1", "title": "Un autre axe 1"}).content.decode()
    made = client.post(address, {"number": "2", "title": "Suivi des relais"})

    assert 'name="number" value="2"' in form
    assert 'id="id_number_error"' in taken and "Ce plan a déjà un axe 1." in taken
    assert made.status_code == 302
    assert list(axis.plan.axes.values_list("number", "title")) == [
        (1, axis.title),
        (2, "Suivi des relais"),
    ]


def test_a_partner_is_created_and_a_name_taken_is_refused(
    client_for: Login, programme_officer: User, funder: Partner
) -> None:
    client = client_for(programme_officer)

    made = client.post(reverse("partner_create"), {"name": "PNUD", "name_en": "UNDP"})
    taken = client.post(reverse("partner_create"), {"name": funder.name})

    assert made.status_code == 302
    assert Partner.objects.get(name="PNUD").name_en == "UNDP"
    assert 'id="id_name_error"' in taken.content.decode()


def test_the_creation_pages_are_refused_to_a_trainer(
    client_for: Login, trainer: User, plan: StrategicPlan
) -> None:
    client = client_for(trainer)

    assert client.get(reverse("plan_create")).status_code == 403
    assert client.post(reverse("partner_create"), {"name": "X"}).status_code == 403
    assert not Partner.objects.filter(name="X").exists()
