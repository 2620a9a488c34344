"""Who is who: names and person records compared without the database.

Pure functions, so that the import, the duplicate scan and their tests share one idea of "the
same officer". Nothing here merges anything: a likely match is shown for a person to decide.

Names
    name_key("TRAORE", "Moussa") == name_key("Traoré", "Moussa") == "moussa traore"
        accents stripped (NFKD), case folded, apostrophes dropped ("N'Diaye" = "Ndiaye"), every
        other non-letter a word break, words sorted.
    phonetic_key("Coulibaly") == phonetic_key("Koulibaly") == "kulibali"
        one word as it sounds in Malian French spellings (see ``_SOUND_RULES``).
    name_similarity(key_a, key_b) -> 0..100 between two name keys (rapidfuzz).

Records
    person_similarity(a, b, name_count=1) -> 0..100 between two persons: anything with the
        attributes of ``PersonLike`` (a ``Person``, a ``PersonRow``). The name score moves up when
        corps, rank, unit or birth date agree and down when both are known and differ, and down
        when the name is common (``name_count`` persons sound alike; ``NameIndex`` counts them).
        Two different service numbers in one corps are two persons: 0.
    LIKELY: from this score on a pair is a possible duplicate (the scan lists it, the import shows
        it to decide).

The index, for the import (one lookup per row) and the duplicate scan (every pair)
    index = NameIndex(rows)   # (person_id, last_name, first_names, corps_id, rank_id, unit_id,
                              #  birth_date, service_number) tuples, e.g. from .values_list()
    NameIndex(rows, near=[Lookup(key, corps_id, service_number), ...])
                              # only the persons these lookups can meet (an import's rows)
    index.add(row)            # a person created meanwhile, e.g. by an earlier row of the file
    index.candidates(last_name=..., first_names=..., corps_id=..., rank_id=..., unit_id=...,
                     birth_date=..., service_number=..., min_score=LIKELY, limit=10,
                     exclude=None) -> [(person_id, score), ...] best first
    index.pairs(min_score=LIKELY) -> iterator of (person_id, person_id, score), each pair once
    Scores from the index count how common each name is in the index itself: build it from the
    whole registry (``kalan.people.duplicates.registry_index()``).

Blocking keeps both fast on 200,000 persons: two persons are compared only when two of their name
words share the first BLOCK_PREFIX letters of their phonetic keys (one word for a one-word name).
So word order, accents, case, the spelling variants of ``phonetic_key``, typos past the fifth
letter and an extra first name ("Moussa Traoré" / "Moussa Ibrahim Traoré") are all found; a typo in
the first letters of a two-word name is not. Two persons who both carry a service number are never
paired by ``pairs``: in one corps the numbers tell them apart, across corps the score cannot reach
LIKELY. Likewise ``candidates`` for a row with a number skips the other numbers of its corps, and
returns the person holding the very same number: the number is the identity.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import combinations
from typing import NamedTuple, Protocol

from rapidfuzz import fuzz

# From this score on, two records are shown as a possible duplicate. With an uncommon name, a
# spelling variant (95) or the same name (100) in the same corps stays above it even when rank and
# unit both changed since (promotion, transfer); an extra first name with another rank and unit,
# a different corps, or a different birth date fall below. A name borne by a hundred persons or
# more needs the same corps, rank and unit, or the same corps and birth date.
LIKELY = 85.0

# Name scores that are not plain string similarity.
PHONETIC_WEIGHT = 0.95  # same sounds, other spelling: just below the same spelling
SUBSET_SCORE = 88.0  # every word of one name (at least two) is in the other: a first name missing

# Points added to (or taken from) the name score. A birth date is strong evidence; rank and unit
# change over a career, so they weigh little. Different corps almost always means two persons.
SAME_CORPS, OTHER_CORPS = 5.0, -30.0
SAME_RANK, OTHER_RANK = 5.0, -5.0
SAME_UNIT, OTHER_UNIT = 5.0, -5.0
SAME_BIRTH_DATE, OTHER_BIRTH_DATE = 10.0, -35.0
SAME_SERVICE_NUMBER = 20.0  # same corps and number: the identity rule, whatever the spelling
# A name borne by many is weak evidence: thousands of gendarmes are called Moussa Traoré, and two
# records that agree on that name alone are two persons far more often than one. Each tenfold of
# persons sounding alike costs COMMON_NAME_STEP points, up to COMMON_NAME_MAX: a name two persons
# bear costs 4.5, one ten bear 15 (the name alone then scores 85, just listed), one a hundred
# bear 30.
COMMON_NAME_STEP, COMMON_NAME_MAX = 15.0, 30.0
# The best a pair from two different known corps can score (rank and unit then differ too).
OTHER_CORPS_BEST = 100.0 + OTHER_CORPS + SAME_BIRTH_DATE

BLOCK_PREFIX = 5  # letters of each word's phonetic key that blocking compares
MAX_WORDS = 6  # words of a name used for blocking: 15 blocks at most per person

_APOSTROPHES = str.maketrans("", "", "'’ʼ`´")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
# Applied in order to one folded word. Each rule merges spellings that clerks and commands use for
# the same sound in Malian names.
_SOUND_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[^a-z]"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"[cs]h"), "x"),  # Cheick, Sheik
    (re.compile(r"dj"), "j"),  # Djibril, Jibril
    (re.compile(r"qu|q|ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),  # Cissé, Sissé
    (re.compile(r"c"), "k"),  # Coulibaly, Koulibaly; Camara, Kamara
    (re.compile(r"y"), "i"),  # Dyarra, Diarra; Maïga, Mayga
    (re.compile(r"w"), "u"),  # Wattara, Ouattara
    (re.compile(r"ou"), "u"),  # Koulibaly, Kulibali; Ousmane, Usmane
    (re.compile(r"h"), ""),  # Haïdara, Aïdara; Mohamed, Moamed
    (re.compile(r"(.)\1+"), r"\1"),  # Diarra, Diara; Mohammed, Mohamed
]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_LIGATURES)


def _name_key_uncached(last_name: str, first_names: str) -> str:
    """The name as compared: folded words, sorted, joined by one space ("moussa traore")."""
    folded = _fold(f"{last_name} {first_names}")
    words = "".join(ch if ch.isalpha() else " " for ch in folded).split()
    return " ".join(sorted(words))


# Cached: a registry repeats its common names thousands of times, and the import and the scan
# fold every one of them. Wrapped here rather than decorated, like the functions below:
# mutmut (`make mutation`) leaves decorated functions alone.
name_key = lru_cache(maxsize=131_072)(_name_key_uncached)


def _phonetic_key_uncached(word: str) -> str:
    """One word reduced to its sound, for blocking and for a second opinion on spelling."""
    key = _fold(word)
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key


phonetic_key = lru_cache(maxsize=100_000)(_phonetic_key_uncached)


def _phonetic_words_uncached(key: str) -> tuple[str, ...]:
    return tuple(sorted(filter(None, (phonetic_key(word) for word in key.split()))))


_phonetic_words = lru_cache(maxsize=100_000)(_phonetic_words_uncached)


def name_similarity(key_a: str, key_b: str) -> float:
    """0..100 between two name keys: the best of spelling, sound, and one name inside the other."""
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 100.0
    score = fuzz.token_sort_ratio(key_a, key_b)
    sounds_a, sounds_b = _phonetic_words(key_a), _phonetic_words(key_b)
    small, large = sorted((set(sounds_a), set(sounds_b)), key=len)
    # A name without a Latin letter (Arabic or N'Ko script) has no sound: two such names would
    # sound alike (two empty sounds), so it is compared by its spelling alone.
    if small:
        score = max(score, PHONETIC_WEIGHT * fuzz.ratio(" ".join(sounds_a), " ".join(sounds_b)))
    # Every word of one is in the other, even when a word of it is written twice there.
    if len(small) >= 2 and small <= large:
        score = max(score, SUBSET_SCORE)
    return float(score)


class PersonLike(Protocol):
    """What ``person_similarity`` reads: a ``Person`` has it, so has a ``PersonRow``."""

    @property
    def last_name(self) -> str: ...
    @property
    def first_names(self) -> str: ...
    @property
    def corps_id(self) -> int | None: ...
    @property
    def rank_id(self) -> int | None: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def birth_date(self) -> dt.date | None: ...
    @property
    def service_number(self) -> str: ...


class PersonRow(NamedTuple):
    """One person as ``NameIndex`` takes it; a plain tuple in this order does as well."""

    person_id: int
    last_name: str
    first_names: str
    corps_id: int | None
    rank_id: int | None
    unit_id: int | None
    birth_date: dt.date | None
    service_number: str


def _adjustment(
    corps_a: int | None,
    rank_a: int | None,
    unit_a: int | None,
    birth_a: dt.date | None,
    number_a: str,
    corps_b: int | None,
    rank_b: int | None,
    unit_b: int | None,
    birth_b: dt.date | None,
    number_b: str,
) -> float | None:
    """Points the other fields add to the name score; None when they prove two persons."""
    points = 0.0
    if corps_a is not None and corps_b is not None:
        if corps_a != corps_b:
            points += OTHER_CORPS
        else:
            points += SAME_CORPS
            if number_a and number_b:
                if number_a != number_b:
                    return None
                points += SAME_SERVICE_NUMBER
    if rank_a is not None and rank_b is not None:
        points += SAME_RANK if rank_a == rank_b else OTHER_RANK
    if unit_a is not None and unit_b is not None:
        points += SAME_UNIT if unit_a == unit_b else OTHER_UNIT
    if birth_a is not None and birth_b is not None:
        points += SAME_BIRTH_DATE if birth_a == birth_b else OTHER_BIRTH_DATE
    return points


def _bounded(score: float) -> float:
    return round(min(100.0, max(0.0, score)), 1)


def common_name_points(count: int) -> float:
    """Points taken off a name match when ``count`` persons bear names that sound the same."""
    if count <= 1:
        return 0.0
    return -min(COMMON_NAME_MAX, COMMON_NAME_STEP * math.log10(count))


def person_similarity(a: PersonLike, b: PersonLike, *, name_count: int = 1) -> float:
    """0..100: the name score moved by corps, rank, unit, birth date and service number.

    ``name_count``: how many persons bear a name sounding like the more common of the two (1 when
    unknown); see ``common_name_points``.
    """
    points = _adjustment(
        a.corps_id, a.rank_id, a.unit_id, a.birth_date, a.service_number,
        b.corps_id, b.rank_id, b.unit_id, b.birth_date, b.service_number,
    )  # fmt: skip
    if points is None:
        return 0.0
    key_a, key_b = name_key(a.last_name, a.first_names), name_key(b.last_name, b.first_names)
    names = name_similarity(key_a, key_b)
    return _bounded(names + points + common_name_points(name_count)) if names else 0.0


def _sound_uncached(key: str) -> str:
    """The name as it sounds, word order aside: persons sharing it are counted together."""
    return " ".join(_phonetic_words(key))


_sound = lru_cache(maxsize=100_000)(_sound_uncached)


def _block_keys_uncached(key: str) -> tuple[str, ...]:
    codes = sorted({code[:BLOCK_PREFIX] for code in _phonetic_words(key)[:MAX_WORDS]})
    if len(codes) <= 1:
        return tuple(codes)
    return tuple(f"{a}|{b}" for a, b in combinations(codes, 2))


_block_keys = lru_cache(maxsize=100_000)(_block_keys_uncached)


PersonRowTuple = tuple[int, str, str, int | None, int | None, int | None, dt.date | None, str]


class Lookup(NamedTuple):
    """What a ``NameIndex.candidates`` call to come looks up by: its name key
    (``name_key``), corps and service number."""

    key: str
    corps_id: int | None
    service_number: str


class _Near:
    """The blocks and numbers of the lookups to come: a person can be a candidate of a lookup
    only by sharing one of its blocks (``_keep_blocked``) or by holding its number in its corps
    (``_by_number``)."""

    def __init__(self, lookups: Iterable[Lookup]) -> None:
        blocks: set[str] = set()
        self.numbers: set[tuple[int, str]] = set()
        for key, corps_id, number in lookups:
            blocks.update(_block_keys(key))
            if corps_id is not None and number.strip():
                self.numbers.add((corps_id, number.strip()))
        self.blocks = frozenset(blocks)
        # By name key: a registry repeats its names, each one is looked at once.
        self.shares: dict[str, bool] = {}

    def meets(self, key: str, corps_id: int | None, number: str) -> bool:
        shares = self.shares.get(key)
        if shares is None:
            shares = self.shares[key] = not self.blocks.isdisjoint(_block_keys(key))
        return shares or (corps_id is not None and (corps_id, number) in self.numbers)


class NameIndex:
    """Persons by blocks of name sounds, to find likely matches without comparing every pair.

    See the module docstring for the API. Memory: about 1 KB per person.
    """

    def __init__(
        self, rows: Iterable[PersonRowTuple] = (), *, near: Iterable[Lookup] | None = None
    ) -> None:
        """``near``: the lookups to come, when known (an import's rows). Only the persons who
        can be their candidates are then kept, though every name is counted for how common it
        is: ``candidates`` for those lookups finds the same persons with the same scores as an
        index of everyone, in a fraction of its memory (the 10,000 rows of the import bench
        share a block with 42,000 persons of a registry of 200,000: 15 MB held instead of
        125). ``pairs`` then pairs only the persons kept."""
        self._near: _Near | None = None if near is None else _Near(near)
        self._ids: list[int] = []
        self._keys: list[str] = []
        self._sounds: list[str] = []
        self._corps: list[int | None] = []
        self._ranks: list[int | None] = []
        self._units: list[int | None] = []
        self._births: list[dt.date | None] = []
        self._numbers: list[str] = []
        self._blocks_of: list[tuple[str, ...]] = []
        # block → corps id (None: unknown) → (positions without a service number, with one)
        self._blocks: dict[str, dict[int | None, tuple[list[int], list[int]]]] = {}
        self._by_number: dict[tuple[int, str], int] = {}
        self._sound_counts: dict[str, int] = {}
        for row in rows:
            self.add(row)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, row: PersonRowTuple) -> None:
        person_id, last_name, first_names, corps_id, rank_id, unit_id, birth, number = row
        number = number if corps_id is not None else ""
        key = name_key(last_name, first_names)
        sound = _sound(key)
        # Counted even when left out: a score weighs how common a name is in the whole registry.
        self._sound_counts[sound] = self._sound_counts.get(sound, 0) + 1
        if self._near is not None and not self._near.meets(key, corps_id, number):
            return
        position = len(self._ids)
        self._ids.append(person_id)
        self._keys.append(key)
        self._sounds.append(sound)
        self._corps.append(corps_id)
        self._ranks.append(rank_id)
        self._units.append(unit_id)
        self._births.append(birth)
        self._numbers.append(number)
        blocks = _block_keys(key)
        self._blocks_of.append(blocks)
        for block in blocks:
            free, numbered = self._blocks.setdefault(block, {}).setdefault(corps_id, ([], []))
            (numbered if number else free).append(position)
        if number and corps_id is not None:
            self._by_number[(corps_id, number)] = position

    def candidates(
        self,
        *,
        last_name: str,
        first_names: str,
        corps_id: int | None = None,
        rank_id: int | None = None,
        unit_id: int | None = None,
        birth_date: dt.date | None = None,
        service_number: str = "",
        min_score: float = LIKELY,
        limit: int | None = 10,
        exclude: int | None = None,
    ) -> list[tuple[int, float]]:
        """Persons of the index like this one: (person_id, score), best first, at most ``limit``."""
        number = service_number.strip() if corps_id is not None else ""
        key = name_key(last_name, first_names)
        ids = self._ids
        scored: dict[int, float] = {}
        seen: set[int] = set()
        keep = self._keeper(key, min_score=min_score, scored=scored)
        same = self._by_number.get((corps_id, number)) if corps_id is not None else None
        if same is not None and ids[same] != exclude:
            seen.add(same)
            points = _adjustment(
                corps_id, rank_id, unit_id, birth_date, number,
                corps_id, self._ranks[same], self._units[same], self._births[same], number,
            )  # fmt: skip
            keep(same, points if points is not None else 0.0)
        self._keep_blocked(
            key,
            corps_id=corps_id,
            rank_id=rank_id,
            unit_id=unit_id,
            birth_date=birth_date,
            number=number,
            other_corps_too=min_score <= OTHER_CORPS_BEST,
            exclude=exclude,
            seen=seen,
            keep=keep,
        )
        best = sorted(scored.items(), key=lambda item: (-item[1], ids[item[0]]))
        return [(ids[position], score) for position, score in best[:limit]]

    def _keeper(
        self, key: str, *, min_score: float, scored: dict[int, float]
    ) -> Callable[[int, float], None]:
        """``keep(position, points)``: puts the person at ``position`` in ``scored`` when their
        name's score against ``key``, moved by ``points`` and by how common the names are,
        reaches ``min_score``. The name scores are cached for the one lookup."""
        count = self._sound_counts.get(_sound(key), 0) + 1  # the row bears it too
        keys, sounds, counts = self._keys, self._sounds, self._sound_counts
        names: dict[str, float] = {}
        commons: dict[str, float] = {}

        def keep(position: int, points: float) -> None:
            sound = sounds[position]
            common = commons.get(sound)
            if common is None:
                common = commons[sound] = common_name_points(max(count, counts[sound]))
            if 100.0 + points + common < min_score:
                return
            other = keys[position]
            name = names.get(other)
            if name is None:
                name = names[other] = name_similarity(key, other)
            score = _bounded(name + points + common)
            if name and score >= min_score:
                scored[position] = score

        return keep

    def _keep_blocked(
        self,
        key: str,
        *,
        corps_id: int | None,
        rank_id: int | None,
        unit_id: int | None,
        birth_date: dt.date | None,
        number: str,
        other_corps_too: bool,
        exclude: int | None,
        seen: set[int],
        keep: Callable[[int, float], None],
    ) -> None:
        """``keep`` each person not yet ``seen`` who shares a name block with ``key``, with the
        points of their corps, rank, unit and birth date. With a service ``number``, the persons
        holding another one in ``corps_id`` are left out: they are other persons."""
        ids, ranks, units, births = self._ids, self._ranks, self._units, self._births
        # The loop below is _adjustment unrolled for one side fixed: it runs a million times
        # for the 10,000 rows of a large import.
        for block in _block_keys(key):
            for corps, (free, numbered) in self._blocks.get(block, {}).items():
                if corps_id is None or corps is None:
                    base = 0.0
                elif corps == corps_id:
                    base = SAME_CORPS
                    if number:
                        numbered = []  # other numbers of the same corps: other persons
                elif other_corps_too:
                    base = OTHER_CORPS
                else:
                    continue
                for members in (free, numbered):
                    for position in members:
                        if position in seen or ids[position] == exclude:
                            continue
                        seen.add(position)
                        points = base
                        if rank_id is not None and (rank := ranks[position]) is not None:
                            points += SAME_RANK if rank == rank_id else OTHER_RANK
                        if unit_id is not None and (unit := units[position]) is not None:
                            points += SAME_UNIT if unit == unit_id else OTHER_UNIT
                        if birth_date is not None and (birth := births[position]) is not None:
                            points += SAME_BIRTH_DATE if birth == birth_date else OTHER_BIRTH_DATE
                        keep(position, points)

    def pairs(self, *, min_score: float = LIKELY) -> Iterator[tuple[int, int, float]]:
        """Every pair of indexed persons scoring min_score or more, once each, in no order."""
        ids, keys, blocks_of = self._ids, self._keys, self._blocks_of
        corps, ranks, units, births, numbers = (
            self._corps, self._ranks, self._units, self._births, self._numbers,
        )  # fmt: skip
        counts = self._sound_counts
        common = [common_name_points(counts[sound]) for sound in self._sounds]
        names: dict[tuple[str, str], float] = {}
        other_corps_too = min_score <= OTHER_CORPS_BEST

        def score(i: int, j: int, block: str) -> float | None:
            points = _adjustment(
                corps[i], ranks[i], units[i], births[i], numbers[i],
                corps[j], ranks[j], units[j], births[j], numbers[j],
            )  # fmt: skip
            if points is None:
                return None
            points += min(common[i], common[j])
            if 100.0 + points < min_score:
                return None
            # A pair sharing several blocks is scored in the first of them only.
            blocks_i, blocks_j = blocks_of[i], blocks_of[j]
            shared_elsewhere = len(blocks_i) > 1 and len(blocks_j) > 1
            if shared_elsewhere and block != min(set(blocks_i).intersection(blocks_j)):
                return None
            key_i, key_j = keys[i], keys[j]
            if key_i == key_j:
                name = 100.0
            else:
                pair = (key_i, key_j) if key_i < key_j else (key_j, key_i)
                name = names.get(pair, -1.0)
                if name < 0:
                    name = names[pair] = name_similarity(*pair)
            result = _bounded(name + points)
            return result if name and result >= min_score else None

        for block, buckets in self._blocks.items():
            groups = list(buckets.items())
            for x, (corps_x, (free_x, numbered_x)) in enumerate(groups):
                # Same corps (or both unknown): pairs with at least one person without a number.
                for n, i in enumerate(free_x):
                    for j in free_x[n + 1 :]:
                        if (result := score(i, j, block)) is not None:
                            yield ids[i], ids[j], result
                    for j in numbered_x:
                        if (result := score(i, j, block)) is not None:
                            yield ids[i], ids[j], result
                for corps_y, (free_y, numbered_y) in groups[x + 1 :]:
                    if corps_x is not None and corps_y is not None and not other_corps_too:
                        continue
                    for i in free_x:
                        for j in free_y + numbered_y:
                            if (result := score(i, j, block)) is not None:
                                yield ids[i], ids[j], result
                    for i in numbered_x:
                        for j in free_y:
                            if (result := score(i, j, block)) is not None:
                                yield ids[i], ids[j], result
