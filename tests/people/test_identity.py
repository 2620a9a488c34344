"""Names and records compared without the database: keys, sounds, scores and the index."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalan.people.identity import (
    LIKELY,
    PHONETIC_WEIGHT,
    SUBSET_SCORE,
    Lookup,
    NameIndex,
    PersonRow,
    common_name_points,
    name_key,
    name_similarity,
    person_similarity,
    phonetic_key,
)

GENDARMERIE, POLICE = 1, 2
SERGENT, ADJUDANT = 10, 11


def row(
    person_id: int,
    last_name: str,
    first_names: str,
    *,
    corps: int | None = GENDARMERIE,
    rank: int | None = None,
    unit: int | None = None,
    birth: dt.date | None = None,
    number: str = "",
) -> PersonRow:
    return PersonRow(person_id, last_name, first_names, corps, rank, unit, birth, number)


def test_name_key_ignores_accents_case_and_word_order() -> None:
    assert name_key("TRAORE", "Moussa") == name_key("Moussa", "Traoré") == "moussa traore"
    assert name_key("Maïga", "Aïssata") == name_key("MAIGA", "aissata")
    assert name_key("Keïta", "Sidiki  Boubacar") == name_key("keita", "Boubacar Sidiki")


def test_name_key_drops_apostrophes_and_splits_on_hyphens() -> None:
    assert name_key("N’Diaye", "Aïssata-Mariam") == name_key("NDIAYE", "Mariam Aissata")


@given(
    words=st.lists(
        st.sampled_from(["Traoré", "moussa", "AÏSSATA", "Keïta", "Sidibé", "oumar"]),
        min_size=2,
        max_size=4,
    ),
    seed=st.integers(),
)
def test_name_key_is_the_same_however_the_words_are_ordered_or_cased(
    words: list[str], seed: int
) -> None:
    shuffled = words[:]
    random.Random(seed).shuffle(shuffled)
    shuffled = [w.upper() if n % 2 else w.lower() for n, w in enumerate(shuffled)]
    assert name_key(words[0], " ".join(words[1:])) == name_key(shuffled[0], " ".join(shuffled[1:]))


def test_phonetic_key_merges_malian_spelling_variants() -> None:
    assert phonetic_key("Coulibaly") == phonetic_key("Koulibaly") == phonetic_key("KOULIBALI")
    assert phonetic_key("Keïta") == phonetic_key("Keita")
    assert phonetic_key("Diarra") == phonetic_key("Dyarra")
    assert phonetic_key("Ouattara") == phonetic_key("Wattara")
    assert phonetic_key("Cissé") == phonetic_key("Sissé")
    assert phonetic_key("Haïdara") == phonetic_key("Aïdara")
    assert phonetic_key("Cheick") == phonetic_key("Sheikh")


def test_phonetic_key_keeps_different_names_apart() -> None:
    keys = {phonetic_key(n) for n in ["Traoré", "Diarra", "Coulibaly", "Keïta", "Konaté", "Koné"]}
    assert len(keys) == 6


def test_name_similarity_scores_spelling_variants_high_and_other_names_low() -> None:
    coulibaly, koulibaly = name_key("Coulibaly", "Moussa"), name_key("Koulibaly", "Moussa")
    assert name_similarity(coulibaly, coulibaly) == 100
    assert name_similarity(coulibaly, koulibaly) >= 90
    assert name_similarity(coulibaly, name_key("Diarra", "Moussa")) < LIKELY
    assert name_similarity(coulibaly, name_key("Coulibaly", "Mamadou")) < LIKELY
    assert name_similarity(coulibaly, "") == 0


def test_a_missing_first_name_still_scores_as_a_possible_match() -> None:
    score = name_similarity(name_key("Traoré", "Moussa"), name_key("Traoré", "Moussa Ibrahim"))
    assert 80 <= score < 95


def test_coulibaly_and_koulibaly_of_the_same_corps_are_likely_the_same_person() -> None:
    a = row(1, "COULIBALY", "Moussa", rank=SERGENT, number="G-1")
    b = row(2, "Koulibaly", "moussa", rank=SERGENT)
    assert person_similarity(a, b) >= LIKELY


def test_two_service_numbers_in_one_corps_are_two_persons_whatever_the_names() -> None:
    a = row(1, "Traoré", "Moussa", number="G-1", rank=SERGENT)
    b = row(2, "Traoré", "Moussa", number="G-2", rank=SERGENT)
    assert person_similarity(a, b) == 0


def test_the_same_service_number_in_another_corps_proves_nothing() -> None:
    a = row(1, "Traoré", "Moussa", number="1234")
    b = row(2, "Traoré", "Moussa", number="1234", corps=POLICE)
    assert 0 < person_similarity(a, b) < LIKELY


def test_a_different_corps_or_birth_date_is_not_likely_even_with_the_same_name() -> None:
    a = row(1, "Traoré", "Moussa", birth=dt.date(1980, 1, 1))
    assert person_similarity(a, row(2, "Traoré", "Moussa", corps=POLICE)) < LIKELY
    assert person_similarity(a, row(3, "Traoré", "Moussa", birth=dt.date(1985, 6, 1))) < LIKELY
    assert person_similarity(a, row(4, "Traoré", "Moussa", birth=dt.date(1980, 1, 1))) == 100


def test_a_common_name_needs_more_than_the_name_to_be_likely() -> None:
    a = row(1, "Traoré", "Moussa", rank=SERGENT, number="G-1")
    b = row(2, "Traoré", "Moussa", rank=ADJUDANT)
    assert person_similarity(a, b) >= LIKELY
    assert person_similarity(a, b, name_count=1000) < LIKELY
    same_rank_and_unit = row(3, "Traoré", "Moussa", rank=SERGENT, unit=7)
    a_in_unit = a._replace(unit_id=7)
    assert person_similarity(a_in_unit, same_rank_and_unit, name_count=1000) >= LIKELY


def test_the_index_proposes_the_spelling_variant_best_first() -> None:
    index = NameIndex(
        [
            row(1, "Coulibaly", "Moussa", rank=SERGENT, number="G-1"),
            row(2, "Coulibaly", "Moussa", rank=ADJUDANT, number="G-2", birth=dt.date(1979, 3, 2)),
            row(3, "Diarra", "Moussa", rank=SERGENT, number="G-3"),
        ]
    )
    found = index.candidates(last_name="KOULIBALY", first_names="Moussa", rank_id=SERGENT,
                             corps_id=GENDARMERIE)  # fmt: skip
    assert [person_id for person_id, _score in found] == [1, 2]
    assert found[0][1] > found[1][1] >= LIKELY


def test_the_index_skips_other_service_numbers_of_the_corps_and_finds_the_same_one() -> None:
    index = NameIndex([row(1, "Traoré", "Moussa", number="G-1"), row(2, "Traoré", "Mousa")])
    found = index.candidates(
        last_name="Traoré", first_names="Moussa", corps_id=GENDARMERIE, service_number="G-9"
    )
    assert [person_id for person_id, _score in found] == [2]
    same = index.candidates(
        last_name="Traore", first_names="Moussa", corps_id=GENDARMERIE, service_number="G-1"
    )
    assert same[0] == (1, 100.0)


def test_the_index_honours_exclude_limit_and_min_score() -> None:
    index = NameIndex([row(n, "Sidibé", "Awa") for n in range(1, 6)])
    assert len(index.candidates(last_name="Sidibe", first_names="Awa", limit=2)) == 2
    found = index.candidates(last_name="Sidibe", first_names="Awa", exclude=3, limit=None)
    assert sorted(person_id for person_id, _ in found) == [1, 2, 4, 5]
    assert index.candidates(last_name="Sidibe", first_names="Awa", min_score=101) == []


def test_pairs_lists_each_pair_once_even_when_names_share_several_words() -> None:
    index = NameIndex(
        [
            row(1, "Traoré", "Moussa Ibrahim"),
            row(2, "TRAORE", "Ibrahim Moussa"),
            row(3, "Traoré", "Moussa Ibrahim", corps=None),
        ]
    )
    pairs = sorted((min(a, b), max(a, b)) for a, b, _score in index.pairs())
    assert pairs == [(1, 2), (1, 3), (2, 3)]


def test_pairs_never_pairs_two_persons_who_both_carry_a_service_number() -> None:
    index = NameIndex(
        [
            row(1, "Traoré", "Moussa", number="G-1"),
            row(2, "Traoré", "Moussa", number="G-2"),
            row(3, "Traoré", "Moussa", number="P-1", corps=POLICE),
        ]
    )
    assert list(index.pairs()) == []
    index.add(row(4, "Traore", "Moussa"))
    assert sorted(min(a, b) for a, b, _ in index.pairs()) == [1, 2]


def test_added_persons_are_found_by_later_lookups() -> None:
    index = NameIndex()
    index.add(row(7, "Dembélé", "Fatoumata"))
    assert len(index) == 1
    assert index.candidates(last_name="Dembele", first_names="Fatoumata")[0][0] == 7


def test_an_index_near_some_lookups_finds_for_them_what_the_whole_index_finds() -> None:
    rng = random.Random(15)
    last = ["Traoré", "Coulibaly", "Koulibaly", "Diarra", "Keïta", "Maïga", "Sangaré", "Cissé"]
    first = ["Moussa", "Mousa", "Aïssata", "Oumar", "Fatoumata", "Seydou", "Moussa Ibrahim"]
    registry = [
        row(
            n,
            rng.choice(last),
            rng.choice(first),
            corps=rng.choice([GENDARMERIE, POLICE, None]),
            rank=rng.choice([SERGENT, ADJUDANT, None]),
            birth=rng.choice([dt.date(1980, 1, 1), dt.date(1985, 5, 5), None]),
            number=f"G-{n}" if n % 3 == 0 else "",
        )
        for n in range(1, 2001)
    ]
    lookups = [
        {"last_name": "KOULIBALY", "first_names": "Moussa", "corps_id": GENDARMERIE},
        {"last_name": "Traore", "first_names": "Aissata", "corps_id": POLICE, "rank_id": SERGENT},
        {
            "last_name": "Keita",
            "first_names": "Oumar",
            "corps_id": GENDARMERIE,
            "service_number": "G-300",
        },
    ]
    whole = NameIndex(registry)
    near = NameIndex(
        registry,
        near=[
            Lookup(
                name_key(q["last_name"], q["first_names"]),
                q["corps_id"],
                q.get("service_number", ""),
            )
            for q in lookups
        ],
    )
    assert len(near) < len(whole)
    for lookup in lookups:
        found = near.candidates(**lookup, min_score=60, limit=None)
        assert found
        assert found == whole.candidates(**lookup, min_score=60, limit=None)


def test_an_index_near_a_lookup_keeps_the_holder_of_its_number_whatever_the_name() -> None:
    registry = [row(1, "Diarra", "Awa", number="G-5"), row(2, "Sidibé", "Mariam", number="G-6")]
    near = NameIndex(registry, near=[Lookup(name_key("Traoré", "Moussa"), GENDARMERIE, "G-5")])
    assert len(near) == 1
    found = near.candidates(
        last_name="Traoré", first_names="Moussa", corps_id=GENDARMERIE, service_number="G-5",
        min_score=0,
    )  # fmt: skip
    assert [person_id for person_id, _score in found] == [1]


def test_an_index_near_a_lookup_weighs_names_by_everyone_it_leaves_out() -> None:
    # The holder of the number bears a name a hundred others bear: weak evidence, though the
    # hundred are left out of the index.
    registry = [row(n, "Diarra", "Awa") for n in range(2, 102)]
    registry.append(row(1, "Diarra", "Awa", number="G-5"))
    near = NameIndex(registry, near=[Lookup(name_key("Traoré", "Moussa"), GENDARMERIE, "G-5")])
    assert len(near) == 1
    lookup = {"last_name": "Traoré", "first_names": "Moussa", "corps_id": GENDARMERIE,
              "service_number": "G-5", "min_score": 0}  # fmt: skip
    found = near.candidates(**lookup)
    assert found == NameIndex(registry).candidates(**lookup)
    alone = NameIndex([registry[-1]]).candidates(**lookup)
    assert found[0][0] == alone[0][0] == 1
    assert found[0][1] < alone[0][1]


@pytest.mark.parametrize(
    "last_name",
    [
        pytest.param("N'Diaye", id="straight"),
        pytest.param("N’Diaye", id="typographic"),
        pytest.param("Nʼdiaye", id="modifier-letter"),
        pytest.param("N`Diaye", id="backtick"),
        pytest.param("N´Diaye", id="acute-accent"),
    ],
)
def test_name_key_drops_every_kind_of_apostrophe(last_name: str) -> None:
    assert name_key(last_name, "Awa") == "awa ndiaye"


@pytest.mark.parametrize(
    ("last_name", "first_names", "expected"),
    [
        pytest.param("Traoré 2", "Moussa", "moussa traore", id="digit"),
        pytest.param("Traoré (Moussa)", "", "moussa traore", id="brackets"),
        pytest.param("Traoré,", "Moussa.", "moussa traore", id="punctuation"),
        pytest.param("Traoré\u00a0", "\tMoussa\n", "moussa traore", id="other-spaces"),
        pytest.param("Lætitia", "Œuvre", "laetitia oeuvre", id="ligatures"),
        pytest.param("STRAUß", "", "strauss", id="sharp-s"),
        pytest.param("ＴＲＡＯＲＥ", "Moussa", "moussa traore", id="compatibility-form"),
        pytest.param("", "", "", id="empty"),
    ],
)
def test_name_key_keeps_only_letters_folded_to_plain_ones(
    last_name: str, first_names: str, expected: str
) -> None:
    assert name_key(last_name, first_names) == expected


@pytest.mark.parametrize(
    ("word", "key"),
    [
        pytest.param("Coulibaly", "kulibali", id="c-ou-y"),
        pytest.param("Mustapha", "mustafa", id="ph"),
        pytest.param("Chaka", "xaka", id="ch-before-c"),
        pytest.param("Shaka", "xaka", id="sh"),
        pytest.param("Djibril", "jibril", id="dj"),
        pytest.param("Siddiq", "sidik", id="q"),
        pytest.param("Tanquara", "tankara", id="qu"),
        pytest.param("Dicko", "diko", id="ck"),
        pytest.param("Ciré", "sire", id="c-before-i"),
        pytest.param("Seydou", "seidu", id="y-ou"),
        pytest.param("Wattara", "uatara", id="w-doubled"),
        pytest.param("Mohammed", "moamed", id="h-doubled"),
        pytest.param("N’Diaye", "ndiaie", id="apostrophe"),
        pytest.param("Abdoul-Karim", "abdulkarim", id="hyphen"),
    ],
)
def test_phonetic_key_applies_each_sound_rule_in_order(word: str, key: str) -> None:
    assert phonetic_key(word) == key


def test_a_spelling_variant_scores_the_phonetic_weight_when_the_letters_score_less() -> None:
    score = name_similarity(name_key("Coulibaly", "Moussa"), name_key("Koulibaly", "Moussa"))
    assert score == PHONETIC_WEIGHT * 100


def test_a_name_inside_another_of_two_words_or_more_scores_the_subset_score() -> None:
    traore_moussa = name_key("Traoré", "Moussa")
    assert name_similarity(traore_moussa, name_key("Traoré", "Moussa Ibrahim")) == SUBSET_SCORE
    # One word inside a longer name is too little to call it the same person.
    assert name_similarity(name_key("Traoré", ""), traore_moussa) < SUBSET_SCORE


@pytest.mark.parametrize(
    ("count", "points"),
    [(0, 0.0), (1, 0.0), (2, -4.5), (10, -15.0), (100, -30.0), (1000, -30.0)],
)
def test_a_common_name_costs_fifteen_points_a_tenfold_up_to_thirty(
    count: int, points: float
) -> None:
    assert common_name_points(count) == pytest.approx(points, abs=0.05)


def test_an_uncommon_name_costs_nothing_unless_told_how_common_it_is() -> None:
    a = row(1, "Coulibaly", "Moussa", rank=SERGENT)
    b = row(2, "Koulibaly", "Moussa", rank=ADJUDANT)
    # The spelling variant's 95, the corps' 5 and the other rank's -5, and no common-name points.
    assert person_similarity(a, b) == PHONETIC_WEIGHT * 100
    assert person_similarity(a, b, name_count=2) == pytest.approx(95 - 4.5, abs=0.05)


def test_a_record_without_a_name_matches_no_one_whatever_else_agrees() -> None:
    birth = dt.date(1980, 1, 1)
    nameless = row(1, "", "", rank=SERGENT, unit=7, birth=birth)
    assert person_similarity(nameless, row(2, "", "", rank=SERGENT, unit=7, birth=birth)) == 0.0
    assert person_similarity(nameless, row(3, "Traoré", "Moussa", birth=birth)) == 0.0


def test_pairs_scores_each_pair_as_person_similarity_does_with_the_more_common_name() -> None:
    """Every pair sharing a name block, once, with the score of ``person_similarity`` weighed by
    how many of the index bear the more common of its two names; the service-number rule
    applies; only the pairs from ``min_score`` on."""
    birth = dt.date(1980, 1, 1)
    rows = [
        row(1, "Coulibaly", "Moussa", rank=SERGENT, birth=birth),
        row(2, "Koulibaly", "Moussa", rank=SERGENT),
        row(3, "Coulibaly", "Moussa Ibrahim", unit=7),
        row(4, "KOULIBALY", "Moussa", corps=POLICE, birth=birth),
        row(5, "Coulibaly", "Moussa", corps=None, unit=7),
        row(6, "Kulibali", "Mousa", number="G-6", rank=ADJUDANT),
        row(7, "Coulibaly", "Moussa", number="G-7", birth=dt.date(1985, 6, 1)),
        row(8, "Koulibaly", "Ibrahim Moussa", unit=7, rank=SERGENT),  # shares 3 blocks with 3
        row(9, "Traoré", "Awa"),  # no block in common with the others
    ]
    # Six of them bear a name that sounds as "Moussa Coulibaly"; Moussa Ibrahim, two; Awa, one.
    bearers = {1: 6, 2: 6, 3: 2, 4: 6, 5: 6, 6: 6, 7: 6, 8: 2, 9: 1}
    expected = {}
    for a, b in itertools.combinations(rows, 2):
        if a.person_id == 9 or b.person_id == 9 or {a.person_id, b.person_id} == {6, 7}:
            continue  # no block shared; two service numbers of one corps
        count = max(bearers[a.person_id], bearers[b.person_id])
        expected[a.person_id, b.person_id] = person_similarity(a, b, name_count=count)
    index = NameIndex(rows)

    found = [(min(a, b), max(a, b), score) for a, b, score in index.pairs(min_score=0)]
    assert len(found) == len({(a, b) for a, b, _ in found})  # each pair once
    assert {(a, b): score for a, b, score in found} == expected
    likely = [(min(a, b), max(a, b), score) for a, b, score in index.pairs()]
    assert {(a, b): score for a, b, score in likely} == {
        pair: score for pair, score in expected.items() if score >= LIKELY
    }
    assert len(likely) == len({(a, b) for a, b, _ in likely})
