"""The return bundle: what a venue laptop changed, brought back to headquarters without loss.

**On the laptop** ``bundle_create`` compares every row of the kit's models with the row as the kit
brought it (``FieldBase``) and writes one entry per difference: a row the laptop created
(``new``), changed (``change``, with the base) or deleted (``delete``, the base), the files those
rows point at, and the laptop's audit entries. The tar is sealed with the kit's own random key
(AES-256-GCM, the STREAM construction of ``kalan.core.backup``): the file header names the kit in
clear, so that headquarters knows which key opens it; only headquarters and the laptop hold it.

**At headquarters** ``bundle_import`` refuses, with the reason and nothing imported, a bundle of a
kit it never issued, one altered or truncated (the key's check fails), and one whose sessions it
has deleted since. Then it plans every entry, field by field, against the base:

- a field the laptop changed and headquarters did not is taken; one both changed to the same
  value is nothing to do; one both changed differently is a **conflict**, shown side by side and
  decided (``decisions``: ``field`` takes the laptop's value, ``hq`` keeps headquarters');
- a person created at the venue is matched against the registry as a list import matches (the
  service number in its corps, else the same name and corps): found once and surely, it is that
  person (headquarters' record is kept, its empty fields filled); a holder of the number under
  another name, or likely namesakes, wait for a **decision** (``new``, or the uid of the person);
- a row deleted at the venue is deleted if headquarters left it as it was, else it is a conflict.

While a decision is missing nothing is written: ``ReturnResult.pending`` lists what to decide.
Decided, everything is applied in one transaction, the bundle's id is recorded
(``FieldReturn``) and a second import of the same bundle changes nothing; the laptop's audit
entries join the journal under their author's name and the machine's. A later bundle of the same
laptop carries its earlier changes again, each row beside the version its last bundle carried
(``FieldSent``): headquarters that holds that version takes the newer one, and one that holds
it already has nothing to do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import struct
import tarfile
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalan.core.audit import audit_record
from kalan.core.backup import stream_decrypt, stream_encrypt
from kalan.core.models import AuditEntry, GlobalModel, User
from kalan.fieldkit.kit import KIT_MODELS, MEDIA, FieldKitError, kit_model, tar_add
from kalan.fieldkit.models import FieldBase, FieldKit, FieldReturn, FieldSent, FieldSite
from kalan.fieldkit.rows import (
    TIMES,
    Keys,
    Row,
    UnknownReference,
    files_of,
    fingerprint,
    rows_create,
    rows_of,
)
from kalan.people.duplicates import registry_index
from kalan.people.identity import LIKELY, NameIndex, name_key, name_similarity
from kalan.people.models import Person
from kalan.workshops.importing.plan import SAME_NAME

MAGIC = b"KALANRET"
VERSION = 1
HEADER = struct.Struct(">8sB16s7s")  # magic, version, the kit's uid, nonce prefix
FORMAT = "kalan-field-return"
SUFFIX = ".kret"
FILL_BLANKS = ("phone", "email", "birth_date", "service_number")


class BundleError(FieldKitError):
    """A return bundle cannot be made or is refused: unknown kit, altered, session deleted…"""


# --- the laptop ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleResult:
    path: Path
    new: int
    changed: int
    deleted: int
    files: int
    audit: int
    size: int


def default_bundle_name(site: FieldSite) -> str:
    """« kalan-retour-20221110-1730.kret »: letters, digits and dashes only (Windows-safe)."""
    return f"kalan-retour-{timezone.localtime():%Y%m%d-%H%M}{SUFFIX}"


def bundle_create(*, destination: Path, machine: str = "") -> BundleResult:
    """Write what this laptop changed since it opened its kit. Raises BundleError ``no_kit``."""
    site = FieldSite.objects.first()
    if site is None:
        raise BundleError(
            _("Ce poste n’a ouvert aucun kit de terrain : il n’a rien à rapporter."), code="no_kit"
        )
    bases: dict[tuple[str, str], FieldBase] = {
        (b.model, str(b.uid)): b for b in FieldBase.objects.all()
    }
    sent: dict[tuple[str, str], Row] = {
        (s.model, str(s.uid)): s.row for s in FieldSent.objects.all()
    }
    entries: list[dict[str, Any]] = []
    files: set[str] = set()
    counts = {"new": 0, "change": 0, "delete": 0}
    for model, _scope in KIT_MODELS:
        label = model._meta.label
        here = rows_of(model, list(model._default_manager.all()))
        seen = set()
        for row in here:
            seen.add(row["uid"])
            base = bases.get((label, row["uid"]))
            if base is None:
                entries.append({"op": "new", "row": row})
            elif base.fingerprint != fingerprint(row):
                entries.append({"op": "change", "row": row, "base": base.row})
            else:
                continue
            earlier = sent.get((label, row["uid"]))
            if earlier is not None:
                entries[-1]["sent"] = earlier
            counts[entries[-1]["op"]] += 1
            files.update(files_of(model, row))
        for (base_label, uid), base in bases.items():
            if base_label == label and uid not in seen:
                entries.append({"op": "delete", "base": base.row})
                if (label, uid) in sent:
                    entries[-1]["sent"] = sent[(label, uid)]
                counts["delete"] += 1
    journal = _journal(since=site.opened_at)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "bundle": str(uuid.uuid4()),
        "kit": str(site.kit_uid),
        "machine": (machine or platform.node() or "?")[:100],
        "made_at": timezone.now().isoformat(),
        "sessions": [],
        "counts": counts,
    }
    from kalan.workshops.models import Session

    manifest["sessions"] = [str(u) for u in Session.objects.values_list("uid", flat=True)]
    key = bytes.fromhex(site.bundle_key)
    with tempfile.TemporaryDirectory(prefix="kalan-retour-") as folder:
        plain = Path(folder) / "bundle.tar"
        with tarfile.open(plain, "w") as archive:
            tar_add(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
            lines = b"".join(
                json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n" for entry in entries
            )
            tar_add(archive, "entries.jsonl", lines)
            tar_add(archive, "audit.json", json.dumps(journal, ensure_ascii=False).encode("utf-8"))
            media = Path(settings.MEDIA_ROOT)
            for name in sorted(files):
                if (media / name).is_file():
                    archive.add(media / name, arcname=f"{MEDIA}/{name}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        prefix = os.urandom(7)
        header = HEADER.pack(MAGIC, VERSION, site.kit_uid.bytes, prefix)
        with plain.open("rb") as source, destination.open("wb") as target:
            target.write(header)
            stream_encrypt(source, target, aead=AESGCM(key), prefix=prefix, header=header)
    _sent_remember(entries)
    return BundleResult(
        path=destination,
        new=counts["new"],
        changed=counts["change"],
        deleted=counts["delete"],
        files=len(files),
        audit=len(journal),
        size=destination.stat().st_size,
    )


@transaction.atomic
def _sent_remember(entries: Sequence[dict[str, Any]]) -> None:
    """What this bundle carried, for the next one to send beside its rows (``FieldSent``)."""
    FieldSent.objects.all().delete()
    FieldSent.objects.bulk_create(
        (
            FieldSent(model=entry["row"]["m"], uid=entry["row"]["uid"], row=entry["row"])
            for entry in entries
            if "row" in entry
        ),
        batch_size=1000,
    )


def _journal(*, since: dt.datetime) -> list[dict[str, Any]]:
    """The laptop's audit entries since the kit was opened, as headquarters will keep them."""
    entries = AuditEntry.objects.filter(at__gte=since).order_by("pk")
    return [
        {
            "id": entry.pk,
            "at": entry.at.isoformat(),
            "actor": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_uid": str(entry.object_uid) if entry.object_uid else None,
            "object_repr": entry.object_repr,
            "changes": entry.changes,
            "detail": entry.detail,
        }
        for entry in entries
    ]


