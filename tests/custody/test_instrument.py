"""The visit instrument shipped as data: its content, its loader and its command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kalan.custody.errors import CustodyError
from kalan.custody.instrument import (
    INSTRUMENT_FILE,
    THEMES,
    instrument_data,
    instrument_load,
    instrument_sources,
)
from kalan.custody.models import InstrumentItem, ItemAnswer
from tests.custody.builders_visits import a_place, a_visit

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "instrument.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shipped_instrument_covers_what_the_issue_lists_in_both_languages() -> None:
    data = instrument_data()
    items = data["items"]
    # Every theme the issue names has items: register, duration, rights, medical examination,
    # separation, material conditions, ill-treatment, complaints.
    assert {item["theme"] for item in items} == set(THEMES)
    for item in items:
        assert item["text"] and item["text_en"] and item["text"] != item["text_en"]
        assert item["sources"], item["key"]
    # The rights notified, one item each, and the material conditions the issue lists.
    keys = {item["key"] for item in items}
    assert {"right_lawyer", "right_doctor", "right_family", "right_silence"} <= keys
    assert {"language_understood", "medical_exam", "women_separated", "minors_separated"} <= keys
    assert {"space", "light", "ventilation", "sanitation", "water", "food", "bedding"} <= keys
    # One item carries the register's counts.
    assert [item["key"] for item in items if item.get("register_check")] == ["register_complete"]
    # The article numbers are data, with a note to check them against the codes in force.
    sources = instrument_sources()
    assert {"cpp_mali", "cat", "mandela", "luanda"} <= set(sources)
    assert "vérifier" in data["note"] and "vérifier" in sources["cpp_mali"]["note"]
    assert any(s["source"] == "cpp_mali" and s["article"] for i in items for s in i["sources"])


def test_the_migration_loaded_the_file_and_loading_again_changes_nothing() -> None:
    count = len(instrument_data()["items"])
    assert InstrumentItem.objects.count() == count
    done = instrument_load()
    assert (done.created, done.updated, done.unchanged) == (0, 0, count)


def test_a_corrected_file_updates_its_items_by_key_and_keeps_the_answers(tmp_path: Path) -> None:
    data = instrument_data()
    visit = a_visit(a_place())
    kept = InstrumentItem.objects.get(key="register_kept")
    ItemAnswer.objects.create(visit=visit, item=kept, value="yes")
    data["items"][0]["sources"][0]["article"] = "76-1"
    data["items"][0]["text_en"] = "A custody register is kept and shown."
    gone = data["items"].pop()  # a key left out of the file is left as it is
    data["items"].append({**gone, "key": "new_item", "text": "Nouveau point.", "text_en": "New."})
    done = instrument_load(path=_file(tmp_path, data))
    assert (done.created, done.updated) == (1, 1)  # the new one; the corrected one
    kept.refresh_from_db()
    assert kept.text_en == "A custody register is kept and shown."
    assert kept.sources[0]["article"] == "76-1"
    assert InstrumentItem.objects.filter(key=gone["key"]).exists()
    assert ItemAnswer.objects.get(visit=visit).item == kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda items: items[2].update(theme="météo"), "point 3 (register_signed) : thème"),
        (lambda items: items[4].update(text_en=""), "point 5 (within_legal_limit) : question"),
        (lambda items: items[1].update(key=items[0]["key"]), "point 2 (register_kept) : clé"),
        (
            lambda items: items[0]["sources"].append({"source": "code_noir"}),
            "point 1 (register_kept) : fondement inconnu « code_noir »",
        ),
        (lambda items: items[0].update(register_check=True), "un seul point"),
    ],
)
def test_a_wrong_file_is_refused_naming_the_item_and_loads_nothing(
    tmp_path: Path, change: object, message: str
) -> None:
    data = instrument_data()
    change(data["items"])  # type: ignore[operator]
    data["items"].append({**data["items"][5], "key": "would_be_new"})
    before = list(InstrumentItem.objects.values_list("key", "text", "sources"))
    with pytest.raises(CustodyError, match=re.escape(message)):
        instrument_load(path=_file(tmp_path, data))
    assert list(InstrumentItem.objects.values_list("key", "text", "sources")) == before


def test_the_command_loads_and_its_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    InstrumentItem.objects.filter(key="bedding").delete()
    call_command("instrument", "load", "--dry-run")
    assert not InstrumentItem.objects.filter(key="bedding").exists()
    assert "[dry-run] instrument.json: 1 created" in capsys.readouterr().out
    call_command("instrument", "load")
    assert InstrumentItem.objects.filter(key="bedding").exists()


def test_the_command_reports_a_wrong_file_as_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from kalan.custody.management.commands import instrument

    def broken() -> None:
        raise CustodyError("instrument.json, point 1 : thème inconnu", code="instrument_invalid")

    monkeypatch.setattr(instrument.Command, "load", staticmethod(broken))
    with pytest.raises(CommandError, match="thème inconnu"):
        call_command("instrument", "load")
    assert INSTRUMENT_FILE.exists()
