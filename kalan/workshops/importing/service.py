"""Writes of an import: keep the uploaded file, then commit a plan whole or not at all."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kalan.core.audit import audit_bulk_created
from kalan.core.datadir import IMPORTS_FOLDER
from kalan.core.memory import gc_paused
from kalan.core.models import Place, User
from kalan.core.text import fold
from kalan.people.errors import PeopleError
from kalan.people.models import Corps, Person, Rank, ReferenceAlias, Unit
from kalan.people.services_reference import (
    corps_create,
    rank_create,
    reference_delete,
    reference_name,
    unit_create,
)
from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import ImportPlan, PlannedRow, import_plan
from kalan.workshops.importing.questions import CORPS, GUESS, RANK, SAME, UNIT
from kalan.workshops.importing.reader import DEFAULT_MAX_BYTES, table_read
from kalan.workshops.importing.reader import limit as reader_limit
from kalan.workshops.importing.references import NewUnit
from kalan.workshops.importing.types import CellError, ImportFileError
from kalan.workshops.models import Enrollment, ImportBatch, Session, enrollment_code_new

CHUNK = 1 << 20


def imports_dir() -> Path:
    """Uploaded lists live in the data folder, outside anything served, readable by Kalan only."""
    path = Path(settings.DATA_DIR) / IMPORTS_FOLDER
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def batch_path(batch: ImportBatch) -> Path:
    return imports_dir() / batch.stored_name


@transaction.atomic
def import_batch_create(
    *, session: Session, filename: str, content: IO[bytes], by: User | None
) -> ImportBatch:
    """Keep an uploaded list and check that it reads; raises ImportFileError when it does not.

    The file is read once here so that a bad upload is refused at once, with its reason.
    """
    stored_name = f"{uuid.uuid4().hex}.upload"
    path = imports_dir() / stored_name
    digest, size = hashlib.sha256(), 0
    limit = reader_limit("MAX_BYTES", DEFAULT_MAX_BYTES)
    with path.open("wb") as handle:
        while chunk := content.read(CHUNK):
            size += len(chunk)
            if size > limit:
                handle.close()
                path.unlink()
                raise ImportFileError(
                    _("« %(file)s » dépasse la taille permise (%(limit)s Mo).")
                    % {"file": filename, "limit": limit // (1024 * 1024)},
                    code="too_large",
                )
            digest.update(chunk)
            handle.write(chunk)
    path.chmod(0o600)
    try:
        table = table_read(path=path, filename=filename)
    except ImportFileError:
        path.unlink()
        raise
    return ImportBatch.objects.create(
        session=session,
        filename=Path(filename).name[:255],
        sha256=digest.hexdigest(),
        size=size,
        stored_name=stored_name,
        sheet=table.sheet,
        uploaded_by=by,
    )


def batch_plan(*, batch: ImportBatch) -> ImportPlan:
    """Read the batch's file and plan it with the choices stored on the batch.

    ``batch.mapping`` maps column indexes (as text) to fields, empty until the user corrects the
    guess; ``batch.decisions`` holds ``rows`` (row → person uid or "new"), ``values`` (question
    key → answer, ``kalan.workshops.importing.questions``), ``corps`` (the corps of rows naming
    none), ``over_capacity``, ``apply_changes`` and ``created`` (the reference entries made on
    this preview: ``[kind, id]``). Raises ImportFileError when the file no longer reads.
    """
    table = table_read(path=batch_path(batch), filename=batch.filename, sheet=batch.sheet or None)
    stored = {int(k): v for k, v in (batch.mapping or {}).items() if v}
    options = batch.decisions or {}
    return import_plan(
        session=batch.session,
        table=table,
        mapping=stored or mapping_guess(table.headers),
        decisions=options.get("rows", {}),
        answers=options.get("values", {}),
        default_corps_id=options.get("corps"),
        allow_over_capacity=bool(options.get("over_capacity")),
        apply_changes=bool(options.get("apply_changes")),
    )


@transaction.atomic
def batch_choices_set(
    *,
    batch: ImportBatch,
    sheet: str,
    mapping: dict[int, str],
    rows: dict[str, str],
    corps_id: int | None,
    over_capacity: bool,
    apply_changes: bool = False,
    values: dict[str, str] | None = None,
) -> ImportBatch:
    """Keep the user's corrections to an import before it is committed."""
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportFileError(_("Cet import est déjà terminé."), code="batch_closed")
    # The name comes from the page: one longer than the column (Excel allows 31 characters)
    # names no sheet, and reading the batch then reports it unknown, as any other.
    sheet = sheet[: ImportBatch._meta.get_field("sheet").max_length]
    if sheet != batch.sheet:
        mapping, rows = {}, {}  # another sheet has other columns and other rows
    batch.sheet = sheet
    batch.mapping = {str(index): name for index, name in mapping.items() if name}
    batch.decisions = {
        **(batch.decisions or {}),
        "rows": rows,
        "values": {**(batch.decisions or {}).get("values", {}), **(values or {})},
        "corps": corps_id,
        "over_capacity": over_capacity,
        "apply_changes": apply_changes,
    }
    batch.save(update_fields=["sheet", "mapping", "decisions", "updated_at"])
    return batch


