"""Fixtures of the attack tests: a second session out of the trainer's reach, a programme with
a record behind every kind of address, and every log record.

- ``segou_session``: session 1 of another workshop, in Ségou; ``segou_enrollment``: its one
  participant. Nobody is assigned to it: a trainer of Sévaré has no business there.
- ``programme``: ``tests.security.support.Programme``, one record of each kind the URLs name
  (session, enrollment, test, certificate, statement, import, merge, bank question…), made
  through the services where a service makes them.
- ``log_records``: every log record, as a deployment with ``KALAN_LOG_LEVEL=DEBUG`` logs them.

For every test here, media and the data folder are moved to the test's temporary folder
(statements, logos and uploaded lists land there) and the cache is emptied (the public
verification page counts look-ups per address in it).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django import Settings

from kalan.certificates import services as certificates
from kalan.core.models import Organisation, User
from kalan.finance.statements import statement_issue
from kalan.people import merge
from kalan.plans.models import Axis
from kalan.workshops.models import Enrollment, ImportBatch, Session
from tests.assessments.builders import bank_question, open_test, small_bank
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory, WorkshopFactory, place
from tests.security.support import Programme, present_every_day


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _private_folders(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def segou_session(axis: Axis) -> Session:
    other = WorkshopFactory(axis=axis, title="Prévention de la torture en garde à vue")
    return SessionFactory(workshop=other, place=place("Ségou"), venue="Centre Ségou")


@pytest.fixture
def segou_enrollment(segou_session: Session) -> Enrollment:
    return EnrollmentFactory(
        session=segou_session, person=PersonFactory(last_name="Dembélé", first_names="Rokia")
    )


@pytest.fixture
def programme(
    sevare_session: Session, organisation: Organisation, programme_officer: User
) -> Programme:
    enrollment = EnrollmentFactory(
        session=sevare_session, person=PersonFactory(last_name="Maïga", first_names="Kadiatou")
    )
    present_every_day(enrollment)
    objectives = small_bank()
    test = open_test(sevare_session, objectives)
    [certificate] = certificates.certificates_issue(session=sevare_session, by=programme_officer)
    statement = statement_issue(session=sevare_session, by=programme_officer)
    batch = ImportBatch.objects.create(
        session=sevare_session,
        filename="liste.csv",
        sha256="0" * 64,
        size=1,
        stored_name=f"{uuid.uuid4().hex}.upload",
    )
    first = PersonFactory(last_name="Konaté", first_names="Bakary", service_number="MLE-70001")
    second = PersonFactory(last_name="Konate", first_names="Bakary", service_number="MLE-70002")
    kept = PersonFactory(last_name="Cissé", first_names="Awa", service_number="MLE-70003")
    gone = PersonFactory(last_name="Cisse", first_names="Awa", service_number="")
    done = merge.person_merge(kept=kept, merged=gone, by=programme_officer, score=None)
    return Programme(
        workshop=sevare_session.workshop,
        axis=sevare_session.workshop.axis,
        session=sevare_session,
        enrollment=enrollment,
        test=test,
        certificate=certificate,
        statement=statement,
        batch=batch,
        question=bank_question(objectives[0]),
        merge=done,
        first=first,
        second=second,
    )


class _Keep(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(level=logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Every record logged while the test runs, as with ``KALAN_LOG_LEVEL=DEBUG``: the root
    logger at DEBUG, the loggers that ``settings.LOGGING`` (or Django's defaults) set a level on
    keeping theirs, as in such a deployment.

    Not pytest's ``caplog``: the suite may run with ``-p no:logging``. Loggers that do not
    propagate get the handler too.
    """
    records: list[logging.LogRecord] = []
    handler = _Keep(records)
    root = logging.getLogger()
    others = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    level, disable = root.level, logging.root.manager.disable
    logging.disable(logging.NOTSET)
    root.setLevel(logging.DEBUG)
    for logger in [root, *others]:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in [root, *others]:
            logger.removeHandler(handler)
        root.setLevel(level)
        logging.disable(disable)
