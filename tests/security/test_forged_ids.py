"""Forged addresses: ids of another session's records, unknown ids and malformed ones.

A trainer assigned to Sévaré learns nothing of Ségou: each record of another session answers
404, as an unknown one does, and nothing is written. Staff without that limit still cannot reach
a record through the address of a session it does not belong to. A malformed id is a 404
anywhere, never a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter

from kalan.assessments.models import Submission, Test
from kalan.certificates import services as certificates
from kalan.certificates.models import Certificate
from kalan.core.models import User
from kalan.finance.statements import statement_issue
from kalan.people.models import Person, PersonMerge
from kalan.workshops.models import Attendance, Enrollment, ImportBatch, Session
from kalan.workshops.selectors import roster_columns_version
from tests.assessments.builders import open_test, small_bank
from tests.factories import EnrollmentFactory, PersonFactory
from tests.security.routes import Route, routes
from tests.security.support import Programme, fetched, present_every_day, row_counts
from tests.workshops.clicks import attendance_click

ClientFor = Callable[[User], Client]

MALFORMED = [
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    "1' OR '1'='1",
    "..%2F..%2Fetc%2Fpasswd",
    "%7B%7Buid%7D%7D",
    "-1",
]


@pytest.fixture
def sevare_trainer(trainer: User, sevare_session: Session) -> User:
    sevare_session.trainers.add(trainer)
    return trainer


def id_parameters(route: Route) -> list[str]:
    return [
        name
        for name, converter in route.converters.items()
        if isinstance(converter, (UUIDConverter, IntConverter))
    ]


def toggle(session: Session, enrollment: Enrollment) -> tuple[str, dict[str, str]]:
    """A click on the first day of ``enrollment`` posted to ``session``'s address, as a page of
    ``session`` would send it (its columns), whoever the enrollment belongs to."""
    _, data = attendance_click(enrollment, enrollment.session.start_date)
    url = reverse("attendance_toggle", kwargs={"uid": session.uid})
    return url, {**data, "columns": roster_columns_version(session=session)}


# --- Attendance -------------------------------------------------------------------------------


def test_a_trainer_cannot_mark_another_session_s_participant_through_their_own_session(
    client_for: ClientFor,
    sevare_trainer: User,
    sevare_session: Session,
    segou_enrollment: Enrollment,
) -> None:
    response = client_for(sevare_trainer).post(*toggle(sevare_session, segou_enrollment))

    # The cell names an enrollment the session does not have: refused, as an unknown one.
    assert response.status_code == 400
    assert "n’est pas inscrite à la session" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_trainer_cannot_mark_attendance_in_a_session_not_assigned_to_them(
    client_for: ClientFor, sevare_trainer: User, segou_enrollment: Enrollment
) -> None:
    response = client_for(sevare_trainer).post(*toggle(segou_enrollment.session, segou_enrollment))

    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_programme_officer_cannot_mix_two_sessions_in_one_address_either(
    client_for: ClientFor,
    programme_officer: User,
    sevare_session: Session,
    segou_enrollment: Enrollment,
) -> None:
    response = client_for(programme_officer).post(*toggle(sevare_session, segou_enrollment))

    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_the_trainer_s_own_participant_is_marked(
    client_for: ClientFor, sevare_trainer: User, sevare_session: Session
) -> None:
    enrollment = EnrollmentFactory(session=sevare_session)

    response = client_for(sevare_trainer).post(*toggle(sevare_session, enrollment))

    assert response.status_code == 302
    assert Attendance.objects.filter(enrollment=enrollment).count() == 1


# --- Tests, statements and certificates of another session ------------------------------------


@pytest.fixture
def segou_test(segou_session: Session, segou_enrollment: Enrollment) -> Test:
    return open_test(segou_session, small_bank())


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("test_detail", "get"),
        ("test_live", "get"),
        ("test_results", "get"),
        ("test_print", "get"),
        ("test_paper_entry", "get"),
        ("test_paper_entry", "post"),
        ("test_close", "post"),
        ("test_open", "post"),
    ],
)
def test_a_test_of_another_session_is_not_found_by_its_trainer(
    client_for: ClientFor, sevare_trainer: User, segou_test: Test, name: str, method: str
) -> None:
    client = client_for(sevare_trainer)
    url = reverse(name, kwargs={"uid": segou_test.uid})

    response = getattr(client, method)(url, {"x": "A"})

    assert response.status_code == 404
    assert "Prévention de la torture" not in response.content.decode()
    segou_test.refresh_from_db()
    assert segou_test.status == Test.Status.OPEN
    assert not Submission.objects.exists()


def test_the_trainer_s_own_test_opens(
    client_for: ClientFor, sevare_trainer: User, sevare_session: Session
) -> None:
    test = open_test(sevare_session, small_bank())

    response = client_for(sevare_trainer).get(reverse("test_detail", kwargs={"uid": test.uid}))

    assert response.status_code == 200


def test_a_paper_grid_cannot_carry_a_participant_of_another_session(
    client_for: ClientFor,
    sevare_trainer: User,
    sevare_session: Session,
    segou_enrollment: Enrollment,
) -> None:
    test = open_test(sevare_session, small_bank())
    EnrollmentFactory(session=sevare_session)
    question = test.questions.order_by("order").first()
    assert question is not None
    forged = f"r{segou_enrollment.pk}q{question.order}"

    response = client_for(sevare_trainer).post(
        reverse("test_paper_entry", kwargs={"uid": test.uid}), {forged: "A"}
    )

    assert response.status_code == 302  # "nothing to save": the forged cell is never read
    assert not Submission.objects.exists()


def test_a_certificate_of_another_session_is_not_found_by_a_trainer(
    client_for: ClientFor,
    sevare_trainer: User,
    segou_enrollment: Enrollment,
    programme_officer: User,
) -> None:
    present_every_day(segou_enrollment)
    [certificate] = certificates.certificates_issue(
        session=segou_enrollment.session, by=programme_officer
    )
    client = client_for(sevare_trainer)

    download = client.get(reverse("certificate_download", kwargs={"uid": certificate.uid}))
    revoke = client.post(
        reverse("certificate_revoke", kwargs={"uid": certificate.uid}), {"reason": "faux"}
    )

    assert download.status_code == 404
    assert revoke.status_code in (403, 404)
    certificate.refresh_from_db()
    assert certificate.valid


def test_a_statement_of_another_session_is_refused_to_a_trainer(
    client_for: ClientFor,
    sevare_trainer: User,
    segou_enrollment: Enrollment,
    programme_officer: User,
) -> None:
    present_every_day(segou_enrollment)
    statement = statement_issue(session=segou_enrollment.session, by=programme_officer)
    client = client_for(sevare_trainer)

    for name in ("statement_pdf", "statement_xlsx"):
        response = fetched(client.get(reverse(name, kwargs={"uid": statement.uid})))
        assert response.status_code in (403, 404), name
        assert not response.streaming


def test_an_import_of_another_session_is_not_reached_through_any_session(
    client_for: ClientFor, programme_officer: User, segou_session: Session
) -> None:
    batch = ImportBatch.objects.create(
        session=segou_session, filename="liste.csv", sha256="0" * 64, size=1, stored_name="x"
    )
    client = client_for(programme_officer)

    response = client.post(
        reverse("import_preview", kwargs={"uid": uuid.uuid4()}), {"action": "commit"}
    )

    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


# --- Persons: merge and dismiss with forged ids -----------------------------------------------


@pytest.mark.parametrize("forged", MALFORMED)
def test_merging_with_a_malformed_uuid_is_not_found(
    client_for: ClientFor, programme_officer: User, forged: str
) -> None:
    person = PersonFactory()
    client = client_for(programme_officer)
    base = "/personnes/doublons"

    answers = [
        client.post(f"{base}/fusionner/{forged}/{person.uid}/").status_code,
        client.post(f"{base}/fusionner/{person.uid}/{forged}/").status_code,
        client.post(f"{base}/ecarter/{forged}/{person.uid}/").status_code,
        client.post(f"/personnes/fusions/{forged}/annuler/").status_code,
    ]

    assert answers == [404] * 4
    assert not PersonMerge.objects.exists()


def test_merging_with_unknown_uuids_is_not_found_and_merges_nothing(
    client_for: ClientFor, programme_officer: User
) -> None:
    person = PersonFactory()
    client = client_for(programme_officer)

    response = client.post(
        reverse("person_merge", kwargs={"kept_uid": person.uid, "merged_uid": uuid.uuid4()})
    )

    assert response.status_code == 404
    assert not PersonMerge.objects.exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_person_merged_with_itself_is_refused_with_a_message(
    client_for: ClientFor, programme_officer: User
) -> None:
    person = PersonFactory()
    url = reverse("person_merge", kwargs={"kept_uid": person.uid, "merged_uid": person.uid})

    response = client_for(programme_officer).post(url, follow=True)

    assert response.status_code == 200
    assert "ne peut pas être fusionnée avec elle-même" in response.content.decode()
    assert not PersonMerge.objects.exists()


# A fixed unknown id: a random one would name the test differently in each pytest-xdist worker,
# which then refuse to run a collection that differs between them.
UNKNOWN_ID = "4c98d567-9946-4790-b05d-821d21ea9cb3"


@pytest.mark.parametrize("forged", ["not-a-uuid", "1' OR '1'='1", UNKNOWN_ID, ""])
def test_enrolling_a_forged_person_is_a_clear_400(
    client_for: ClientFor, programme_officer: User, sevare_session: Session, forged: str
) -> None:
    response = client_for(programme_officer).post(
        reverse("enroll_existing", kwargs={"uid": sevare_session.uid}),
        {"person": forged, "role": "participant"},
    )

    assert response.status_code == 400
    assert not Enrollment.objects.exists()


# --- Everywhere: malformed and unknown ids ----------------------------------------------------


def test_a_malformed_id_anywhere_is_a_404_never_a_500(
    programme: Programme, administrator: User, client_for: ClientFor
) -> None:
    client = client_for(administrator)
    client.raise_request_exception = False
    before = row_counts()
    walked, faults = 0, []
    for route in routes():
        ids = id_parameters(route)
        for name in ids:
            for forged in MALFORMED[:3]:
                url = route.url({**programme.kwargs(route), name: forged})
                for method in (client.get, client.post):
                    status = fetched(method(url)).status_code
                    walked += 1
                    if status != 404:
                        faults.append(f"{method.__name__.upper()} {url} ({status})")

    assert faults == []
    assert walked > 200
    assert row_counts() == before


def test_an_unknown_id_anywhere_is_a_404_never_a_500(
    programme: Programme, administrator: User, client_for: ClientFor
) -> None:
    client = client_for(administrator)
    client.raise_request_exception = False
    before = row_counts()
    walked, faults = 0, []
    for route in routes():
        ids = id_parameters(route)
        if not ids or route.public:  # the phone pages name no record: the session cookie does
            continue
        unknown = {name: route.sample(name, route.converters[name]) for name in ids}
        url = route.url({**programme.kwargs(route), **unknown})
        for method in (client.get, client.post):
            status = fetched(method(url)).status_code
            walked += 1
            # 405: a page of one method only says so before looking anything up.
            if status not in (404, 405):
                faults.append(f"{method.__name__.upper()} {url} ({status})")

    assert faults == []
    assert walked > 50
    assert row_counts() == before


def test_a_trainer_reaches_nothing_of_another_session_on_any_page(
    programme: Programme, trainer: User, client_for: ClientFor, segou_enrollment: Enrollment
) -> None:
    """Every address naming Sévaré's records, walked by a trainer assigned to Ségou only: a
    refusal, or a page of theirs that names nothing of Sévaré (the axis page lists workshops)."""
    segou_enrollment.session.trainers.add(trainer)
    client = client_for(trainer)
    client.raise_request_exception = False
    sevare = [
        programme.workshop.title,
        programme.session.venue,
        programme.enrollment.person.last_name,
        programme.certificate.number,
        programme.statement.number,
        programme.test.access_code,
    ]
    before = row_counts()
    reached = []
    for route in routes():
        if not route.converters or route.public:
            continue
        url = route.url(programme.kwargs(route))
        for method in (client.get, client.post):
            response = fetched(method(url, {"day": "2022-11-08", "reason": "x"}))
            if response.status_code in (403, 404, 405):
                continue
            page = b"" if response.streaming else response.content
            if response.status_code != 200 or any(s.encode() in page for s in sevare):
                reached.append(f"{method.__name__.upper()} {url} ({response.status_code})")

    assert reached == []
    assert row_counts() == before
    assert Certificate.objects.get(pk=programme.certificate.pk).valid


def test_the_axis_page_lists_only_the_workshops_a_trainer_runs(
    client_for: ClientFor, trainer: User, sevare_session: Session, segou_session: Session
) -> None:
    # Before: every workshop of the axis, with its session count, to anyone holding
    # view_programme; the workshop pages themselves already hid them from a trainer.
    segou_session.trainers.add(trainer)

    response = client_for(trainer).get(
        reverse("axis_detail", kwargs={"pk": sevare_session.workshop.axis_id})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert segou_session.workshop.title in page
    assert sevare_session.workshop.title not in page


def test_the_axis_page_lists_every_workshop_to_the_programme_staff(
    client_for: ClientFor,
    programme_officer: User,
    sevare_session: Session,
    segou_session: Session,
) -> None:
    response = client_for(programme_officer).get(
        reverse("axis_detail", kwargs={"pk": sevare_session.workshop.axis_id})
    )

    page = response.content.decode()
    assert segou_session.workshop.title in page
    assert sevare_session.workshop.title in page
