"""Statements written once (kalan.core.statements): what they give is what the ORM gives.

The phone's answer reads its session and its copy and writes its answer with SQL written once
per process (bench/scale.py). Each read here is compared field by field with the ORM's own read
of the same row, on the engine the suite runs on (SQLite and PostgreSQL in CI): UUIDs, times,
JSON, empty values and foreign keys come back as the same Python values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kalan.assessments import services
from kalan.assessments.models import Answer, Submission, Test
from kalan.assessments.selectors_tests import submission_for_take
from kalan.core import statements
from kalan.core.models import Organisation
from kalan.core.sessions import SessionStore
from tests.assessments.builders import open_test
from tests.factories import EnrollmentFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _values(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.fixture
def copy() -> Submission:
    session = SessionFactory()
    EnrollmentFactory(session=session, code="0423")
    test = open_test(session)
    return services.submission_start(access_code=test.access_code, participant_code="0423")


def test_a_row_read_by_columns_is_the_instance_the_orm_reads() -> None:
    organisation = Organisation.objects.create(name="CNDH", acronym="CNDH", mandate="")
    table = statements.table(Organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {statements.columns(Organisation, 'o')} FROM {table} o "  # noqa: S608
            f"WHERE o.{statements.column(Organisation, 'id')} = %s",
            [organisation.pk],
        )
        row = cursor.fetchone()
    read = statements.instance(Organisation, row)
    expected = Organisation.objects.get(pk=organisation.pk)
    assert _values(read) == _values(expected)
    assert read.uid == organisation.uid and read.country_id is None
    assert read._state.adding is False and read._state.db == "default"


def test_the_copy_read_for_an_answer_is_the_orm_s_copy_with_its_test(copy: Submission) -> None:
    copy.submitted_at = timezone.now()
    copy.device = "abc"
    copy.save()
    with transaction.atomic():
        read = submission_for_take(pk=copy.pk, lock=True)
    assert read is not None
    expected = Submission.objects.select_related("test").get(pk=copy.pk)
    assert _values(read) == _values(expected)
    assert _values(read.test) == _values(expected.test)
    with CaptureQueriesContext(connection) as reading:
        assert read.test.access_code == expected.test.access_code  # no second query
    assert reading.captured_queries == []
    assert isinstance(read.test, Test) and isinstance(read.submitted_at, dt.datetime)


def test_a_superseded_or_missing_copy_is_not_read(copy: Submission) -> None:
    with transaction.atomic():
        assert submission_for_take(pk=copy.pk + 1000, lock=True) is None
    # A merge keeps one copy of two persons' (people.merge): the other is superseded.
    other = Submission.objects.create(
        test=copy.test, enrollment=EnrollmentFactory(session=copy.test.session, code="0424")
    )
    Submission.objects.filter(pk=copy.pk).update(superseded_by=other)
    with transaction.atomic():
        assert submission_for_take(pk=copy.pk, lock=True) is None
        assert submission_for_take(pk=other.pk, lock=True) is not None


def test_upsert_inserts_then_changes_only_the_fields_named(copy: Submission) -> None:
    question = copy.test.questions.order_by("order")[0]
    statements.upsert(
        Answer(submission=copy, question=question, choices=["A"], text="un"),
        unique=("submission", "question"),
        update=("choices", "text", "updated_at"),
    )
    first = Answer.objects.get()
    assert (first.choices, first.text, first.rating, first.points) == (["A"], "un", None, None)
    assert first.uid is not None
    assert dt.timedelta(0) <= first.updated_at - first.created_at < dt.timedelta(seconds=1)
    Answer.objects.filter(pk=first.pk).update(points=1.0)

    statements.upsert(
        Answer(submission=copy, question=question, choices=["B", "C"], rating=None, text="deux"),
        unique=("submission", "question"),
        update=("choices", "text", "updated_at"),
    )
    second = Answer.objects.get()
    assert second.pk == first.pk and second.uid == first.uid  # the same row, changed
    assert (second.choices, second.text, second.points) == (["B", "C"], "deux", 1.0)
    assert second.created_at == first.created_at and second.updated_at > first.updated_at


def test_the_session_row_read_once_is_django_s(db: None) -> None:
    store = SessionStore()
    store["kalan"] = {"copie": 12, "mot": "Sévaré"}
    store.save()
    again = SessionStore(session_key=store.session_key)
    assert again["kalan"] == {"copie": 12, "mot": "Sévaré"}
    stored = DjangoSession.objects.get(session_key=store.session_key)
    assert again._stored_expiry == stored.expire_date

    DjangoSession.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {} and expired.session_key is None
