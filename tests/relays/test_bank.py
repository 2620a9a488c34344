import json
from pathlib import Path

import pytest
from django.core.management import call_command

from kalan.relays.bank import BANK_FILE, PRACTICE_CHOICES, bank_data, followup_bank_load
from kalan.relays.errors import RelayError
from kalan.relays.models import PRACTICE_KEYS, FollowupQuestion, RoundQuestion
from kalan.workshops.models import Session
from tests.relays.builders_rounds import opened_round, question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_bank() -> None:
    """An empty bank, as before the data migration that loads the file."""
    FollowupQuestion.objects.all().delete()


def test_the_shipped_bank_has_the_questions_of_the_issue_in_french_and_english() -> None:
    rows = bank_data()
    kinds = {r["code"]: r["kind"] for r in rows}
    assert 11 <= len(rows) <= 14
    assert kinds["RESTITUTION_DONE"] == "yes_no"
    assert kinds["PERSONS_REACHED"] == "number"
    assert kinds["OBSTACLES"] == kinds["SUPPORT"] == "multiple"
    assert kinds["COMMENT"] == "text"
    practices = [r for r in rows if r["kind"] == "practice"]
    assert len(practices) == 5
    for row in rows:
        assert row["text"] and row["text_en"], row["code"]
    for row in practices:
        assert row["practice"] and row["practice_en"]
        assert [c["key"] for c in row["choices"]] == list(PRACTICE_KEYS)
    assert PRACTICE_CHOICES[0]["text"] == "Oui, je le fais (ou mieux) depuis la formation"
    assert all("_source" in entry for entry in json.loads(BANK_FILE.read_text())["questions"])


def test_loading_twice_creates_once_and_changes_nothing_the_second_time() -> None:
    first = followup_bank_load()
    again = followup_bank_load()
    assert first.created == FollowupQuestion.objects.count() == 12
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)


def test_a_new_text_updates_the_bank_but_not_a_round_already_open(
    sevare_session: Session, tmp_path: Path
) -> None:
    round = opened_round(sevare_session, n=2)
    data = json.loads(BANK_FILE.read_text())
    data["questions"][0]["text"] = "Texte corrigé ?"
    changed = tmp_path / "bank.json"
    changed.write_text(json.dumps(data))
    done = followup_bank_load(path=changed)
    assert (done.created, done.updated) == (0, 1)
    assert FollowupQuestion.objects.get(code="RESTITUTION_DONE").text == "Texte corrigé ?"
    assert question(round, "RESTITUTION_DONE").content["text"].startswith("Depuis la formation")


def test_a_practice_question_keeps_its_fixed_answers_whatever_the_file_says(
    tmp_path: Path,
) -> None:
    data = json.loads(BANK_FILE.read_text())
    practice = next(q for q in data["questions"] if q["kind"] == "practice")
    practice["choices"] = [{"key": "oui", "text": "Oui"}]
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data))
    followup_bank_load(path=path)
    stored = FollowupQuestion.objects.get(code=practice["code"])
    assert [c["key"] for c in stored.choices] == list(PRACTICE_KEYS)


def test_a_wrong_file_is_refused_naming_the_question_and_loads_nothing(tmp_path: Path) -> None:
    data = json.loads(BANK_FILE.read_text())
    data["questions"][3]["kind"] = "essay"
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RelayError, match="question 4"):
        followup_bank_load(path=path)
    assert not FollowupQuestion.objects.exists()


def test_the_command_loads_and_its_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("followup_bank", "load", "--dry-run")
    assert not FollowupQuestion.objects.exists()
    assert "[dry-run]" in capsys.readouterr().out
    call_command("followup_bank", "load")
    assert FollowupQuestion.objects.count() == 12
    assert not RoundQuestion.objects.exists()
