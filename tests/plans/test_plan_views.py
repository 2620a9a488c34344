"""The plans page, an axis with its workshops, and the pages that edit an axis and a partner
(their English names, issue 11)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.plans.models import Axis
from kalan.workshops.models import Workshop
from tests.factories import PartnerFactory


def test_plans_list_their_axes_with_workshop_counts(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    response = client_for(programme_officer).get(reverse("plan_list"))
    body = response.content.decode()
    assert workshop.axis.plan.title in body
    assert workshop.axis.title in body
    axis = next(iter(response.context["plans"])).axes.all()[0]
    assert axis.workshop_count == 1


def test_an_axis_lists_its_workshops(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    response = client_for(programme_officer).get(
        reverse("axis_detail", kwargs={"pk": workshop.axis.pk})
    )
    assert workshop.title in response.content.decode()


def test_an_axis_gets_its_english_title_from_its_page(
    programme_officer: User, client_for: Callable[[User], Client], axis: Axis
) -> None:
    url = reverse("axis_edit", kwargs={"pk": axis.pk})
    client = client_for(programme_officer)
    assert client.get(url).context["form"].initial["title"] == axis.title

    response = client.post(
        url,
        {
            "title": axis.title,
            "description": "",
            "title_en": " Reconciling rights and security ",
            "description_en": "Training the key actors.",
        },
    )

    assert response.status_code == 302
    axis.refresh_from_db()
    assert (axis.title_en, axis.description_en) == (
        "Reconciling rights and security",
        "Training the key actors.",
    )
    assert "Reconciling rights and security" in client.get(reverse("plan_list")).content.decode()


def test_a_partner_gets_its_english_name_from_its_page(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    partner = PartnerFactory(
        name="Programme des Nations unies pour le développement", acronym="PNUD"
    )
    client = client_for(programme_officer)
    listed = client.get(reverse("plan_list")).content.decode()
    url = reverse("partner_edit", kwargs={"pk": partner.pk})
    assert url in listed

    response = client.post(
        url,
        {
            "name": partner.name,
            "acronym": "PNUD",
            "website": "",
            "name_en": "United Nations Development Programme",
            "acronym_en": "UNDP",
        },
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name_en, partner.acronym_en) == ("United Nations Development Programme", "UNDP")
    assert (partner.name, partner.acronym) == (
        "Programme des Nations unies pour le développement",
        "PNUD",
    )


def test_a_partner_name_already_taken_is_refused_at_its_field(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    PartnerFactory(name="EUCAP Sahel Mali")
    partner = PartnerFactory(name="PNUD")

    response = client_for(programme_officer).post(
        reverse("partner_edit", kwargs={"pk": partner.pk}),
        {"name": "EUCAP Sahel Mali", "acronym": "", "website": "", "name_en": "", "acronym_en": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    partner.refresh_from_db()
    assert partner.name == "PNUD"


def test_the_communication_officer_sees_no_edit_link_on_the_plans_page(
    communication_officer: User, client_for: Callable[[User], Client], axis: Axis
) -> None:
    page = client_for(communication_officer).get(reverse("plan_list")).content.decode()

    assert reverse("axis_edit", kwargs={"pk": axis.pk}) not in page
