"""The audit trail: what it records (creates, updates, deletes, merges, exports, logins), that it
cannot be altered, and the journal where an administrator browses, filters and exports it."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from kalan.core.audit import HIDDEN, MAX_VALUE_CHARS, audit_record, audit_value
from kalan.core.models import AuditEntry, User
from kalan.people.models import Person, PersonMerge
from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import import_plan
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.service import import_commit
from kalan.workshops.models import Attendance, Enrollment, ImportBatch, Session
from tests.factories import (
    PASSWORD,
    AttendanceFactory,
    EnrollmentFactory,
    PersonFactory,
    UserFactory,
    corps,
    place,
    rank,
)
from tests.workshops.clicks import attendance_click
from tests.workshops.importing.files import HEADER, xlsx_write

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
OTHER_ROLES = [
    "programme_officer",
    "trainer",
    "monitoring_officer",
    "finance_officer",
    "communication_officer",
    "donor_viewer",
    "outsider",
]


def entries(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def only(**filters: Any) -> AuditEntry:
    found = entries(**filters)
    assert len(found) == 1, found
    return found[0]


# --- creates, updates, deletes ------------------------------------------------------------------


def test_a_session_created_on_its_page_records_who_when_from_where_and_its_values(
    programme_officer: User, client_for: Callable[[User], Client], workshop: Any
) -> None:
    before = timezone.now()
    response = client_for(programme_officer).post(
        reverse("session_create", kwargs={"pk": workshop.pk}),
        {
            "place": place("Mopti").pk,
            "venue": "Hôtel Kanaga",
            "start_date": "2023-02-06",
            "end_date": "2023-02-08",
            "capacity": 30,
            "per_diem_rate": 20000,
            "transport_rate": 5000,
            "certificate_min_percent": 100,
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(venue="Hôtel Kanaga")

    entry = only(action=Action.CREATE, object_type="workshops.session")
    assert entry.actor == programme_officer
    assert entry.actor_name == "programme_officer"
    assert entry.address == "127.0.0.1"
    assert entry.at >= before
    assert (entry.object_id, entry.object_uid) == (str(session.pk), session.uid)
    assert "session 1" in entry.object_repr
    assert entry.changes["venue"] == "Hôtel Kanaga"
    assert entry.changes["start_date"] == "2023-02-06"  # dates in ISO 8601
    assert entry.changes["place"] == place("Mopti").pk  # a foreign key as its pk
    assert entry.changes["capacity"] == 30
    # Bookkeeping and the row's own keys are not values.
    assert not {"id", "uid", "created_at", "updated_at"} & set(entry.changes)


def test_an_edit_records_only_the_fields_that_changed_with_before_and_after(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    form = {
        "place": sevare_session.place_id,
        "venue": "Hôtel Via Via",
        "start_date": "2022-11-08",
        "end_date": "2022-11-10",
        "capacity": 45,
        "per_diem_rate": 25000,
        "transport_rate": 15000,
        "certificate_min_percent": 100,
    }
    response = client_for(programme_officer).post(
        reverse("session_edit", kwargs={"uid": sevare_session.uid}), form
    )
    assert response.status_code == 302

    entry = only(action=Action.UPDATE, object_type="workshops.session")
    assert entry.changes == {
        "venue": ["Hôtel La Palmeraie", "Hôtel Via Via"],
        "capacity": [40, 45],
    }
    assert entry.actor == programme_officer
    assert entry.object_uid == sevare_session.uid


def test_a_save_that_changes_nothing_or_only_bookkeeping_records_nothing(
    sevare_session: Session,
) -> None:
    count = AuditEntry.objects.count()
    sevare_session.save()
    sevare_session.venue = "Hôtel La Palmeraie"  # the same value
    sevare_session.save(update_fields=["venue", "updated_at"])
    sevare_session.save(update_fields=["updated_at"])
    assert AuditEntry.objects.count() == count


def test_a_value_given_as_text_compares_with_the_stored_number(sevare_session: Session) -> None:
    sevare_session.capacity = "40"  # type: ignore[assignment]
    sevare_session.save()
    assert not entries(action=Action.UPDATE)


def test_unmarking_attendance_on_the_page_records_the_delete_with_the_values_it_had(
    trainer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)
    mark = AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session))
    client_for(trainer).post(*attendance_click(mark.enrollment, "2022-11-08"))

    assert not Attendance.objects.filter(pk=mark.pk).exists()
    entry = only(action=Action.DELETE, object_type="workshops.attendance")
    assert entry.actor == trainer
    assert (entry.object_id, entry.object_uid) == (str(mark.pk), mark.uid)
    assert entry.changes["day"] == "2022-11-08"
    assert entry.changes["enrollment"] == mark.enrollment.pk
    assert entry.changes["half"] == "day"


def test_a_person_enrolled_as_new_on_the_session_page_is_recorded_with_the_enrollment(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    gendarmerie = corps("Gendarmerie")
    response = client_for(programme_officer).post(
        reverse("enroll_new", kwargs={"uid": sevare_session.uid}),
        {
            "last_name": "Sangaré",
            "first_names": "Kadiatou",
            "sex": "F",
            "corps": gendarmerie.pk,
            "service_number": "G-4242",
            "phone": "+223 76 00 00 01",
            "role": "participant",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(service_number="G-4242")
    created = only(action=Action.CREATE, object_type="people.person")
    assert created.object_uid == person.uid
    assert created.object_repr == "SANGARÉ Kadiatou"
    assert created.changes["last_name"] == "Sangaré"
    assert created.changes["corps"] == gendarmerie.pk
    assert created.actor == programme_officer
    enrollment = only(action=Action.CREATE, object_type="workshops.enrollment")
    assert enrollment.object_uid == Enrollment.objects.get(person=person).uid
    assert "SANGARÉ Kadiatou" in enrollment.object_repr


def test_assigning_a_trainer_records_the_session_s_trainers_before_and_after(
    trainer: User, sevare_session: Session
) -> None:
    sevare_session.trainers.add(trainer)
    entry = only(action=Action.UPDATE, object_type="workshops.session")
    assert entry.changes == {"trainers": [[], [str(trainer.pk)]]}
    sevare_session.trainers.clear()
    last = entries(action=Action.UPDATE, object_type="workshops.session")[-1]
    assert last.changes == {"trainers": [[str(trainer.pk)], []]}


def test_outside_a_request_the_system_is_the_actor(sevare_session: Session) -> None:
    entry = only(action=Action.CREATE, object_type="workshops.session")
    assert entry.actor is None
    assert entry.actor_name.startswith("système")
    assert entry.address is None


def test_a_change_rolled_back_leaves_no_entry(sevare_session: Session) -> None:
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        sevare_session.venue = "Ailleurs"
        sevare_session.save()
        raise RuntimeError
    assert AuditEntry.objects.count() == count


# --- what is never stored -----------------------------------------------------------------------


def test_a_password_is_recorded_as_changed_never_as_its_hash(administrator: User) -> None:
    user = UserFactory(username="awa")
    created = only(action=Action.CREATE, object_type="core.user", object_id=str(user.pk))
    assert created.changes["password"] == HIDDEN

    user.set_password("un autre mot de passe 42")
    user.save()

    entry = only(action=Action.UPDATE, object_type="core.user")
    assert entry.changes == {"password": [HIDDEN, HIDDEN]}
    stored = json.dumps([e.changes for e in entries(object_type="core.user")])
    assert user.password not in stored
    assert "md5$" not in stored


def test_a_login_s_last_login_and_a_logout_everywhere_key_record_no_update(
    programme_officer: User,
) -> None:
    programme_officer.last_login = timezone.now()
    programme_officer.save(update_fields=["last_login"])
    programme_officer.save()  # sessions_key, last_login: bookkeeping, skipped
    assert not entries(action=Action.UPDATE, object_type="core.user")


def test_a_long_value_is_kept_as_its_beginning_and_a_fingerprint() -> None:
    decisions = ImportBatch._meta.get_field("decisions")
    value = {"rows": {str(n): "new" for n in range(2000)}}
    kept = audit_value(decisions, value)
    assert isinstance(kept, str)
    assert len(kept) < MAX_VALUE_CHARS
    assert "sha256:" in kept


def test_participants_answers_are_not_recorded_one_by_one() -> None:
    from kalan.core.audit import audit_connected_models

    followed = audit_connected_models()
    assert "assessments.answer" not in followed
    assert "core.auditentry" not in followed
    assert {"people.person", "workshops.session", "workshops.attendance"} <= set(followed)


# --- bulk writes ----------------------------------------------------------------------------------


def test_an_import_of_n_rows_records_n_person_creations(
    tmp_path: Path, sevare_session: Session
) -> None:
    rows = [
        [n + 1, f"KONATÉ{n}", "Bakary", "Adjudant", f"G-9{n:03d}", "Brigade de Niono", "", "M"]
        for n in range(7)
    ]
    path = xlsx_write(tmp_path / "liste.xlsx", [HEADER, *rows])
    table = table_read(path=path, filename=path.name)
    plan = import_plan(session=sevare_session, table=table, mapping=mapping_guess(table.headers))
    import_commit(plan=plan, by=None)

    persons = Person.objects.filter(last_name__startswith="KONATÉ")
    assert persons.count() == 7
    created = entries(action=Action.CREATE, object_type="people.person")
    assert {e.object_uid for e in created} == set(persons.values_list("uid", flat=True))
    assert {e.object_id for e in created} == {
        str(pk) for pk in persons.values_list("pk", flat=True)
    }
    assert all(e.changes["first_names"] == "Bakary" for e in created)
    assert len(entries(action=Action.CREATE, object_type="workshops.enrollment")) == 7
    assert len(entries(action=Action.CREATE, object_type="people.unit")) == 1


def test_certificates_issued_together_are_each_recorded(
    programme_officer: User, sevare_session: Session
) -> None:
    from kalan.certificates.services import certificates_issue
    from tests.factories import OrganisationFactory

    OrganisationFactory()
    for _n in range(3):
        enrollment = EnrollmentFactory(session=sevare_session)
        for day in sevare_session.days:
            AttendanceFactory(enrollment=enrollment, day=day)
    issued = certificates_issue(session=sevare_session, by=programme_officer, language="fr")
    assert len(issued) == 3
    recorded = entries(action=Action.CREATE, object_type="certificates.certificate")
    assert {e.object_id for e in recorded} == {str(c.pk) for c in issued}


# --- merges ---------------------------------------------------------------------------------------


def test_a_merge_and_its_undo_are_recorded_on_both_persons(
    programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    kept = PersonFactory(last_name="Traoré", first_names="Moussa", phone="")
    merged = PersonFactory(
        last_name="Traore", first_names="Moussa", phone="+223 70 11 22 33", service_number=""
    )
    client = client_for(programme_officer)
    client.post(
        reverse("person_merge", kwargs={"kept_uid": kept.uid, "merged_uid": merged.uid}),
        {"score": "0.93"},
    )
    merge = PersonMerge.objects.get()

    for person in (kept, merged):
        entry = only(action=Action.MERGE, object_uid=person.uid)
        assert entry.actor == programme_officer
        assert entry.detail["kept"]["uid"] == str(kept.uid)
        assert entry.detail["merged"]["uid"] == str(merged.uid)
        assert entry.detail["merge"] == str(merge.uid)
    # What the merge changed on each record is there too.
    filled = only(action=Action.UPDATE, object_uid=kept.uid)
    assert filled.changes["phone"] == ["", "+223 70 11 22 33"]
    hidden = only(action=Action.UPDATE, object_uid=merged.uid)
    assert hidden.changes["merged_into"] == [None, kept.pk]

    client.post(reverse("person_merge_undo", kwargs={"uid": merge.uid}))

    for person in (kept, merged):
        entry = only(action=Action.UNMERGE, object_uid=person.uid)
        assert entry.actor == programme_officer
        assert entry.detail["kept"]["uid"] == str(kept.uid)
        assert entry.detail["merged"]["uid"] == str(merged.uid)


def test_a_refused_merge_records_nothing(programme_officer: User) -> None:
    from kalan.people.errors import PeopleError
    from kalan.people.merge import person_merge

    person = PersonFactory()
    with pytest.raises(PeopleError):
        person_merge(kept=person, merged=person, by=programme_officer)
    assert not entries(action=Action.MERGE)


# --- exports --------------------------------------------------------------------------------------


def test_an_export_of_the_registry_records_who_which_list_and_format_never_its_rows(
    monitoring_officer: User, client_for: Callable[[User], Client]
) -> None:
    PersonFactory(last_name="Diallo", phone="+223 70 99 88 77")
    PersonFactory(last_name="Dembélé")
    response = client_for(monitoring_officer).get(
        reverse("person_export", kwargs={"fmt": "xlsx"}), {"q": "D"}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]

    entry = only(action=Action.EXPORT)
    assert entry.actor == monitoring_officer
    assert entry.object_type == "people.person"
    assert entry.detail == {"list": "persons", "format": "xlsx", "rows": 2, "query": "D"}
    assert entry.changes == {}
    assert "70 99 88 77" not in json.dumps(entry.detail)


def test_a_csv_export_of_a_roster_names_its_session(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    EnrollmentFactory(session=sevare_session)
    response = client_for(programme_officer).get(
        reverse("session_export", kwargs={"uid": sevare_session.uid, "fmt": "csv"})
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    entry = only(action=Action.EXPORT)
    assert entry.object_type == "workshops.session"
    assert entry.object_uid == sevare_session.uid
    assert entry.detail == {"list": "roster", "format": "csv", "rows": 1}


def test_a_payment_statement_download_names_the_statement_in_each_format(
    finance_officer: User,
    client_for: Callable[[User], Client],
    sevare_session: Session,
    settings: Any,
    tmp_path: Path,
) -> None:
    from kalan.finance.statements import statement_issue
    from tests.factories import OrganisationFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    OrganisationFactory()
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session))
    statement = statement_issue(session=sevare_session, by=finance_officer)
    client = client_for(finance_officer)
    for name in ("statement_pdf", "statement_xlsx"):
        response = client.get(reverse(name, kwargs={"uid": statement.uid}))
        assert response.status_code == 200
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    downloads = entries(action=Action.EXPORT)
    assert [(e.object_type, e.object_id, e.detail["format"]) for e in downloads] == [
        ("finance.paymentstatement", str(statement.pk), "pdf"),
        ("finance.paymentstatement", str(statement.pk), "xlsx"),
    ]
    assert all(e.actor == finance_officer for e in downloads)


def test_a_results_export_names_its_test_and_session_and_copies_are_recorded_not_answers(
    programme_officer: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    from tests.assessments.results_data import build_test, participants, send_copy

    test = build_test(sevare_session)
    send_copy(test, participants(sevare_session, 1)[0], [1, 0, 1, 0.5])
    # The copy is recorded (created, then sent with its score); its answers are not.
    copy = entries(object_type="assessments.submission")
    assert [e.action for e in copy] == [Action.CREATE, Action.UPDATE]
    assert copy[1].changes["score"] == [None, 2.5]
    assert not entries(object_type="assessments.answer")

    response = client_for(programme_officer).get(
        reverse("results_export", kwargs={"uid": test.uid})
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]  # closes its file
    entry = only(action=Action.EXPORT)
    assert (entry.object_type, entry.object_uid) == ("assessments.test", test.uid)
    assert entry.detail == {"list": "results", "format": "xlsx", "session": str(sevare_session.uid)}


def test_a_refused_export_records_nothing(
    communication_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(communication_officer).get(
        reverse("person_export", kwargs={"fmt": "xlsx"})
    )
    assert response.status_code == 403
    assert not entries(action=Action.EXPORT)


# --- logins ---------------------------------------------------------------------------------------


def test_a_login_and_a_logout_are_recorded(programme_officer: User) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "programme_officer", "password": PASSWORD})
    entry = only(action=Action.LOGIN)
    assert (entry.actor, entry.actor_name, entry.address) == (
        programme_officer,
        "programme_officer",
        "127.0.0.1",
    )
    client.post(reverse("logout"))
    assert only(action=Action.LOGOUT).actor == programme_officer


def test_a_failed_login_keeps_the_name_tried_and_never_the_password(
    programme_officer: User,
) -> None:
    Client().post(
        reverse("login"), {"username": "programme_officer", "password": "mauvais-secret-123"}
    )
    entry = only(action=Action.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.actor_name == "programme_officer"
    assert entry.address == "127.0.0.1"
    stored = " ".join(
        str(value) for value in AuditEntry.objects.filter(pk=entry.pk).values().get().values()
    )
    assert "mauvais-secret-123" not in stored
    assert "*****" not in stored  # not even Django's mask of it


# --- append-only ----------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted_through_the_model() -> None:
    entry = audit_record(action=Action.LOGIN, actor=None, actor_name="someone")
    entry.actor_name = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"


def test_the_database_refuses_an_update_even_in_raw_sql() -> None:
    entry = audit_record(action=Action.LOGIN, actor=None, actor_name="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["forged", entry.pk]
        )
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "someone"


# --- the journal ----------------------------------------------------------------------------------


def test_the_journal_opens_for_an_administrator(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(administrator).get(reverse("audit_list"))
    assert response.status_code == 200
    assert 'href="/journal/"' in response.content.decode()  # the link in the header


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_the_journal_and_its_export_are_refused_to_every_other_role(
    role: str, request: pytest.FixtureRequest, client_for: Callable[[User], Client]
) -> None:
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(reverse("audit_list")).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403
    assert 'href="/journal/"' not in client.get(reverse("home"), follow=True).content.decode()


def test_the_journal_has_no_way_to_change_an_entry(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(administrator)
    assert client.post(reverse("audit_list")).status_code == 405
    assert client.post(reverse("audit_export")).status_code == 405


def test_a_journal_line_shows_date_account_action_object_address_and_changes(
    administrator: User,
    programme_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    person = PersonFactory(last_name="Keïta", first_names="Oumar", corps=corps("Gendarmerie"))
    with _as(programme_officer):
        person.rank = rank("Gendarmerie", "Adjudant-chef")
        person.save()

    body = client_for(administrator).get(reverse("audit_list")).content.decode()
    assert "programme_officer" in body
    assert "modification" in body
    assert "KEÏTA Oumar" in body
    assert "127.0.0.1" in body
    # A related record by its name, not its id.
    assert "grade : " in body
    assert "→ Adjudant-chef" in body


def _as(user: User) -> Any:
    """Entries written inside are attributed to ``user``, as from a request from 127.0.0.1."""
    from django.test import RequestFactory

    from kalan.core.audit import audit_request

    request = RequestFactory().get("/")
    request.user = user
    return audit_request(request)


@pytest.fixture
def journal(programme_officer: User, monitoring_officer: User) -> dict[str, AuditEntry]:
    """A few entries by two accounts on different days, of different kinds."""
    old = timezone.make_aware(dt.datetime(2023, 3, 1, 10, 0))
    with _as(programme_officer):
        person = PersonFactory(last_name="Coulibaly", first_names="Seydou")
    with _as(monitoring_officer):
        export = audit_record(action=Action.EXPORT, object_type="people.person", detail={})
    login = AuditEntry.objects.create(
        action=Action.LOGIN, actor=monitoring_officer, actor_name="monitoring_officer", at=old
    )
    return {
        "person": only(action=Action.CREATE, object_uid=person.uid),
        "export": export,
        "login": login,
    }


def _listed(client: Client, **params: str) -> set[int]:
    response = client.get(reverse("audit_list"), params)
    assert response.status_code == 200
    return {line.entry.pk for line in response.context["lines"]}


def test_the_journal_filters_by_action_account_type_object_and_dates(
    administrator: User, client_for: Callable[[User], Client], journal: dict[str, AuditEntry]
) -> None:
    client = client_for(administrator)
    person, export, login = journal["person"], journal["export"], journal["login"]
    assert _listed(client, action="export") == {export.pk}
    assert _listed(client, account="monitoring") == {export.pk, login.pk}
    assert {person.pk} == _listed(client, object_type="people.person", action="create") & {
        person.pk,
        export.pk,
        login.pk,
    }
    assert person.pk in _listed(client, text="coulibaly")
    assert export.pk not in _listed(client, text="coulibaly")
    assert _listed(client, text=str(person.object_uid)) == {person.pk}
    assert _listed(client, date_from="2023-03-01", date_to="2023-03-01") == {login.pk}
    assert login.pk not in _listed(client, date_from="2023-03-02")
    # Dates the wrong way round: an error, and no filter at all rather than a wrong one.
    response = client.get(
        reverse("audit_list"), {"date_from": "2023-03-02", "date_to": "2023-03-01"}
    )
    assert "La date de fin précède la date de début." in response.content.decode()


def test_the_journal_runs_as_many_queries_for_a_full_page_as_for_a_few_lines(
    administrator: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(administrator)
    PersonFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit_list"))
    PersonFactory.create_batch(80)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit_list"))
    assert len(response.context["lines"]) == 50


def test_the_journal_export_parses_back_as_the_filtered_lines_and_is_recorded(
    administrator: User, client_for: Callable[[User], Client], journal: dict[str, AuditEntry]
) -> None:
    client = client_for(administrator)
    with _as(administrator):
        PersonFactory(last_name='=HYPERLINK("http://x")', first_names="Awa")
    params = {"account": "monitoring"}
    page = client.get(reverse("audit_list"), params).context["lines"]

    response = client.get(reverse("audit_export"), params)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("Date", "Compte", "Action", "Type d’objet", "Objet")
    assert [(r[1], r[2]) for r in rows[1:]] == [
        (line.entry.actor_name, line.action_label) for line in page
    ]
    assert [r[0] for r in rows[1:]] == [
        timezone.localtime(line.entry.at).replace(tzinfo=None, microsecond=0) for line in page
    ]

    entry = entries(action=Action.EXPORT, actor=administrator)[-1]
    assert entry.detail == {
        "list": "audit",
        "format": "xlsx",
        "rows": 2,
        "filters": {"account": "monitoring"},
    }

    everything = client.get(reverse("audit_export"))
    data = b"".join(everything.streaming_content)  # type: ignore[attr-defined]
    cells = [c for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows() for c in row]
    # The person's name, as the object of its creation, would start with "=": it gets an
    # apostrophe and is typed as text.
    names = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert any(c.value == '\'=HYPERLINK("HTTP://X") Awa' for c in names)
    assert not any(c.value.lstrip().startswith("=") for c in names)
    assert all(c.data_type != "f" for c in cells)


# --- what a model tells the journal (kalan.core.audit_registry) -----------------------------------


def test_every_model_of_the_project_is_followed_but_those_that_exclude_themselves() -> None:
    from kalan.core.audit import audit_connected_models

    followed = set(audit_connected_models())
    # Apps that came after the journal are followed without being named anywhere in core.
    assert {
        "certificates.certificate",
        "finance.paymentstatement",
        "core.place",
        "core.partner",
        "workshops.importbatch",
    } <= followed
    assert not {"assessments.answer", "assessments.testquestion", "core.auditentry"} & followed
    # Not the project's: Django's and the libraries' own tables.
    assert not [label for label in followed if label.split(".")[0] in {"auth", "axes", "otp_totp"}]


def test_an_attendance_names_its_person_and_session_by_its_own_method_without_a_query(
    sevare_session: Session, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from kalan.core.audit import audit_object_repr

    person = PersonFactory(last_name="Keïta", first_names="Oumar")
    enrollment = Enrollment.objects.select_related(*Enrollment.audit_select_related).get(
        pk=EnrollmentFactory(session=sevare_session, person=person).pk
    )
    named = f"KEÏTA Oumar — {sevare_session.workshop.title} — session 1"
    # The mark and its entry: two inserts, nothing read to name the record.
    with django_assert_num_queries(2):
        mark = Attendance.objects.create(enrollment=enrollment, day=dt.date(2022, 11, 8))
    entry = only(action=Action.CREATE, object_type="workshops.attendance")
    assert entry.object_repr == f"{named} 2022-11-08 day"

    reread = Attendance.objects.select_related(*Attendance.audit_select_related).get(pk=mark.pk)
    with django_assert_num_queries(0):
        assert audit_object_repr(reread) == f"{named} 2022-11-08 day"
    # Nothing loaded: named by ids rather than by a query.
    bare = Attendance.objects.get(pk=mark.pk)
    with django_assert_num_queries(0):
        assert audit_object_repr(bare) == f"#{enrollment.pk} 2022-11-08 day"


def test_a_journal_line_names_a_related_enrollment_by_its_person_and_session(
    administrator: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    person = PersonFactory(last_name="Keïta", first_names="Oumar")
    AttendanceFactory(enrollment=EnrollmentFactory(session=sevare_session, person=person)).delete()
    body = client_for(administrator).get(
        reverse("audit_list"), {"object_type": "workshops.attendance"}
    )
    assert f"KEÏTA Oumar — {sevare_session.workshop.title} — session 1" in body.content.decode()


def test_an_entry_under_a_former_label_is_found_by_the_filter_and_shown_under_the_current_name(
    administrator: User, client_for: Callable[[User], Client]
) -> None:
    # As a database made before certificates left the documents app holds it: never rewritten.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (at, actor_name, action, object_type, object_id,"
            " object_repr, changes, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                timezone.now(),
                "programme_officer",
                "create",
                "documents.certificate",
                "7",
                "CNDH-2022-0007",
                json.dumps({"number": "CNDH-2022-0007"}),
                "{}",
            ],
        )
    old = only(object_type="documents.certificate")
    new = AuditEntry.objects.create(
        action=Action.CREATE, object_type="certificates.certificate", object_id="8"
    )
    other = AuditEntry.objects.create(action=Action.CREATE, object_type="people.person")

    response = client_for(administrator).get(
        reverse("audit_list"), {"object_type": "certificates.certificate"}
    )
    lines = {line.entry.pk: line for line in response.context["lines"]}
    assert set(lines) == {old.pk, new.pk}
    assert other.pk not in lines
    assert lines[old.pk].object_label == lines[new.pk].object_label == "Attestation"
    assert [(c.label, c.after) for c in lines[old.pk].changes] == [("numéro", "CNDH-2022-0007")]
    # The filter offers the current name only, once.
    choices = [value for value, _name in response.context["form"].fields["object_type"].choices]
    assert "certificates.certificate" in choices
    assert "documents.certificate" not in choices


def test_a_journal_line_links_to_the_record_s_page_when_it_has_one(
    administrator: User, client_for: Callable[[User], Client], sevare_session: Session
) -> None:
    person = PersonFactory(last_name="Coulibaly", first_names="Seydou")
    gone = PersonFactory(last_name="Effacé", first_names="Moussa")
    gone_uid = gone.uid
    gone.delete()
    response = client_for(administrator).get(reverse("audit_list"))
    links = {
        (line.entry.object_uid, line.entry.action): line.link for line in response.context["lines"]
    }
    person_page = reverse("person_detail", kwargs={"uid": person.uid})
    assert links[(person.uid, Action.CREATE)] == person_page
    assert f'href="{person_page}"' in response.content.decode()
    assert links[(sevare_session.uid, Action.CREATE)] == reverse(
        "session_detail", kwargs={"uid": sevare_session.uid}
    )
    assert links[(gone_uid, Action.DELETE)] is None  # no page any more


def test_the_words_of_an_export_and_a_merge_come_from_the_apps_that_record_them(
    administrator: User, programme_officer: User, client_for: Callable[[User], Client]
) -> None:
    from kalan.people.merge import person_merge

    kept = PersonFactory(last_name="Traoré", first_names="Moussa")
    merged = PersonFactory(last_name="Traore", first_names="Moussa", service_number="")
    person_merge(kept=kept, merged=merged, by=programme_officer)
    with _as(programme_officer):
        audit_record(
            action=Action.EXPORT,
            object_type="people.person",
            detail={"list": "persons", "format": "xlsx", "unheard_of": "x"},
        )
    lines = client_for(administrator).get(reverse("audit_list")).context["lines"]
    export = next(line for line in lines if line.entry.action == Action.EXPORT)
    assert export.details == [("liste", "registre des personnes"), ("format", "xlsx")]
    merge = next(line for line in lines if line.entry.action == Action.MERGE)
    assert ("personne gardée", "TRAORÉ Moussa") in merge.details
    assert ("personne fusionnée", "TRAORE Moussa") in merge.details
