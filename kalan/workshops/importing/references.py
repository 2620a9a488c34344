"""Turn the corps, rank and unit texts of a list into the registry's reference rows.

Lists write "GN", "Gendarmerie", "Police nationale", "Adjt-chef", "Brigade territoriale de
Sévaré"…: everything is compared folded (no accents, case or punctuation). Reference data is loaded
once per import, so a 10,000-row file costs a handful of queries, not one per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kalan.core.models import Place
from kalan.core.text import fold
from kalan.people.models import Corps, Rank, Unit

# Words that name a corps in the lists commands send, beyond the corps' own names.
CORPS_ALIASES = {
    "gn": "Gendarmerie nationale",
    "gendarmerie": "Gendarmerie nationale",
    "pn": "Police nationale",
    "police": "Police nationale",
    "garde": "Garde nationale",
    "gnm": "Garde nationale",
    "pc": "Protection civile",
    "protection civile": "Protection civile",
}

# The first words of a unit's name tell its kind, and often its corps.
UNIT_KINDS = {
    "brigade": (Unit.Kind.BRIGADE, "Gendarmerie nationale"),
    "bt": (Unit.Kind.BRIGADE, "Gendarmerie nationale"),
    "compagnie": (Unit.Kind.COMPANY, "Gendarmerie nationale"),
    "legion": (Unit.Kind.LEGION, "Gendarmerie nationale"),
    "escadron": (Unit.Kind.SQUADRON, "Gendarmerie nationale"),
    "groupement": (Unit.Kind.GROUP, ""),
    "commissariat": (Unit.Kind.COMMISSARIAT, "Police nationale"),
    "arrondissement": (Unit.Kind.COMMISSARIAT, "Police nationale"),
    "poste": (Unit.Kind.POST, ""),
    "direction": (Unit.Kind.DIRECTION, ""),
    "ecole": (Unit.Kind.SCHOOL, ""),
}


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


@dataclass
class References:
    corps: dict[str, int] = field(default_factory=dict)  # folded name → corps id
    corps_names: dict[int, str] = field(default_factory=dict)
    ranks: dict[tuple[int, str], int] = field(default_factory=dict)  # (corps, folded) → rank id
    rank_corps: dict[str, set[int]] = field(default_factory=dict)  # folded rank → corps ids
    units: dict[tuple[int, str], int] = field(default_factory=dict)  # (corps, folded) → unit id
    towns: dict[str, int] = field(default_factory=dict)  # folded town name → place id
    longest_town: int = 1

    @classmethod
    def load(cls) -> References:
        refs = cls()
        by_name: dict[str, int] = {}
        for corps in Corps.objects.all():
            refs.corps_names[corps.pk] = corps.name
            by_name[corps.name] = corps.pk
            for text in (corps.name, corps.short_name):
                if text:
                    refs.corps[fold(text)] = corps.pk
        for alias, name in CORPS_ALIASES.items():
            if name in by_name:
                refs.corps.setdefault(alias, by_name[name])
        for rank_id, corps_id, name, abbreviation in Rank.objects.values_list(
            "pk", "corps_id", "name", "abbreviation"
        ):
            for text in (name, abbreviation):
                if text:
                    refs.ranks[(corps_id, fold(text))] = rank_id
            refs.rank_corps.setdefault(fold(name), set()).add(corps_id)
        for unit_id, corps_id, name in Unit.objects.values_list("pk", "corps_id", "name"):
            refs.units[(corps_id, fold(name))] = unit_id
        towns = Place.objects.filter(kind__in=[Place.Kind.TOWN, Place.Kind.DISTRICT])
        for place_id, name in towns.values_list("pk", "name"):
            folded = fold(name)
            refs.towns.setdefault(folded, place_id)
            refs.longest_town = max(refs.longest_town, len(folded.split()))
        return refs

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

    def corps_guess(self, *, rank: str, unit: str) -> int | None:
        """The corps a list leaves out, when the rank or the unit names only one."""
        holders = self.rank_corps.get(fold(rank), set())
        if len(holders) == 1:
            return next(iter(holders))
        words = fold(unit).split()
        if words and words[0] in UNIT_KINDS:
            return self.corps_find(UNIT_KINDS[words[0]][1])
        return None

    def rank_find(self, *, corps_id: int, text: str) -> int | None:
        return self.ranks.get((corps_id, fold(text)))

    def unit_find(self, *, corps_id: int, text: str) -> int | NewUnit | str:
        """The unit's id, a unit to create, or why it cannot be placed (a message)."""
        folded = fold(text)
        found = self.units.get((corps_id, folded))
        if found is not None:
            return found
        place_id = self._town_in(folded)
        if place_id is None:
            return _(
                "unité inconnue « %(unit)s » : sa localité n’apparaît pas dans son nom ; "
                "créez d’abord l’unité ou écrivez sa ville (par exemple « Brigade de Sévaré »)"
            ) % {"unit": text}
        words = folded.split()
        kind = UNIT_KINDS[words[0]][0] if words and words[0] in UNIT_KINDS else Unit.Kind.OTHER
        return NewUnit(corps_id=corps_id, name=" ".join(text.split()), kind=kind, place_id=place_id)

    def _town_in(self, folded: str) -> int | None:
        """The longest run of words in the unit's name that is a town of the reference map."""
        words = folded.split()
        for size in range(min(self.longest_town, len(words)), 0, -1):
            for start in range(len(words) - size, -1, -1):
                place_id = self.towns.get(" ".join(words[start : start + size]))
                if place_id is not None:
                    return place_id
        return None
