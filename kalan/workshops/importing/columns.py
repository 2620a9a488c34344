"""Which column holds which field: the usual French and English header spellings.

Headers are compared in a normalised form (no accents, case, punctuation or extra spaces; "(s)"
and "(e)" dropped; "N°", "Nº", "No", "Numéro" all read as "n"), so "Prénom(s)", "PRENOMS" and
"prénoms" are one spelling. A header matches an alias exactly, or starts with one followed by
more words ("NOM DU PARTICIPANT", "Sexe (M/F)"): the longest alias wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Field → spellings, written already normalised (see ``header_key``).
ALIASES: dict[str, tuple[str, ...]] = {
    "last_name": (
        "nom",
        "noms",
        "nom de famille",
        "noms de famille",
        "last name",
        "surname",
        "family name",
    ),
    "first_names": (
        "prenom",
        "prenoms",
        "first name",
        "first names",
        "given name",
        "given names",
        "forename",
        "forenames",
    ),
    "full_name": (
        "nom et prenom",
        "nom et prenoms",
        "noms et prenom",
        "noms et prenoms",
        "noms prenom",
        "noms prenoms",
        "nom prenom",
        "nom prenoms",
        "prenom et nom",
        "prenoms et nom",
        "prenoms et noms",
        "prenom nom",
        "prenoms nom",
        "nom complet",
        "full name",
        "name",
        "names",
    ),
    "service_number": (
        "mle",
        "n mle",
        "mle n",
        "matricule",
        "matricules",
        "n matricule",
        "n de matricule",
        "n du matricule",
        "service number",
        "service n",
    ),
    "rank": ("grade", "grades", "rank"),
    "unit": (
        "unite",
        "unites",
        "unite d affectation",
        "unite de provenance",
        "affectation",
        "structure",
        "structure d origine",
        "service",
        "unit",
    ),
    "phone": (
        "contact",
        "contacts",
        "contact telephonique",
        "telephone",
        "telephones",
        "tel",
        "n tel",
        "n de tel",
        "n telephone",
        "n de telephone",
        "n du telephone",
        "cellulaire",
        "portable",
        "phone",
        "phone number",
        "mobile",
    ),
    "sex": ("sexe", "genre", "sex", "gender"),
    "corps": ("corps", "force", "forces", "arme", "armee", "corps d origine"),
    "email": (
        "e mail",
        "email",
        "mail",
        "courriel",
        "adresse e mail",
        "adresse email",
        "adresse electronique",
    ),
    "birth_date": (
        "date de naissance",
        "date naissance",
        "ne le",
        "nee le",
        "date of birth",
        "birth date",
        "dob",
    ),
}

# Row numbers ("N°", "N° d'ordre"): known headers that feed no field.
IGNORED: tuple[str, ...] = ("n", "n d ordre", "ordre", "n ordre")

# Normalised alias → field ("" for the ignored ones), longest first so that a prefix match
# prefers "nom et prenoms" to "nom" and "service number" to "service".
_LOOKUP: dict[str, str] = {alias: "" for alias in IGNORED}
_LOOKUP.update({alias: field for field, aliases in ALIASES.items() for alias in aliases})
_BY_LENGTH = sorted(_LOOKUP, key=len, reverse=True)

_PLURAL_MARK = re.compile(r"\((?:s|e|es)\)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# "N°", "Nº", "No", "Num", "Numéro" before a word all mean "number".
_NUMBER_WORDS = {"no", "num", "numero", "nr", "nbr"}


def header_key(text: object) -> str:
    """A header in the form the aliases are written in: "N° Mle" → "n mle"."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    folded = _PLURAL_MARK.sub("", folded)
    words = _NOT_WORD.sub(" ", folded).split()
    return " ".join("n" if word in _NUMBER_WORDS else word for word in words)


def header_field(text: object) -> str | None:
    """The field a header names, "" for a known header that feeds nothing, None if unknown."""
    key = header_key(text)
    if not key:
        return None
    # "Unité : Brigade de Sévaré" in the titles is a label with its value, not a header.
    if isinstance(text, str) and text.partition(":")[2].strip():
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    for alias in _BY_LENGTH:
        # A few more words may follow ("NOM DU PARTICIPANT"); a sentence is no header.
        if key.startswith(alias + " ") and len(key[len(alias) :].split()) <= 3:
            return _LOOKUP[alias]
    return None


def header_score(cells: Iterable[object]) -> int:
    """How many cells read as known headers: the reader takes a row scoring 2 or more."""
    return sum(1 for cell in cells if header_field(cell) is not None)


def mapping_guess(headers: list[str]) -> dict[int, str]:
    """Column index → field of ``FIELDS``; each field taken once, by its first column."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = header_field(header)
        if field and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping
