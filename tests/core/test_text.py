"""``kalan.core.text.fold``: text compared the way people mean it. Every comparison of units,
ranks, corps and objectives rests on it, so each rule of it is pinned here on its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kalan.core import text as text_module
from kalan.core.text import fold


@pytest.fixture(autouse=True)
def _fold_afresh() -> Iterator[None]:
    """Each test folds afresh: a result cached by an earlier test, or by the process that forked
    this one (`make mutation`), would hide the rule under test."""
    text_module._folded.cache_clear()
    yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("N'Diaye", "ndiaye", id="straight-apostrophe-dropped"),
        pytest.param("Chef d’escadron", "chef descadron", id="typographic-apostrophe-dropped"),
        pytest.param("l'unité d’appui", "lunite dappui", id="both-apostrophes-in-one-text"),
    ],
)
def test_apostrophes_join_the_words_they_separate(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Sévaré", "sevare", id="acute"),
        pytest.param("Ségou Kayes Maïga", "segou kayes maiga", id="diaeresis"),
        pytest.param("Gendarmerie nationale Élève", "gendarmerie nationale eleve", id="capital"),
        pytest.param("Fête à Tombouctou", "fete a tombouctou", id="circumflex-and-grave"),
        # Already decomposed (NFD), as some files write it: the marks still go.
        pytest.param("Se\u0301vare\u0301", "sevare", id="combining-marks"),
    ],
)
def test_accents_are_dropped_not_turned_into_word_breaks(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3e arrondissement", "3e arrondissement", id="ordinal"),
        pytest.param("Commissariat du 12e", "commissariat du 12e", id="number-in-a-word"),
        pytest.param("Module 2", "module 2", id="number-alone"),
        pytest.param("Brigade 1 / 2", "brigade 1 2", id="numbers-split-by-punctuation"),
    ],
)
def test_digits_are_kept_since_numbers_tell_units_apart(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_two_units_that_differ_only_by_their_number_stay_apart() -> None:
    assert fold("3e arrondissement") != fold("4e arrondissement")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("poste avancé", id="one-space"),
        pytest.param("poste   avancé", id="several-spaces"),
        pytest.param("poste\tavancé", id="tab"),
        pytest.param("poste\navancé", id="newline"),
        pytest.param("poste \r\n\t avancé", id="mixed-whitespace"),
        pytest.param("poste-avancé", id="hyphen"),
        pytest.param("poste – avancé", id="dash-between-spaces"),
        pytest.param("poste, avancé.", id="punctuation"),
        pytest.param("poste/avancé", id="slash"),
        pytest.param("poste_avancé", id="underscore"),
        pytest.param("(poste) avancé", id="brackets"),
        pytest.param("poste\u00a0avancé", id="no-break-space"),
        pytest.param("poste\u202favancé", id="narrow-no-break-space"),
        pytest.param("  poste avancé  ", id="leading-and-trailing-spaces"),
        pytest.param("- poste avancé !", id="leading-and-trailing-punctuation"),
        pytest.param("\tposte avancé\n", id="leading-tab-trailing-newline"),
    ],
)
def test_any_run_of_spaces_and_punctuation_is_one_space_and_the_ends_are_stripped(
    text: str,
) -> None:
    assert fold(text) == "poste avance"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("BRIGADE DE SÉVARÉ", "brigade de sevare", id="capitals"),
        pytest.param("Straße", "strasse", id="sharp-s-casefolded"),
        pytest.param("STRASSE", "strasse", id="sharp-s-matches-capitals"),
    ],
)
def test_case_is_folded_not_just_lowered(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_a_sharp_s_and_its_capital_spelling_fold_alike() -> None:
    assert fold("Straße") == fold("STRASSE")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Oﬃcier", "officier", id="ligature-ffi"),
        pytest.param("ﬁn de stage", "fin de stage", id="ligature-fi"),
        pytest.param("3ᵉ arrondissement", "3e arrondissement", id="superscript-e"),
        pytest.param("2ᵉ classe", "2e classe", id="superscript-e-rank"),
        pytest.param("Module ²", "module 2", id="superscript-digit"),
        pytest.param("ＰＯＬＩＣＥ", "police", id="fullwidth-letters"),
    ],
)
def test_compatibility_forms_fold_to_their_plain_letters(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_a_superscript_ordinal_matches_the_plain_one() -> None:
    assert fold("3ᵉ arrondissement") == fold("3e Arrondissement")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Moussa Traoré", "Traoré Moussa", id="names"),
        pytest.param("Chef d’escadron", "Escadron chef d", id="rank"),
        pytest.param("1er 3e", "3e 1er", id="numbers"),
    ],
)
def test_word_order_is_kept(a: str, b: str) -> None:
    assert fold(a) != fold(b)


def test_word_order_is_kept_word_for_word() -> None:
    assert fold("Moussa Traoré") == "moussa traore"
    assert fold("Traoré Moussa") == "traore moussa"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(3, "3", id="int"),
        pytest.param(12.5, "12 5", id="float"),
        pytest.param(None, "none", id="none"),
    ],
)
def test_a_value_that_is_not_text_is_folded_as_it_reads(value: object, expected: str) -> None:
    assert fold(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [pytest.param("", id="empty"), pytest.param(" - ’ ' ", id="only-punctuation")],
)
def test_text_without_letters_or_digits_folds_to_nothing(text: str) -> None:
    assert fold(text) == ""
