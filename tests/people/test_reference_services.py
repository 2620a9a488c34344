"""Writes of the reference data: corps, ranks, units and places; deletions refused while in use;
merges of two units or two ranks that carry every row pointing at them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from kalan.core.models import AuditEntry, Place, User
from kalan.people import services_reference as services
from kalan.people.errors import PeopleError
from kalan.people.models import Corps, Person, Posting, Rank, ReferenceAlias, Unit
from tests.factories import CorpsFactory, PersonFactory, RankFactory, UnitFactory, corps, place


def pointing_rows(target: models.Model) -> dict[str, int]:
    """Rows of every table whose foreign key points at ``target``, read from Django's picture of
    the models: a table added later by any app is counted here without a change."""
    counts = {}
    for rel in type(target)._meta.related_objects:
        assert not rel.many_to_many, f"a many-to-many to {target}: count its table here"
        model = rel.related_model
        counts[f"{model._meta.label}.{rel.field.name}"] = model._base_manager.filter(
            **{rel.field.name: target}
        ).count()
    return counts


# --- corps, ranks, units, places -----------------------------------------------------------


def test_corps_create_records_any_audience_and_refuses_a_name_taken(db: None) -> None:
    made = services.corps_create(name=" Douanes maliennes ", short_name="Douanes", order=9)

    assert (made.name, made.short_name) == ("Douanes maliennes", "Douanes")
    with pytest.raises(ValidationError) as error:
        services.corps_create(name="douanes maliennes")
    assert error.value.message_dict["name"] == ["Le corps « douanes maliennes » existe déjà."]


def test_rank_create_comes_after_the_most_senior_rank_of_its_corps(db: None) -> None:
    customs = services.corps_create(name="Corps des essais")
    first = services.rank_create(corps=customs, name="Préposé", group=Rank.Group.ENLISTED)
    second = services.rank_create(
        corps=customs, name="Contrôleur", group=Rank.Group.NCO, feminine="Contrôleuse"
    )

    assert (first.order, second.order) == (1, 2)
    assert second.spellings() == ["Contrôleur", "Contrôleuse"]


def test_rank_create_and_update_refuse_a_name_or_an_order_taken_at_their_field(db: None) -> None:
    gendarmerie = corps("Gendarmerie")
    captain = Rank.objects.get(corps=gendarmerie, name="Capitaine")
    lowest = gendarmerie.ranks.order_by("order").first()
    assert lowest is not None

    with pytest.raises(ValidationError) as error:
        services.rank_create(corps=gendarmerie, name="capitaine", group="officer")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.rank_update(
            rank=lowest,
            name=lowest.name,
            group=lowest.group,
            abbreviation="",
            feminine="",
            variants="",
            order=captain.order,
        )
    assert error.value.message_dict["order"] == [
        f"Le rang {captain.order} est déjà celui de « Capitaine » dans ce corps."
    ]


def test_unit_create_refuses_a_parent_of_another_corps_and_a_name_taken(db: None) -> None:
    police_unit = UnitFactory(corps=corps("Police"), name="Commissariat de Sévaré")
    gendarmerie = corps("Gendarmerie")

    with pytest.raises(ValidationError) as error:
        services.unit_create(
            corps=gendarmerie, name="Brigade", place=place("Sévaré"), parent=police_unit
        )
    assert "parent" in error.value.message_dict
    services.unit_create(corps=gendarmerie, name="Brigade de Sévaré", place=place("Sévaré"))
    with pytest.raises(ValidationError) as error:
        services.unit_create(corps=gendarmerie, name="brigade de sévaré", place=place("Sévaré"))
    assert "name" in error.value.message_dict


def test_unit_update_refuses_to_place_a_unit_under_its_own_sub_unit(db: None) -> None:
    company = UnitFactory(name="Compagnie de Mopti")
    brigade = UnitFactory(name="Brigade de Sévaré", parent=company)

    with pytest.raises(ValidationError) as error:
        services.unit_update(
            unit=company,
            corps=company.corps,
            name=company.name,
            place=company.place,
            kind=company.kind,
            parent=brigade,
        )
    assert "parent" in error.value.message_dict
    company.refresh_from_db()
    assert company.parent is None


def test_unit_update_keeps_the_corps_of_a_unit_in_use(db: None) -> None:
    unit = UnitFactory()
    PersonFactory(unit=unit)

    with pytest.raises(ValidationError) as error:
        services.unit_update(
            unit=unit,
            corps=corps("Police"),
            name=unit.name,
            place=unit.place,
            kind=unit.kind,
            parent=None,
        )
    assert "corps" in error.value.message_dict


def test_place_create_needs_a_parent_and_refuses_one_for_a_country(db: None) -> None:
    commune = services.place_create(
        name="Socoura", kind=Place.Kind.COMMUNE, parent=place("Mopti", kind="region"), code="X1"
    )
    assert commune.parent == place("Mopti", kind="region")

    with pytest.raises(ValidationError) as error:
        services.place_create(name="Fatoma", kind=Place.Kind.COMMUNE, parent=None)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.place_create(name="Niger", kind=Place.Kind.COUNTRY, parent=commune)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.place_update(
            place=place("Mopti", kind="region"),
            name="Mopti",
            kind=Place.Kind.REGION,
            parent=commune,
            code="",
        )
    assert "parent" in error.value.message_dict


# --- deletions -----------------------------------------------------------------------------


def test_deleting_a_unit_in_use_is_refused_with_what_uses_it(db: None) -> None:
    unit = UnitFactory(name="Brigade de Sévaré")
    PersonFactory(unit=unit)
    PersonFactory(unit=unit)

    with pytest.raises(PeopleError) as error:
        services.reference_delete(obj=unit)

    assert error.value.code == "reference_in_use"
    assert str(error.value) == (
        "Suppression refusée : des données renvoient encore à « Brigade de Sévaré » — "
        "personnes : 2 ; affectations : 2."
    )
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_deleting_a_corps_with_ranks_is_refused_rather_than_taking_them_along(db: None) -> None:
    customs = services.corps_create(name="Corps des essais")
    services.rank_create(corps=customs, name="Préposé", group=Rank.Group.ENLISTED)

    with pytest.raises(PeopleError) as error:
        services.reference_delete(obj=customs)

    assert "grades : 1" in str(error.value)
    assert customs.ranks.count() == 1


def test_deleting_a_place_names_its_sub_places_and_units(db: None) -> None:
    mopti = place("Mopti", kind="region")

    with pytest.raises(PeopleError) as error:
        services.reference_delete(obj=mopti)

    assert "lieux rattachés" in str(error.value)


def test_deleting_an_unused_unit_rank_place_or_alias_deletes_it(db: None) -> None:
    unit = UnitFactory()
    alias = ReferenceAlias.objects.create(
        kind="unit", text="BT Sévaré", corps=unit.corps, unit=unit
    )
    rank = RankFactory(corps=CorpsFactory(name="Corps des essais"), name="Essai", order=1)
    town = services.place_create(
        name="Lieu d’essai", kind="town", parent=place("Mopti", kind="region")
    )

    services.reference_delete(obj=alias)
    for row in (unit, rank, town):
        services.reference_delete(obj=row)

    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert not Rank.objects.filter(pk=rank.pk).exists()
    assert not Place.objects.filter(pk=town.pk).exists()
    assert not ReferenceAlias.objects.filter(pk=alias.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="people.unit").exists()


# --- merges --------------------------------------------------------------------------------


@pytest.fixture
def two_units(db: None) -> tuple[Unit, Unit]:
    """Two units of the gendarmerie in Sévaré, each with persons, postings, an alias and a
    sub-unit; the merged one with a merged (hidden) person too."""
    kept = UnitFactory(name="Brigade territoriale de Sévaré")
    merged = UnitFactory(name="BT de Sévaré")
    for unit, n in ((kept, 1), (merged, 3)):
        for _ in range(n):
            PersonFactory(unit=unit)
        ReferenceAlias.objects.create(
            kind="unit", text=f"{unit.name} bis", corps=unit.corps, unit=unit
        )
        UnitFactory(name=f"Poste de {unit.name}", parent=unit)
    hidden = PersonFactory(unit=merged)
    hidden.merged_into = Person.objects.filter(unit=merged).exclude(pk=hidden.pk).first()
    hidden.save()
    return merged, kept


def test_a_unit_merge_moves_every_row_of_every_table_pointing_at_it(
    two_units: tuple[Unit, Unit], programme_officer: User
) -> None:
    merged, kept = two_units
    before_merged, before_kept = pointing_rows(merged), pointing_rows(kept)
    assert before_merged["people.Person.unit"] == 4  # the merged (hidden) person counts

    services.unit_merge(merged=merged, kept=kept, by=programme_officer)

    after = pointing_rows(kept)
    for key, count in before_kept.items():
        extra = 1 if key == "people.ReferenceAlias.unit" else 0  # merged's name, now an alias
        assert after[key] == count + before_merged[key] + extra, key
    assert not Unit.objects.filter(pk=merged.pk).exists()


def test_a_unit_merge_teaches_merged_s_name_and_is_journaled_with_the_counts(
    two_units: tuple[Unit, Unit], programme_officer: User
) -> None:
    merged, kept = two_units

    services.unit_merge(merged=merged, kept=kept, by=programme_officer)

    alias = ReferenceAlias.objects.get(kind="unit", text="BT de Sévaré")
    assert (alias.unit, alias.created_by) == (kept, programme_officer)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.MERGE)
    assert {e.object_id for e in entries} == {str(kept.pk), str(merged.pk)}
    detail = entries.first().detail  # type: ignore[union-attr]
    assert detail["kept"]["name"] == "Brigade territoriale de Sévaré"
    assert detail["merged"]["name"] == "BT de Sévaré"
    assert detail["moved"]["people.Person.unit"] == 4
    assert detail["moved"]["people.Posting.unit"] == 4
    assert detail["moved"]["people.Unit.parent"] == 1
    assert entries.first().actor == programme_officer  # type: ignore[union-attr]


def test_a_unit_merge_lifts_kept_out_from_under_merged(db: None) -> None:
    company = UnitFactory(name="Compagnie de Mopti")
    merged = UnitFactory(name="Brigade", parent=company)
    kept = UnitFactory(name="Brigade de Sévaré", parent=merged)

    services.unit_merge(merged=merged, kept=kept, by=None)

    kept.refresh_from_db()
    assert kept.parent == company


def test_a_merge_of_units_of_two_corps_or_of_a_unit_with_itself_is_refused(db: None) -> None:
    gendarmes = UnitFactory()
    police = UnitFactory(corps=corps("Police"))

    with pytest.raises(PeopleError) as error:
        services.unit_merge(merged=police, kept=gendarmes, by=None)
    assert error.value.code == "merge_other_corps"
    with pytest.raises(PeopleError) as error:
        services.unit_merge_preview(merged=police, kept=police)
    assert error.value.code == "merge_same"
    assert Unit.objects.filter(pk=police.pk).exists()


def test_a_unit_merge_preview_counts_what_would_move_and_changes_nothing(
    two_units: tuple[Unit, Unit],
) -> None:
    merged, kept = two_units

    moves = {use.key: use.count for use in services.unit_merge_preview(merged=merged, kept=kept)}

    assert moves == {
        "people.Person.unit": 4,
        "people.Posting.unit": 4,
        "people.ReferenceAlias.unit": 1,
        "people.Unit.parent": 1,
    }
    assert Person.all_objects.filter(unit=merged).count() == 4


def test_a_rank_merge_moves_every_row_and_keeps_merged_s_spellings(
    programme_officer: User,
) -> None:
    gendarmerie = corps("Gendarmerie")
    kept = Rank.objects.get(corps=gendarmerie, name="Capitaine")
    merged = services.rank_create(
        corps=gendarmerie,
        name="Capitaine de gendarmerie",
        abbreviation="Cne G",
        group=Rank.Group.OFFICER,
    )
    for _ in range(2):
        PersonFactory(corps=gendarmerie, rank=merged)
    ReferenceAlias.objects.create(kind="rank", text="Kpt", corps=gendarmerie, rank=merged)
    before_merged, before_kept = pointing_rows(merged), pointing_rows(kept)

    services.rank_merge(merged=merged, kept=kept, by=programme_officer)

    after = pointing_rows(kept)
    for key, count in before_kept.items():
        extra = 2 if key == "people.ReferenceAlias.rank" else 0  # its name and abbreviation
        assert after[key] == count + before_merged[key] + extra, key
    assert before_merged["people.Person.rank"] == 2
    taught = set(ReferenceAlias.objects.filter(rank=kept).values_list("text", flat=True))
    assert {"Kpt", "Capitaine de gendarmerie", "Cne G"} <= taught
    assert not Rank.objects.filter(pk=merged.pk).exists()
    assert Posting.objects.filter(rank_id=merged.pk).count() == 0


def test_every_table_pointing_at_units_or_ranks_is_one_the_merge_carries(db: None) -> None:
    # A table added later with a key to Unit or Rank is moved by the merge (it reads
    # _meta.related_objects); this names today's tables so that a new one is looked at once,
    # for a unique constraint the merge could break.
    assert set(pointing_rows(UnitFactory())) == {
        "people.Person.unit",
        "people.Posting.unit",
        "people.ReferenceAlias.unit",
        "people.Unit.parent",
        # No unique constraint holds a restitution's unit: the merge moves it freely.
        "relays.Restitution.unit",
        # One place of detention per unit: two units that each have one are not merged
        # (merge_collision, tests/custody/test_reference_units.py).
        "custody.DetentionPlace.unit",
        # No unique constraint holds a recommendation's unit: the merge moves it freely.
        "custody.Recommendation.unit",
    }
    assert set(pointing_rows(RankFactory())) == {
        "people.Person.rank",
        "people.Posting.rank",
        "people.ReferenceAlias.rank",
    }


def test_corps_is_untouched_by_a_merge(two_units: tuple[Unit, Unit]) -> None:
    merged, kept = two_units
    corps_count = Corps.objects.count()

    services.unit_merge(merged=merged, kept=kept, by=None)

    assert Corps.objects.count() == corps_count
