"""``kalan reference``: list, add, delete (refused with the reason), merge and unalias from the
command line, through the services of the « Référentiel » pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kalan.core.models import AuditEntry, Place
from kalan.people.models import Corps, Person, Rank, ReferenceAlias, Unit
from tests.factories import PersonFactory, UnitFactory, place


def reference(*args: str) -> str:
    out = io.StringIO()
    call_command("reference", *args, stdout=out)
    return out.getvalue()


def rows(*args: str) -> list[list[str]]:
    return [line.split("\t") for line in reference("list", *args).splitlines()]


def test_a_corps_its_rank_and_unit_and_a_place_round_trip(db: None) -> None:
    said = reference("add", "corps", "--name", "Douanes du Mali", "--short-name", "Douanes ML")
    corps_id = next(r[0] for r in rows("corps") if r[1] == "Douanes du Mali")
    assert f"(id {corps_id})" in said

    reference("add", "rank", "--corps", corps_id, "--name", "Préposé", "--group", "enlisted")
    mopti = place("Mopti", kind="region")
    reference("add", "place", "--name", "Lieu d’essai", "--kind", "town", "--parent", str(mopti.pk))
    town = Place.objects.get(name="Lieu d’essai")
    reference(
        "add", "unit", "--corps", corps_id, "--name", "Bureau des douanes", "--place", str(town.pk),
        "--kind", "office",
    )  # fmt: skip

    assert [r[3] for r in rows("ranks", "--corps", corps_id)] == ["Préposé"]
    [unit] = rows("units", "--corps", corps_id)
    assert unit[2:6] == ["Bureau des douanes", "office", str(town.pk), "Lieu d’essai"]
    assert [str(town.pk), "town", "Lieu d’essai", str(mopti.pk), ""] in rows("places")

    reference("delete", "unit", unit[0])
    assert not Unit.objects.filter(pk=unit[0]).exists()


def test_a_deletion_of_something_in_use_is_refused_in_french_and_exits_non_zero(
    db: None,
) -> None:
    unit = UnitFactory(name="Brigade de Sévaré")
    PersonFactory(unit=unit)

    with pytest.raises(CommandError) as error:
        reference("delete", "unit", str(unit.pk))

    assert "Suppression refusée" in str(error.value)
    assert "personnes : 1" in str(error.value)
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_refused_add_names_the_option_at_fault(db: None) -> None:
    with pytest.raises(CommandError) as error:
        reference("add", "corps", "--name", Corps.objects.first().name)  # type: ignore[union-attr]

    assert str(error.value).startswith("--name : Le corps")


def test_merge_moves_the_persons_and_unalias_removes_the_alias_it_taught(db: None) -> None:
    kept = UnitFactory(name="Brigade territoriale de Sévaré")
    merged = UnitFactory(name="BT Sévaré")
    PersonFactory(unit=merged)

    said = reference("merge", "unit", str(merged.pk), str(kept.pk))

    assert "personnes : 1" in said
    assert Person.objects.get().unit == kept
    assert AuditEntry.objects.filter(action="merge", object_id=str(kept.pk)).exists()
    alias = ReferenceAlias.objects.get(text="BT Sévaré")
    [listed] = [r for r in rows("aliases") if r[0] == str(alias.pk)]
    assert listed[1:3] == ["unit", "BT Sévaré"]
    reference("unalias", str(alias.pk))
    assert not ReferenceAlias.objects.filter(pk=alias.pk).exists()


def test_a_dry_run_changes_nothing(db: None) -> None:
    count = Rank.objects.count()
    corps_id = str(Corps.objects.order_by("pk").first().pk)  # type: ignore[union-attr]

    said = reference(
        "add", "rank", "--corps", corps_id, "--name", "Essai", "--group", "nco", "--dry-run"
    )

    assert said.startswith("(essai, rien n’est enregistré)")
    assert Rank.objects.count() == count


def test_an_unknown_id_is_named(db: None) -> None:
    with pytest.raises(CommandError) as error:
        reference("merge", "rank", "999999", "999998")

    assert str(error.value) == "Aucun(e) grade n’a l’id 999999."