# --- headquarters -----------------------------------------------------------------------------


@dataclass
class Pending:
    """One thing to decide before the bundle is applied. ``key`` is what ``decisions`` takes."""

    key: str
    kind: str  # "conflict", "deleted_here", "person"
    model: str
    what: str
    column: str = ""
    headquarters: Any = None
    laptop: Any = None
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ReturnResult:
    kit: FieldKit
    machine: str
    already: bool = False
    pending: list[Pending] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    persons_matched: int = 0
    audit: int = 0
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return not self.pending and not self.already and not self.dry_run


@dataclass
class _Plan:
    creates: dict[str, list[Row]] = field(default_factory=dict)
    updates: list[tuple[type[GlobalModel], int, dict[str, Any], dict[str, list[str]]]] = field(
        default_factory=list
    )
    deletes: list[tuple[type[GlobalModel], int]] = field(default_factory=list)
    fills: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    unchanged: int = 0
    matched: int = 0
    # Walk-ins decided new whose service number another person of the corps holds: created
    # without it (the registry's holder keeps it; the number is written again once checked).
    numberless: set[str] = field(default_factory=set)


def _open(source: Path, folder: Path) -> tuple[FieldKit, dict[str, Any], Path]:
    try:
        with source.open("rb") as encrypted:
            header = encrypted.read(HEADER.size)
            if len(header) < HEADER.size or not header.startswith(MAGIC):
                raise BundleError(
                    _("Ce fichier n’est pas un retour de kit de terrain Kalan."),
                    code="not_a_bundle",
                )
            _magic, version, kit_bytes, prefix = HEADER.unpack(header)
            kit = FieldKit.objects.filter(uid=uuid.UUID(bytes=kit_bytes)).first()
            if version != VERSION or kit is None:
                raise BundleError(
                    _("Ce retour vient d’un kit que ce siège n’a pas émis : il est refusé."),
                    code="unknown_kit",
                )
            plain = folder / "bundle.tar"
            with plain.open("wb") as target:
                sound = stream_decrypt(
                    encrypted,
                    target,
                    aead=AESGCM(bytes.fromhex(kit.bundle_key)),
                    prefix=prefix,
                    header=header,
                )
    except OSError as error:
        raise BundleError(
            _("Retour illisible : %(error)s") % {"error": error.strerror}, code="unreadable"
        ) from None
    if not sound:
        raise BundleError(
            _("Retour altéré ou tronqué : il est refusé, rien n’a été importé."), code="tampered"
        )
    with tarfile.open(plain) as archive:
        members = archive.getmembers()
        if any(not _safe(m.name) or not m.isfile() for m in members):
            raise BundleError(_("Retour refusé : contenu inattendu."), code="not_a_bundle")
        archive.extractall(folder / "content", filter="data")
    content = folder / "content"
    manifest = json.loads((content / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("kit") != str(kit.uid):
        raise BundleError(_("Ce fichier n’est pas un retour de ce kit."), code="not_a_bundle")
    return kit, manifest, content


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and ":" not in name
        and (name in {"manifest.json", "entries.jsonl", "audit.json"} or path.parts[0] == MEDIA)
    )


def bundle_import(
    *,
    source: Path,
    by: User | None = None,
    decisions: dict[str, str] | None = None,
    dry_run: bool = False,
) -> ReturnResult:
    """Take a laptop's return bundle back (module docstring). Raises BundleError: ``not_a_bundle``,
    ``unknown_kit``, ``tampered``, ``session_deleted``, ``unknown_reference``, ``collision``.

    ``dry_run``: everything is applied, counted, then rolled back: the preview of what the
    import would do (``ReturnResult.dry_run``), with the same refusals as the import itself.
    """
    decisions = decisions or {}
    with tempfile.TemporaryDirectory(prefix="kalan-retour-") as name:
        kit, manifest, content = _open(source, Path(name))
        result = ReturnResult(kit=kit, machine=str(manifest.get("machine", "")))
        if FieldReturn.objects.filter(uid=manifest["bundle"]).exists():
            result.already = True
            return result
        _sessions_check(manifest)
        entries = [
            json.loads(line)
            for line in (content / "entries.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        with transaction.atomic():
            plan = _plan(entries, decisions)
            result.pending = plan.pending
            if plan.pending:
                return result
            _apply(plan, content / MEDIA, result)
            result.audit = _journal_join(
                json.loads((content / "audit.json").read_text(encoding="utf-8")),
                kit=kit,
                machine=result.machine,
            )
            if dry_run:
                result.dry_run = True
                transaction.set_rollback(True)
                return result
            FieldReturn.objects.create(
                uid=manifest["bundle"],
                kit=kit,
                machine=result.machine[:200],
                imported_by=by,
                counts=manifest.get("counts", {}),
            )
            audit_record(
                action=AuditEntry.Action.FIELD_RETURN,
                obj=kit,
                actor=by,
                detail={
                    "machine": result.machine,
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                    "persons_matched": result.persons_matched,
                },
            )
    return result


def _sessions_check(manifest: dict[str, Any]) -> None:
    from kalan.workshops.models import Session

    wanted = set(manifest.get("sessions", []))
    here = {str(u) for u in Session.objects.filter(uid__in=wanted).values_list("uid", flat=True)}
    if wanted - here:
        raise BundleError(
            _(
                "Une session de ce kit a été supprimée au siège depuis son émission : le retour "
                "est refusé, rien n’a été importé. Restaurez la session ou traitez le retour "
                "avec l’administrateur."
            ),
            code="session_deleted",
        )


class _Translate:
    """Laptop global ids → headquarters' (a walk-in matched to a person of the registry)."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def row(self, row: Row) -> Row:
        if not self.map:
            return row
        values = {k: self.map.get(v, v) if isinstance(v, str) else v for k, v in row["f"].items()}
        many = {k: [self.map.get(v, v) for v in vs] for k, vs in row.get("mm", {}).items()}
        return {**row, "f": values, "mm": many}


def _plan(entries: Sequence[dict[str, Any]], decisions: dict[str, str]) -> _Plan:
    plan = _Plan()
    translate = _Translate()
    by_model: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        label = (entry.get("row") or entry["base"])["m"]
        by_model.setdefault(label, []).append(entry)
    unknown = [label for label in by_model if kit_model(label) is None]
    if unknown:
        raise BundleError(
            _("Retour d’une autre version de Kalan : lignes de « %(model)s » inconnues.")
            % {"model": unknown[0]},
            code="not_a_bundle",
        )
    persons = [e for e in by_model.get(Person._meta.label, []) if e["op"] == "new"]
    if persons:
        _persons_match(persons, decisions, plan, translate)
    for model, _scope in KIT_MODELS:
        label = model._meta.label
        model_entries = by_model.get(label, [])
        if not model_entries:
            continue
        uids = [uuid.UUID((e.get("row") or e["base"])["uid"]) for e in model_entries]
        here = {str(o.uid): o for o in model._default_manager.filter(uid__in=uids)}
        current = {row["uid"]: row for row in rows_of(model, list(here.values()))}
        for entry in model_entries:
            # The versions of the row the laptop had before: as the kit brought it, and as its
            # last bundle carried it (which headquarters may have imported already).
            earlier = [translate.row(entry[k]) for k in ("base", "sent") if k in entry]
            if entry["op"] == "new":
                if entry["row"]["uid"] in translate.map:
                    continue  # a walk-in found in the registry: headquarters' person stays
                row = translate.row(entry["row"])
                if row["uid"] in plan.numberless:
                    row = {**row, "f": {**row["f"], "service_number": ""}}
                if row["uid"] in current:  # brought by an earlier bundle
                    obj, hq = here[row["uid"]], current[row["uid"]]
                    _change(plan, model, obj, hq, row, earlier, decisions)
                else:
                    plan.creates.setdefault(label, []).append(row)
            elif entry["op"] == "change":
                row = translate.row(entry["row"])
                if row["uid"] not in current:
                    _deleted_here(plan, model, row, decisions)
                else:
                    obj, hq = here[row["uid"]], current[row["uid"]]
                    _change(plan, model, obj, hq, row, earlier, decisions)
            else:
                uid = entry["base"]["uid"]
                _delete(plan, model, here.get(uid), current.get(uid), earlier, decisions)
    return plan


def _what(model: type[models.Model], row: Row) -> str:
    return f"{model._meta.verbose_name} {row['uid'][:8]}"


def _change(
    plan: _Plan,
    model: type[GlobalModel],
    obj: GlobalModel,
    hq: Row,
    laptop: Row,
    earlier: Sequence[Row],
    decisions: dict[str, str],
) -> None:
    """Field by field, against the versions the laptop had before (``earlier``: the kit's, the
    last bundle's): headquarters still holding one of them takes the laptop's value; the laptop
    still holding one of them while headquarters changed it keeps headquarters'; both changed
    otherwise is a conflict."""
    values: dict[str, Any] = {}
    many: dict[str, list[str]] = {}
    for kind, mine, theirs in (
        ("f", laptop["f"], hq["f"]),
        ("mm", laptop.get("mm", {}), hq.get("mm", {})),
    ):
        for name, value in mine.items():
            if name in TIMES or theirs.get(name) == value:
                continue
            before = [row.get(kind, {}).get(name) for row in earlier]
            if theirs.get(name) in before:
                (values if kind == "f" else many)[name] = value
                continue
            if value in before:
                continue  # changed at headquarters only
            key = f"{laptop['uid']}:{name}"
            decided = decisions.get(key)
            if decided == "field":
                (values if kind == "f" else many)[name] = value
            elif decided != "hq":
                plan.pending.append(
                    Pending(
                        key=key,
                        kind="conflict",
                        model=model._meta.label,
                        what=_what(model, laptop),
                        column=str(getattr(model._meta.get_field(name), "verbose_name", name)),
                        headquarters=theirs.get(name),
                        laptop=value,
                        choices=[("hq", _("garder le siège")), ("field", _("prendre le terrain"))],
                    )
                )
    if values or many:
        plan.updates.append((model, obj.pk, values, many))
    else:
        plan.unchanged += 1


def _deleted_here(
    plan: _Plan, model: type[GlobalModel], row: Row, decisions: dict[str, str]
) -> None:
    """A row the laptop changed that headquarters deleted meanwhile: created again, or not."""
    key = f"{row['uid']}:"
    decided = decisions.get(key)
    if decided == "field":
        plan.creates.setdefault(model._meta.label, []).append(row)
    elif decided != "hq":
        plan.pending.append(
            Pending(
                key=key,
                kind="deleted_here",
                model=model._meta.label,
                what=_what(model, row),
                headquarters=_("supprimé au siège"),
                laptop=_("modifié sur le terrain"),
                choices=[("hq", _("laisser supprimé")), ("field", _("recréer"))],
            )
        )


def _delete(
    plan: _Plan,
    model: type[GlobalModel],
    obj: GlobalModel | None,
    hq: Row | None,
    earlier: Sequence[Row],
    decisions: dict[str, str],
) -> None:
    """A row the laptop deleted: deleted here too if headquarters holds it as the laptop had it."""
    if obj is None or hq is None:
        plan.unchanged += 1  # already gone here
        return
    key = f"{earlier[0]['uid']}:"
    decided = decisions.get(key)
    if fingerprint(hq) in {fingerprint(row) for row in earlier} or decided == "field":
        plan.deletes.append((model, obj.pk))
        return
    if decided == "hq":
        plan.unchanged += 1
        return
    plan.pending.append(
        Pending(
            key=key,
            kind="conflict",
            model=model._meta.label,
            what=_what(model, earlier[0]),
            headquarters=_("modifié au siège"),
            laptop=_("supprimé sur le terrain"),
            choices=[("hq", _("garder")), ("field", _("supprimer"))],
        )
    )


# --- persons created at the venue --------------------------------------------------------------


def _persons_match(
    entries: Sequence[dict[str, Any]],
    decisions: dict[str, str],
    plan: _Plan,
    translate: _Translate,
) -> None:
    """A walk-in may already be in the registry: the list import's rules find them again."""
    from kalan.people.models import Corps

    corps = {str(u): pk for pk, u in Corps.objects.values_list("pk", "uid")}
    rows = [entry["row"] for entry in entries]
    new_uids = {row["uid"] for row in rows}
    existing = set(
        str(u) for u in Person.objects.filter(uid__in=list(new_uids)).values_list("uid", flat=True)
    )
    rows = [row for row in rows if row["uid"] not in existing]  # imported before: not a walk-in
    if not rows:
        return
    holders = {
        (p.corps_id, p.service_number): p
        for p in Person.objects.filter(
            service_number__in=[
                r["f"].get("service_number") for r in rows if r["f"].get("service_number")
            ]
        ).exclude(service_number="")
    }
    index: NameIndex | None = None
    for row in rows:
        values = row["f"]
        corps_id = corps.get(values.get("corps") or "")
        key = name_key(values["last_name"], values["first_names"])
        number = values.get("service_number") or ""
        holder = holders.get((corps_id, number)) if number else None
        decided = decisions.get(row["uid"])
        if decided:
            if decided != "new":
                translate.map[row["uid"]] = decided
                plan.matched += 1
            elif holder is not None:
                plan.numberless.add(row["uid"])
            continue
        if holder is not None:  # the same person if named alike, as a list import decides
            if name_similarity(key, name_key(holder.last_name, holder.first_names)) >= SAME_NAME:
                _matched(plan, translate, row, holder)
            else:
                plan.pending.append(_person_pending(row, [holder]))
            continue
        if index is None:
            index = registry_index()
        found = index.candidates(
            last_name=values["last_name"],
            first_names=values["first_names"],
            corps_id=corps_id,
            birth_date=dt.date.fromisoformat(values["birth_date"])
            if values.get("birth_date")
            else None,
            service_number=number,
            min_score=LIKELY,
            limit=5,
        )
        if not found:
            continue  # nobody like them: created as new
        people = {p.pk: p for p in Person.objects.filter(pk__in=[pk for pk, _s in found])}
        sure = [
            people[pk]
            for pk, _score in found
            if name_key(people[pk].last_name, people[pk].first_names) == key
            and people[pk].corps_id == corps_id
            and not number
        ]
        if len(sure) == 1 and len(found) == 1:
            _matched(plan, translate, row, sure[0])
        else:
            plan.pending.append(_person_pending(row, [people[pk] for pk, _s in found]))


def _matched(plan: _Plan, translate: _Translate, row: Row, person: Person) -> None:
    translate.map[row["uid"]] = str(person.uid)
    plan.matched += 1
    blanks = {
        name: row["f"][name]
        for name in FILL_BLANKS
        if row["f"].get(name) and not getattr(person, name)
    }
    if blanks:
        plan.fills.append((person.pk, blanks))


def _person_pending(row: Row, candidates: Iterable[Person]) -> Pending:
    values = row["f"]
    return Pending(
        key=row["uid"],
        kind="person",
        model=Person._meta.label,
        what=f"{values['last_name'].upper()} {values['first_names']}",
        laptop={n: values.get(n) for n in ("service_number", "birth_date", "phone")},
        # A new person whose number another holds is created without it (``_Plan.numberless``).
        choices=[("new", _("nouvelle personne"))]
        + [(str(p.uid), f"{p} — {p.service_number or '—'}") for p in candidates],
    )


# --- applying -------------------------------------------------------------------------------


def _apply(plan: _Plan, media: Path, result: ReturnResult) -> None:
    keys = Keys()
    # Deletions first: a row the venue deleted and made again (a mark undone, then given) comes
    # back as a deletion and a new row with the same day, which must not meet the old one.
    for model, pk in reversed(plan.deletes):
        model._default_manager.filter(pk=pk).delete()
        result.deleted += 1
    for model, _scope in KIT_MODELS:
        rows = plan.creates.get(model._meta.label, [])
        if not rows:
            continue
        try:
            created = rows_create(model, rows, keys, adopt=False)
        except UnknownReference as error:
            raise BundleError(
                _(
                    "Le retour renvoie à une ligne que le siège n’a plus (%(model)s, "
                    "« %(field)s ») : rien n’a été importé."
                )
                % {"model": model._meta.verbose_name, "field": error.field},
                code="unknown_reference",
            ) from None
        except IntegrityError as error:
            raise BundleError(
                _("Le retour heurte une donnée du siège (%(model)s) : rien n’a été importé.")
                % {"model": model._meta.verbose_name},
                code="collision",
            ) from error
        result.created += len(created)
        _files_copy(model, rows, media)
    for model, pk, values, many in plan.updates:
        obj = model._default_manager.get(pk=pk)
        row = {"m": model._meta.label, "uid": str(obj.uid), "f": values, "mm": many}
        rows_update(model, obj, row, keys)
        _files_copy(model, [row], media)
        result.updated += 1
    for pk, blanks in plan.fills:
        Person.objects.filter(pk=pk).update(
            **{
                name: dt.date.fromisoformat(value) if name == "birth_date" else value
                for name, value in blanks.items()
            }
        )
    result.unchanged = plan.unchanged
    result.persons_matched = plan.matched


def rows_update(model: type[GlobalModel], obj: GlobalModel, row: Row, keys: Keys) -> None:
    """Set the fields ``row`` carries on ``obj`` (foreign keys as global ids) and save it."""
    for name, value in row["f"].items():
        model_field: Any = model._meta.get_field(name)
        if model_field.is_relation:
            pk = None if value is None else keys.pk(model_field.related_model, value)
            if value is not None and pk is None and not model_field.null:
                raise BundleError(
                    _("Le retour renvoie à une ligne que le siège n’a plus : rien d’importé."),
                    code="unknown_reference",
                )
            setattr(obj, model_field.attname, pk)
        elif isinstance(model_field, models.FileField):
            setattr(obj, model_field.attname, value or "")
        else:
            setattr(obj, model_field.attname, model_field.to_python(value))
    obj.save()
    for name, targets in row.get("mm", {}).items():
        many: Any = model._meta.get_field(name)
        pks = [keys.pk(many.related_model, key) for key in targets]
        getattr(obj, name).set([pk for pk in pks if pk is not None])


def _files_copy(model: type[models.Model], rows: Sequence[Row], media: Path) -> None:
    """The files the rows point at, from the bundle into headquarters' media (kept if there)."""
    for row in rows:
        for name in files_of(model, row):
            source = media / name
            if source.is_file() and not default_storage.exists(name):
                with source.open("rb") as data:
                    default_storage.save(name, data)


def _journal_join(entries: Sequence[dict[str, Any]], *, kit: FieldKit, machine: str) -> int:
    """The laptop's audit entries, each once, under their author's name and the machine's."""
    marks = [f"{kit.uid}:{e['id']}" for e in entries]
    known = set(
        AuditEntry.objects.filter(detail__field_entry__in=marks).values_list(
            "detail__field_entry", flat=True
        )
    )
    fresh = [
        AuditEntry(
            at=dt.datetime.fromisoformat(e["at"]),
            actor=None,
            actor_name=f"{e['actor']} @ {machine}"[:150],
            action=e["action"],
            object_type=e["object_type"],
            object_uid=e["object_uid"],
            object_repr=e["object_repr"],
            changes=e["changes"],
            detail={**e["detail"], "field_entry": mark},
        )
        for e, mark in zip(entries, marks, strict=True)
        if mark not in known
    ]
    AuditEntry.objects.bulk_create(fresh, batch_size=500)
    return len(fresh)
