"""A field kit out of headquarters and opened on a fresh venue laptop (a data folder of its own).

Headquarters is the test database (SQLite or PostgreSQL, as the run); the laptop is another
data folder on SQLite, driven through the ``kalan`` command as a venue would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from kalan.certificates.models import Certificate
from kalan.certificates.services import certificates_issue
from kalan.core.models import NumberBlock, User
from kalan.fieldkit.kit import KIT_MODELS, FieldKitError, _read, kit_create
from kalan.fieldkit.models import FieldKit
from kalan.people.models import Person
from kalan.workshops.models import Attendance, Session
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
)

PASSPHRASE = "Kit-Sevare-Palmeraie-2022"
PASSWORD = "Formation-Sevare-2022"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions() -> tuple[Session, Session]:
    """Sévaré (in the kit: two officers, a trainer, a day marked) and Ségou (left at HQ)."""
    OrganisationFactory(name="Commission nationale des droits de l’homme", acronym="CNDH")
    sevare = SessionFactory()
    segou = SessionFactory(workshop=sevare.workshop)
    trainer = UserFactory(username="formateur", role="trainer")
    # Hashed as headquarters does (the tests' own hasher is a fast one the laptop does not have).
    hasher = Argon2PasswordHasher()
    trainer.password = hasher.encode(PASSWORD, hasher.salt())
    trainer.save()
    UserFactory(username="autre", role="trainer")
    sevare.trainers.add(trainer)
    for name in ("Diarra", "Traoré"):
        enrollment = EnrollmentFactory(session=sevare, person=PersonFactory(last_name=name))
        AttendanceFactory(enrollment=enrollment)
    EnrollmentFactory(session=segou, person=PersonFactory(last_name="Keïta"))
    return sevare, segou


def _kit(tmp_path: Path, session: Session, **extra: Any) -> Path:
    destination = tmp_path / "kit.kkit"
    kit_create(sessions=[session], by=None, passphrase=PASSPHRASE, destination=destination, **extra)
    return destination


def _rows(kit: Path, tmp_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
    folder = tmp_path / "read"
    folder.mkdir()
    manifest, content = _read(kit, PASSPHRASE, folder)
    lines = (content / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    accounts = json.loads((content / "accounts.json").read_text(encoding="utf-8"))
    return manifest, [json.loads(line) for line in lines], accounts


def test_a_kit_carries_its_sessions_people_and_trainers_and_nothing_else(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    sevare, _segou = sessions
    manifest, rows, accounts = _rows(_kit(tmp_path, sevare), tmp_path)

    persons = {row["f"]["last_name"] for row in rows if row["m"] == "people.Person"}
    assert persons == {"Diarra", "Traoré"}  # not Keïta, of the session left at headquarters
    session_uids = {row["uid"] for row in rows if row["m"] == "workshops.Session"}
    assert session_uids == {str(sevare.uid)} and manifest["sessions"] == [str(sevare.uid)]
    assert len([row for row in rows if row["m"] == "workshops.Attendance"]) == 2
    assert [account["username"] for account in accounts] == ["formateur"]
    assert accounts[0]["password"] == User.objects.get(username="formateur").password
    # A foreign key travels as the global id of the row it points at.
    enrollment = next(row for row in rows if row["m"] == "workshops.Enrollment")
    assert enrollment["f"]["session"] == str(sevare.uid)
    assert manifest["counts"]["people.Person"] == 2
    kit = FieldKit.objects.get(uid=manifest["kit"])
    assert (kit.persons, list(kit.sessions.all())) == (2, [sevare])
    assert manifest["bundle_key"] == kit.bundle_key and len(kit.bundle_key) == 64


def test_headquarters_numbers_past_the_block_the_kit_took(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    sevare, segou = sessions
    manifest, _rows_read, _accounts = _rows(_kit(tmp_path, sevare), tmp_path)

    blocks = {b["prefix"]: (b["first"], b["last"]) for b in manifest["blocks"]}
    # Two enrolled + a margin of 20 certificates; 10 statements.
    assert blocks == {"CNDH-2022-": (1, 22), "EP-2022-": (1, 10)}
    assert NumberBlock.objects.filter(local=False, kit_uid=manifest["kit"]).count() == 2
    AttendanceFactory(enrollment=segou.enrollments.get(), day=segou.start_date + dt_days(1))
    AttendanceFactory(enrollment=segou.enrollments.get(), day=segou.start_date + dt_days(2))
    AttendanceFactory(enrollment=segou.enrollments.get(), day=segou.start_date)
    [issued] = certificates_issue(session=segou, by=None)
    assert issued.number == "CNDH-2022-0023"


def dt_days(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(days=n)


def test_a_kit_needs_a_session_and_known_accounts(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    with pytest.raises(FieldKitError) as none:
        kit_create(sessions=[], by=None, passphrase=PASSPHRASE, destination=tmp_path / "k")
    with pytest.raises(FieldKitError) as unknown:
        _kit(tmp_path, sessions[0], accounts=["personne"])
    assert (none.value.code, unknown.value.code) == ("no_session", "unknown_account")
    assert "personne" in str(unknown.value)
    assert not FieldKit.objects.exists() and not NumberBlock.objects.exists()


# --- the laptop ----------------------------------------------------------------------------

DUMP = (
    f"PASSWORD = {PASSWORD!r}"
    """
