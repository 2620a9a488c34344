"""Names and records compared without the database: keys, sounds, scores and the index."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalan.people import identity
from kalan.people.identity import (
    LIKELY,
    OTHER_BIRTH_DATE,
    OTHER_CORPS,
    OTHER_RANK,
    OTHER_UNIT,
    PHONETIC_WEIGHT,
    SAME_BIRTH_DATE,
    SAME_CORPS,
    SAME_RANK,
    SAME_SERVICE_NUMBER,
    SAME_UNIT,
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


@pytest.fixture(autouse=True)
def _keys_afresh() -> Iterator[None]:
    """Each test folds and sounds names afresh: a key cached by an earlier test, or by the process
    that forked this one (`make mutation`), would hide the rule under test."""
    for cached in (
        identity.name_key,
        identity.phonetic_key,
        identity._phonetic_words,
        identity._sound,
        identity._block_keys,
    ):
        cached.cache_clear()
    yield


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


def test_a_typo_scores_its_spelling_when_that_beats_its_sound() -> None:
    # "moussa traore" and "mousa traore" share 12 of their 25 letters: 2 × 12 / 25 = 96, above
    # the 95 of the same sound.
    score = name_similarity(name_key("Traoré", "Moussa"), name_key("Traoré", "Mousa"))
    assert score == 96.0 > PHONETIC_WEIGHT * 100


def test_names_without_a_latin_letter_are_compared_by_spelling_alone() -> None:
    # Neither has a sound (phonetic_key keeps a to z): two empty sounds are no evidence.
    ali_mohamed, fatima_ibrahim = name_key("محمد", "علي"), name_key("ابراهيم", "فاطمة")
    assert phonetic_key("محمد") == ""
    assert name_similarity(ali_mohamed, fatima_ibrahim) < 50
    assert name_similarity(ali_mohamed, name_key("محمد", "علي")) == 100
    a, b = row(1, "محمد", "علي"), row(2, "ابراهيم", "فاطمة")
    assert person_similarity(a, b) < LIKELY


def test_a_name_with_a_word_written_twice_scores_the_subset_score() -> None:
    # The full name in the last-name column and the first name again in its own: every word of
    # "Moussa Traoré" is in "Traoré Moussa Moussa".
    repeated = name_key("Traoré Moussa", "Moussa")
    assert name_similarity(repeated, name_key("Traoré", "Moussa")) == SUBSET_SCORE


@pytest.mark.parametrize(
    ("other", "points"),
    [
        pytest.param({"corps_id": GENDARMERIE}, SAME_CORPS, id="same-corps"),
        pytest.param({"corps_id": POLICE}, OTHER_CORPS, id="other-corps"),
        pytest.param({"rank_id": SERGENT}, SAME_RANK, id="same-rank"),
        pytest.param({"rank_id": ADJUDANT}, OTHER_RANK, id="other-rank"),
        pytest.param({"unit_id": 7}, SAME_UNIT, id="same-unit"),
        pytest.param({"unit_id": 8}, OTHER_UNIT, id="other-unit"),
        pytest.param({"birth_date": dt.date(1980, 1, 1)}, SAME_BIRTH_DATE, id="same-birth"),
        pytest.param({"birth_date": dt.date(1985, 6, 1)}, OTHER_BIRTH_DATE, id="other-birth"),
        pytest.param(
            {"corps_id": GENDARMERIE, "service_number": "G-1", "birth_date": dt.date(1985, 6, 1)},
            SAME_CORPS + SAME_SERVICE_NUMBER + OTHER_BIRTH_DATE,
            id="same-number-other-birth",
        ),
        pytest.param({}, 0.0, id="all-unknown-on-one-side"),
    ],
)
def test_each_field_known_on_both_sides_moves_the_name_score_by_its_points(
    other: dict[str, Any], points: float
) -> None:
    known = row(1, "Traoré", "Moussa", rank=SERGENT, unit=7, birth=dt.date(1980, 1, 1),
                number="G-1")  # fmt: skip
    # Only the field under test is known on the other side: the rest count for nothing.
    blank = PersonRow(2, "Traoré", "Moussa Ibrahim", None, None, None, None, "")
    other_side = blank._replace(**other)
    assert person_similarity(known, other_side) == SUBSET_SCORE + points
    assert person_similarity(other_side, known) == SUBSET_SCORE + points


def test_a_score_is_rounded_to_one_decimal() -> None:
    mamadou, moussa = name_key("Coulibaly", "Mamadou"), name_key("Coulibaly", "Moussa")
    name = name_similarity(mamadou, moussa)
    assert round(name, 2) != round(name, 1)  # 78.79 …: a second decimal to drop
    a = row(1, "Coulibaly", "Mamadou", corps=None)
    b = row(2, "Coulibaly", "Moussa", corps=None)
    assert person_similarity(a, b) == round(name, 1)


def test_a_score_never_falls_below_zero() -> None:
    a = row(1, "Traoré", "Moussa", birth=dt.date(1980, 1, 1))
    b = row(2, "Diarra", "Awa", corps=POLICE, birth=dt.date(1985, 6, 1))
    name = name_similarity(name_key("Traoré", "Moussa"), name_key("Diarra", "Awa"))
    assert 0 < name < -(OTHER_CORPS + OTHER_BIRTH_DATE)
    assert person_similarity(a, b) == 0.0


def test_a_one_word_name_is_indexed_found_and_paired() -> None:
    index = NameIndex([row(1, "Traoré", ""), row(2, "", ""), row(3, "Diarra", "")])
    found = index.candidates(last_name="TRAORE", first_names="", min_score=0)
    assert [person_id for person_id, _score in found] == [1]
    index.add(row(4, "Traore", ""))
    assert [(min(a, b), max(a, b)) for a, b, _ in index.pairs()] == [(1, 4)]


def test_a_nameless_person_is_indexed_but_matches_no_one() -> None:
    index = NameIndex([row(1, "", ""), row(2, "", "")])
    assert len(index) == 2
    assert index.candidates(last_name="", first_names="", min_score=0) == []
    assert list(index.pairs(min_score=0)) == []


def test_candidates_score_as_person_similarity_does_with_the_more_common_name() -> None:
    """Every person sharing a name block with the row, with the score of ``person_similarity``
    weighed by how many bear the more common of the two names, the row counted among the
    bearers of its own; the other numbers of the row's corps left out, the holder of its own
    number in."""
    born, other_birth = dt.date(1980, 1, 1), dt.date(1985, 6, 1)
    registry = [
        row(1, "Coulibaly", "Moussa", rank=SERGENT, unit=7, birth=born),
        row(2, "Koulibaly", "Moussa", rank=ADJUDANT, unit=8),
        row(3, "Coulibaly", "Moussa", corps=None, unit=7, birth=other_birth),
        row(4, "KOULIBALY", "Moussa", corps=POLICE, rank=SERGENT, birth=born),
        row(5, "Coulibaly", "Moussa Ibrahim", unit=7, birth=born),
        row(6, "Kulibali", "Mousa", number="G-6", rank=ADJUDANT, unit=7, birth=dt.date(1975, 3, 1)),
        row(7, "Coulibaly", "Moussa", number="G-7", birth=born),
        row(8, "Coulibaly", "Ibrahim Moussa", rank=SERGENT),
        row(9, "Coulibaly", "Seydou"),  # shares a block with Moussa Seydou only
        row(10, "Traoré", "Awa"),  # shares no block with any of the rows
    ]
    # Six of them bear a name that sounds as "Moussa Coulibaly"; Moussa Ibrahim, two; the rest,
    # one each.
    bearers = {1: 6, 2: 6, 3: 6, 4: 6, 5: 2, 6: 6, 7: 6, 8: 2, 9: 1, 10: 1}
    gendarme = row(0, "KOULIBALY", "Moussa", rank=SERGENT, unit=7, birth=born)
    newcomer = row(0, "Coulibaly", "Moussa Seydou", corps=None)
    holder = row(0, "Coulibaly", "Moussa", rank=SERGENT, unit=8, birth=dt.date(1990, 1, 1),
                  number="G-6")  # fmt: skip
    # (row, how many of the index bear its name, the persons it meets)
    looked_up = [
        # A gendarme of a common name, his rank, unit and birth date known.
        (gendarme, 6, [1, 2, 3, 4, 5, 6, 7, 8]),
        # A name nobody bears yet, of no known corps.
        (newcomer, 0, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        # The holder of G-6 under another spelling, rank, unit and birth date; G-7 is another
        # gendarme.
        (holder, 6, [1, 2, 3, 4, 5, 6, 8]),
    ]
    index = NameIndex(registry)
    for lookup, lookup_bearers, expected_ids in looked_up:
        found = index.candidates(
            last_name=lookup.last_name, first_names=lookup.first_names, corps_id=lookup.corps_id,
            rank_id=lookup.rank_id, unit_id=lookup.unit_id, birth_date=lookup.birth_date,
            service_number=lookup.service_number, min_score=0, limit=None,
        )  # fmt: skip
        expected = {
            person.person_id: person_similarity(
                lookup, person, name_count=max(lookup_bearers + 1, bearers[person.person_id])
            )
            for person in registry
            if person.person_id in expected_ids
        }
        assert dict(found) == expected
        assert len(found) == len(expected)


def test_persons_of_another_corps_indexed_first_do_not_hide_those_of_the_row_s_corps() -> None:
    index = NameIndex([row(1, "Traoré", "Moussa", corps=POLICE), row(2, "Traoré", "Moussa")])
    found = index.candidates(last_name="Traoré", first_names="Moussa", corps_id=GENDARMERIE)
    assert [person_id for person_id, _score in found] == [2]


def test_a_name_borne_by_ten_costs_fifteen_points_and_a_score_of_min_score_is_kept() -> None:
    index = NameIndex([row(n, "Traoré", "Moussa") for n in range(1, 10)])
    # Nine bear the name, and the row looked up: 100 + 5 for the corps - 15.
    lookup: dict[str, Any] = {
        "last_name": "Traoré",
        "first_names": "Moussa",
        "corps_id": GENDARMERIE,
    }
    found = index.candidates(**lookup, min_score=90, limit=None)
    assert found == [(n, 90.0) for n in range(1, 10)]
    assert index.candidates(**lookup, min_score=90.1) == []
    index.add(row(10, "Traore", "Moussa"))
    pairs = list(index.pairs(min_score=90))
    assert len(pairs) == 45
    assert {score for _a, _b, score in pairs} == {90.0}
    assert list(index.pairs(min_score=90.1)) == []


def test_the_index_returns_ten_candidates_unless_told_otherwise() -> None:
    index = NameIndex([row(n, "Sidibé", "Awa") for n in range(1, 13)])
    assert len(index.candidates(last_name="Sidibe", first_names="Awa", min_score=0)) == 10


def test_candidates_come_best_first_then_by_person_id_whatever_the_order_indexed() -> None:
    index = NameIndex(
        [
            row(9, "Coulibaly", "Moussa", rank=ADJUDANT),
            row(5, "Coulibaly", "Moussa", rank=ADJUDANT),
            row(7, "Koulibaly", "Moussa", rank=SERGENT),
        ]
    )
    found = index.candidates(last_name="Coulibaly", first_names="Moussa", rank_id=SERGENT,
                             corps_id=GENDARMERIE, limit=None)  # fmt: skip
    assert [person_id for person_id, _score in found] == [7, 5, 9]
    assert found[1][1] == found[2][1]  # the same name and rank: the lower id first


def test_without_a_service_number_only_persons_sharing_a_name_block_are_candidates() -> None:
    index = NameIndex([row(1, "Diarra", "Awa")])
    lookup: dict[str, Any] = {
        "last_name": "Traoré",
        "first_names": "Moussa",
        "corps_id": GENDARMERIE,
    }
    assert index.candidates(**lookup, min_score=0) == []


def test_an_index_near_a_lookup_leaves_out_its_corps_when_the_names_share_no_block() -> None:
    registry = [row(1, "Diarra", "Awa"), row(2, "Traore", "Mousa")]
    near = NameIndex(registry, near=[Lookup(name_key("Traoré", "Moussa"), GENDARMERIE, "")])
    assert len(near) == 1
    assert near.candidates(last_name="Traoré", first_names="Moussa", corps_id=GENDARMERIE,
                           min_score=0)[0][0] == 2  # fmt: skip


def test_the_holder_of_the_number_is_no_candidate_when_nothing_of_the_name_agrees() -> None:
    # "sy" and "kone" share no letter: a name score of 0, as with no name at all.
    index = NameIndex([row(1, "Sy", "", number="G-5")])
    assert index.candidates(last_name="Koné", first_names="", corps_id=GENDARMERIE,
                            service_number="G-5", min_score=0) == []  # fmt: skip


def test_a_service_number_without_a_corps_tells_no_one_apart() -> None:
    index = NameIndex(
        [
            row(1, "Traoré", "Moussa", corps=None, number="1234"),
            row(2, "Traoré", "Moussa", number="G-2"),
        ]
    )
    assert [(min(a, b), max(a, b)) for a, b, _ in index.pairs()] == [(1, 2)]


def test_two_records_agreeing_on_everything_are_paired_at_one_hundred() -> None:
    born = dt.date(1980, 1, 1)
    index = NameIndex(
        [
            row(1, "Traoré", "Moussa", rank=SERGENT, unit=7, birth=born, number="G-1"),
            row(2, "TRAORE", "Moussa", rank=SERGENT, unit=7, birth=born),
        ]
    )
    assert [(min(a, b), max(a, b), score) for a, b, score in index.pairs()] == [(1, 2, 100.0)]


def test_pairs_finds_a_person_of_no_corps_indexed_before_one_of_a_corps() -> None:
    index = NameIndex([row(1, "Traoré", "Moussa", corps=None), row(2, "Traore", "Moussa")])
    assert [(a, b) for a, b, _score in index.pairs()] == [(1, 2)]


def test_pairs_lists_once_each_pair_of_a_numbered_person_with_a_three_word_name() -> None:
    index = NameIndex(
        [
            row(1, "Traoré", "Moussa Ibrahim", number="G-1"),
            row(2, "TRAORE", "Ibrahim Moussa"),
            row(3, "Traoré", "Moussa Ibrahim", corps=None),
        ]
    )
    pairs = sorted((min(a, b), max(a, b)) for a, b, _score in index.pairs())
    assert pairs == [(1, 2), (1, 3), (2, 3)]


# Mutants of ``identity`` that `make mutation` (bench/mutation.py) lets live, as equivalent:
# - ``_adjustment``: ``points = OTHER_CORPS`` or ``points = SAME_CORPS`` for ``+=``: points is
#   still 0 there, the first points added.
# - ``_sound``: the words joined by "XX XX" rather than " ": a sound is only counted (a key of
#   ``_sound_counts``), and phonetic words are made of a to z only, so it still tells them apart.
# - ``common_name_points``: ``count < 1`` for ``count <= 1``: one bearer then costs
#   -min(30, 15 × log10(1)) = -0.0, which is 0.0.
# - ``name_similarity``: ``not key_a and not key_b``: with one key empty the spelling scores 0
#   and the empty key has no sound, so neither the sound nor the subset adds anything: 0.
# - ``name_similarity``: ``sorted(..., key=len)`` with no key: two sets then sort by inclusion;
#   the subset score needs one inside the other, and both orders then put the smaller first;
#   ``small`` is empty when either set is.
# - ``NameIndex.add`` and ``pairs``: a person's number (``_numbers``, ``numbers[i]``,
#   ``numbers[j]``) replaced by None: ``pairs`` never scores two persons who both carry one, so
#   ``_adjustment`` never sees two numbers there.
# - ``candidates``: the number kept (stripped, or "XXXX") for a row of no known corps, or
#   ``_by_number`` looked up without a corps: with no corps the number is read nowhere
#   (``_keep_blocked`` reads it for the row's own corps; ``_by_number`` holds numbers with a
#   corps only).
# - ``candidates``: ``seen.add(None)`` for the holder of the number: ``_keep_blocked`` leaves
#   out every numbered person of the row's corps when the row has a number, the holder among
#   them. ``points if points is not None or True else 0.0`` (or ``1.0``): ``_adjustment`` of one
#   corps and one number never returns None.
# - ``candidates`` and ``pairs``: ``min_score < OTHER_CORPS_BEST`` for ``<=``: they differ at
#   min_score 80 only, and two persons of different corps reach 80 with the same name (100) and
#   birth date alone, a name then borne by two at least (-4.5); a rank and a unit belong to one
#   corps (``Rank.corps``, ``Unit.corps``), so theirs differ.
# - ``_keep_blocked``: ``seen.add(None)``: a person met again in a later block is kept again
#   with the same points, the same score.
# - The caches of one lookup or one scan bypassed (``_keeper``: ``commons.get(None)``,
#   ``common = None``, ``names.get(None)``, ``name = None``; ``_Near.meets``: ``shares = None``,
#   ``shares.get(None)``; ``pairs``: ``names.get(None, -1.0)``, default -2.0, ``name <= 0``,
#   ``name < 1``): each value is computed again, the same.
# - ``pairs``: the two keys of a pair in the other order (``and False``, ``or True``, ``<=``):
#   ``name_similarity`` is symmetric; only the cache key changes.
# - ``pairs``: ``shared_elsewhere`` with ``or``, ``>= 1`` or ``> 2``: a name has 1, 3, 6, 10 or
#   15 blocks (the pairs of its codes), never 2, and a person of one block shares that block
#   only, so "the first block shared" is then the block at hand anyway.
# - ``_keeper`` and ``pairs``: the shortcut ``100 + points + common < min_score`` loosened
#   (``- common``, ``101.0``): a person it no longer skips still scores under min_score, unless
#   the score is lifted to it by the floor at 0 (min_score 0 or less) or by the rounding to one
#   decimal (100 + points + common within 0.05 under min_score). Neither happens with LIKELY,
#   the only min_score the callers pass: points are multiples of 5, and 15 × log10(n) never
#   falls within 0.05 above one for a whole number n of bearers.
