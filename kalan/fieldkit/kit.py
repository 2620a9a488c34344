"""A field kit: one or more sessions taken from headquarters to a venue laptop with no network.

``kit_create`` (headquarters) writes one file: a tar of ``manifest.json``, ``rows.jsonl`` (one
row per line, ``kalan.fieldkit.rows``) and the files the rows point at under ``media/``,
encrypted and authenticated with the passphrase as a backup is (``kalan.core.backup``:
scrypt, AES-256-GCM in chunks; a changed, reordered or truncated byte fails the whole opening).
It holds what the sessions need and nothing else of the registry:

- the reference data (organisation and signatories, places, partners, corps, ranks, units,
  their spellings) and the question bank: institutional lists, no one's personal data;
- the sessions with their workshop, objectives, funding, axis and plan;
- the persons enrolled in them (not their postings history), their enrollments, attendance,
  tests, copies and answers, certificates, payment statements, commitment windows,
  commitments and relay codes, and what higher apps register (photos, press releases);
- the accounts of the sessions' trainers, and those the programme officer names, with their
  password hash and authenticator keys, so that they sign in on the laptop as at headquarters;
- for each numbering series of the sessions (certificates, statements), a block of numbers
  that headquarters will no longer give (``kalan.core.numbering``);
- the key of the return bundle, random, kept by headquarters (``FieldKit``) and the laptop.

``kit_open`` (the laptop) creates all of it in one transaction on a machine that holds no
programme yet, with the global ids it carries.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalan.assessments.models import (
    Answer,
    Choice,
    CurriculumObjective,
    Module,
    Question,
    Submission,
    Test,
    TestQuestion,
)
from kalan.certificates.models import Certificate
from kalan.certificates.services import number_prefix as certificate_prefix
from kalan.core.audit import audit_record
from kalan.core.backup import decrypt_file, encrypt_file
from kalan.core.errors import KalanError
from kalan.core.models import (
    AuditEntry,
    GlobalModel,
    NumberBlock,
    Organisation,
    Partner,
    Place,
    Signatory,
    User,
)
from kalan.core.numbering import sequence_next, sequence_of
from kalan.fieldkit.models import FieldBase, FieldKit, FieldSite
from kalan.fieldkit.rows import (
    Keys,
    Row,
    UnknownReference,
    files_of,
    fingerprint,
    rows_create,
    rows_of,
)
from kalan.finance.models import PaymentStatement
from kalan.finance.statements import number_prefix as statement_prefix
from kalan.people.models import Corps, Person, Rank, ReferenceAlias, Unit
from kalan.plans.models import Axis, StrategicPlan
from kalan.relays.models import Commitment, CommitmentWindow, RelayCode
from kalan.workshops.models import Attendance, Enrollment, Funding, Objective, Session, Workshop

FORMAT = "kalan-field-kit"
VERSION = 1
SUFFIX = ".kkit"
MEDIA = "media"
# Numbers set aside per session: every enrolled person may earn a certificate, plus walk-ins;
# a statement may be issued again after a correction.
CERTIFICATE_MARGIN = 20
STATEMENTS_PER_SESSION = 10

Scope = Callable[[list[int]], QuerySet[Any]]


class FieldKitError(KalanError):
    """A kit cannot be made or opened: no session, wrong passphrase, a laptop already in use…"""


def _by_session(path: str) -> Scope:
    return lambda sessions: {f"{path}__in": sessions}  # type: ignore[return-value]


# The models a kit carries, in the order they are created (what a row points at comes first),
# each with the rows of the kit's sessions (their pks). Higher apps add theirs
# (``kit_models_register``).
KIT_MODELS: list[tuple[type[GlobalModel], Scope]] = [
    (Place, lambda s: Place.objects.all()),
    (Organisation, lambda s: Organisation.objects.all()),
    (Signatory, lambda s: Signatory.objects.all()),
    (Partner, lambda s: Partner.objects.all()),
    (Corps, lambda s: Corps.objects.all()),
    (Rank, lambda s: Rank.objects.all()),
    (Unit, lambda s: Unit.objects.all()),
    (ReferenceAlias, lambda s: ReferenceAlias.objects.all()),
    (StrategicPlan, lambda s: StrategicPlan.objects.filter(axes__workshops__sessions__in=s)),
    (Axis, lambda s: Axis.objects.filter(workshops__sessions__in=s)),
    (Workshop, lambda s: Workshop.objects.filter(sessions__in=s)),
    (Objective, lambda s: Objective.objects.filter(workshop__sessions__in=s)),
    (Funding, lambda s: Funding.objects.filter(workshop__sessions__in=s)),
    (Session, lambda s: Session.objects.filter(pk__in=s)),
    (Person, lambda s: Person.objects.filter(enrollments__session__in=s)),
    (Enrollment, lambda s: Enrollment.objects.filter(session__in=s)),
    (Attendance, lambda s: Attendance.objects.filter(enrollment__session__in=s)),
    (CurriculumObjective, lambda s: CurriculumObjective.objects.all()),
    (Module, lambda s: Module.objects.all()),
    (Question, lambda s: Question.objects.all()),
    (Choice, lambda s: Choice.objects.all()),
    (Test, lambda s: Test.objects.filter(session__in=s)),
    (TestQuestion, lambda s: TestQuestion.objects.filter(test__session__in=s)),
    (Submission, lambda s: Submission.objects.filter(test__session__in=s)),
    (Answer, lambda s: Answer.objects.filter(submission__test__session__in=s)),
    (Certificate, lambda s: Certificate.objects.filter(enrollment__session__in=s)),
    (PaymentStatement, lambda s: PaymentStatement.objects.filter(session__in=s)),
    (CommitmentWindow, lambda s: CommitmentWindow.objects.filter(session__in=s)),
    (Commitment, lambda s: Commitment.objects.filter(enrollment__session__in=s)),
    (RelayCode, lambda s: RelayCode.objects.filter(enrollment__session__in=s)),
]
USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "password", "is_active")
DEVICE_FIELDS = ("name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift")


def kit_models_register(model: type[GlobalModel], scope: Scope) -> None:
    """A higher app's model that a kit carries (rows of the sessions ``scope`` selects)."""
    if all(known is not model for known, _scope in KIT_MODELS):
        KIT_MODELS.append((model, scope))


