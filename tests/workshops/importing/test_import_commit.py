"""Planning and committing a list into a session: outcomes, identity, all or nothing, repeats."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest

from kalan.people.models import Person, Unit
from kalan.workshops.importing import layout, service
from kalan.workshops.importing import plan as planning
from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import DUPLICATE, ERROR, MATCHED, NEW, ImportPlan, import_plan
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.service import ImportRefused, import_commit
from kalan.workshops.models import Enrollment, Session
from tests.factories import PersonFactory, UnitFactory, corps, place, rank
from tests.workshops.importing.files import HEADER, TITLES, csv_write, xlsx_write

pytestmark = pytest.mark.django_db


def _plan(path: Path, session: Session, **options: object) -> ImportPlan:
    table = table_read(path=path, filename=path.name)
    return import_plan(
        session=session,
        table=table,
        mapping=mapping_guess(table.headers),
        **options,  # type: ignore[arg-type]
    )


def _list(tmp_path: Path, *rows: list[object], name: str = "liste.xlsx") -> Path:
    return xlsx_write(tmp_path / name, [[TITLES[0]], [], HEADER, *rows])  # type: ignore[list-item]


def test_a_clean_list_creates_persons_and_units_and_enrols_them(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        [
            1,
            "TRAORE",
            "MOUSSA",
            "Adjudant",
            "G-101",
            "Brigade territoriale de Konna",
            "70 12 34 56",
            "M",
        ],
        [
            2,
            "Coulibaly",
            "Aïssata",
            "Inspecteur de police",
            "P-7",
            "Commissariat de Mopti",
            "66123456",
            "F",
        ],
    )
    plan = _plan(path, sevare_session)
    assert [r.outcome for r in plan.rows] == [NEW, NEW]
    assert plan.counts() == {
        "rows_read": 2,
        "created": 2,
        "matched": 0,
        "possible_duplicates": 0,
        "changes": 0,
        "skipped": 0,
        "questions": 0,
        "errors": 0,
    }

    result = import_commit(plan=plan, by=None)

    assert result.enrolled == 2 and result.units_created == 2
    traore = Person.objects.get(service_number="G-101")
    assert (traore.corps, traore.rank, traore.phone) == (
        corps("Gendarmerie"),
        rank("Gendarmerie", "Adjudant"),
        "+223 70 12 34 56",
    )
    assert traore.unit is not None and traore.unit.place == place("Konna")
    assert Person.objects.get(service_number="P-7").corps == corps("Police")
    assert sevare_session.enrollments.count() == 2


def test_importing_the_same_file_twice_creates_nothing_new(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        [1, "TRAORE", "Moussa", "Adjudant", "G-101", "Brigade de Sévaré", "", "M"],
        [2, "DIALLO", "Mariam", "Adjudant", "", "Brigade de Sévaré", "", "F"],
    )
    import_commit(plan=_plan(path, sevare_session), by=None)
    persons, units = Person.objects.count(), Unit.objects.count()

    again = _plan(path, sevare_session)
    assert [r.outcome for r in again.rows] == [MATCHED, MATCHED]
    assert all(r.already_enrolled for r in again.rows)
    result = import_commit(plan=again, by=None)

    assert result.enrolled == 0
    assert (Person.objects.count(), Unit.objects.count()) == (persons, units)
    assert sevare_session.enrollments.count() == 2


def test_one_bad_row_refuses_the_whole_list_and_saves_nothing(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        [1, "TRAORE", "Moussa", "Adjudant", "G-101", "Brigade de Sévaré", "", "M"],
        [2, "KEITA", "Oumar", "Brigadier-chef", "G-102", "Brigade de Sévaré", "7600", "M"],
    )
    plan = _plan(path, sevare_session)
    errors = {(e.row, e.column, e.field) for e in plan.all_errors}
    assert (5, "D", "rank") in errors  # "Brigadier-chef" is no gendarmerie rank
    assert (5, "G", "phone") in errors
    assert plan.rows[1].outcome == ERROR

    with pytest.raises(ImportRefused) as refused:
        import_commit(plan=plan, by=None)

    assert len(refused.value.errors) == len(plan.all_errors)
    assert not Person.objects.filter(service_number__in=["G-101", "G-102"]).exists()
    assert not Unit.objects.filter(name="Brigade de Sévaré").exists()
    assert not sevare_session.enrollments.exists()


def test_a_service_number_already_held_by_another_name_is_an_error(
    tmp_path: Path, sevare_session: Session
) -> None:
    PersonFactory(last_name="Sangaré", first_names="Ibrahim", service_number="G-555")
    path = _list(tmp_path, [1, "DEMBELE", "Awa", "Adjudant", "G-555", "", "", "F"])
    plan = _plan(path, sevare_session, default_corps_id=corps("Gendarmerie").pk)
    [error] = plan.all_errors
    assert (error.row, error.column, error.field) == (4, "E", "service_number")
    assert "SANGARÉ Ibrahim" in error.message


def test_two_rows_sharing_a_service_number_with_two_names_is_an_error(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        [1, "TRAORE", "Moussa", "Adjudant", "G-9", "", "", "M"],
        [2, "KONE", "Bintou", "Adjudant", "G-9", "", "", "F"],
    )
    plan = _plan(path, sevare_session, default_corps_id=corps("Gendarmerie").pk)
    [error] = plan.all_errors
    assert error.row == 5 and "ligne 4" in error.message


def test_the_same_person_twice_in_a_file_is_taken_once(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = _list(
        tmp_path,
        [1, "TRAORE", "Moussa", "Adjudant", "G-9", "", "", "M"],
        [2, "TRAORÉ", "Moussa", "Adjudant", "G-9", "", "", "M"],
    )
    plan = _plan(path, sevare_session, default_corps_id=corps("Gendarmerie").pk)
    assert plan.rows[1].repeat_of == 4
    assert [row.outcome_label for row in plan.rows] == [
        "nouvelle personne",
        "même personne que la ligne 4",
    ]
    assert plan.counts()["created"] == 1
    import_commit(plan=plan, by=None)
    assert Person.objects.filter(service_number="G-9").count() == 1


def test_a_likely_match_is_shown_to_decide_and_never_merged_silently(
    tmp_path: Path, sevare_session: Session
) -> None:
    konna = UnitFactory(name="Brigade territoriale de Konna", place=place("Konna"))
    known = PersonFactory(
        last_name="Coulibaly",
        first_names="Drissa",
        service_number="",
        rank=rank("Gendarmerie", "Adjudant"),
        unit=konna,
    )
    path = _list(
        tmp_path,
        [1, "KOULIBALY", "Drissa", "Adjudant", "", "Brigade territoriale de Konna", "", "M"],
    )
    plan = _plan(path, sevare_session)
    [row] = plan.rows
    assert row.outcome == DUPLICATE
    assert [pk for pk, _score in row.candidates] == [known.pk]
    assert row.person_id is None  # left new unless someone decides

    import_commit(plan=plan, by=None)
    assert Person.objects.filter(first_names="Drissa").count() == 2  # the pair shows as duplicate


def test_a_possible_duplicate_decided_as_the_known_person_enrols_them(
    tmp_path: Path, sevare_session: Session
) -> None:
    known = PersonFactory(
        last_name="Coulibaly",
        first_names="Drissa",
        service_number="",
        rank=rank("Gendarmerie", "Adjudant"),
    )
    path = _list(tmp_path, [1, "KOULIBALY", "Drissa", "Adjudant", "", "", "", "M"])
    plan = _plan(
        path,
        sevare_session,
        default_corps_id=corps("Gendarmerie").pk,
        decisions={"4": str(known.uid)},
    )
    assert (plan.rows[0].outcome, plan.rows[0].person_id) == (DUPLICATE, known.pk)
    assert plan.counts()["created"] == 0

    import_commit(plan=plan, by=None)

    assert Person.objects.filter(first_names="Drissa").count() == 1
    assert sevare_session.enrollments.get().person == known


def test_names_match_without_accents_case_or_word_order(
    tmp_path: Path, sevare_session: Session
) -> None:
    sevare = UnitFactory(name="Brigade de Sévaré")
    known = PersonFactory(
        last_name="Traoré",
        first_names="Moussa",
        service_number="",
        rank=rank("Gendarmerie", "Adjudant"),
        unit=sevare,
    )
    path = xlsx_write(
        tmp_path / "noms.xlsx",
        [
            ["Nom et prénoms", "Grade", "Unité", "Sexe"],
            ["Moussa TRAORE", "Adjudant", "Brigade de Sévaré", "M"],
        ],
    )
    plan = _plan(path, sevare_session)
    [row] = plan.rows
    assert (row.outcome, row.person_id) == (MATCHED, known.pk)


def test_a_list_past_the_capacity_needs_the_override(
    tmp_path: Path, sevare_session: Session
) -> None:
    sevare_session.capacity = 1
    sevare_session.save()
    path = _list(
        tmp_path,
        [1, "TRAORE", "Moussa", "Adjudant", "G-1", "", "", "M"],
        [2, "KONE", "Bintou", "Adjudant", "G-2", "", "", "F"],
    )
    gendarmerie = corps("Gendarmerie").pk
    refused = _plan(path, sevare_session, default_corps_id=gendarmerie)
    # A warning to confirm, apart from the list's errors and not counted with them…
    assert refused.capacity_error is not None
    assert "2 participants pour 1 places" in refused.capacity_error.message
    assert refused.all_errors == [] and refused.counts()["errors"] == 0
    # …that still stops the commit until it is confirmed.
    assert refused.refusals == [refused.capacity_error]
    with pytest.raises(ImportRefused):
        import_commit(plan=refused, by=None)
    assert not sevare_session.enrollments.exists()
    accepted = _plan(path, sevare_session, default_corps_id=gendarmerie, allow_over_capacity=True)
    assert accepted.capacity_error is None and accepted.refusals == []


def test_a_windows_1252_csv_with_semicolons_imports_like_the_sheet(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = csv_write(
        tmp_path / "liste.csv",
        [
            HEADER,
            [1, "Sidibé", "Fatoumata", "Adjudant", "G-77", "Brigade de Djenné", "76 00 00 01", "F"],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    import_commit(plan=_plan(path, sevare_session), by=None)
    person = Person.objects.get(service_number="G-77")
    assert (person.last_name, person.unit.name if person.unit else None) == (
        "Sidibé",
        "Brigade de Djenné",
    )
    assert Enrollment.objects.filter(person=person, session=sevare_session).exists()


def test_a_birth_date_as_an_excel_serial_or_as_text_is_kept(
    tmp_path: Path, sevare_session: Session
) -> None:
    path = xlsx_write(
        tmp_path / "dates.xlsx",
        [
            ["Nom", "Prénoms", "Sexe", "Date de naissance"],
            ["Touré", "Ali", "M", 31118],
            ["Maïga", "Hawa", "F", "12/03/1985"],
        ],
    )
    import_commit(plan=_plan(path, sevare_session), by=None)
    assert Person.objects.get(last_name="Touré").birth_date == dt.date(1985, 3, 12)
    assert Person.objects.get(last_name="Maïga").birth_date == dt.date(1985, 3, 12)


def _holder() -> Person:
    return PersonFactory(
        last_name="Traoré",
        first_names="Moussa",
        corps=corps("Gendarmerie"),
        service_number="G-77",
        rank=rank("Gendarmerie", "Maréchal des logis"),
        unit=UnitFactory(name="Brigade territoriale de Konna", place=place("Konna")),
    )


def test_a_known_service_number_finds_its_person_despite_an_unknown_rank_and_unit(
    tmp_path: Path, sevare_session: Session
) -> None:
    holder = _holder()
    path = _list(tmp_path, [1, "TRAORE", "Moussa", "Brigadier-major", "G-77", "Zzz", "", "M"])

    plan = _plan(path, sevare_session, default_corps_id=corps("Gendarmerie").pk)

    [row] = plan.rows
    assert (row.outcome, row.person_id, row.errors) == (MATCHED, holder.pk, [])
    assert row.changes == {}
    assert any("Brigadier-major" in note and "gardée" in note for note in row.notes)
    units_before = Unit.objects.count()
    import_commit(plan=plan, by=None)
    holder.refresh_from_db()
    assert sevare_session.enrollments.get().person == holder
    assert holder.rank == rank("Gendarmerie", "Maréchal des logis")  # the record's values stay
    assert Unit.objects.count() == units_before


def test_without_a_known_service_number_an_unknown_rank_is_still_an_error(
    tmp_path: Path, sevare_session: Session
) -> None:
    _holder()
    path = _list(tmp_path, [1, "TRAORE", "Moussa", "Brigadier-major", "G-78", "", "", "M"])

    plan = _plan(path, sevare_session, default_corps_id=corps("Gendarmerie").pk)

    [row] = plan.rows
    assert row.outcome == ERROR and [e.field for e in row.errors] == ["rank"]


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_new_rank_and_unit_of_a_known_person_are_shown_and_applied_once_confirmed(
    tmp_path: Path, sevare_session: Session, confirmed: bool
) -> None:
    holder = _holder()
    path = _list(
        tmp_path, [1, "TRAORE", "Moussa", "Adjudant", "G-77", "Brigade de Sévaré", "", "M"]
    )

    plan = _plan(
        path, sevare_session, default_corps_id=corps("Gendarmerie").pk, apply_changes=confirmed
    )

    [row] = plan.rows
    assert row.outcome == MATCHED
    assert row.changes == {
        "rank": ("Maréchal des logis", "Adjudant"),
        "unit": ("Brigade territoriale de Konna", "Brigade de Sévaré (nouvelle unité)"),
    }
    assert plan.counts()["changes"] == 1
    units_before = Unit.objects.count()
    import_commit(plan=plan, by=None)
    holder.refresh_from_db()
    if confirmed:
        assert holder.rank == rank("Gendarmerie", "Adjudant")
        assert holder.unit is not None and holder.unit.name == "Brigade de Sévaré"
        assert Unit.objects.count() == units_before + 1
    else:  # shown, not applied, and no unit made for nobody
        assert holder.rank == rank("Gendarmerie", "Maréchal des logis")
        assert holder.unit is not None and holder.unit.name == "Brigade territoriale de Konna"
        assert Unit.objects.count() == units_before


def test_reading_planning_and_committing_run_with_the_cyclic_collector_held_off(
    tmp_path: Path, sevare_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The collector walking a registry of 200,000 persons cost seconds of each large import
    # (bench/participants_import.py); it is back once the import is done.
    seen: dict[str, bool] = {}

    def spy(module: object, name: str) -> None:
        original = getattr(module, name)

        def watched(*args: object, **kwargs: object) -> object:
            seen[name] = gc.isenabled()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    spy(layout, "_footer_drop")
    spy(planning, "_match")
    spy(service, "_units_create")
    path = _list(tmp_path, [1, "Traoré", "Moussa", "Adjudant", "G-1", "BT de Konna", "", "M"])

    import_commit(plan=_plan(path, sevare_session), by=None)

    assert seen == {"_footer_drop": False, "_match": False, "_units_create": False}
    assert gc.isenabled()
