"""Helpers of the attack tests (the fixtures that use them are in ``conftest.py``).

- ``Programme``: one record behind every kind of address Kalan serves; ``kwargs(route)`` fills
  a route's parameters with them.
- ``present_every_day(enrollment)``: attendance on every day of the enrollment's session.
- ``row_counts()``: the number of rows of every model's table, to show nothing was written.
- ``console_text(records)``: log records as Kalan's console handler prints them.
- ``fetched(response)``: the response with a streamed body read to its end.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.http.response import HttpResponseBase

from kalan.assessments.models import Question, Test
from kalan.certificates.models import Certificate
from kalan.finance.models import PaymentStatement
from kalan.people.models import Person, PersonMerge
from kalan.plans.models import Axis
from kalan.workshops.models import Enrollment, ImportBatch, Session, Workshop
from tests.factories import AttendanceFactory
from tests.security.routes import Route


def present_every_day(enrollment: Enrollment) -> None:
    for day in enrollment.session.days:
        AttendanceFactory(enrollment=enrollment, day=day)


@dataclass
class Programme:
    """A record behind every kind of address Kalan serves."""

    workshop: Workshop
    axis: Axis
    session: Session
    enrollment: Enrollment
    test: Test
    certificate: Certificate
    statement: PaymentStatement
    batch: ImportBatch
    question: Question
    merge: PersonMerge
    first: Person
    second: Person

    def kwargs(self, route: Route) -> dict[str, str]:
        """Values for the route's parameters that name these records (a fresh uuid, 987654 or
        "x" for a parameter no record here matches: the page then answers 404)."""
        path = route.route
        by_prefix = [
            ("personnes/fusions/", self.merge.uid),
            ("banque/questions/", self.question.uid),
            ("sessions/", self.session.uid),
            ("tests/", self.test.uid),
            ("personnes/", self.first.uid),
            ("imports/", self.batch.uid),
            ("etats/", self.statement.uid),
            ("attestations/", self.certificate.uid),
        ]
        values: dict[str, str] = {}
        for name, converter in route.converters.items():
            if name == "uid":
                found = [str(uid) for prefix, uid in by_prefix if path.startswith(prefix)]
                values[name] = found[0] if found else str(uuid.uuid4())
            elif name == "enrollment_uid":
                values[name] = str(self.enrollment.uid)
            elif name in ("kept_uid", "first_uid"):
                values[name] = str(self.first.uid)
            elif name in ("merged_uid", "second_uid"):
                values[name] = str(self.second.uid)
            elif name == "pk":
                values[name] = str(self.axis.pk if path.startswith("axes/") else self.workshop.pk)
            elif name == "fmt":
                values[name] = "csv"
            elif name == "day":
                values[name] = self.session.start_date.isoformat()
            elif name == "code":
                values[name] = self.certificate.short_code
            else:
                values[name] = route.sample(name, converter)
        return values


# Rows written by reading itself: a login's session and access log, the audit entry of an export.
BOOKKEEPING = {"sessions.Session", "axes.AccessLog", "axes.AccessAttempt", "core.AuditEntry"}


def row_counts() -> dict[str, int]:
    """The number of rows of every table Kalan's models (and Django's) keep, bookkeeping aside."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in BOOKKEEPING
    }


def console_text(records: list[logging.LogRecord]) -> str:
    """The records as Kalan's console handler writes them (message, then any traceback)."""
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    return "\n".join(formatter.format(record) for record in records)


def fetched(response: HttpResponseBase) -> HttpResponseBase:
    """The response with a streamed body read to its end, as a browser would: the test client
    then closes the file behind it (closing it by hand would close the test's database)."""
    if response.streaming:
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response