def kit_model(label: str) -> type[GlobalModel] | None:
    return next((m for m, _scope in KIT_MODELS if m._meta.label == label), None)


@dataclass(frozen=True)
class KitResult:
    path: Path
    kit: FieldKit
    rows: int
    persons: int
    files: int
    size: int


@dataclass(frozen=True)
class OpenResult:
    label: str
    sessions: list[str]
    rows: int
    persons: int
    accounts: list[str]
    blocks: list[str]


def default_kit_name(sessions: Sequence[Session]) -> str:
    """« kalan-kit-sevare-20221107-0930.kkit »: letters, digits and dashes only (Windows-safe)."""
    place = "-".join(_slug(str(s.place)) for s in sessions[:2]) or "sessions"
    return f"kalan-kit-{place}-{timezone.localtime():%Y%m%d-%H%M}{SUFFIX}"


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")[:30] or "lieu"


def _accounts(sessions: Sequence[Session], usernames: Iterable[str]) -> list[User]:
    wanted = set(usernames)
    found = {u.username: u for u in User.objects.filter(username__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise FieldKitError(
            _("Compte inconnu : %(names)s.") % {"names": ", ".join(missing)},
            code="unknown_account",
            field="accounts",
        )
    trainers = User.objects.filter(assigned_sessions__in=[s.pk for s in sessions])
    return sorted({*trainers, *found.values()}, key=lambda u: u.username)


def _blocks(sessions: Sequence[Session]) -> list[tuple[str, int]]:
    """(series, how many numbers) the sessions may need at the venue."""
    wanted: dict[str, int] = {}
    for session in sessions:
        enrolled = session.enrollments.count()
        for prefix, count in (
            (certificate_prefix(session=session), enrolled + CERTIFICATE_MARGIN),
            (statement_prefix(session=session), STATEMENTS_PER_SESSION),
        ):
            wanted[prefix] = wanted.get(prefix, 0) + count
    return sorted(wanted.items())


def _taken(prefix: str) -> list[int]:
    numbers = [
        *Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True),
        *PaymentStatement.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        ),
    ]
    return [n for n in (sequence_of(number, prefix) for number in numbers) if n is not None]


