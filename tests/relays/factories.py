"""factory_boy factories for the relays app (tests/factories.py holds the lower apps').

- ``relay(session=None, **person)``: a participant enrollment present on the session's first day
  (a *relay*), in a new session unless one is given.
- ``CommitmentFactory``, ``RestitutionFactory`` (one colleague by default: the totals by sex and
  by category agree), ``RoundFactory`` (round 1, +1 month, opening a month after the session),
  ``RoundQuestionFactory``, ``RespondentFactory``, ``CallAttemptFactory``, ``ResponseFactory``,
  ``DepartureFactory``, ``FollowupQuestionFactory``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kalan.relays.models import (
    CallAttempt,
    Commitment,
    Departure,
    FollowupQuestion,
    Respondent,
    Response,
    Restitution,
    Round,
    RoundQuestion,
    Source,
)
from kalan.workshops.models import Enrollment, Session
from tests.factories import AttendanceFactory, EnrollmentFactory, PersonFactory, WorkshopFactory


def relay(session: Session | None = None, **person: Any) -> Enrollment:
    """A participant present on the first half-day of ``session`` (a new one by default)."""
    kwargs: dict[str, Any] = {"person": PersonFactory(**person)}
    if session is not None:
        kwargs["session"] = session
    enrollment = EnrollmentFactory(**kwargs)
    AttendanceFactory(enrollment=enrollment)
    return enrollment


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    enrollment = factory.LazyFunction(relay)
    audiences = factory.LazyFunction(lambda: ["own_unit"])
    people_planned = 20
    due_on = factory.LazyAttribute(lambda o: o.enrollment.session.end_date + dt.timedelta(days=60))
    source = Source.PAPER


class RestitutionFactory(DjangoModelFactory):
    class Meta:
        model = Restitution

    enrollment = factory.LazyFunction(relay)
    held_on = factory.LazyAttribute(lambda o: o.enrollment.session.end_date + dt.timedelta(days=20))
    men = 1
    colleagues = 1
    duration_minutes = 60
    source = Source.STAFF


class FollowupQuestionFactory(DjangoModelFactory):
    class Meta:
        model = FollowupQuestion
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-{n:03d}")
    kind = FollowupQuestion.Kind.YES_NO
    text = factory.Sequence(lambda n: f"Question de suivi {n} ?")


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round

    workshop = factory.SubFactory(WorkshopFactory)
    number = 1
    months = 1
    opens_on = factory.LazyFunction(lambda: timezone.localdate())


class RoundQuestionFactory(DjangoModelFactory):
    class Meta:
        model = RoundQuestion

    round = factory.SubFactory(RoundFactory)
    order = factory.Sequence(lambda n: n + 1)
    content = factory.LazyFunction(
        lambda: {"code": "DONE", "kind": "yes_no", "text": "Restitution faite ?", "choices": []}
    )


class RespondentFactory(DjangoModelFactory):
    class Meta:
        model = Respondent

    round = factory.SubFactory(RoundFactory)
    enrollment = factory.LazyFunction(relay)


class CallAttemptFactory(DjangoModelFactory):
    class Meta:
        model = CallAttempt

    respondent = factory.SubFactory(RespondentFactory)
    called_at = factory.LazyFunction(timezone.now)
    outcome = CallAttempt.Outcome.NO_ANSWER


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response

    respondent = factory.SubFactory(RespondentFactory)
    question = factory.SubFactory(RoundQuestionFactory)
    value = True


class DepartureFactory(DjangoModelFactory):
    class Meta:
        model = Departure

    person = factory.SubFactory(PersonFactory)
    reason = Departure.Reason.TRANSFERRED
    since = factory.LazyFunction(timezone.localdate)
