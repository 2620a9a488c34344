"""Text compared the way people mean it: accents, case and punctuation aside."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Accents, case, hyphens and punctuation away; words and digits kept, in order.

    Unlike a person's name key (kalan.people.identity.name_key), word order and numbers matter
    here: "3e arrondissement", "Chef d’escadron", a workshop objective.
    """
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", letters.replace("'", "").replace("’", "")).split())
