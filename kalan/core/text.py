"""Text compared the way people mean it: accents, case and punctuation aside."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Accents, case, hyphens and punctuation away; words and digits kept, in order.

    Unlike a person's name key (kalan.people.identity.name_key), word order and numbers matter
    here: "3e arrondissement", "Chef d’escadron", a workshop objective.
    """
    return _folded(str(text))


def _fold_uncached(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", letters.replace("'", "").replace("’", "")).split())


# A list of 10,000 officers names the same few ranks and units on every row, and its import folds
# each of them several times a row: 100,000 calls, half a second of the import bench uncached.
# Wrapped here rather than decorated: mutmut (`make mutation`) leaves decorated functions alone.
_folded = lru_cache(maxsize=4096)(_fold_uncached)
