"""The « Référentiel » pages: who may open them, create and edit, refusals with their reason,
merges confirmed before they are done."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import Place, User
from kalan.people.models import Corps, Person, Rank, ReferenceAlias, Unit
from tests.factories import PersonFactory, UnitFactory, corps, place

Login = Callable[[User], Client]


@pytest.fixture
def unit(db: None) -> Unit:
    return UnitFactory(name="Brigade territoriale de Sévaré")


@pytest.mark.parametrize("who", ["trainer", "finance_officer", "monitoring_officer"])
def test_the_reference_pages_are_refused_to_other_roles(
    who: str, request: pytest.FixtureRequest, client_for: Login, unit: Unit
) -> None:
    client = client_for(request.getfixturevalue(who))

    for name, kwargs in [
        ("corps_list", {}),
        ("unit_list", {}),
        ("place_list", {}),
        ("alias_list", {}),
        ("unit_edit", {"pk": unit.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    response = client.post(reverse("unit_delete", kwargs={"pk": unit.pk}))
    assert response.status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_the_navigation_links_the_reference_pages_for_their_holders_only(
    client_for: Login, programme_officer: User, trainer: User
) -> None:
    link = f'href="{reverse("corps_list")}"'

    assert link in client_for(programme_officer).get(reverse("home")).content.decode()
    assert link not in client_for(trainer).get(reverse("home")).content.decode()


def test_the_corps_list_counts_ranks_units_and_persons(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    PersonFactory(unit=unit)

    response = client_for(programme_officer).get(reverse("corps_list"))

    page = response.content.decode()
    gendarmerie = corps("Gendarmerie")
    row = page[page.index(gendarmerie.name) :].split("</tr>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell.split("</td>")[0]) for cell in row.split('<td class="num">')[1:]
    ]
    assert cells == [str(gendarmerie.ranks.count()), "1", "1"]  # ranks, units, persons


def test_the_corps_list_costs_the_same_queries_for_many_corps(
    client_for: Login, administrator: User, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client = client_for(administrator)
    client.get(reverse("corps_list"))  # sessions, permissions: warmed up
    for n in range(30):
        Corps.objects.create(name=f"Corps n° {n}")

    with django_assert_max_num_queries(8):  # type: ignore[operator]
        client.get(reverse("corps_list"))


def test_a_programme_officer_creates_a_corps_and_its_ranks(
    client_for: Login, programme_officer: User
) -> None:
    client = client_for(programme_officer)

    response = client.post(
        reverse("corps_create"),
        {"name": "Administration des douanes", "short_name": "Douanes bis", "order": "20"},
    )
    assert response.status_code == 302
    customs = Corps.objects.get(name="Administration des douanes")
    create = reverse("rank_create", kwargs={"pk": customs.pk})
    assert 'value="1"' in client.get(create).content.decode()  # the next order
    client.post(create, {"order": "1", "name": "Préposé", "group": "enlisted"})
    client.post(
        create,
        {"order": "2", "name": "Contrôleur", "feminine": "Contrôleuse", "group": "nco"},
    )

    ranks = client.get(reverse("rank_list", kwargs={"pk": customs.pk})).content.decode()
    assert ranks.index("Préposé") < ranks.index("Contrôleur")
    assert "Contrôleuse" in ranks
    # Before a deletion is tried, the corps' page says what uses it.
    edit = client.get(reverse("corps_edit", kwargs={"pk": customs.pk})).content.decode()
    assert re.search(r"Utilisé par : grades \(2\)", edit), edit


def test_a_rank_order_taken_is_shown_at_its_field(
    client_for: Login, programme_officer: User
) -> None:
    gendarmerie = corps("Gendarmerie")
    captain = Rank.objects.get(corps=gendarmerie, name="Capitaine")

    response = client_for(programme_officer).post(
        reverse("rank_create", kwargs={"pk": gendarmerie.pk}),
        {"order": str(captain.order), "name": "Nouveau", "group": "officer"},
    )

    assert response.status_code == 200
    assert 'id="id_order_error"' in response.content.decode()
    assert "est déjà celui de « Capitaine »" in response.content.decode()


def test_a_unit_is_created_in_a_place_chosen_among_places(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    client = client_for(programme_officer)
    form = client.get(reverse("unit_create")).content.decode()
    assert "<optgroup" in form and "Sévaré" in form

    response = client.post(
        reverse("unit_create"),
        {
            "corps": unit.corps_id,
            "name": "Poste de Socoura",
            "kind": "post",
            "place": place("Sévaré").pk,
            "parent": unit.pk,
        },
    )

    assert response.status_code == 302
    made = Unit.objects.get(name="Poste de Socoura")
    assert (made.parent, made.kind) == (unit, "post")


def test_a_unit_s_parent_of_another_corps_is_refused_at_its_field(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    response = client_for(programme_officer).post(
        reverse("unit_create"),
        {
            "corps": corps("Police").pk,
            "name": "Commissariat",
            "kind": "commissariat",
            "place": place("Sévaré").pk,
            "parent": unit.pk,
        },
    )

    assert 'id="id_parent_error"' in response.content.decode()
    assert not Unit.objects.filter(name="Commissariat").exists()


def test_the_unit_list_filters_by_corps_and_words(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    UnitFactory(corps=corps("Police"), name="Commissariat de Sévaré")
    client = client_for(programme_officer)

    by_corps = client.get(reverse("unit_list"), {"corps": corps("Police").pk}).content.decode()
    by_words = client.get(reverse("unit_list"), {"q": "brigade sévaré"}).content.decode()

    assert "Commissariat de Sévaré" in by_corps and unit.name not in by_corps
    assert unit.name in by_words and "Commissariat de Sévaré" not in by_words


def test_deleting_a_unit_in_use_is_refused_with_the_reason(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    PersonFactory(unit=unit)

    response = client_for(programme_officer).post(
        reverse("unit_delete", kwargs={"pk": unit.pk}), follow=True
    )

    assert "Suppression refusée" in response.content.decode()
    assert "personnes : 1" in response.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_deleting_an_unused_unit_deletes_it_and_takes_a_post_only(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    client = client_for(programme_officer)
    address = reverse("unit_delete", kwargs={"pk": unit.pk})

    assert client.get(address).status_code == 405
    assert client.post(address).status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_a_post_without_the_csrf_token_is_refused(programme_officer: User, unit: Unit) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_officer)

    response = client.post(reverse("unit_delete", kwargs={"pk": unit.pk}))

    assert response.status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_unit_merge_is_confirmed_with_its_counts_then_done(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    merged = UnitFactory(name="BT Sévaré")
    for _ in range(3):
        PersonFactory(unit=merged)
    client = client_for(programme_officer)
    address = reverse("unit_merge", kwargs={"pk": merged.pk})

    choice = client.get(address).content.decode()
    confirm = client.get(address, {"kept": unit.pk}).content.decode()

    assert unit.name in choice
    assert 'Personnes</td><td class="num">3' in confirm
    assert Unit.objects.filter(pk=merged.pk).exists()  # nothing done before the POST
    response = client.post(address, {"kept": unit.pk})
    assert response.status_code == 302
    assert Person.objects.filter(unit=unit).count() == 3
    assert ReferenceAlias.objects.get(text="BT Sévaré").unit == unit
    assert not Unit.objects.filter(pk=merged.pk).exists()


def test_a_unit_of_another_corps_is_not_offered_to_a_merge(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    police = UnitFactory(corps=corps("Police"), name="Commissariat de Sévaré")
    address = reverse("unit_merge", kwargs={"pk": unit.pk})

    response = client_for(programme_officer).post(address, {"kept": police.pk})

    assert response.status_code == 200  # the choice again, with its error
    assert 'id="id_kept_error"' in response.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_rank_merge_moves_its_persons(client_for: Login, programme_officer: User) -> None:
    gendarmerie = corps("Gendarmerie")
    kept = Rank.objects.get(corps=gendarmerie, name="Capitaine")
    merged = Rank.objects.create(corps=gendarmerie, name="Kaptain", order=99, group="officer")
    person = PersonFactory(rank=merged)

    client_for(programme_officer).post(
        reverse("rank_merge", kwargs={"pk": merged.pk}), {"kept": kept.pk}
    )

    person.refresh_from_db()
    assert person.rank == kept


def test_places_are_listed_by_region_and_created_inside_one(
    client_for: Login, programme_officer: User
) -> None:
    client = client_for(programme_officer)
    mopti = place("Mopti", kind="region")

    regions = client.get(reverse("place_list")).content.decode()
    in_mopti = client.get(reverse("place_list"), {"region": mopti.pk}).content.decode()
    response = client.post(
        reverse("place_create"),
        {"name": "Lieu d’essai", "kind": "commune", "parent": mopti.pk, "code": "ML-X"},
    )

    assert f"?region={mopti.pk}" in regions
    assert "Sévaré" in in_mopti and "Kayes" not in in_mopti
    assert response.status_code == 302
    assert Place.objects.get(name="Lieu d’essai").parent == mopti


def test_aliases_are_listed_with_who_taught_them_and_removed(
    client_for: Login, programme_officer: User, unit: Unit
) -> None:
    alias = ReferenceAlias.objects.create(
        kind="unit", text="BT Sévaré", corps=unit.corps, unit=unit, created_by=programme_officer
    )
    client = client_for(programme_officer)

    page = client.get(reverse("alias_list")).content.decode()
    client.post(reverse("alias_remove", kwargs={"pk": alias.pk}))

    assert "« BT Sévaré »" in page and unit.name in page and "Aïssata Traoré" in page
    assert not ReferenceAlias.objects.filter(pk=alias.pk).exists()
    assert Unit.objects.filter(pk=unit.pk).exists()