import json
from kalan.core.models import NumberBlock, User
from kalan.fieldkit.kit import KIT_MODELS
from kalan.fieldkit.models import FieldBase, FieldSite
print(json.dumps({
    "rows": {m._meta.label: sorted(str(u) for u in m.objects.values_list("uid", flat=True))
             for m, _s in KIT_MODELS},
    "password_ok": User.objects.get(username="formateur").check_password(PASSWORD),
    "accounts": sorted(User.objects.values_list("username", flat=True)),
    "blocks": sorted([b.prefix, b.first, b.last, b.local] for b in NumberBlock.objects.all()),
    "site": str(FieldSite.objects.get().kit_uid),
    "bases": FieldBase.objects.count(),
}))
"""
)


def _laptop(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KALAN_", "DJANGO_"))}
    env |= {"KALAN_DATA_DIR": str(folder), "KALAN_BACKUP_PASSPHRASE": PASSPHRASE}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kalan", *args], env=env, capture_output=True, text=True, check=False
    )


def test_a_kit_opens_on_a_fresh_laptop_with_the_rows_it_carries(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    sevare, _segou = sessions
    kit = _kit(tmp_path, sevare)
    manifest, rows, _accounts = _rows(kit, tmp_path)
    laptop = tmp_path / "laptop"

    opened = _laptop(laptop, "field", "open", str(kit))
    assert opened.returncode == 0, opened.stderr
    assert (
        "persons: 2" in opened.stdout
        and "numbers: CNDH-2022-0001 … CNDH-2022-0022" in opened.stdout
    )
    dumped = _laptop(laptop, "shell", "-c", DUMP)
    assert dumped.returncode == 0, dumped.stderr
    state = json.loads(dumped.stdout.strip().splitlines()[-1])

    carried: dict[str, list[str]] = {}
    for row in rows:
        carried.setdefault(row["m"], []).append(row["uid"])
    for model, _scope in KIT_MODELS:
        label = model._meta.label
        if label in {"core.Place", "people.Corps", "people.Rank", "people.ReferenceAlias"}:
            # The laptop's migrations wrote these lists too: the kit's rows took their place.
            assert set(carried.get(label, [])) <= set(state["rows"][label]), label
        else:
            assert state["rows"][label] == sorted(carried.get(label, [])), label
    assert state["password_ok"] is True and state["accounts"] == ["formateur"]
    assert state["blocks"] == [["CNDH-2022-", 1, 22, True], ["EP-2022-", 1, 10, True]]
    assert state["site"] == manifest["kit"] and state["bases"] == len(rows)
    assert Person.objects.count() == 3 and Attendance.objects.count() == 2  # HQ untouched


def test_a_laptop_refuses_a_wrong_passphrase_an_altered_or_truncated_kit_and_a_second_kit(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    kit = _kit(tmp_path, sessions[0])
    data = kit.read_bytes()
    altered, truncated = tmp_path / "altered.kkit", tmp_path / "truncated.kkit"
    altered.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
    truncated.write_bytes(data[: len(data) // 2])
    laptop = tmp_path / "laptop"

    wrong = _laptop(laptop, "field", "open", str(kit), "--passphrase-file", str(_file(tmp_path)))
    assert wrong.returncode != 0 and "Phrase secrète incorrecte" in wrong.stderr
    for bad in (altered, truncated):
        refused = _laptop(laptop, "field", "open", str(bad))
        assert refused.returncode != 0 and "altérée ou tronquée" in refused.stderr, bad.name
    empty = _laptop(
        laptop,
        "shell",
        "-c",
        "from kalan.people.models import Person; print(Person.objects.count())",
    )
    assert empty.stdout.strip().splitlines()[-1] == "0"

    assert _laptop(laptop, "field", "open", str(kit)).returncode == 0
    again = _laptop(laptop, "field", "open", str(kit))
    assert again.returncode != 0 and "dossier de données neuf" in again.stderr


def _file(tmp_path: Path) -> Path:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("pas la bonne\n", encoding="utf-8")
    return wrong


def test_a_laptop_gives_certificate_numbers_from_its_block_only(
    sessions: tuple[Session, Session], tmp_path: Path
) -> None:
    kit = _kit(tmp_path, sessions[0])
    laptop = tmp_path / "laptop"
    assert _laptop(laptop, "field", "open", str(kit)).returncode == 0
    issued = _laptop(
        laptop,
        "shell",
        "-c",
        "from kalan.workshops.models import Session, Attendance\n"
        "from kalan.certificates.services import certificates_issue\n"
        "import datetime as dt\n"
        "s = Session.objects.get()\n"
        "for e in s.enrollments.all():\n"
        "    for n in (1, 2):\n"
        "        day = s.start_date + dt.timedelta(days=n)\n"
        "        Attendance.objects.create(enrollment=e, day=day, half=s.halves[0])\n"
        "print(sorted(c.number for c in certificates_issue(session=s, by=None)))",
    )
    assert issued.returncode == 0, issued.stderr
    assert issued.stdout.strip().splitlines()[-1] == "['CNDH-2022-0001', 'CNDH-2022-0002']"
    assert not Certificate.objects.exists()  # headquarters gave none of them
