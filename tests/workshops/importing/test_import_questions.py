"""Issue 12: what a list names and the registry lacks is asked once per distinct value, the
answers are remembered as aliases at commit, and the corps is never silent."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.people.models import Person, Rank, ReferenceAlias, Unit
from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import ERROR, NEW, SKIPPED, ImportPlan, import_plan
from kalan.workshops.importing.questions import CORPS, GUESS, RANK, UNIT, question_key
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.service import ImportRefused, batch_path, import_commit
from kalan.workshops.models import ImportBatch, Session
from tests.factories import UnitFactory, corps, place, rank
from tests.workshops.importing.files import xlsx_write

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénoms", "Sexe", "Corps", "Grade", "Matricule", "Unité"]


def _plan(path: Path, session: Session, **options: Any) -> ImportPlan:
    table = table_read(path=path, filename=path.name)
    return import_plan(
        session=session, table=table, mapping=mapping_guess(table.headers), **options
    )


def _list(tmp_path: Path, *rows: list[object], name: str = "liste.xlsx") -> Path:
    return xlsx_write(tmp_path / name, [HEADER, *rows])


def _question(plan: ImportPlan, kind: str) -> Any:
    return next(q for q in plan.questions if q.kind == kind)


def test_an_unknown_rank_is_asked_once_for_all_its_rows_then_remembered(
    tmp_path: Path, sevare_session: Session
) -> None:
    gendarmerie = corps("Gendarmerie")
    brigade = UnitFactory(corps=gendarmerie, name="Brigade de Sévaré", place=place("Sévaré"))
    rows = [
        ["TRAORE", "Moussa", "M", "GN", "Adjt ch.", "G-1", "Brigade de Sévaré"],
        ["DIARRA", "Awa", "F", "GN", "ADJT CH", "G-2", "Brigade de Sévaré"],
        ["KONE", "Ali", "M", "GN", "Adjt ch", "G-3", "Brigade de Sévaré"],
    ]
    path = _list(tmp_path, *rows)
    plan = _plan(path, sevare_session)
    assert len(plan.questions) == 1  # three rows, one value folded three ways: one question
    question = plan.questions[0]
    assert (question.kind, question.corps_id, question.rows) == (RANK, gendarmerie.pk, [2, 3, 4])
    assert [r.outcome for r in plan.rows] == [ERROR] * 3
    assert plan.counts()["questions"] == 1
    with pytest.raises(ImportRefused):
        import_commit(plan=plan, by=None)

    chief = rank("Gendarmerie", "Adjudant-chef")
    assert chief.pk in [entry.pk for entry in question.suggestions]  # offered among the closest
    # and every other rank of the corps after them, none twice
    offered = [entry.pk for entry in question.suggestions + question.others]
    assert sorted(offered) == sorted(gendarmerie.ranks.values_list("pk", flat=True))
    answers = {question.key: f"same:{chief.pk}"}
    plan = _plan(path, sevare_session, answers=answers)
    assert [r.outcome for r in plan.rows] == [NEW] * 3
    assert {r.rank_id for r in plan.rows} == {chief.pk}
    result = import_commit(plan=plan, by=None)
    assert result.aliases_created == 1
    alias = ReferenceAlias.objects.get(kind=RANK)
    assert (alias.rank, alias.corps, alias.folded) == (chief, gendarmerie, "adjt ch")
    assert set(Person.objects.values_list("rank", flat=True)) == {chief.pk}
    assert set(Person.objects.values_list("unit", flat=True)) == {brigade.pk}

    # The same command's next list: no question, the alias answers.
    later = _list(
        tmp_path,
        ["SANOGO", "Issa", "M", "GN", "Adjt-Ch", "G-4", "Brigade de Sévaré"],
        name="b.xlsx",
    )
    plan = _plan(later, sevare_session)
    assert plan.questions == []
    assert plan.rows[0].rank_id == chief.pk


def test_a_rank_alias_holds_for_its_corps_only(tmp_path: Path, sevare_session: Session) -> None:
    chief = rank("Gendarmerie", "Adjudant-chef")
    ReferenceAlias.objects.create(kind=RANK, text="Adjt ch", corps=chief.corps, rank=chief)
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", "Police", "Adjt ch", "", ""])
    plan = _plan(path, sevare_session)
    assert [(q.kind, q.corps_id) for q in plan.questions] == [(RANK, corps("Police").pk)]


def test_skip_leaves_the_rows_out_and_blank_takes_them_without_the_value(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        ["TRAORE", "Moussa", "M", "GN", "Grade fantaisie", "G-1", ""],
        ["DIARRA", "Awa", "F", "GN", "Autre grade", "G-2", ""],
        ["KONE", "Ali", "M", "GN", "Capitaine", "G-3", ""],
    )
    plan = _plan(path, sevare_session)
    keys = {q.text: q.key for q in plan.questions}
    answers = {keys["Grade fantaisie"]: "skip", keys["Autre grade"]: "blank"}
    plan = _plan(path, sevare_session, answers=answers)
    assert [r.outcome for r in plan.rows] == [SKIPPED, NEW, NEW]
    assert plan.rows[0].outcome_label == "ignorée (« Grade fantaisie »)"
    assert plan.counts()["skipped"] == 1 and plan.counts()["errors"] == 0
    import_commit(plan=plan, by=None)
    assert sorted(Person.objects.values_list("last_name", "rank__name")) == [
        ("DIARRA", None),
        ("KONE", "Capitaine"),
    ]
    assert not ReferenceAlias.objects.filter(kind=RANK).exists()  # skip and blank teach nothing


def test_a_unit_in_a_known_town_is_shown_to_create_beside_its_nearest_and_can_be_the_same(
    tmp_path: Path, sevare_session: Session
) -> None:
    police = corps("Police")
    existing = UnitFactory(
        corps=police,
        name="Commissariat de police du 1er arrondissement de Mopti",
        kind=Unit.Kind.COMMISSARIAT,
        place=place("Mopti"),
    )
    text = "Commissariat du 1er arrondissement de Mopti"
    path = _list(tmp_path, ["KONE", "Bakary", "M", "PN", "Inspecteur de police", "P-1", text])
    plan = _plan(path, sevare_session)
    question = _question(plan, UNIT)
    assert question.answer == "new" and question.new_unit.place_id == place("Mopti").pk
    assert question.suggestions[0].pk == existing.pk  # the nearest, to say "same"
    assert plan.rows[0].outcome == NEW  # creating it is the default: no error

    plan = _plan(path, sevare_session, answers={question.key: f"same:{existing.pk}"})
    result = import_commit(plan=plan, by=None)
    assert result.units_created == 0
    assert Unit.objects.filter(corps=police).count() == 1
    assert Person.objects.get().unit == existing
    assert ReferenceAlias.objects.get(kind=UNIT).unit == existing


def test_a_town_spelled_closely_is_proposed_never_taken(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path, ["COULIBALY", "Fatoumata", "F", "GN", "Capitaine", "G-5", "Brigade de Ségu"]
    )
    plan = _plan(path, sevare_session)
    question = _question(plan, UNIT)
    assert question.new_unit is None and question.answer == ""
    assert plan.rows[0].outcome == ERROR
    segou = place("Ségou")
    assert segou.pk in [entry.pk for entry in question.places]

    plan = _plan(path, sevare_session, answers={question.key: f"new:{segou.pk}"})
    assert plan.rows[0].outcome == NEW
    import_commit(plan=plan, by=None)
    unit = Person.objects.get().unit
    assert (unit.name, unit.place, unit.kind) == ("Brigade de Ségu", segou, Unit.Kind.BRIGADE)


def test_an_unknown_corps_is_asked_and_remembered(tmp_path: Path, sevare_session: Session) -> None:
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", "Gendarmes du Mali", "Capitaine", "", ""])
    plan = _plan(path, sevare_session)
    question = _question(plan, CORPS)
    assert question.key == question_key(CORPS, None, "gendarmes du mali")
    gendarmerie = corps("Gendarmerie")
    plan = _plan(path, sevare_session, answers={question.key: f"same:{gendarmerie.pk}"})
    assert plan.rows[0].corps_id == gendarmerie.pk and plan.rows[0].corps_source == "answer"
    import_commit(plan=plan, by=None)
    assert ReferenceAlias.objects.get(kind=CORPS, folded="gendarmes du mali").corps == gendarmerie
    plan = _plan(path, sevare_session)
    assert plan.questions == [] and plan.rows[0].corps_source == "column"


def test_the_corps_is_never_guessed_against_the_unit(
    tmp_path: Path, sevare_session: Session
) -> None:
    """A rank held by the garde only, in a police station: ask, do not store police officers
    in the garde (the defect issue 12 reports)."""
    garde_only = (
        Rank.objects.filter(corps=corps("Garde"))
        .exclude(name__in=Rank.objects.exclude(corps=corps("Garde")).values("name"))
        .first()
    )
    assert garde_only is not None
    path = _list(
        tmp_path, ["DIALLO", "Seydou", "M", "", garde_only.name, "", "Commissariat de Djenné"]
    )
    plan = _plan(path, sevare_session)
    question = _question(plan, GUESS)
    assert set(question.choices) == {corps("Garde").pk, corps("Police").pk}
    assert "d’après l’unité : Police nationale" in question.clues
    assert plan.rows[0].outcome == ERROR and plan.rows[0].corps_id is None
    police = corps("Police")
    plan = _plan(path, sevare_session, answers={question.key: f"same:{police.pk}"})
    assert plan.rows[0].corps_id == police.pk
    # Now the rank is unknown in the police: asked in its turn, not taken from the garde.
    assert _question(plan, RANK).corps_id == police.pk
    plan = _plan(
        path,
        sevare_session,
        answers={question.key: f"same:{police.pk}", _question(plan, RANK).key: "blank"},
    )
    aliases = ReferenceAlias.objects.count()
    import_commit(plan=plan, by=None)
    person = Person.objects.get()
    assert (person.corps, person.unit.corps) == (police, police)
    assert ReferenceAlias.objects.count() == aliases  # a guess between corps is no alias


@pytest.mark.parametrize(
    ("corps_cell", "rank_cell", "unit_cell", "default", "source"),
    [
        ("GN", "Capitaine", "", None, "column"),
        ("", "Capitaine", "", "Gendarmerie", "default"),
        ("", "", "Commissariat de Mopti", None, "unit"),
        ("", "Inspecteur de police", "", None, "rank"),
    ],
)
def test_the_preview_says_where_each_corps_came_from(
    tmp_path: Path,
    sevare_session: Session,
    corps_cell: str,
    rank_cell: str,
    unit_cell: str,
    default: str | None,
    source: str,
) -> None:
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", corps_cell, rank_cell, "", unit_cell])
    default_id = corps(default).pk if default else None
    plan = _plan(path, sevare_session, default_corps_id=default_id)
    assert plan.rows[0].corps_source == source
    assert plan.rows[0].corps_source_label


# --- through the web ---------------------------------------------------------------------


@pytest.fixture
def officer(programme_officer: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(programme_officer)


def _upload(client: Client, session: Session, path: Path) -> ImportBatch:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    client.post(reverse("import_upload", kwargs={"uid": session.uid}), {"file": upload})
    return ImportBatch.objects.latest("created_at")


def test_a_unit_created_in_place_answers_its_question_and_an_abandon_removes_it(
    officer: Client,
    sevare_session: Session,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", "GN", "Capitaine", "G-1", "Poste avancé X"])
    batch = _upload(officer, sevare_session, path)
    url = reverse("import_preview", kwargs={"uid": batch.uid})
    page = officer.get(url).content.decode()
    assert "Unité inconnue : « Poste avancé X »" in page
    key = question_key(UNIT, corps("Gendarmerie").pk, "Poste avancé X")
    assert f'value="{key}"' in page
    found = re.search(r'<option value="(Sévaré \([^"]+\))">', page)
    label = html.unescape(found.group(1)) if found else None
    assert label is not None  # the page's list of places offers Sévaré

    units_before = Unit.objects.count()
    response = officer.post(
        reverse("import_create", kwargs={"uid": batch.uid}),
        {
            "create": "0",
            "key_0": key,
            "q0-name": "Poste avancé de Sévaré",
            "q0-kind": Unit.Kind.POST,
            "q0-place": label,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Lieu inconnu" not in fragment, fragment
    unit = Unit.objects.get(name="Poste avancé de Sévaré")
    assert f'<option value="same:{unit.pk}" selected>' in fragment
    batch.refresh_from_db()
    assert batch.decisions["values"][key] == f"same:{unit.pk}"
    assert batch.decisions["created"] == [[UNIT, unit.pk]]
    assert Unit.objects.count() == units_before + 1

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"action": "abandon"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ABANDONED
    assert Unit.objects.count() == units_before  # nothing left behind
    assert not ReferenceAlias.objects.filter(kind=UNIT).exists()
    assert not batch_path(batch).exists()


def test_creating_in_place_without_htmx_keeps_the_other_choices(
    officer: Client, sevare_session: Session, tmp_path: Path
) -> None:
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", "GN", "Grade inédit", "G-1", ""])
    batch = _upload(officer, sevare_session, path)
    key = question_key(RANK, corps("Gendarmerie").pk, "Grade inédit")
    response = officer.post(
        reverse("import_create", kwargs={"uid": batch.uid}),
        {
            "create": "0",
            "key_0": key,
            "q0-name": "Grade inédit",
            "q0-group": Rank.Group.NCO,
            "over_capacity": "on",
            "corps": "",
        },
    )
    assert response.status_code == 302
    made = Rank.objects.get(name="Grade inédit")
    assert made.order == Rank.objects.filter(corps=made.corps).count()  # after the most senior
    batch.refresh_from_db()
    assert batch.decisions["over_capacity"] is True
    page = officer.get(reverse("import_preview", kwargs={"uid": batch.uid})).content.decode()
    assert "Grade inconnu" not in page or f'value="same:{made.pk}" selected' in page


def test_an_import_officer_without_reference_rights_cannot_create(
    sevare_session: Session, tmp_path: Path, client_for: Callable[[User], Client]
) -> None:
    from kalan.core.roles import GRANTS, Role

    assert "manage_reference" in GRANTS[Role.PROGRAMME]
    assert "enroll" not in GRANTS[Role.TRAINER]
    batch = ImportBatch.objects.create(
        session=sevare_session, filename="x.xlsx", sha256="0" * 64, size=1, stored_name="x"
    )
    from tests.factories import UserFactory

    trainer = client_for(UserFactory(username="t", role=Role.TRAINER))
    response = trainer.post(reverse("import_create", kwargs={"uid": batch.uid}), {"create": "0"})
    assert response.status_code == 403


def test_a_service_number_prefix_settles_a_rank_two_corps_share(
    tmp_path: Path, sevare_session: Session
) -> None:
    gendarmerie = corps("Gendarmerie")
    shared = set(Rank.objects.filter(corps=gendarmerie).values_list("name", flat=True)) & set(
        Rank.objects.filter(corps=corps("Garde")).values_list("name", flat=True)
    )
    name = sorted(shared)[0]
    path = _list(tmp_path, ["TRAORE", "Moussa", "M", "", name, "GN-0042", ""])
    plan = _plan(path, sevare_session)
    assert [q.kind for q in plan.questions] == [GUESS]  # two corps have this rank: asked

    gendarmerie.number_prefixes = "GN-"
    gendarmerie.save()
    plan = _plan(path, sevare_session)
    assert plan.questions == []
    assert (plan.rows[0].corps_id, plan.rows[0].corps_source) == (gendarmerie.pk, "rank+number")
    assert plan.rows[0].corps_source_label == "d’après le grade ; d’après le matricule"


def test_an_abandon_keeps_what_was_created_on_the_preview_and_used_since(
    sevare_session: Session,
) -> None:
    from kalan.people.models import Corps
    from kalan.people.services_reference import rank_create
    from kalan.workshops.importing.service import batch_abandon, batch_reference_create

    batch = ImportBatch.objects.create(
        session=sevare_session, filename="l.xlsx", sha256="0" * 64, size=1, stored_name="l"
    )
    key = question_key(CORPS, None, "Police municipale")
    made = batch_reference_create(batch=batch, key=key, fields={"name": "Police municipale"})
    unused = batch_reference_create(
        batch=batch, key=question_key(CORPS, None, "Autre corps"), fields={"name": "Autre corps"}
    )
    rank_create(corps=made, name="Brigadier", group=Rank.Group.NCO)  # from the reference pages

    kept = batch_abandon(batch=batch)
    assert kept == ["Police municipale"]
    assert Rank.objects.filter(corps=made, name="Brigadier").exists()  # not deleted along
    assert not Corps.objects.filter(pk=unused.pk).exists()
