"""Turn the corps, rank and unit texts of a list into the registry's reference rows.

Lists write "GN", "Gendarmerie", "Police nationale", "Adjt-chef", "Brigade territoriale de
Sévaré"…: everything is compared folded (no accents, case or punctuation), against the
registry's names, abbreviations, feminine forms and variants, and the aliases users taught it
(``ReferenceAlias``: « Adjt » is Adjudant, for the gendarmerie). Reference data is loaded once
per import, so a 10,000-row file costs a handful of queries, not one per row.

What is still unknown is never guessed silently: ``kalan.workshops.importing.questions`` asks
about it, once per distinct value, with the closest entries this module ranks (``closest``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kalan.core.models import Place
from kalan.core.text import fold
from kalan.people.models import Corps, Rank, ReferenceAlias, Unit

# The first words of a unit's name tell its kind, and sometimes its corps (by name; a corps the
# registry lacks tells nothing).
UNIT_KINDS = {
    "brigade": (Unit.Kind.BRIGADE, "Gendarmerie nationale"),
    "bt": (Unit.Kind.BRIGADE, "Gendarmerie nationale"),
    "compagnie": (Unit.Kind.COMPANY, "Gendarmerie nationale"),
    "legion": (Unit.Kind.LEGION, "Gendarmerie nationale"),
    "escadron": (Unit.Kind.SQUADRON, "Gendarmerie nationale"),
    "groupement": (Unit.Kind.GROUP, ""),
    "commissariat": (Unit.Kind.COMMISSARIAT, "Police nationale"),
    "poste": (Unit.Kind.POST, ""),
    "direction": (Unit.Kind.DIRECTION, ""),
    "ecole": (Unit.Kind.SCHOOL, ""),
    "maison": (Unit.Kind.PRISON, ""),
    "tribunal": (Unit.Kind.COURT, ""),
    "cour": (Unit.Kind.COURT, ""),
    "bureau": (Unit.Kind.OFFICE, ""),
}
# Places a unit's name may end with, the most precise first when two share a name.
TOWN_KINDS = (
    Place.Kind.TOWN,
    Place.Kind.DISTRICT,
    Place.Kind.ARRONDISSEMENT,
    Place.Kind.COMMUNE,
    Place.Kind.CERCLE,
)
CLOSE_TOWN = 85.0  # a word run this close to a town's name is proposed, never taken
SUGGESTIONS = 5


@dataclass(frozen=True)
class NewUnit:
    """A unit a list names that the registry does not hold yet: created at commit."""

    corps_id: int
    name: str
    kind: str
    place_id: int

    @property
    def key(self) -> tuple[int, str]:
        return (self.corps_id, fold(self.name))


@dataclass(frozen=True)
class Entry:
    """A registry entry offered as an answer: its id, how it reads, and how close it is."""

    pk: int
    label: str
    score: float


@dataclass
class References:
    corps: dict[str, int] = field(default_factory=dict)  # folded name or alias → corps id
    corps_names: dict[int, str] = field(default_factory=dict)
    prefixes: dict[str, int] = field(default_factory=dict)  # service-number prefix → corps id
    ranks: dict[tuple[int, str], int] = field(default_factory=dict)  # (corps, folded) → rank id
    rank_corps: dict[str, set[int]] = field(default_factory=dict)  # folded spelling → corps ids
    rank_labels: dict[int, dict[int, str]] = field(default_factory=dict)  # corps → {rank: label}
    units: dict[tuple[int, str], int] = field(default_factory=dict)  # (corps, folded) → unit id
    unit_corps: dict[str, set[int]] = field(default_factory=dict)  # folded name → corps ids
    unit_labels: dict[int, dict[int, str]] = field(default_factory=dict)  # corps → {unit: label}
    unit_names: dict[int, dict[int, str]] = field(default_factory=dict)  # corps → {unit: folded}
    unit_places: dict[int, int] = field(default_factory=dict)  # unit → place
    towns: dict[str, int] = field(default_factory=dict)  # folded place name → place id
    town_names: dict[int, str] = field(default_factory=dict)
    longest_town: int = 1

    @classmethod
    def load(cls) -> References:
        """Everything an import compares with, in six queries."""
        refs = cls()
        for corps in Corps.objects.all():
            refs.corps_names[corps.pk] = corps.name
            for text in (corps.name, corps.short_name, corps.name_en):
                if fold(text):
                    refs.corps.setdefault(fold(text), corps.pk)
            for prefix in corps.number_prefixes.split(","):
                if prefix.strip():
                    refs.prefixes[prefix.strip().upper()] = corps.pk
        for rank in Rank.objects.all():
            refs._rank_add(rank.corps_id, rank.pk, rank.spellings())
            refs.rank_labels.setdefault(rank.corps_id, {})[rank.pk] = (
                f"{rank.name} ({rank.abbreviation})" if rank.abbreviation else rank.name
            )
        places = dict(Place.objects.values_list("pk", "name"))
        for unit_id, corps_id, name, place_id in Unit.objects.values_list(
            "pk", "corps_id", "name", "place_id"
        ):
            refs._unit_add(corps_id, unit_id, name)
            refs.unit_labels.setdefault(corps_id, {})[unit_id] = f"{name} — {places[place_id]}"
            refs.unit_names.setdefault(corps_id, {})[unit_id] = fold(name)
            refs.unit_places[unit_id] = place_id
        aliases = ReferenceAlias.objects.values_list(
            "kind", "folded", "corps_id", "rank_id", "unit_id"
        )
        for kind, folded, corps_id, rank_id, unit_id in aliases:
            if kind == ReferenceAlias.Kind.CORPS:
                refs.corps.setdefault(folded, corps_id)
            elif kind == ReferenceAlias.Kind.RANK:
                refs._rank_add(corps_id, rank_id, [folded])
            else:
                refs._unit_add(corps_id, unit_id, folded)
        towns = Place.objects.filter(kind__in=TOWN_KINDS).values_list("pk", "name", "kind")
        precision: dict[str, int] = {kind: n for n, kind in enumerate(TOWN_KINDS)}
        for place_id, name, _kind in sorted(towns, key=lambda t: (precision[t[2]], t[0])):
            folded = fold(name)
            refs.towns.setdefault(folded, place_id)
            refs.town_names[place_id] = name
            refs.longest_town = max(refs.longest_town, len(folded.split()))
        return refs

    def _rank_add(self, corps_id: int, rank_id: int, texts: list[str]) -> None:
        for text in texts:
            folded = fold(text)
            if folded:
                self.ranks.setdefault((corps_id, folded), rank_id)
                self.rank_corps.setdefault(folded, set()).add(corps_id)

    def _unit_add(self, corps_id: int, unit_id: int, text: str) -> None:
        folded = fold(text)
        self.units.setdefault((corps_id, folded), unit_id)
        self.unit_corps.setdefault(folded, set()).add(corps_id)

    def corps_find(self, text: str) -> int | None:
        folded = fold(text)
        if not folded:
            return None
        if folded in self.corps:
            return self.corps[folded]
        # "Gendarmerie Nationale du Mali", "Police nationale (DRPJ)": the start tells.
        for name, corps_id in sorted(self.corps.items(), key=lambda item: -len(item[0])):
            if folded.startswith(name + " "):
                return corps_id
        return None

    def corps_clues(self, *, rank: str, unit: str, number: str) -> list[tuple[str, set[int]]]:
        """What the row's other cells say of its corps, each clue with the corps it allows:
        ("unit", …) from a unit the registry knows or the kind its name starts with, ("rank",
        …) from the corps that have this rank, ("number", …) from a service-number prefix."""
        clues: list[tuple[str, set[int]]] = []
        folded_unit = fold(unit)
        if folded_unit:
            known = self.unit_corps.get(folded_unit)
            words = folded_unit.split()
            if known:
                clues.append(("unit", set(known)))
            elif words[0] in UNIT_KINDS and UNIT_KINDS[words[0]][1]:
                corps_id = self.corps_find(UNIT_KINDS[words[0]][1])
                if corps_id is not None:
                    clues.append(("unit", {corps_id}))
        holders = self.rank_corps.get(fold(rank))
        if holders:
            clues.append(("rank", set(holders)))
        prefix = next((p for p in self.prefixes if number.upper().startswith(p)), None)
        if number and prefix is not None:
            clues.append(("number", {self.prefixes[prefix]}))
        return clues

    def rank_find(self, *, corps_id: int, text: str) -> int | None:
        return self.ranks.get((corps_id, fold(text)))

    def unit_find(self, *, corps_id: int, text: str) -> int | None:
        return self.units.get((corps_id, fold(text)))

    def unit_new(self, *, corps_id: int, text: str, place_id: int | None = None) -> NewUnit | None:
        """The unit to create for this name: in the town its name ends with (or ``place_id``),
        None when no town of the map is in its name."""
        folded = fold(text)
        place_id = place_id or self.town_in(folded)
        if place_id is None:
            return None
        words = folded.split()
        kind = UNIT_KINDS[words[0]][0] if words and words[0] in UNIT_KINDS else Unit.Kind.OTHER
        return NewUnit(corps_id=corps_id, name=" ".join(text.split()), kind=kind, place_id=place_id)

    def town_in(self, folded: str) -> int | None:
        """The longest run of words in the unit's name that is a place of the map."""
        words = folded.split()
        for size in range(min(self.longest_town, len(words)), 0, -1):
            for start in range(len(words) - size, -1, -1):
                place_id = self.towns.get(" ".join(words[start : start + size]))
                if place_id is not None:
                    return place_id
        return None

    def towns_close(self, folded: str) -> list[Entry]:
        """Places whose name is spelled close to a run of the unit's words (« Sevare » for
        Sévaré is exact; « Sévarée », « Segu » are close): proposed, never taken."""
        words = folded.split()
        runs = {
            " ".join(words[start : start + size])
            for size in range(1, min(self.longest_town, len(words)) + 1)
            for start in range(len(words) - size + 1)
        }
        best: dict[int, float] = defaultdict(float)
        for run in runs:
            if len(run) < 4:
                continue  # "de", "du", "1er": any town is close to a short word
            for name, score, _index in process.extract(
                run, list(self.towns), scorer=fuzz.ratio, limit=3, score_cutoff=CLOSE_TOWN
            ):
                place_id = self.towns[name]
                best[place_id] = max(best[place_id], score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.town_names[item[0]]))
        return [Entry(pk, self.town_names[pk], score) for pk, score in ranked[:SUGGESTIONS]]

    def labels(self, *, kind: str, corps_id: int | None) -> dict[int, str]:
        """The entries a value of this kind may be, by id: the corps' ranks or units for a rank
        or a unit, every corps otherwise."""
        if kind == "rank":
            return self.rank_labels.get(corps_id or 0, {})
        if kind == "unit":
            return self.unit_labels.get(corps_id or 0, {})
        return self.corps_names

    def closest(self, *, kind: str, corps_id: int | None, text: str) -> list[Entry]:
        """The registry's entries closest to ``text``, best first: every corps for a corps, the
        corps' own ranks or units for a rank or a unit (an entry of another corps cannot be
        it)."""
        if kind == "unit":
            return self._units_closest(corps_id=corps_id or 0, text=text)
        labels = self.labels(kind=kind, corps_id=corps_id)
        if not labels:
            return []
        folded = {pk: fold(label) for pk, label in labels.items()}
        found = process.extract(
            fold(text), folded, scorer=fuzz.WRatio, limit=SUGGESTIONS, score_cutoff=50
        )
        return [Entry(pk, labels[pk], round(score)) for _text, score, pk in found]

    def _units_closest(self, *, corps_id: int, text: str) -> list[Entry]:
        """Units of the corps named like ``text``, in the town it names first: « Commissariat
        du 1er arrondissement de Mopti » is nearer « Commissariat de police du 1er
        arrondissement de Mopti » than the 1st arrondissement of Ségou. Words shared (in any
        order) and their order count half each; another town than the one the name gives (or
        spells closely) takes a quarter off."""
        names = self.unit_names.get(corps_id, {})
        folded = fold(text)
        if not names or not folded:
            return []
        town = self.town_in(folded)
        if town is None:
            close = self.towns_close(folded)
            town = close[0].pk if close else None
        found = process.extract(folded, names, scorer=fuzz.token_set_ratio, limit=30)
        scored = []
        for name, _score, pk in found:
            score = (fuzz.token_set_ratio(folded, name) + fuzz.token_sort_ratio(folded, name)) / 2
            if town is not None and self.unit_places[pk] != town:
                score *= 0.75
            if score >= 50:
                scored.append(Entry(pk, self.unit_labels[corps_id][pk], round(score)))
        scored.sort(key=lambda entry: (-entry.score, entry.label))
        return scored[:SUGGESTIONS]