@transaction.atomic
def kit_create(
    *,
    sessions: Sequence[Session],
    by: User | None,
    passphrase: str,
    destination: Path,
    accounts: Iterable[str] = (),
) -> KitResult:
    """Write the kit of ``sessions`` to ``destination`` and record it (``FieldKit``).

    Raises FieldKitError: ``no_session``, ``unknown_account``.
    """
    if not sessions:
        raise FieldKitError(_("Choisissez au moins une session."), code="no_session")
    # One kit at a time: two kits made at once must not set aside the same numbers.
    Organisation.objects.select_for_update().order_by("pk").first()
    users = _accounts(sessions, accounts)
    pks = [s.pk for s in sessions]
    label = _("Kit — %(sessions)s") % {
        "sessions": ", ".join(f"{s.place} {s.start_date:%d/%m/%Y}" for s in sessions)
    }
    kit = FieldKit.objects.create(label=label[:200], issued_by=by, bundle_key=secrets.token_hex(32))
    kit.sessions.set(sessions)
    blocks = []
    for prefix, count in _blocks(sessions):
        first = sequence_next(prefix=prefix, taken=_taken(prefix))
        blocks.append(
            NumberBlock.objects.create(
                prefix=prefix,
                first=first,
                last=first + count - 1,
                holder=label[:200],
                kit_uid=kit.uid,
            )
        )
    counts: dict[str, int] = {}
    files: set[str] = set()
    named: set[str] = set()  # the accounts the rows name (who marked, who issued…)
    with tempfile.TemporaryDirectory(prefix="kalan-kit-") as folder:
        plain = Path(folder) / "kit.tar"
        with tarfile.open(plain, "w") as archive:
            lines = io.BytesIO()
            for model, scope in KIT_MODELS:
                objects = list(model._default_manager.filter(pk__in=scope(pks).values("pk")))
                user_fields = [
                    f.name
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model is User
                ]
                for row in rows_of(model, objects):
                    lines.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
                    files.update(files_of(model, row))
                    named.update(row["f"][name] for name in user_fields if row["f"][name])
                counts[model._meta.label] = len(objects)
            lines.write(b"")
            tar_add(archive, "rows.jsonl", lines.getvalue())
            tar_add(
                archive,
                "accounts.json",
                json.dumps(_account_rows(users, named), ensure_ascii=False).encode("utf-8"),
            )
            media = Path(settings.MEDIA_ROOT)
            for name in sorted(files):
                if (media / name).is_file():
                    archive.add(media / name, arcname=f"{MEDIA}/{name}")
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "kit": str(kit.uid),
                "label": kit.label,
                "headquarters": str(Organisation.objects.order_by("pk").first() or ""),
                "issued_at": kit.created_at.isoformat(),
                "issued_by": by.username if by else "",
                "sessions": [str(s.uid) for s in sessions],
                "blocks": [{"prefix": b.prefix, "first": b.first, "last": b.last} for b in blocks],
                "bundle_key": kit.bundle_key,
                "counts": counts,
            }
            tar_add(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
        destination.parent.mkdir(parents=True, exist_ok=True)
        with plain.open("rb") as source, destination.open("wb") as target:
            encrypt_file(source, target, passphrase=passphrase)
    kit.rows = sum(counts.values())
    kit.persons = counts[Person._meta.label]
    kit.save(update_fields=["rows", "persons", "updated_at"])
    audit_record(
        action=AuditEntry.Action.EXPORT,
        obj=kit,
        detail={"sessions": [str(s) for s in sessions], "persons": kit.persons, "rows": kit.rows},
    )
    return KitResult(
        path=destination,
        kit=kit,
        rows=kit.rows,
        persons=kit.persons,
        files=len(files),
        size=destination.stat().st_size,
    )


def tar_add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _account_rows(users: Sequence[User], named: set[str]) -> list[dict[str, Any]]:
    """The accounts carried, and the others the rows name as placeholders: their name only,
    switched off, no password and no role, so that « marqué par » still says who on the laptop
    and a row comes back pointing at the same account."""
    devices: dict[int, list[dict[str, Any]]] = {}
    for device in TOTPDevice.objects.filter(user__in=users):
        devices.setdefault(device.user_id, []).append(
            {name: getattr(device, name) for name in DEVICE_FIELDS}
        )
    carried = [
        {**{name: getattr(u, name) for name in USER_FIELDS}, "devices": devices.get(u.pk, [])}
        for u in users
    ]
    others = User.objects.filter(username__in=named - {u.username for u in users})
    placeholders = [
        {
            "username": u.username,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "email": "",
            "role": "",
            "password": "!",  # unusable: Django's own mark for "no password"
            "is_active": False,
            "devices": [],
        }
        for u in others.order_by("username")
    ]
    return carried + placeholders


# --- the laptop ------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and ".." not in path.parts
        and ":" not in name
        and (name in {"manifest.json", "rows.jsonl", "accounts.json"} or path.parts[0] == MEDIA)
    )


