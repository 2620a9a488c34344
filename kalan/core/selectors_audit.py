"""Reading the audit trail: the journal's filters, its lines in words, a person's history.

Entries keep raw values (``kalan.core.audit``): a foreign key as its pk, a choice as its code, a
date in ISO 8601. The lines built here say them as a reader wants them (« grade : Adjudant →
Adjudant-chef »), fetching the names of the related records a page mentions with one query per
kind of record, whatever the number of lines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalan.core.audit import audit_object_repr
from kalan.core.audit_registry import (
    audit_link,
    audit_masked_fields,
    audit_model_for,
    audit_select_related,
    audit_type_labels,
    audited_models,
    detail_label,
    export_list_label,
)
from kalan.core.models import AuditEntry
from kalan.core.render.spreadsheets import CellValue, ExportTable, spreadsheet_safe

Action = AuditEntry.Action
EMPTY = "—"
MASK = "•••"
HISTORY_ACTIONS = (Action.CREATE, Action.UPDATE, Action.MERGE, Action.UNMERGE)
HISTORY_LIMIT = 100
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class AuditFilters:
    """What the journal is filtered by; empty values filter nothing."""

    action: str = ""
    account: str = ""
    object_type: str = ""
    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_detail(self) -> dict[str, str]:
        """The filters in force, as an export's entry records them."""
        values = {
            "action": self.action,
            "account": self.account,
            "object_type": self.object_type,
            "text": self.text,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_filter(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first. Dates are the institution's local days,
    both ends included; the object text matches the record's name, its id or its global id."""
    entries = AuditEntry.objects.all()
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.account:
        entries = entries.filter(actor_name__icontains=filters.account)
    if filters.object_type:
        # A model that moved to another app: its older entries keep the label they had.
        model = audit_model_for(filters.object_type)
        kinds = audit_type_labels(model) if model is not None else (filters.object_type,)
        entries = entries.filter(object_type__in=kinds)
    if filters.text:
        text = filters.text
        match = Q(object_repr__icontains=text) | Q(object_id=text)
        with contextlib.suppress(ValueError):  # not a global id: the other two still match
            match |= Q(object_uid=uuid.UUID(text))
        entries = entries.filter(match)
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def audit_object_types() -> list[tuple[str, str]]:
    """The kinds of record the journal follows, ``(label, name)``, by name."""
    kinds = [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in audited_models()
    ]
    return sorted(kinds, key=lambda kind: kind[1].lower())


@dataclass(frozen=True)
class ChangeLine:
    """One field of an entry: « champ : avant → après », or « champ : valeur »."""

    label: str
    after: str
    before: str | None = None

    @property
    def is_update(self) -> bool:
        return self.before is not None


@dataclass
class AuditLine:
    entry: AuditEntry
    object_label: str  # the kind of record, in words
    link: str | None = None  # the record's page, when it has one
    changes: list[ChangeLine] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(self.entry.get_action_display())

    @property
    def changes_text(self) -> str:
        return "\n".join(
            f"{c.label} : {c.before} → {c.after}" if c.is_update else f"{c.label} : {c.after}"
            for c in self.changes
        )

    @property
    def details_text(self) -> str:
        return "\n".join(f"{label} : {value}" for label, value in self.details)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _values_of(value: Any) -> list[Any]:
    """The values an entry keeps for one field: ``[before, after]``, a value, or a list."""
    if isinstance(value, list):
        found: list[Any] = []
        for item in value:
            found.extend(_values_of(item))
        return found
    return [value]


class _Labels:
    """Names of the related records some lines mention, fetched once per kind of record."""

    def __init__(self, lines: Iterable[tuple[type[models.Model] | None, dict[str, Any]]]) -> None:
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for model, changes in lines:
            for name, value in changes.items():
                target = getattr(_field(model, name), "related_model", None)
                if isinstance(target, type):
                    wanted[target].update(
                        str(v) for v in _values_of(value) if v is not None and v != ""
                    )
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for target, pks in wanted.items():
            rows = target._base_manager.select_related(*audit_select_related(target)).filter(
                pk__in=[pk for pk in pks if pk.isdigit()]
            )
            for row in rows:
                self.names[(target, str(row.pk))] = audit_object_repr(row)

    def name(self, target: type[models.Model], pk: Any) -> str:
        return self.names.get((target, str(pk)), f"#{pk}")


def _say(value: Any, field_: Any, labels: _Labels) -> str:
    """A stored value in words: a name for a related record, a label for a choice, a local date."""
    if isinstance(value, list):
        return ", ".join(_say(item, field_, labels) for item in value) or EMPTY
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    target = getattr(field_, "related_model", None)
    if isinstance(target, type):
        return labels.name(target, value)
    if getattr(field_, "choices", None):
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(field_, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    elif isinstance(field_, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "SHORT_DATE_FORMAT")
    return str(value)


def _label(model: type[models.Model] | None, name: str) -> str:
    field_ = _field(model, name)
    verbose = getattr(field_, "verbose_name", None)
    return str(verbose) if verbose else name


# Words of the details any entry may carry; an app names its own keys (a merge's persons, the
# session of an export) with ``audit_words_register``.
DETAIL_LABELS = {
    "list": gettext_lazy("liste"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("lignes"),
    "query": gettext_lazy("recherche"),
    "filters": gettext_lazy("filtres"),
}


def _detail_lines(entry: AuditEntry) -> list[tuple[str, str]]:
    lines = []
    for key, value in (entry.detail or {}).items():
        label = DETAIL_LABELS.get(key) or detail_label(key)
        if label is None or value in (None, "", {}):
            continue
        if key == "list":
            value = export_list_label(value)
        elif isinstance(value, dict):
            value = value.get("name") or ", ".join(f"{k} = {v}" for k, v in value.items())
        lines.append((str(label), str(value)))
    return lines


def _link(entry: AuditEntry, model: type[models.Model] | None) -> str | None:
    if entry.action == Action.DELETE or not (entry.object_uid or entry.object_id):
        return None
    return audit_link(model, uid=entry.object_uid, pk=entry.object_id)


def audit_lines(entries: Sequence[AuditEntry], *, show_contacts: bool) -> list[AuditLine]:
    """The entries in words. Contacts (a model's ``audit_masked_fields``: a person's phone and
    e-mail) are masked unless ``show_contacts``. One query per kind of related record named,
    whatever the count."""
    models_of = {entry.object_type: audit_model_for(entry.object_type) for entry in entries}
    labels = _Labels((models_of[e.object_type], e.changes or {}) for e in entries)
    lines = []
    for entry in entries:
        model = models_of[entry.object_type]
        hidden = frozenset() if show_contacts else audit_masked_fields(model)
        line = AuditLine(
            entry=entry,
            object_label=str(model._meta.verbose_name).capitalize() if model else entry.object_type,
            link=_link(entry, model),
            details=_detail_lines(entry),
        )
        for name, value in (entry.changes or {}).items():
            field_ = _field(model, name)
            label = _label(model, name)
            if entry.action == Action.UPDATE and isinstance(value, list) and len(value) == 2:
                before, after = (
                    (MASK, MASK) if name in hidden else (_say(v, field_, labels) for v in value)
                )
                line.changes.append(ChangeLine(label=label, before=before, after=after))
            else:
                after = MASK if name in hidden else _say(value, field_, labels)
                line.changes.append(ChangeLine(label=label, after=after))
        lines.append(line)
    return lines


def record_audit_history(*, obj: models.Model, show_contacts: bool) -> list[AuditLine]:
    """What was done to one record, newest first: created (by hand or by an import), changed,
    merged, unmerged; the last ``HISTORY_LIMIT`` entries (a person's page shows them)."""
    entries = AuditEntry.objects.filter(
        object_type__in=audit_type_labels(type(obj)),
        object_uid=getattr(obj, "uid", None),
        action__in=HISTORY_ACTIONS,
    ).order_by("-at", "-id")[:HISTORY_LIMIT]
    return audit_lines(list(entries), show_contacts=show_contacts)


def _chunks(entries: QuerySet[AuditEntry]) -> Iterator[list[AuditEntry]]:
    chunk: list[AuditEntry] = []
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


AUDIT_EXPORT_WIDTHS = (18, 18, 18, 20, 36, 38, 16, 60, 40)


def audit_export_table(*, filters: AuditFilters) -> ExportTable:
    """The filtered journal as an export table, in the request's language, read in chunks.

    Every text goes through ``spreadsheet_safe``: a name or a value typed by a user must not
    run as a formula in the reader's spreadsheet.
    """
    entries = audit_filter(filters=filters)

    def rows() -> Iterator[list[CellValue]]:
        for chunk in _chunks(entries):
            for line in audit_lines(chunk, show_contacts=True):
                entry = line.entry
                at = timezone.localtime(entry.at).replace(tzinfo=None, microsecond=0)
                yield [
                    at,  # type: ignore[list-item]
                    *(
                        spreadsheet_safe(text)
                        for text in (
                            entry.actor_name,
                            line.action_label,
                            line.object_label,
                            entry.object_repr,
                            str(entry.object_uid or entry.object_id or ""),
                            entry.address or "",
                            line.changes_text,
                            line.details_text,
                        )
                    ),
                ]

    return ExportTable(
        title=_("Journal"),
        headers=[
            _("Date"),
            _("Compte"),
            _("Action"),
            _("Type d’objet"),
            _("Objet"),
            _("Identifiant"),
            _("Adresse"),
            _("Valeurs"),
            _("Détail"),
        ],
        rows=rows(),
        widths=AUDIT_EXPORT_WIDTHS,
    )
