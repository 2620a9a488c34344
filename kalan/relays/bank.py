"""The bank of follow-up questions: the shipped file (``data/followup_ml.json``, French and
English) and its loader.

A round copies the active questions when it opens (``services_rounds.round_open``), so loading
the file again, or editing it, never changes a round already open: it changes the rounds opened
afterwards. The loader is idempotent by ``code``: a new code is created, a known one has its
text, choices and order updated, a code missing from the file is left as it is.

The answers of a *practice* question are fixed (``PRACTICE_CHOICES``, keyed by
``kalan.relays.models.PRACTICE_KEYS``): the figures count "changed" as a reported change, so no
file may rename them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from kalan.relays.errors import RelayError
from kalan.relays.models import PRACTICE_KEYS, FollowupQuestion

if TYPE_CHECKING:
    from django.apps.registry import Apps

BANK_FILE = Path(__file__).resolve().parent / "data" / "followup_ml.json"
KINDS = frozenset(FollowupQuestion.Kind.values)
WITH_CHOICES = frozenset({FollowupQuestion.Kind.SINGLE, FollowupQuestion.Kind.MULTIPLE})
# The answers of every practice question, in both languages, in the order of PRACTICE_KEYS.
PRACTICE_CHOICES: tuple[dict[str, str], ...] = (
    {
        "key": "changed",
        "text": "Oui, je le fais (ou mieux) depuis la formation",
        "text_en": "Yes, I do it (or do it better) since the training",
    },
    {"key": "already", "text": "Je le faisais déjà avant", "text_en": "I already did it before"},
    {"key": "not_yet", "text": "Pas encore", "text_en": "Not yet"},
    {
        "key": "not_applicable",
        "text": "Sans objet dans mon unité",
        "text_en": "Does not apply in my unit",
    },
)
assert tuple(c["key"] for c in PRACTICE_CHOICES) == PRACTICE_KEYS
FIELDS = ("kind", "text", "text_en", "choices", "practice", "practice_en", "order")


@dataclass(frozen=True)
class BankLoad:
    created: int
    updated: int
    unchanged: int


def bank_data(path: Path = BANK_FILE) -> list[dict[str, Any]]:
    """The questions of the file, checked: RelayError naming the question when one is wrong."""
    questions = json.loads(path.read_text(encoding="utf-8"))["questions"]
    seen: set[str] = set()
    rows = []
    for n, entry in enumerate(questions, start=1):
        row = _bank_row(entry, n=n)
        if row["code"] in seen:
            raise RelayError(f"{path.name}: code {row['code']} en double", code="bank_invalid")
        seen.add(row["code"])
        rows.append(row)
    return rows


def _bank_row(entry: dict[str, Any], *, n: int) -> dict[str, Any]:
    code, kind = str(entry.get("code", "")).strip(), entry.get("kind")
    where = f"question {n} ({code or 'sans code'})"
    if not code or len(code) > 30 or kind not in KINDS or not entry.get("text"):
        raise RelayError(f"{where} : code, type ou texte invalide", code="bank_invalid")
    choices = [dict(c) for c in entry.get("choices", [])]
    keys = [c.get("key") for c in choices]
    if kind in WITH_CHOICES and (len(keys) < 2 or len(set(keys)) != len(keys) or None in keys):
        raise RelayError(f"{where} : réponses proposées invalides", code="bank_invalid")
    if kind == FollowupQuestion.Kind.PRACTICE:
        if not entry.get("practice"):
            raise RelayError(f"{where} : pratique sans libellé", code="bank_invalid")
        choices = [dict(c) for c in PRACTICE_CHOICES]  # fixed: the file cannot change them
    elif kind not in WITH_CHOICES:
        choices = []
    return {
        "code": code,
        "kind": kind,
        "text": entry["text"],
        "text_en": entry.get("text_en", ""),
        "choices": choices,
        "practice": entry.get("practice", ""),
        "practice_en": entry.get("practice_en", ""),
        "order": int(entry.get("order", n)),
    }


def followup_bank_load(apps: Apps | None = None, *, path: Path = BANK_FILE) -> BankLoad:
    """Create or update the bank's questions from the file, by code, in one transaction.

    ``apps``: a data migration's historical models (``RunPython``); the real ones otherwise.
    """
    model: Any = apps.get_model("relays", "FollowupQuestion") if apps else FollowupQuestion
    rows = bank_data(path)
    created = updated = unchanged = 0
    with transaction.atomic():
        known = {q.code: q for q in model.objects.filter(code__in=[r["code"] for r in rows])}
        for row in rows:
            question = known.get(row["code"])
            if question is None:
                model.objects.create(**row)
                created += 1
                continue
            changed = [f for f in FIELDS if getattr(question, f) != row[f]]
            if changed:
                for field in changed:
                    setattr(question, field, row[field])
                question.save(update_fields=[*changed, "updated_at"])
                updated += 1
            else:
                unchanged += 1
    return BankLoad(created=created, updated=updated, unchanged=unchanged)