@transaction.atomic
def batch_reference_create(
    *, batch: ImportBatch, key: str, fields: dict[str, Any]
) -> Corps | Rank | Unit:
    """Create, from the preview, the corps, rank or unit a question asks about, and answer the
    question with it. Kept on the batch (``decisions["created"]``) so that abandoning the
    preview removes what nothing else came to use. Raises ValidationError as the reference
    services do, ImportFileError when the batch is closed or the question unknown."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportFileError(_("Cet import est déjà terminé."), code="batch_closed")
    kind, _sep, rest = key.partition("|")
    corps_text = rest.partition("|")[0]
    corps = Corps.objects.filter(pk=int(corps_text)).first() if corps_text.isdigit() else None
    made: Corps | Rank | Unit
    if kind == CORPS:
        made = corps_create(name=fields["name"], short_name=fields.get("short_name", ""))
    elif kind == RANK and corps is not None:
        made = rank_create(
            corps=corps,
            name=fields["name"],
            group=fields["group"],
            abbreviation=fields.get("abbreviation", ""),
            feminine=fields.get("feminine", ""),
            variants=fields.get("variants", ""),
        )
    elif kind == UNIT and corps is not None:
        made = unit_create(
            corps=corps,
            name=fields["name"],
            kind=fields["kind"],
            place=Place.objects.get(pk=fields["place"]),
        )
    else:
        raise ImportFileError(_("Cette question n’est plus posée."), code="unknown_question")
    decisions = dict(batch.decisions or {})
    decisions["values"] = {**decisions.get("values", {}), key: f"{SAME}{made.pk}"}
    decisions["created"] = [*decisions.get("created", []), [kind, made.pk]]
    batch.decisions = decisions
    batch.save(update_fields=["decisions", "updated_at"])
    return made


CREATED_MODELS: dict[str, type[Corps | Rank | Unit]] = {CORPS: Corps, RANK: Rank, UNIT: Unit}


@transaction.atomic
def batch_abandon(*, batch: ImportBatch) -> list[str]:
    """Give up a preview: its file is deleted, and so are the corps, ranks and units created on
    it that nothing uses (a unit created here and chosen by another import since stays; a corps
    given ranks since stays: nothing is deleted along with it). Returns the names of those
    kept, to say so."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportFileError(_("Cet import est déjà terminé."), code="batch_closed")
    kept: list[str] = []
    # Units first, then ranks, then corps: a corps made here holds the others made here.
    order = {UNIT: 0, RANK: 1, CORPS: 2}
    for kind, pk in sorted((batch.decisions or {}).get("created", []), key=lambda c: order[c[0]]):
        entry = CREATED_MODELS[kind].objects.filter(pk=pk).first()
        if entry is None:
            continue
        try:
            reference_delete(obj=entry)
        except PeopleError:
            kept.append(reference_name(entry))
    batch.status = ImportBatch.Status.ABANDONED
    batch.save(update_fields=["status", "updated_at"])
    path = batch_path(batch)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return kept


class ImportRefused(ImportFileError):
    """The plan has errors: nothing was saved. ``errors`` lists them all."""

    def __init__(self, errors: list[CellError], counts: dict[str, int]) -> None:
        super().__init__(
            ngettext(
                "Rien n’a été importé : %(count)s erreur à corriger.",
                "Rien n’a été importé : %(count)s erreurs à corriger.",
                len(errors),
            )
            % {"count": len(errors)},
            code="import_has_errors",
        )
        self.errors = errors
        self.counts = counts


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]
    enrolled: int
    units_created: int
    aliases_created: int = 0


