"""Back from the venue: a laptop's return bundle imported at headquarters without loss.

Headquarters is the test database (SQLite or PostgreSQL, as the run); each laptop is a data
folder of its own on SQLite, opened from a kit and worked on through the ``kalan`` command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from pypdf import PdfReader

from kalan.assessments.models import Submission
from kalan.certificates.models import Certificate
from kalan.core.models import AuditEntry
from kalan.fieldkit.bundle import BundleError, bundle_import
from kalan.fieldkit.models import FieldKit, FieldReturn
from kalan.finance.models import PaymentStatement
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Enrollment, Session
from tests.assessments.builders import open_test
from tests.factories import EnrollmentFactory, PersonFactory, SessionFactory
from tests.fieldkit.test_kit import _kit, _laptop, sessions  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# The venue's work, run on the laptop: a day of attendance undone, a walk-in who is in the
# registry already (by service number), a corrected phone, certificates for those who came.
WORK = """
import datetime as dt
from kalan.certificates.services import certificates_issue
from kalan.people.models import Corps, Person
from kalan.workshops.models import Attendance, Enrollment, Session
session = Session.objects.get(uid="{session}")
undone = Attendance.objects.filter(enrollment__session=session)
undone.filter(enrollment__person__last_name="Traoré").delete()
walk_in = Person.objects.create(
    last_name="Coulibaly", first_names="Moussa", service_number="G-4471",
    corps=Corps.objects.get(uid="{corps}"), sex="M",
)
Enrollment.objects.create(session=session, person=walk_in, code="0099")
for diarra in Person.objects.filter(last_name="Diarra"):
    diarra.phone = "+223 76 11 22 33"
    diarra.save()
for enrollment in session.enrollments.all():
    for n in range(3):
        Attendance.objects.get_or_create(
            enrollment=enrollment, day=session.start_date + dt.timedelta(days=n),
            half=session.halves[0],
        )
print(sorted(c.number for c in certificates_issue(session=session, by=None)))
# The pre-test on Diarra's phone, and the per-diem statement of the three days.
from kalan.assessments import services
from kalan.assessments.models import Submission, Test
from kalan.finance.statements import statement_issue
for test in Test.objects.filter(session=session):
    copy = Submission.objects.create(
        test=test, enrollment=session.enrollments.get(person__last_name="Diarra")
    )
    for question in test.questions.all():
        choices = [c["key"] for c in question.content.get("choices", [])][:1]
        services.answer_save(submission=copy, question=question, choices=choices)
    services.submission_submit(submission=copy)
statement_issue(session=session, by=None)
"""


def _worked_laptop(tmp_path: Path, session: Session, name: str) -> Path:
    """A laptop opened from the session's kit, worked on, and its return bundle."""
    folder = tmp_path / name
    kit = _kit(tmp_path / f"{name}-kit", session)
    assert _laptop(folder, "field", "open", str(kit)).returncode == 0
    corps = Person.objects.filter(enrollments__session=session).first().corps  # type: ignore[union-attr]
    work = _laptop(folder, "shell", "-c", WORK.format(session=session.uid, corps=corps.uid))
    assert work.returncode == 0, work.stderr
    bundle = tmp_path / f"{name}.kret"
    made = _laptop(folder, "field", "bundle", "--to", str(bundle))
    assert made.returncode == 0, made.stderr
    return bundle


