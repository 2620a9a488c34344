"""The 2026 reference data: Mali's gazetteer, the corps with their ranks, the corps aliases.

Migration people.0008 loads them into the test database with its historical models; the tests
below read what it left and load again with the current models, as a command would.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kalan.core.models import Place
from kalan.core.text import fold
from kalan.people.models import Corps, Rank, ReferenceAlias
from kalan.people.reference import gazetteer_data, ranks_data, reference_2026_load
from tests.factories import corps, place, rank

pytestmark = pytest.mark.django_db

SHIPPED_CORPS = [
    "Gendarmerie nationale",
    "Police nationale",
    "Garde nationale",
    "Protection civile",
    "Administration pénitentiaire et de l’éducation surveillée",
    "Douanes",
    "Eaux et forêts",
    "Forces armées maliennes",
    "Magistrature",
    "Société civile",
]


def counts() -> tuple[int, ...]:
    return (
        Place.objects.count(),
        Corps.objects.count(),
        Rank.objects.count(),
        ReferenceAlias.objects.count(),
    )


# Gazetteer ----------------------------------------------------------------------------------------


def test_the_gazetteer_holds_every_region_cercle_and_commune_of_its_source() -> None:
    regions = Place.objects.filter(kind__in=[Place.Kind.REGION, Place.Kind.DISTRICT])
    communes_in_file = sum(
        len(region.get("communes", []))
        + sum(len(cercle["communes"]) for cercle in region["cercles"])
        for region in gazetteer_data()["regions"]
    )

    assert regions.count() >= 20
    assert Place.objects.filter(kind=Place.Kind.CERCLE).count() >= 49
    assert Place.objects.filter(kind=Place.Kind.COMMUNE).count() == communes_in_file == 703


def test_every_commune_lies_in_a_cercle_but_bamakos_six_in_the_district() -> None:
    communes = Place.objects.filter(kind=Place.Kind.COMMUNE).select_related("parent")
    parents = Counter(commune.parent.kind for commune in communes)

    assert parents == {Place.Kind.CERCLE: 697, Place.Kind.DISTRICT: 6}
    bamako = place("District de Bamako", kind=Place.Kind.DISTRICT)
    assert sorted(
        bamako.children.filter(kind=Place.Kind.COMMUNE).values_list("name", flat=True)
    ) == [
        "Commune I",
        "Commune II",
        "Commune III",
        "Commune IV",
        "Commune V",
        "Commune VI",
    ]


def test_every_cercle_lies_in_a_region_and_holds_communes() -> None:
    cercles = Place.objects.filter(kind=Place.Kind.CERCLE)

    assert set(cercles.values_list("parent__kind", flat=True)) == {Place.Kind.REGION}
    assert not cercles.filter(children__isnull=True).exists()


def test_codes_are_unique_where_given() -> None:
    codes = Place.objects.exclude(code="").values_list("code", flat=True)

    assert len(codes) == len(set(codes))
    assert Place.objects.get(kind=Place.Kind.CERCLE, name="Bafoulabé").code == "ML0101"
    assert Place.objects.get(kind=Place.Kind.CERCLE, name="Ménaka").code == "ML1001"


def test_a_commune_is_found_under_its_cercle_and_region() -> None:
    diallan = Place.objects.get(kind=Place.Kind.COMMUNE, name="Diallan")

    assert diallan.parent.name == "Bafoulabé"
    assert diallan.region == place("Kayes", kind=Place.Kind.REGION)


def test_the_towns_of_the_first_reference_data_are_kept() -> None:
    sevare = place("Sévaré")

    assert sevare.parent == place("Mopti", kind=Place.Kind.REGION)
    assert Place.objects.filter(kind=Place.Kind.TOWN, name="Kita", parent__name="Kita").exists()


def test_loading_again_fills_an_empty_code_and_keeps_an_edited_one() -> None:
    Place.objects.filter(kind=Place.Kind.CERCLE, name="Kayes").update(code="")
    Place.objects.filter(kind=Place.Kind.CERCLE, name="Kita").update(code="KITA-1")

    loaded = reference_2026_load(apps)

    assert loaded.places == 0
    assert loaded.places_filled == 1
    assert Place.objects.get(kind=Place.Kind.CERCLE, name="Kayes").code == "ML0103"
    assert Place.objects.get(kind=Place.Kind.CERCLE, name="Kita").code == "KITA-1"


# Corps and ranks ----------------------------------------------------------------------------------


def test_every_corps_kalan_ships_is_loaded_with_its_english_name() -> None:
    assert set(SHIPPED_CORPS) <= set(Corps.objects.values_list("name", flat=True))
    assert not Corps.objects.filter(name__in=SHIPPED_CORPS, name_en="").exists()


def test_each_corps_has_the_ranks_of_the_file_in_order_of_seniority() -> None:
    for entry in ranks_data()["corps"]:
        ranks = Rank.objects.filter(corps__name=entry["name"]).order_by("order")

        assert list(ranks.values_list("name", flat=True)) == [row[0] for row in entry["ranks"]]


def test_a_rank_added_among_existing_ones_moves_the_ranks_above_it_up() -> None:
    # Garde had no Caporal-chef in the first reference data: 0008 slipped it in.
    garde = corps("Garde")
    ranks = list(garde.ranks.order_by("order").values_list("order", "name"))

    assert ranks[:4] == [(1, "Garde"), (2, "Caporal"), (3, "Caporal-chef"), (4, "Sergent")]
    assert [order for order, _ in ranks] == list(range(1, len(ranks) + 1))


def test_a_missing_rank_is_placed_again_above_the_one_before_it() -> None:
    garde = corps("Garde")
    garde.ranks.filter(name="Caporal-chef").delete()

    loaded = reference_2026_load(apps)

    assert loaded.ranks == 1
    assert rank("Garde", "Caporal-chef").order == rank("Garde", "Caporal").order + 1
    assert rank("Garde", "Sergent").order == rank("Garde", "Caporal-chef").order + 1


def test_a_rank_edited_by_hand_keeps_its_abbreviation_and_gets_its_empty_fields() -> None:
    Rank.objects.filter(corps__short_name="Police", name="Inspecteur de police").update(
        abbreviation="Insp.", feminine="", variants=""
    )

    loaded = reference_2026_load(apps)

    inspector = rank("Police", "Inspecteur de police")
    assert inspector.abbreviation == "Insp."
    assert inspector.feminine == "Inspectrice de police"
    assert "Inspecteur" in inspector.spellings()
    assert loaded.ranks_filled == 1


def test_police_ranks_are_also_known_without_de_police_and_by_their_feminine() -> None:
    sergeant = rank("Police", "Sergent de police")
    inspector = rank("Police", "Inspecteur principal de police")

    assert "Sergent" in sergeant.spellings()
    assert "Inspectrice principale de police" in inspector.spellings()
    assert "Adjt-chef" in rank("Gendarmerie", "Adjudant-chef").spellings()
    assert "MDL/C" in rank("Gendarmerie", "Maréchal des logis-chef").spellings()


def test_no_spelling_names_two_ranks_of_one_corps() -> None:
    for entry in ranks_data()["corps"]:
        owners: dict[str, str] = {}
        for name, abbreviation, _group, feminine, variants in entry["ranks"]:
            for text in [name, abbreviation, feminine, *variants.split(";")]:
                if text.strip():
                    owner = owners.setdefault(fold(text), name)
                    assert owner == name, (entry["name"], text)


def test_the_magistrates_ranks_are_civilian() -> None:
    groups = set(
        Rank.objects.filter(corps__short_name="Magistrature").values_list("group", flat=True)
    )

    assert groups == {Rank.Group.CIVILIAN}


# Corps aliases ------------------------------------------------------------------------------------


def test_the_ways_lists_write_a_corps_are_aliases_of_it() -> None:
    aliases = dict(
        ReferenceAlias.objects.filter(kind=ReferenceAlias.Kind.CORPS).values_list(
            "folded", "corps__name"
        )
    )

    assert aliases["gn"] == "Gendarmerie nationale"
    assert aliases["pn"] == "Police nationale"
    assert aliases["gnm"] == "Garde nationale"
    assert aliases["pc"] == "Protection civile"
    assert aliases["douane"] == "Douanes"
    assert aliases["fama"] == "Forces armées maliennes"


def test_an_alias_an_administrator_pointed_elsewhere_stays_there() -> None:
    ReferenceAlias.objects.filter(kind="corps", folded="garde").update(corps=corps("Police"))

    reference_2026_load(apps)

    assert ReferenceAlias.objects.get(kind="corps", folded="garde").corps == corps("Police")


# Loading again ------------------------------------------------------------------------------------


def test_loading_again_adds_nothing() -> None:
    before = counts()

    loaded = reference_2026_load(apps)

    assert loaded.total() == 0
    assert counts() == before


def test_the_migration_loads_with_its_historical_models_and_adds_nothing_the_second_time() -> None:
    state = MigrationExecutor(connection).loader.project_state(
        ("people", "0008_reference_data_2026")
    )
    before = counts()

    loaded = reference_2026_load(state.apps)

    assert loaded.total() == 0
    assert counts() == before
    assert not ReferenceAlias.objects.filter(folded="").exists()
