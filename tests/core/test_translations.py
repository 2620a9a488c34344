"""The English catalogue: complete, consistent with its French msgids, compiled, and in use.

French is the source language: msgids are French and ``kalan/locale/en/LC_MESSAGES/django.po``
holds the English. After ``make messages`` adds new msgids, these tests fail until every new
entry is translated, unflagged as fuzzy, and the catalogue recompiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, ngettext

import kalan
from kalan.people.models import Person
from kalan.workshops.models import Session

CATALOGUE = Path(kalan.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE / "django.po"
MO_PATH = CATALOGUE / "django.mo"

# A Python %-format placeholder: %(name)s, %(count)d, %(rate).2f… (and unnamed %s, %d…).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
# French typography that has no place in English text.
FRENCH_TYPOGRAPHY = re.compile("[«»\u00a0\u202f]")

Key = tuple[str | None, str, str]  # (msgctxt, msgid, msgid_plural)
Translation = str | tuple[str, ...]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def entries() -> Iterator[polib.POEntry]:
    """Every live entry of the .po (no header, no obsolete ``#~`` entries)."""
    for entry in polib.pofile(str(PO_PATH)):
        if not entry.obsolete:
            yield entry


def msgstrs(entry: polib.POEntry | polib.MOEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def mapping(catalogue: Iterable[polib.POEntry | polib.MOEntry]) -> dict[Key, Translation]:
    """msgid → msgstr, the header left out (msgfmt compiles it, but it is no translation)."""
    result: dict[Key, Translation] = {}
    for entry in catalogue:
        if not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or "")
        result[key] = tuple(msgstrs(entry)) if entry.msgid_plural else entry.msgstr
    return result


def label(entry: polib.POEntry) -> str:
    where = entry.occurrences[0] if entry.occurrences else ("?", "?")
    return f"{entry.msgid!r} ({where[0]}:{where[1]})"


def test_the_catalogue_is_the_english_one_and_not_empty() -> None:
    po = polib.pofile(str(PO_PATH))
    assert po.metadata.get("Language") == "en"
    assert "nplurals=2" in po.metadata.get("Plural-Forms", "")
    assert len(list(entries())) > 100


def test_every_entry_is_translated() -> None:
    untranslated = [
        label(entry) for entry in entries() if not all(text.strip() for text in msgstrs(entry))
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy() -> None:
    po = polib.pofile(str(PO_PATH))
    assert not po.metadata_is_fuzzy, "the header is still flagged fuzzy"
    assert [label(entry) for entry in entries() if "fuzzy" in entry.flags] == []


def test_plural_entries_have_both_english_forms() -> None:
    for entry in entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], label(entry)


def test_translations_keep_exactly_the_placeholders_of_the_msgid() -> None:
    mismatches = []
    for entry in entries():
        if "no-python-format" in entry.flags:  # "80 % des jours" is no placeholder
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for text in msgstrs(entry):
            if placeholders(text) != expected:
                mismatches.append(
                    f"{label(entry)}: {sorted(expected)} ≠ {sorted(placeholders(text))}"
                )
    assert mismatches == []


def test_translations_use_english_typography() -> None:
    french = [
        label(entry)
        for entry in entries()
        if any(FRENCH_TYPOGRAPHY.search(text) for text in msgstrs(entry))
    ]
    assert french == [], "use “ ” rather than « », and no non-breaking space before : ; ? !"


def test_the_compiled_catalogue_matches_the_po() -> None:
    assert MO_PATH.exists(), "run `make messages` (or compilemessages -l en)"
    # msgfmt compiles the translated entries only: fuzzy and empty ones are left out.
    expected = mapping(polib.pofile(str(PO_PATH)).translated_entries())
    compiled = mapping(polib.mofile(str(MO_PATH)))
    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
    stale += sorted(
        str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]
    )
    assert stale == [], "django.mo is out of date: run compilemessages -l en"


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("Accueil", "Home"),
        ("Ateliers", "Workshops"),
        ("Personnes", "People"),
        ("Inscrire", "Enrol"),
        ("jours-personnes", "person-days"),
        ("Axe %(number)s\u00a0: %(title)s", "Axis %(number)s: %(title)s"),
    ],
)
def test_known_strings_are_english_in_english_and_french_in_french(
    french: str, english: str
) -> None:
    with translation.override("en"):
        assert gettext(french) == english
    with translation.override("fr"):
        assert gettext(french) == french


def test_plurals_follow_the_english_rule() -> None:
    with translation.override("en"):
        assert ngettext("%(counter)s personne", "%(counter)s personnes", 1) == "%(counter)s person"
        assert ngettext("%(counter)s personne", "%(counter)s personnes", 2) == "%(counter)s people"
    with translation.override("fr"):
        assert ngettext("%(counter)s personne", "%(counter)s personnes", 2) == (
            "%(counter)s personnes"
        )


def test_templates_and_models_speak_english_when_asked() -> None:
    template = Template(
        "{% load i18n %}{% translate 'Ateliers' %} | {% blocktranslate with number=3 %}"
        "Session {{ number }} — {{ place }}{% endblocktranslate %}"
    )
    with translation.override("en"):
        text = template.render(Context({"place": "Sévaré"}))
        assert text == "Workshops | Session 3 — Sévaré"
        assert str(Person._meta.verbose_name_plural) == "people"
        assert str(Session._meta.get_field("venue").verbose_name) == "venue"
    with translation.override("fr"):
        assert template.render(Context({"place": "Sévaré"})) == "Ateliers | Session 3 — Sévaré"
        assert str(Person._meta.verbose_name_plural) == "personnes"
