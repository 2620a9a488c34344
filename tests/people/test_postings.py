"""A person's postings over time (issue 12, point 7): what records one, what does not, the
selectors later features use (``postings_of``, ``posting_on``) and the person's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from kalan.core.models import User
from kalan.people import selectors
from kalan.people.models import Person, Posting
from kalan.people.services import person_create
from kalan.workshops.forms import PersonForm
from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import import_plan
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.service import import_commit
from kalan.workshops.models import Session
from tests.factories import PersonFactory, UnitFactory, corps, place, rank
from tests.workshops.importing.files import HEADER, TITLES, xlsx_write

pytestmark = pytest.mark.django_db

NOV_8 = dt.date(2022, 11, 8)


def history(person: Person) -> list[tuple[int | None, int | None, int | None]]:
    return [
        (p.corps_id, p.rank_id, p.unit_id)
        for p in Posting.objects.filter(person=person).order_by("since", "pk")
    ]


def posted(person: Person, *, since: dt.date, rank_name: str, unit: object = None) -> Posting:
    """A posting of the gendarmerie with that rank, dated ``since``."""
    return Posting.objects.create(
        person=person,
        corps=corps("Gendarmerie"),
        rank=rank("Gendarmerie", rank_name),
        unit=unit,
        since=since,
    )


# --- what records a posting -------------------------------------------------------------------


def test_a_new_person_with_a_corps_records_one_posting_dated_today() -> None:
    unit = UnitFactory(corps=corps("Gendarmerie"))
    person = person_create(
        last_name="Dembélé",
        first_names="Awa",
        sex="F",
        corps=corps("Gendarmerie"),
        rank=rank("Gendarmerie", "Adjudant"),
        unit=unit,
    )
    (posting,) = Posting.objects.filter(person=person)
    assert (posting.corps, posting.rank, posting.unit) == (
        corps("Gendarmerie"),
        rank("Gendarmerie", "Adjudant"),
        unit,
    )
    assert posting.since == timezone.localdate()


def test_a_new_person_with_no_corps_rank_or_unit_records_none() -> None:
    person = person_create(last_name="Sidibé", first_names="Mariam", sex="F")
    assert not Posting.objects.filter(person=person).exists()


def test_a_person_enrolled_as_new_from_the_session_page_has_one_posting(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    response = client_for(programme_officer).post(
        reverse("enroll_new", kwargs={"uid": sevare_session.uid}),
        {
            "last_name": "Dembélé",
            "first_names": "Fatoumata",
            "sex": "F",
            "corps": str(corps("Gendarmerie").pk),
            "rank": str(rank("Gendarmerie", "Adjudant").pk),
            "service_number": "G-4521",
            "role": "participant",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(service_number="G-4521")
    assert history(person) == [(corps("Gendarmerie").pk, rank("Gendarmerie", "Adjudant").pk, None)]


def test_editing_a_persons_rank_records_a_second_posting_dated_today() -> None:
    person = PersonFactory(
        corps=corps("Gendarmerie"), rank=rank("Gendarmerie", "Maréchal des logis")
    )
    Posting.objects.filter(person=person).update(since=NOV_8)
    loaded = Person.objects.get(pk=person.pk)
    data = {
        "last_name": loaded.last_name,
        "first_names": loaded.first_names,
        "sex": loaded.sex,
        "corps": loaded.corps_id,
        "rank": rank("Gendarmerie", "Adjudant").pk,
        "service_number": loaded.service_number,
        "phone": loaded.phone,
    }
    form = PersonForm(data, instance=loaded)
    assert form.is_valid(), form.errors
    form.save()
    first, second = Posting.objects.filter(person=person).order_by("since", "pk")
    assert (first.since, first.rank) == (NOV_8, rank("Gendarmerie", "Maréchal des logis"))
    assert (second.since, second.rank) == (timezone.localdate(), rank("Gendarmerie", "Adjudant"))


def test_saving_a_person_without_changing_corps_rank_or_unit_records_nothing() -> None:
    person = Person.objects.get(pk=PersonFactory().pk)
    person.phone = "+223 76 00 00 00"
    person.save()
    person.save(update_fields=["phone", "updated_at"])
    Person.objects.get(pk=person.pk).save()
    assert Posting.objects.filter(person=person).count() == 1


def test_a_record_refreshed_after_another_save_does_not_post_the_change_twice() -> None:
    person = PersonFactory(corps=corps("Gendarmerie"))
    other = Person.objects.get(pk=person.pk)
    other.rank = rank("Gendarmerie", "Adjudant")
    other.save()
    person.refresh_from_db()
    person.save()
    assert Posting.objects.filter(person=person).count() == 2


def test_a_partly_loaded_record_posts_nothing_when_its_fields_load_later() -> None:
    person = PersonFactory(corps=corps("Gendarmerie"))
    partial = Person.objects.only("last_name").get(pk=person.pk)
    assert partial.rank_id is not None and partial.unit_id is None  # loaded one by one
    assert partial.corps_id == person.corps_id
    partial.save()
    assert Posting.objects.filter(person=person).count() == 1


def test_a_deleted_person_takes_their_postings_along() -> None:
    person = PersonFactory()
    person.delete()
    assert not Posting.objects.exists()


# --- imports --------------------------------------------------------------------------------


def _import(tmp_path: Path, session: Session, *rows: list[object], **options: object) -> None:
    path = xlsx_write(tmp_path / "liste.xlsx", [[TITLES[0]], [], HEADER, *rows])  # type: ignore[list-item]
    table = table_read(path=path, filename=path.name)
    plan = import_plan(
        session=session,
        table=table,
        mapping=mapping_guess(table.headers),
        **options,  # type: ignore[arg-type]
    )
    import_commit(plan=plan, by=None)


def test_an_import_records_one_posting_per_new_person(
    tmp_path: Path, sevare_session: Session
) -> None:
    _import(
        tmp_path,
        sevare_session,
        [1, "TRAORE", "Moussa", "Adjudant", "G-101", "Brigade territoriale de Konna", "", "M"],
        [
            2,
            "Coulibaly",
            "Aïssata",
            "Inspecteur de police",
            "P-7",
            "Commissariat de Mopti",
            "",
            "F",
        ],
    )
    traore = Person.objects.get(service_number="G-101")
    coulibaly = Person.objects.get(service_number="P-7")
    assert history(traore) == [(traore.corps_id, traore.rank_id, traore.unit_id)]
    assert history(coulibaly) == [(coulibaly.corps_id, coulibaly.rank_id, coulibaly.unit_id)]
    assert None not in history(traore)[0] and None not in history(coulibaly)[0]
    assert set(Posting.objects.values_list("since", flat=True)) == {timezone.localdate()}


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_confirmed_change_from_an_import_records_one_more_posting(
    tmp_path: Path, sevare_session: Session, confirmed: bool
) -> None:
    holder = PersonFactory(
        last_name="Traoré",
        first_names="Moussa",
        corps=corps("Gendarmerie"),
        service_number="G-77",
        rank=rank("Gendarmerie", "Maréchal des logis"),
        unit=UnitFactory(name="Brigade territoriale de Konna", place=place("Konna")),
    )
    before = history(holder)
    _import(
        tmp_path,
        sevare_session,
        [1, "TRAORE", "Moussa", "Adjudant", "G-77", "Brigade de Sévaré", "", "M"],
        default_corps_id=corps("Gendarmerie").pk,
        apply_changes=confirmed,
    )
    holder.refresh_from_db()
    if confirmed:
        assert history(holder) == [*before, (holder.corps_id, holder.rank_id, holder.unit_id)]
        assert holder.rank == rank("Gendarmerie", "Adjudant")
    else:
        assert history(holder) == before


# --- the selectors --------------------------------------------------------------------------


def test_postings_of_lists_a_persons_history_oldest_first_or_newest_first() -> None:
    person = PersonFactory(
        corps=corps("Gendarmerie"), rank=rank("Gendarmerie", "Maréchal des logis")
    )
    Posting.objects.filter(person=person).update(since=NOV_8)
    later = posted(person, since=dt.date(2024, 1, 2), rank_name="Adjudant")
    same_day = posted(person, since=dt.date(2024, 1, 2), rank_name="Adjudant-chef")
    PersonFactory()  # another person's posting is not in the list
    (first,) = Posting.objects.filter(person=person, since=NOV_8)

    assert list(selectors.postings_of(person=person)) == [first, later, same_day]
    assert list(selectors.postings_of(person=person, newest_first=True)) == [
        same_day,
        later,
        first,
    ]


def test_postings_of_reads_names_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    person = PersonFactory(corps=corps("Gendarmerie"), unit=UnitFactory(corps=corps("Gendarmerie")))
    for n in range(5):
        posted(person, since=NOV_8 + dt.timedelta(days=n), rank_name="Adjudant")
    with django_assert_num_queries(1):
        names = [
            (str(p.corps), str(p.rank), str(p.unit), str(p.unit.place) if p.unit else "")
            for p in selectors.postings_of(person=person)
        ]
    assert len(names) == 6


def test_posting_on_gives_the_latest_posting_recorded_by_that_day(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    person = PersonFactory(
        corps=corps("Gendarmerie"), rank=rank("Gendarmerie", "Maréchal des logis")
    )
    Posting.objects.filter(person=person).update(since=NOV_8)
    (sergeant,) = Posting.objects.filter(person=person)
    konna = UnitFactory(corps=corps("Gendarmerie"))
    adjudant = posted(person, since=dt.date(2024, 1, 2), rank_name="Adjudant")
    corrected = posted(person, since=dt.date(2024, 1, 2), rank_name="Adjudant", unit=konna)
    other = PersonFactory(corps=corps("Gendarmerie"))
    posted(other, since=dt.date(2023, 1, 1), rank_name="Adjudant-chef")

    assert selectors.posting_on(person=person, date=dt.date(2022, 11, 7)) is None
    assert selectors.posting_on(person=person, date=NOV_8) == sergeant
    assert selectors.posting_on(person=person, date=dt.date(2024, 1, 1)) == sergeant
    # Two postings of one day: the later one is what the record said at the end of it.
    assert selectors.posting_on(person=person, date=dt.date(2024, 1, 2)) == corrected
    assert adjudant != corrected
    with django_assert_num_queries(1):
        found = selectors.posting_on(person=person, date=dt.date(2030, 1, 1))
        assert found is not None
        assert (found.rank.name, found.unit, str(found.unit.place)) == (  # type: ignore[union-attr]
            "Adjudant",
            konna,
            str(konna.place),
        )


def test_posting_on_is_none_for_a_person_with_no_history() -> None:
    person = PersonFactory(corps=None)
    assert selectors.posting_on(person=person, date=timezone.localdate()) is None


# --- the person's page ----------------------------------------------------------------------


def test_the_person_page_lists_postings_newest_first(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    konna = UnitFactory(corps=corps("Gendarmerie"), name="Brigade de Konna", place=place("Konna"))
    person = PersonFactory(
        corps=corps("Gendarmerie"), rank=rank("Gendarmerie", "Maréchal des logis")
    )
    Posting.objects.filter(person=person).update(since=NOV_8)
    posted(person, since=dt.date(2024, 1, 2), rank_name="Adjudant", unit=konna)

    response = client_for(administrator).get(reverse("person_detail", kwargs={"uid": person.uid}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Affectations et grades" in body
    section = body[body.index("Affectations et grades") : body.index("Historique des modif")]
    assert section.index("02/01/2024") < section.index("08/11/2022")
    assert "Brigade de Konna (Konna)" in section and "Adjudant" in section
    assert "Maréchal des logis" in section
    assert "Aucune affectation enregistrée." not in body


def test_the_person_page_says_when_there_is_no_posting(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    person = PersonFactory(corps=None)
    response = client_for(administrator).get(reverse("person_detail", kwargs={"uid": person.uid}))
    assert response.status_code == 200
    assert "Affectations et grades" in response.content.decode()
    assert "Aucune affectation enregistrée." in response.content.decode()


def test_the_person_page_reads_postings_in_queries_that_do_not_grow(
    administrator: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(administrator)
    person = PersonFactory(corps=corps("Gendarmerie"))
    url = reverse("person_detail", kwargs={"uid": person.uid})
    client.get(url)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for n in range(10):
        unit = UnitFactory(corps=corps("Gendarmerie"))
        posted(person, since=NOV_8 + dt.timedelta(days=n), rank_name="Adjudant", unit=unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Brigade territoriale n°") == 10