def _counts() -> dict[str, int]:
    """Rows of every table of Kalan's apps."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label.split(".")[0]
        in {"core", "people", "plans", "workshops", "assessments", "certificates", "finance"}
        | {"relays", "custody", "fieldkit", "reports"}
    }


@pytest.fixture
def registered(sessions: tuple[Session, Session]) -> Person:  # noqa: F811
    """An officer of the registry, in no session of the kit: he will walk in at Sévaré."""
    corps = sessions[0].enrollments.first().person.corps  # type: ignore[union-attr]
    return PersonFactory(
        last_name="Coulibaly", first_names="Moussa", service_number="G-4471", corps=corps
    )


def test_a_bundle_brings_back_what_the_venue_did_and_a_replay_changes_nothing(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    test = open_test(sevare)
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    untouched = _counts()

    preview = bundle_import(source=bundle, dry_run=True)
    assert preview.dry_run and not preview.applied and _counts() == untouched
    result = bundle_import(source=bundle)
    assert (result.created, result.updated, result.deleted, result.audit) == (
        preview.created,
        preview.updated,
        preview.deleted,
        preview.audit,
    )

    assert result.applied and not result.pending
    # The walk-in is the registry's officer: enrolled as him, no second record.
    assert Person.objects.filter(service_number="G-4471").count() == 1
    walk_in = Enrollment.objects.get(session=sevare, code="0099")
    assert walk_in.person == registered and result.persons_matched == 1
    # Traoré's day undone then marked again, three days each: three enrolled, three days.
    assert Attendance.objects.filter(enrollment__session=sevare).count() == 9
    assert Person.objects.get(last_name="Diarra").phone == "+223 76 11 22 33"
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == ["CNDH-2022-0001", "CNDH-2022-0002", "CNDH-2022-0003"]
    # Diarra's copy, scored and sent at the venue; the statement and its PDF, kept as issued.
    copy = Submission.objects.get(test=test)
    assert copy.enrollment.person.last_name == "Diarra" and copy.submitted_at is not None
    assert copy.answers.count() == test.questions.count() and copy.max_score > 0
    statement = PaymentStatement.objects.get(session=sevare)
    assert statement.number == "EP-2022-0001"
    with statement.pdf.open("rb") as pdf:
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "EP-2022-0001" in text and "DIARRA" in text.upper()
    # Who did what, and on which machine.
    entries = AuditEntry.objects.filter(detail__has_key="field_entry")
    assert entries.count() == result.audit > 0
    assert all(" @ " in entry.actor_name for entry in entries)
    assert FieldReturn.objects.get().kit == FieldKit.objects.get()

    before = _counts()
    again = bundle_import(source=bundle)
    assert again.already and _counts() == before


def test_a_field_changed_on_both_sides_waits_for_a_decision(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    diarra = Person.objects.get(last_name="Diarra")
    diarra.phone = "+223 66 00 00 00"  # headquarters corrected it too, otherwise
    diarra.save()
    before = _counts()

    waiting = bundle_import(source=bundle)

    assert not waiting.applied and _counts() == before  # nothing written
    [conflict] = waiting.pending
    assert (conflict.kind, conflict.headquarters, conflict.laptop) == (
        "conflict",
        "+223 66 00 00 00",
        "+223 76 11 22 33",
    )
    assert conflict.column == "téléphone"

    kept = bundle_import(source=bundle, decisions={conflict.key: "hq"})
    assert kept.applied
    diarra.refresh_from_db()
    assert diarra.phone == "+223 66 00 00 00"
    assert Enrollment.objects.filter(session=sevare).count() == 3  # the rest came in


def test_a_holder_of_the_number_under_another_name_waits_for_a_decision(
    sessions: tuple[Session, Session],  # noqa: F811
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    corps = sevare.enrollments.first().person.corps  # type: ignore[union-attr]
    other = PersonFactory(
        last_name="Sangaré", first_names="Adama", service_number="G-4471", corps=corps
    )
    bundle = _worked_laptop(tmp_path, sevare, "sevare")

    waiting = bundle_import(source=bundle)
    [person] = waiting.pending
    assert person.kind == "person" and person.what == "COULIBALY Moussa"
    assert (str(other.uid) in dict(person.choices)) and "new" in dict(person.choices)

    done = bundle_import(source=bundle, decisions={person.key: "new"})
    assert done.applied and done.persons_matched == 0
    # A new person; the number stays with the registry's holder until someone checks it.
    assert list(Person.objects.filter(service_number="G-4471")) == [other]
    walk_in = Enrollment.objects.get(session=sevare, code="0099").person
    assert (walk_in.last_name, walk_in.service_number) == ("Coulibaly", "")


def test_a_tampered_truncated_unknown_or_orphaned_bundle_is_refused_with_nothing_imported(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    bundle = _worked_laptop(tmp_path, sevare, "sevare")
    data = bundle.read_bytes()
    altered, truncated = tmp_path / "altered.kret", tmp_path / "truncated.kret"
    altered.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    truncated.write_bytes(data[: len(data) - 100])
    before = _counts()

    refusals = {}
    for bad in (altered, truncated, tmp_path / "sevare-kit" / "kit.kkit"):
        with pytest.raises(BundleError) as refused:
            bundle_import(source=bad)
        refusals[bad.name] = refused.value.code
    assert refusals == {
        "altered.kret": "tampered",
        "truncated.kret": "tampered",
        "kit.kkit": "not_a_bundle",
    }
    with transaction.atomic():
        sevare.delete()
        with pytest.raises(BundleError) as orphaned:
            bundle_import(source=bundle)
        assert orphaned.value.code == "session_deleted"
        transaction.set_rollback(True)
    FieldKit.objects.all().delete()  # a kit this headquarters never issued
    with pytest.raises(BundleError) as unknown:
        bundle_import(source=bundle)
    assert unknown.value.code == "unknown_kit" and "n’a pas émis" in str(unknown.value)
    after = _counts()
    # Only the kit's deletion changed anything, and its own entry in the journal.
    assert (before.pop("fieldkit.FieldKit"), after.pop("fieldkit.FieldKit")) == (1, 0)
    assert after.pop("core.AuditEntry") == before.pop("core.AuditEntry") + 1
    assert after == before


def _state() -> dict[str, Any]:
    return {
        "counts": _counts(),
        "enrolled": sorted(
            (str(e.session.uid), e.person.last_name, e.code)
            for e in Enrollment.objects.select_related("session", "person")
        ),
        "certificates": sorted(
            (c.number, c.enrollment.person.last_name)
            for c in Certificate.objects.select_related("enrollment__person")
        ),
        "attendance": Attendance.objects.count(),
    }


def test_two_laptops_come_back_in_either_order_to_the_same_registry(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    segou = SessionFactory(workshop=sevare.workshop, start_date=sevare.start_date)
    for name in ("Diallo", "Traoré"):
        EnrollmentFactory(session=segou, person=PersonFactory(last_name=name))
    first = _worked_laptop(tmp_path, sevare, "sevare")
    second = _worked_laptop(tmp_path, segou, "segou")

    states = []
    for order in ((first, second), (second, first)):
        with transaction.atomic():
            for bundle in order:
                assert bundle_import(source=bundle).applied
            states.append(json.loads(json.dumps(_state(), default=str)))
            transaction.set_rollback(True)

    assert states[0] == states[1]
    # Both laptops numbered from their own blocks: no number twice.
    numbers = [number for number, _name in states[0]["certificates"]]
    assert len(numbers) == len(set(numbers)) == 6


def test_a_later_bundle_of_the_same_laptop_brings_its_newer_changes_without_conflict(
    sessions: tuple[Session, Session],  # noqa: F811
    registered: Person,
    tmp_path: Path,
) -> None:
    sevare, _segou = sessions
    first = _worked_laptop(tmp_path, sevare, "sevare")
    assert bundle_import(source=first).applied
    # The last day at the venue: a certificate revoked, Diarra's phone corrected once more.
    later = _laptop(
        tmp_path / "sevare",
        "shell",
        "-c",
        "from kalan.certificates.models import Certificate\n"
        "from kalan.certificates.services import certificate_revoke\n"
        "from kalan.people.models import Person\n"
        "c = Certificate.objects.get(enrollment__person__last_name='Traoré')\n"
        "certificate_revoke(certificate=c, by=None, reason='Absent le dernier jour')\n"
        "p = Person.objects.get(last_name='Diarra')\n"
        "p.phone = '+223 76 99 99 99'\n"
        "p.save()\n",
    )
    assert later.returncode == 0, later.stderr
    second = tmp_path / "second.kret"
    assert _laptop(tmp_path / "sevare", "field", "bundle", "--to", str(second)).returncode == 0

    result = bundle_import(source=second)

    assert result.applied and not result.pending
    revoked = Certificate.objects.get(enrollment__person__last_name="Traoré")
    assert revoked.revoked_at is not None and revoked.revoke_reason == "Absent le dernier jour"
    assert Person.objects.get(last_name="Diarra").phone == "+223 76 99 99 99"
    assert Enrollment.objects.filter(session=sevare).count() == 3
    assert FieldReturn.objects.count() == 2