@gc_paused()
@transaction.atomic
def import_commit(
    *, plan: ImportPlan, by: User | None, batch: ImportBatch | None = None
) -> ImportResult:
    """Create the new persons and units and enrol everyone, in one transaction.

    Raises ImportRefused, with every error (and an unconfirmed capacity), when the plan has any:
    then nothing is written.
    Committing the same list twice creates nothing the second time: its rows match.
    """
    # Lock the session: two imports (or an import and a hand enrolment) must not both take seats.
    Session.objects.select_for_update().get(pk=plan.session.pk)
    errors = plan.refusals
    if errors:
        raise ImportRefused(errors, plan.counts())
    taken = plan.taken
    changed = [r for r in taken if r.changes] if plan.apply_changes else []
    # Units only for the rows that use them: new persons, and changes the user confirmed.
    units_made = _units_create([r for r in taken if r.person_id is None] + changed)
    units = {key: unit.pk for key, unit in units_made.items()}
    aliases = _aliases_create(plan, by=by)
    _changes_apply(changed, units=units)
    created: dict[int, Person] = {}
    for row in taken:
        if row.person_id is None:
            v = row.values
            unit = row.unit
            created[row.row] = Person(
                last_name=str(v["last_name"]),
                first_names=str(v["first_names"]),
                sex=str(v["sex"]),
                corps_id=row.corps_id,
                rank_id=row.rank_id,
                unit_id=units[unit.key] if isinstance(unit, NewUnit) else unit,
                service_number=str(v["service_number"] or ""),
                phone=str(v.get("phone") or ""),
                email=str(v.get("email") or ""),
                birth_date=v.get("birth_date") or None,
            )
    Person.objects.bulk_create(created.values(), batch_size=1000)
    enrol: dict[int, Enrollment] = {}
    codes = set(Enrollment.objects.filter(session=plan.session).values_list("code", flat=True))
    for row in taken:
        person_id = row.person_id or created[row.row].pk
        if not row.already_enrolled and person_id not in enrol:
            enrol[person_id] = Enrollment(
                session=plan.session,
                person_id=person_id,
                role=Enrollment.Role.PARTICIPANT,
                status=Enrollment.Status.CONFIRMED,
                enrolled_by=by,
                code=enrollment_code_new(taken=codes),  # bulk_create skips save()
            )
    Enrollment.objects.bulk_create(enrol.values(), batch_size=1000)
    # bulk_create sends no signal: one create entry per new row, written in bulk too.
    postings = [p.posting_first for p in created.values() if p.posting_first is not None]
    audit_bulk_created(
        [*units_made.values(), *aliases, *created.values(), *postings, *enrol.values()]
    )
    counts = plan.counts()
    if batch is not None:
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.counts = {**counts, "enrolled": len(enrol)}
        batch.mapping = {str(k): v for k, v in plan.mapping.items()}
        batch.save(update_fields=["status", "committed_at", "counts", "mapping", "updated_at"])
        # The persons are in the registry now: the list, with its phones, need not stay on disk.
        # Its SHA-256 and counts remain on the batch.
        path = batch_path(batch)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return ImportResult(
        counts=counts, enrolled=len(enrol), units_created=len(units), aliases_created=len(aliases)
    )


def _aliases_create(plan: ImportPlan, *, by: User | None) -> list[ReferenceAlias]:
    """Remember each answer « this value is that entry » as an alias of the entry's corps, so
    that the same command's next list needs no answer. A corps guessed between several
    (``GUESS``) is not an alias: it says nothing of the value alone."""
    aliases: dict[tuple[str, int, str], ReferenceAlias] = {}
    ranks = Rank.objects.in_bulk({q.answer_id() for q in plan.questions if q.kind == RANK})
    units = Unit.objects.in_bulk({q.answer_id() for q in plan.questions if q.kind == UNIT})
    for question in plan.questions:
        pk = question.answer_id()
        if pk is None or question.kind == GUESS:
            continue
        alias = ReferenceAlias(text=question.text[:200], kind=question.kind, created_by=by)
        if question.kind == CORPS:
            alias.corps_id = pk
        elif question.kind == RANK:
            alias.rank, alias.corps_id = ranks[pk], ranks[pk].corps_id
        else:
            alias.unit, alias.corps_id = units[pk], units[pk].corps_id
        alias.folded = fold(alias.text)
        aliases.setdefault((alias.kind, alias.corps_id, alias.folded), alias)
    known = set(
        ReferenceAlias.objects.filter(folded__in={key[2] for key in aliases}).values_list(
            "kind", "corps_id", "folded"
        )
    )
    known_corps = {folded for kind, _corps, folded in known if kind == CORPS}
    new = [
        alias
        for key, alias in aliases.items()
        if key not in known and not (alias.kind == CORPS and alias.folded in known_corps)
    ]
    return ReferenceAlias.objects.bulk_create(new)


def _changes_apply(rows: list[PlannedRow], *, units: dict[tuple[int, str], int]) -> None:
    """Bring the rank and unit of the persons found again up to the list's (confirmed by the
    user): one save each, so the journal records every change with its values before."""
    persons = Person.objects.select_for_update().in_bulk({r.person_id for r in rows})
    for row in rows:
        person = persons[row.person_id]
        if "rank" in row.changes:
            person.rank_id = row.rank_id
        if "unit" in row.changes:
            unit = row.unit
            person.unit_id = units[unit.key] if isinstance(unit, NewUnit) else unit
        person.full_clean()
        person.save(update_fields=["rank", "unit", "updated_at"])


def _units_create(rows: list[PlannedRow]) -> dict[tuple[int, str], Unit]:
    new: dict[tuple[int, str], NewUnit] = {}
    for row in rows:
        if isinstance(row.unit, NewUnit):
            new.setdefault(row.unit.key, row.unit)
    made = Unit.objects.bulk_create(
        Unit(corps_id=u.corps_id, name=u.name, kind=u.kind, place_id=u.place_id)
        for u in new.values()
    )
    return dict(zip(new, made, strict=True))