def _read(source: Path, passphrase: str, folder: Path) -> tuple[dict[str, Any], Path]:
    plain = folder / "kit.tar"
    try:
        with source.open("rb") as encrypted, plain.open("wb") as target:
            decrypt_file(encrypted, target, passphrase=passphrase)
    except OSError as error:
        raise FieldKitError(
            _("Kit illisible : %(error)s") % {"error": error.strerror}, code="unreadable"
        ) from None
    with tarfile.open(plain) as archive:
        members = archive.getmembers()
        bad = [m.name for m in members if not _safe_member(m.name) or not (m.isfile())]
        if bad:
            raise FieldKitError(
                _("Kit refusé : il contient « %(name)s », qui n’a rien à y faire.")
                % {"name": bad[0]},
                code="not_a_kit",
            )
        archive.extractall(folder / "content", filter="data")
    content = folder / "content"
    try:
        manifest = json.loads((content / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise FieldKitError(_("Ce fichier n’est pas un kit de terrain Kalan."), code="not_a_kit")
    return manifest, content


def _laptop_in_use() -> bool:
    return (
        FieldSite.objects.exists()
        or Session.objects.exists()
        or Person.objects.exists()
        or Workshop.objects.exists()
    )


def kit_open(*, source: Path, passphrase: str) -> OpenResult:
    """Create the kit's sessions, persons, accounts and number blocks on this laptop.

    All or nothing. Raises FieldKitError: ``not_a_kit``, ``wrong_passphrase`` (or an altered
    or truncated file), ``laptop_in_use`` (this machine already holds a programme: a kit opens
    on a fresh data folder only), ``unknown_reference`` (a row points at nothing).
    """
    with tempfile.TemporaryDirectory(prefix="kalan-kit-") as name:
        folder = Path(name)
        try:
            manifest, content = _read(source, passphrase, folder)
        except KalanError as error:
            if isinstance(error, FieldKitError):
                raise
            raise FieldKitError(error.message, code=error.code) from None
        with transaction.atomic():
            if _laptop_in_use():
                raise FieldKitError(
                    _(
                        "Ce poste contient déjà des sessions ou des personnes : un kit s’ouvre "
                        "sur un dossier de données neuf (KALAN_DATA_DIR)."
                    ),
                    code="laptop_in_use",
                )
            accounts = _accounts_create(json.loads((content / "accounts.json").read_text("utf-8")))
            rows = _rows_create(content / "rows.jsonl")
            for block in manifest["blocks"]:
                NumberBlock.objects.create(
                    prefix=block["prefix"],
                    first=block["first"],
                    last=block["last"],
                    local=True,
                    holder=manifest["label"][:200],
                    kit_uid=manifest["kit"],
                )
            FieldSite.objects.create(
                kit_uid=manifest["kit"],
                label=manifest["label"][:200],
                headquarters=manifest["headquarters"][:200],
                bundle_key=manifest["bundle_key"],
                issued_at=dt.datetime.fromisoformat(manifest["issued_at"]),
            )
            _media_copy(content / MEDIA)
            audit_record(
                action=AuditEntry.Action.FIELD_OPEN,
                obj=FieldSite.objects.get(),
                detail={"rows": rows, "accounts": accounts},
            )
    sessions = Session.objects.filter(uid__in=manifest["sessions"])
    return OpenResult(
        label=manifest["label"],
        sessions=[str(s) for s in sessions],
        rows=rows,
        persons=manifest["counts"].get(Person._meta.label, 0),
        accounts=accounts,
        blocks=[
            f"{b['prefix']}{b['first']:04d} … {b['prefix']}{b['last']:04d}"
            for b in manifest["blocks"]
        ],
    )


def _accounts_create(rows: list[dict[str, Any]]) -> list[str]:
    """The accounts the kit carries; returns those that may sign in (not the placeholders)."""
    for row in rows:
        user = User(**{name: row[name] for name in USER_FIELDS})
        user.save()
        for device in row["devices"]:
            TOTPDevice.objects.create(user=user, **{n: device[n] for n in DEVICE_FIELDS})
    return [row["username"] for row in rows if row["is_active"]]


def _rows_create(path: Path) -> int:
    grouped: dict[str, list[Row]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            grouped.setdefault(row["m"], []).append(row)
    keys = Keys()
    created = 0
    bases: list[FieldBase] = []
    for model, _scope in KIT_MODELS:
        rows = grouped.pop(model._meta.label, [])
        if not rows:
            continue
        try:
            objects = rows_create(model, rows, keys)
        except UnknownReference as error:
            raise FieldKitError(
                _("Kit incohérent : %(model)s « %(field)s » renvoie à une ligne absente.")
                % {"model": model._meta.verbose_name, "field": error.field},
                code="unknown_reference",
            ) from None
        created += len(objects)
        # The base is the row as this laptop stores it (a link to a row the kit did not carry
        # is empty here), so that only what the laptop changes afterwards differs from it.
        for row in rows_of(model, objects):
            bases.append(
                FieldBase(model=row["m"], uid=row["uid"], fingerprint=fingerprint(row), row=row)
            )
    if grouped:
        raise FieldKitError(
            _("Kit d’une autre version de Kalan : lignes de « %(model)s » inconnues.")
            % {"model": next(iter(grouped))},
            code="not_a_kit",
        )
    FieldBase.objects.bulk_create(bases, batch_size=1000)
    return created


def _media_copy(source: Path) -> None:
    if not source.is_dir():
        return
    target = Path(settings.MEDIA_ROOT)
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
