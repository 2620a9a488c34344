"""Issue 12 in the browser: a programme officer sets a new workshop up from the interface only —
a strategic plan, an axis, a partner, a corps with its ranks, then the workshop under them —
and the pages refuse what would break the reference data, saying why where the problem is."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "Plan stratégique de la CNDH 2023-2027"
AXIS = "Former les forces de sécurité de proximité"
PARTNER = "Programme des Nations unies pour le développement"
CORPS = "Police municipale"
WORKSHOP = "Droits de l’homme et police de proximité"


@pytest.fixture
def organisation(reference_data: None) -> Any:
    """The CNDH alone: no plan, no axis, no partner yet (its settings page is the admin's)."""
    from kalan.core.models import Organisation, Place

    return Organisation.objects.create(
        name="Commission nationale des droits de l’homme",
        acronym="CNDH",
        country=Place.objects.get(kind=Place.Kind.COUNTRY),
    )


def _field(page: Any, label: str) -> Any:
    """The field labelled exactly ``label``, with or without the star of a required one (a
    plain ``exact=True`` would miss « Intitulé * », a partial match takes « Intitulé en
    anglais » too)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name, exact=True
    ).click()


def _saved(page: Any, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def _rank(page: Any, name: str, abbreviation: str, group: str) -> None:
    page.get_by_role("link", name="Nouveau grade").click()
    _field(page, "Grade").fill(name)
    page.get_by_label("Abréviation").fill(abbreviation)
    page.get_by_label("Catégorie").select_option(label=group)
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, f"Grade « {name} » enregistré.")


def test_an_officer_sets_up_a_plan_a_corps_and_a_workshop_from_the_web_only(
    page: Any, page_errors: list[str], live_server: Any, officer: Any, organisation: Any
) -> None:
    from kalan.core.models import Partner
    from kalan.people.models import Corps
    from kalan.workshops.models import Workshop

    log_in(page.context, live_server, officer)
    page.goto(f"{live_server.url}/")

    # 1. The plan, its first axis, the partner.
    _nav(page, "Plans")
    expect(page.get_by_text("Aucun plan stratégique n’est encore enregistré.")).to_be_visible()
    page.get_by_role("link", name="Nouveau plan").click()
    page.get_by_label("Intitulé").fill(PLAN)
    page.get_by_label("Année de début").fill("2023")
    page.get_by_label("Année de fin").fill("2027")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, f"Plan « {PLAN} (2023-2027) » enregistré.")
    plan_card = page.locator("section", has=page.get_by_role("heading", name=PLAN))
    expect(plan_card).to_contain_text("2023-2027")
    expect(plan_card).to_contain_text("Aucun axe.")

    plan_card.get_by_role("link", name="Nouvel axe").click()
    expect(page.get_by_role("heading", name=re.compile("Nouvel axe"))).to_contain_text(PLAN)
    expect(page.get_by_label("Numéro")).to_have_value("1")  # the next number, offered
    _field(page, "Intitulé").fill(AXIS)
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, f"Axe 1 : {AXIS} enregistré.")
    axis_row = plan_card.get_by_role("row", name=re.compile(AXIS))
    expect(axis_row.get_by_role("cell").first).to_have_text("Axe 1")

    page.locator("#partenaires").get_by_role("link", name="Nouveau partenaire").click()
    _field(page, "Nom").fill(PARTNER)
    _field(page, "Sigle").fill("PNUD")
    page.get_by_label("Nom en anglais").fill("United Nations Development Programme")
    page.get_by_label("Sigle en anglais").fill("UNDP")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, "Partenaire « PNUD » enregistré.")
    partners = page.locator("#partenaires")
    expect(partners.get_by_role("row", name=re.compile(PARTNER))).to_contain_text("PNUD")

    # 2. A corps Kalan does not ship, and its ranks from the lowest up.
    _nav(page, "Référentiel")
    expect(page.get_by_role("heading", name="Référentiel", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=CORPS)).to_have_count(0)
    page.get_by_role("link", name="Nouveau corps").click()
    _field(page, "Nom").fill(CORPS)
    page.get_by_label("Nom court").fill("PM")
    page.get_by_label("Nom en anglais").fill("Municipal police")
    page.get_by_role("button", name="Enregistrer").click()
    # The messages name a corps by its short name, as the lists do.
    _saved(page, "Corps « Police municipale » enregistré.")

    page.get_by_role("link", name=CORPS, exact=True).click()
    expect(page.get_by_role("heading", name=CORPS, exact=True)).to_be_visible()
    expect(page.get_by_text("Aucun grade : ajoutez-en un.")).to_be_visible()
    _rank(page, "Agent de police municipale", "APM", "homme du rang")
    _rank(page, "Brigadier de police municipale", "BPM", "sous-officier")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell").nth(0)).to_have_text("1")
    expect(rows.nth(0).get_by_role("cell").nth(1)).to_have_text("Agent de police municipale")
    expect(rows.nth(0)).to_contain_text("homme du rang")
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("2")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("Brigadier de police municipale")
    expect(rows.nth(1)).to_contain_text("sous-officier")

    # A corps that has ranks cannot be deleted: the page says why and keeps it.
    page.get_by_role("link", name="Modifier le corps").click()
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Suppression refusée : des données renvoient encore à « Police municipale »"
    )
    expect(page.get_by_role("status")).to_contain_text("grades : 2")
    expect(page.get_by_role("heading", name=re.compile("Modifier le corps"))).to_be_visible()

    # 3. The workshop, under the new axis, funded by the new partner.
    _nav(page, "Ateliers")
    page.get_by_role("link", name="Nouvel atelier").click()
    page.get_by_label("Axe stratégique").select_option(label=f"Axe 1 : {AXIS}")
    _field(page, "Intitulé").fill(WORKSHOP)
    _field(page, "Objectif général").fill(
        "Ancrer le respect des droits de l’homme dans la police municipale."
    )
    _field(page, "Objectifs spécifiques").fill(
        "Connaître les limites du contrôle d’identité.\nPrévenir les traitements dégradants."
    )
    page.get_by_label("Public cible").fill("Agents et brigadiers de police municipale")
    page.get_by_label("Bailleur").first.select_option(label="PNUD")
    page.get_by_label("Montant (FCFA)").first.fill("4500000")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, "Atelier créé.")
    expect(page.get_by_role("heading", name=WORKSHOP)).to_be_visible()

    _nav(page, "Ateliers")
    row = page.get_by_role("row", name=re.compile(re.escape(WORKSHOP)))
    expect(row).to_contain_text(f"Axe 1 — {PLAN}")

    # 4. What the pages recorded, and how it hangs together.
    workshop = Workshop.objects.select_related("axis__plan").get(title=WORKSHOP)
    plan = workshop.axis.plan
    assert (plan.title, plan.start_year, plan.end_year) == (PLAN, 2023, 2027)
    assert plan.organisation == organisation
    assert (workshop.axis.number, workshop.axis.title) == (1, AXIS)
    assert [o.text for o in workshop.objectives.all()] == [
        "Connaître les limites du contrôle d’identité.",
        "Prévenir les traitements dégradants.",
    ]
    partner = Partner.objects.get(acronym="PNUD")
    assert (partner.name, partner.name_en, partner.acronym_en) == (
        PARTNER,
        "United Nations Development Programme",
        "UNDP",
    )
    assert [(f.partner, f.amount) for f in workshop.fundings.all()] == [(partner, 4_500_000)]
    corps = Corps.objects.get(name=CORPS)
    assert (corps.short_name, corps.name_en) == ("PM", "Municipal police")
    assert [(r.order, r.name, r.abbreviation, r.group) for r in corps.ranks.order_by("order")] == [
        (1, "Agent de police municipale", "APM", "enlisted"),
        (2, "Brigadier de police municipale", "BPM", "nco"),
    ]
    assert page_errors == []


def test_an_axis_number_already_taken_is_refused_at_its_field(
    page: Any, page_errors: list[str], live_server: Any, officer: Any, programme: Any
) -> None:
    """The plan has its axis 3 already: a second axis 3 is refused where the number is typed,
    and the number offered first is the next free one."""
    from kalan.plans.models import Axis

    log_in(page.context, live_server, officer)
    page.goto(f"{live_server.url}/plans/")
    plan_card = page.locator("section", has=page.get_by_role("heading", name=re.compile("CNDH")))
    plan_card.get_by_role("link", name="Nouvel axe").click()
    number = page.get_by_label("Numéro")
    expect(number).to_have_value("4")
    number.fill("3")
    _field(page, "Intitulé").fill("Un second axe 3")
    page.get_by_role("button", name="Enregistrer").click()

    field = page.locator(".field", has=number)
    expect(field.get_by_role("alert")).to_have_text("Ce plan a déjà un axe 3.")
    expect(_field(page, "Intitulé")).to_have_value("Un second axe 3")
    assert list(Axis.objects.values_list("number", flat=True)) == [3]

    # Fixed, it goes through under the plan.
    number.fill("4")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page, "Axe 4 : Un second axe 3 enregistré.")
    assert sorted(Axis.objects.filter(plan=programme.plan).values_list("number", flat=True)) == [
        3,
        4,
    ]
    assert page_errors == []
