"""Workshops: list, detail, create and edit from the web."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.plans.models import Axis
from kalan.workshops.models import Workshop
from tests.factories import PartnerFactory


def _form(axis: Axis, **overrides: str) -> dict[str, str]:
    data = {
        "axis": str(axis.pk),
        "title": "Atelier des OPJ de Ségou",
        "general_objective": "Promouvoir les droits humains.",
        "objectives": "Connaître les droits\n\nRespecter la garde à vue\n",
        "target_audience": "OPJ",
        "description": "",
        "fundings-TOTAL_FORMS": "2",
        "fundings-INITIAL_FORMS": "0",
        "fundings-MIN_NUM_FORMS": "0",
        "fundings-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_it_creates_a_workshop_with_ordered_objectives_and_a_funder(
    programme_officer: User, client_for: Callable[[User], Client], axis: Axis
) -> None:
    eucap = PartnerFactory(name="EUCAP Sahel Mali", acronym="EUCAP")
    data = _form(axis, **{"fundings-0-partner": str(eucap.pk), "fundings-0-amount": "12000000"})
    response = client_for(programme_officer).post(reverse("workshop_create"), data)
    workshop = Workshop.objects.get(title="Atelier des OPJ de Ségou")
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop_detail", kwargs={"pk": workshop.pk})
    assert [o.text for o in workshop.objectives.all()] == [
        "Connaître les droits",
        "Respecter la garde à vue",
    ]
    assert [(f.partner, f.amount) for f in workshop.fundings.all()] == [(eucap, 12_000_000)]


def test_it_refuses_a_workshop_without_objectives_at_the_field(
    programme_officer: User, client_for: Callable[[User], Client], axis: Axis
) -> None:
    response = client_for(programme_officer).post(
        reverse("workshop_create"), _form(axis, objectives="  \n ")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["objectives"] == [
        "Indiquez au moins un objectif spécifique."
    ]
    assert not Workshop.objects.exists()


def test_it_refuses_the_same_funder_twice_and_saves_nothing(
    programme_officer: User, client_for: Callable[[User], Client], axis: Axis
) -> None:
    eucap = PartnerFactory(name="EUCAP Sahel Mali")
    data = _form(
        axis,
        **{
            "fundings-0-partner": str(eucap.pk),
            "fundings-0-amount": "1000",
            "fundings-1-partner": str(eucap.pk),
            "fundings-1-amount": "2000",
        },
    )
    response = client_for(programme_officer).post(reverse("workshop_create"), data)
    assert response.status_code == 200
    assert "figure deux fois" in response.content.decode()
    assert not Workshop.objects.exists()


def test_it_edits_a_workshop_and_replaces_its_objectives(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    client = client_for(programme_officer)
    page = client.get(reverse("workshop_edit", kwargs={"pk": workshop.pk}))
    assert "Connaître les droits de la personne gardée à vue." in page.content.decode()
    response = client.post(
        reverse("workshop_edit", kwargs={"pk": workshop.pk}),
        _form(workshop.axis, title="Nouveau titre", objectives="Un\nDeux\nTrois"),
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Nouveau titre"
    assert [o.text for o in workshop.objectives.all()] == ["Un", "Deux", "Trois"]


def test_english_objectives_go_with_the_french_ones_by_line(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    client = client_for(programme_officer)
    url = reverse("workshop_edit", kwargs={"pk": workshop.pk})
    response = client.post(
        url,
        _form(
            workshop.axis,
            objectives="Un\nDeux\nTrois",
            title_en="English title",
            general_objective_en="Promote human rights.",
            # The second line is empty: the second objective has no English yet.
            objectives_en="One\n\nThree\n\n",
        ),
    )

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title_en, workshop.general_objective_en) == (
        "English title",
        "Promote human rights.",
    )
    assert list(workshop.objectives.values_list("text", "text_en")) == [
        ("Un", "One"),
        ("Deux", ""),
        ("Trois", "Three"),
    ]
    assert client.get(url).context["form"].initial["objectives_en"] == "One\n\nThree"


def test_more_english_lines_than_objectives_are_refused_at_the_field(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Workshop
) -> None:
    response = client_for(programme_officer).post(
        reverse("workshop_edit", kwargs={"pk": workshop.pk}),
        _form(workshop.axis, objectives="Un\nDeux", objectives_en="One\nTwo\nThree"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["objectives_en"] == [
        "3 lignes en anglais pour 2 objectifs spécifiques : une ligne par objectif, dans le "
        "même ordre."
    ]
    assert not workshop.objectives.exclude(text_en="").exists()


def test_list_and_detail_show_the_workshop_and_its_sessions(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: object
) -> None:
    client = client_for(programme_officer)
    workshop = Workshop.objects.get()
    listing = client.get(reverse("workshop_list")).content.decode()
    assert workshop.title in listing
    detail = client.get(reverse("workshop_detail", kwargs={"pk": workshop.pk})).content.decode()
    assert "Hôtel La Palmeraie" in detail
    assert "8-10 novembre 2022" in detail


def test_an_unknown_workshop_is_404(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    assert (
        client_for(programme_officer)
        .get(reverse("workshop_detail", kwargs={"pk": 999}))
        .status_code
        == 404
    )
