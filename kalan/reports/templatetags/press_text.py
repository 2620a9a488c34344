"""Filters that write the data the way a press release does, in the active language.

French: « quarante (40) participants », « les 8, 9 et 10 novembre 2022 », « de la Mission EUCAP
Sahel Mali », « d’Ansongo ». English: "forty (40) participants", "on 8, 9 and 10 November 2022".
They only word what they are given: every number comes from ``kalan.reports.figures``.

Articles before a name (« la Mission », « l’Hôtel », « du Programme ») are guessed from its first
word; a name the lists below do not know gets none (« de Djoliba ») and the person who edits the
draft corrects it. The drafts are templates under ``reports/press/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.translation import get_language
from num2words import num2words

from kalan.core.formats import dates_phrase
from kalan.core.models import Organisation

register = template.Library()

# First words of names, by the article French gives them.
# fmt: off
FEMININE = frozenset({
    "agence", "ambassade", "association", "auberge", "banque", "brigade", "case", "cellule",
    "chambre", "commission", "coopération", "coordination", "délégation", "direction", "école",
    "fédération", "fondation", "garde", "gendarmerie", "maison", "mairie", "mission",
    "organisation", "police", "préfecture", "protection", "représentation", "résidence",
    "salle", "union", "université",
})
MASCULINE = frozenset({
    "auditorium", "bureau", "camp", "campus", "centre", "comité", "commissariat", "conseil",
    "département", "espace", "fonds", "gouvernement", "gouvernorat", "haut-commissariat",
    "hôtel", "hotel", "institut", "ministère", "office", "palais", "poste", "programme",
    "projet", "royaume", "secrétariat", "service", "siège",
})
PLURAL = frozenset({
    "nations", "états-unis", "pays-bas", "forces",
})
# fmt: on
VOWELS = tuple("aeiouyàâäéèêëîïôöùûüœAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ")
# An h is mute in these (« l’Hôtel »), aspirated in others (« le Haut-Commissariat »).
MUTE_H = frozenset(["hôtel", "hotel", "hôpital", "habitat"])


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def _elides(name: str) -> bool:
    # « l’Hôtel », « d’Ansongo »: a vowel or a mute h.
    first = name.split()[0].lower() if name.split() else ""
    return name.startswith(VOWELS) or first in MUTE_H


@register.filter
def spelled(value: int) -> str:
    """« quarante (40) », "forty (40)": a count in words, then in figures."""
    number = int(value)
    return f"{num2words(number, lang='fr' if _french() else 'en')} ({number})"


@register.filter
def spelled_f(value: int) -> str:
    """Before a feminine French noun: « une (1) femme », « vingt et une (21) femmes »."""
    text = spelled(value)
    if _french():
        words, _sep, figures = text.rpartition(" (")
        if words == "un" or words.endswith((" un", "-un")):
            words += "e"
        text = f"{words} ({figures}"
    return text


@register.filter
def days(start: dt.date, end: dt.date) -> str:
    """When a session takes place, as an adverbial phrase (``kalan.core.formats.dates_phrase``).

    French: « le 8 novembre 2022 », « les 8, 9 et 10 novembre 2022 » (up to four days in one month),
    « du 8 au 12 novembre 2022 », « du 30 novembre au 2 décembre 2022 ». English: "on 8 November
    2022", "on 8, 9 and 10 November 2022", "from 8 to 12 November 2022".
    """
    return dates_phrase(start, end, list_days=True)


@register.filter
def series(items: Iterable[object]) -> str:
    """« a, b et c », "a, b and c"."""
    words = [str(item) for item in items if str(item)]
    if len(words) <= 1:
        return "".join(words)
    last = " et " if _french() else " and "
    return ", ".join(words[:-1]) + last + words[-1]


@register.filter
def clause(text: str) -> str:
    """A sentence of the data made into a clause: no final full stop, no capital for a first word
    that is not an acronym (« Renforcer les capacités. » → « renforcer les capacités »)."""
    text = " ".join(str(text).split()).rstrip(" .;")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


@register.filter
def objectives(items: Sequence[str]) -> str:
    """The specific objectives as one sentence's end: « a ; b et enfin c » (as in the CNDH's
    articles); in English, the French words quoted: "“a”; “b”; and “c”"."""
    if _french():
        parts = [clause(item) for item in items]
        if len(parts) <= 1:
            return "".join(parts)
        last = " et enfin " if len(parts) > 2 else " et "
        return " ; ".join(parts[:-1]) + last + parts[-1]
    quoted = [f"“{' '.join(str(item).split()).rstrip(' .;')}”" for item in items]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return "; ".join(quoted[:-1]) + "; and " + quoted[-1]


@register.filter
def de(text: str) -> str:
    """« de Sévaré », « d’Ansongo », « de la Mission… », « du Centre… » (« de le »), « des Nations
    unies » (« de les »): the preposition, elided or contracted."""
    text = str(text)
    if text.startswith("le "):
        return "du " + text[3:]
    if text.startswith("les "):
        return "des " + text[4:]
    return f"d’{text}" if _elides(text) else f"de {text}"


def _gender(name: str) -> str | None:
    first = name.split()[0].lower() if name.split() else ""
    if first in PLURAL:
        return "p"
    if first in FEMININE:
        return "f"
    if first in MASCULINE:
        return "m"
    return None


@register.filter
def the(name: str) -> str:
    """« l’Hôtel La Palmeraie », « la Mission EUCAP Sahel Mali », « le Centre Djoliba »; a name
    of unknown gender is left bare."""
    name = str(name)
    gender = _gender(name)
    if gender is None:
        return name
    if gender == "p":
        return f"les {name}"
    if _elides(name):
        return f"l’{name}"
    return f"la {name}" if gender == "f" else f"le {name}"


@register.filter
def de_the(name: str) -> str:
    """« de la Mission EUCAP Sahel Mali », « du Programme… », « de l’Union européenne », « des
    Nations unies »; « de » alone for a name of unknown gender."""
    return de(the(name))


@register.filter
def at_the(name: str) -> str:
    """« à l’Hôtel La Palmeraie », « au Centre Djoliba », « à la Maison de la presse »."""
    text = the(name)
    if text.startswith("le "):
        return "au " + text[3:]
    if text.startswith("les "):
        return "aux " + text[4:]
    return "à " + text


@register.filter
def capfirst_the(name: str) -> str:
    """``the`` at the start of a sentence: « L’Hôtel La Palmeraie »."""
    text = the(name)
    return text[:1].upper() + text[1:]


@register.filter
def the_org(organisation: Organisation | None) -> str:
    """The institution by its acronym, with the article its name takes: « la CNDH »; in
    English "the CNDH"."""
    if organisation is None:
        return ""
    short = organisation.acronym or organisation.name
    if not _french():
        return f"the {short}"
    gender = _gender(organisation.name)
    if gender is None:
        return short
    if gender == "p":
        return f"les {short}"
    if _elides(short):
        return f"l’{short}"
    return f"la {short}" if gender == "f" else f"le {short}"


@register.filter
def the_workshop(title: str) -> str:
    """A workshop by its title: « l’atelier de renforcement des capacités… » when the title
    starts with « Atelier », « l’atelier « Droits de l’homme et garde à vue » » otherwise;
    "the workshop “…”"."""
    title = " ".join(str(title).split()).rstrip(" .")
    if not _french():
        return f"the workshop “{title}”"
    if title.lower().startswith("atelier "):
        return f"l’{clause(title)}"
    return f"l’atelier « {title} »"


@register.filter
def sep(loop: dict[str, Any]) -> str:
    """Between the items of a ``{% for %}``: « , » then « et » before the last (", " and "and")."""
    if loop["last"]:
        return ""
    if loop["revcounter"] == 2:
        return " et " if _french() else " and "
    return ", "
