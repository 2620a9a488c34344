"""``kalan participants import``: its lines, its JSON and its exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kalan.people.models import Person
from kalan.workshops.models import Session
from tests.workshops.importing.files import HEADER, TITLES, xlsx_write

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("participants", "import", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def _good(tmp_path: Path) -> Path:
    return xlsx_write(
        tmp_path / "liste.xlsx",
        [
            [TITLES[0]],
            HEADER,
            [1, "TRAORE", "Moussa", "Adjudant", "G-1", "Brigade de Sévaré", "70 12 34 56", "M"],
            [2, "KONE", "Bintou", "Inspecteur de police", "P-2", "Commissariat de Mopti", "", "F"],
        ],
    )


def test_it_commits_and_prints_the_counts(tmp_path: Path, sevare_session: Session) -> None:
    code, out = _run(str(_good(tmp_path)), "--session", str(sevare_session.uid))
    assert code == 0
    assert out.splitlines() == [
        "rows_read: 2",
        "created: 2",
        "matched: 0",
        "possible_duplicates: 0",
        "errors: 0",
    ]
    assert sevare_session.enrollments.count() == 2


def test_a_second_run_matches_everyone_and_creates_nothing(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = str(_good(tmp_path))
    _run(path, "--session", str(sevare_session.uid))
    code, out = _run(path, "--session", str(sevare_session.uid)[:8])  # a prefix is enough
    assert code == 0
    assert "created: 0" in out and "matched: 2" in out
    assert Person.objects.count() == 2


def test_dry_run_says_what_it_would_do_and_writes_nothing(
    tmp_path: Path, sevare_session: Session
) -> None:
    code, out = _run(str(_good(tmp_path)), "--session", str(sevare_session.uid), "--dry-run")
    assert code == 0 and "created: 2" in out
    assert not Person.objects.exists()


def test_errors_exit_1_name_row_and_column_and_save_nothing(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [
            HEADER,
            [1, "TRAORE", "Moussa", "Adjudant", "G-1", "", "70 12 34 56", "M"],
            [2, "KONE", "Bintou", "Adjudant", "G-2", "", "12", "F"],
        ],
    )
    code, out = _run(str(path), "--session", str(sevare_session.uid), "--corps", "Gendarmerie")
    assert code == 1
    assert "errors: 1" in out
    assert "Ligne 3, colonne G (Téléphone) : numéro de téléphone malien invalide" in out
    assert not Person.objects.exists()


def test_json_output_lists_the_counts_and_the_errors(
    tmp_path: Path, sevare_session: Session
) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    code, out = _run(str(empty), "--session", str(sevare_session.uid), "--json")
    payload = json.loads(out)
    assert code == 1
    assert payload["committed"] is False and payload["errors"] == 1
    assert "vide" in payload["error_list"][0]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ["missing.xlsx", "--session", "00000000"],
        ["EXISTING", "--session", "not-a-session"],
        ["EXISTING", "--session", "SESSION", "--sheet", "Feuille inconnue"],
        ["EXISTING", "--session", "SESSION", "--corps", "Marine"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, sevare_session: Session, args: list[str]) -> None:
    path = str(_good(tmp_path))
    args = [
        path if a == "EXISTING" else str(sevare_session.uid) if a == "SESSION" else a for a in args
    ]
    code, _out = _run(*args)
    assert code == 2
    assert not Person.objects.exists()


def test_the_json_lists_the_questions_and_an_answers_file_settles_them(
    tmp_path: Path, sevare_session: Session
) -> None:
    from kalan.people.models import Rank, ReferenceAlias

    path = xlsx_write(
        tmp_path / "liste.xlsx",
        [HEADER, [1, "TRAORE", "Moussa", "Adjt ch.", "G-1", "Brigade de Sévaré", "", "M"]],
    )
    session = str(sevare_session.uid)
    code, out = _run(str(path), "--session", session, "--corps", "GN", "--json", "--dry-run")
    payload = json.loads(out)
    assert code == 1 and payload["errors"] == 1
    # The unit is to be created in Sévaré (answered "new" by default); the rank is asked.
    unit, question = sorted(payload["questions"], key=lambda q: q["kind"] != "unit")
    assert (unit["kind"], unit["answer"]) == ("unit", "new")
    assert (question["kind"], question["text"], question["rows"]) == ("rank", "Adjt ch.", [2])
    chief = Rank.objects.get(corps__short_name="Gendarmerie", name="Adjudant-chef")
    assert f"same:{chief.pk}" in [s["answer"] for s in question["suggestions"]]

    answers = tmp_path / "reponses.json"
    answers.write_text(json.dumps({question["key"]: f"same:{chief.pk}"}), encoding="utf-8")
    code, out = _run(str(path), "--session", session, "--corps", "GN", "--answers", str(answers))
    assert code == 0, out
    assert Person.objects.get(service_number="G-1").rank == chief
    assert ReferenceAlias.objects.get(kind="rank", folded="adjt ch").rank == chief

    answers.write_text("[1, 2]", encoding="utf-8")
    code, _out = _run(str(path), "--session", session, "--answers", str(answers))
    assert code == 2
