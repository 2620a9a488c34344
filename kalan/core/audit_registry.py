"""How a model and an app speak to the audit journal, so that the journal names no app.

The journal (``kalan.core.audit`` writes it, ``kalan.core.selectors_audit`` reads it) follows
every concrete model of the project's own apps, those whose module starts with ``kalan.``. Core
asks each model; the model answers with the optional attributes that ``AuditedModel`` lists, and
a model that defines none is recorded with every field and named by ``str()``.

An app that records exports (``audit_export(what=...)``) or events with a ``detail`` registers,
in its ``AppConfig.ready``, the words the journal shows for them (``audit_words_register``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, Final, Protocol

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

PROJECT_PACKAGE: Final = "kalan."


class AuditedModel(Protocol):
    """What a model may define for the journal. Every member is optional.

    ``audit_exclude = True``
        Rows not recorded one by one; say why in a comment at the model.
    ``audit_label(self) -> str``
        What an entry calls the row, made cheaply from what is already loaded (``loaded`` tells
        whether a related row is): it runs on every save, so it must not query. Default:
        ``str(self)``.
    ``audit_link(cls, *, uid, pk) -> str | None`` (a classmethod)
        The address of the record's page, from the entry's global id or id alone (no query),
        or None when it has no page.
    ``audit_masked_fields = frozenset({...})``
        Fields the journal shows as masked unless the viewer holds ``kalan.view_contacts``.
    ``audit_secret_fields = frozenset({...})``
        Fields the journal stores as ``***`` whatever the viewer: that they changed shows, never
        their text (what a person in custody told the monitors).
    ``audit_former_labels = ("app.model",)``
        The labels the model was recorded under before it moved to another app: the journal's
        filter finds those entries too and shows them under the model's current name (the
        entries themselves are never rewritten: the trail is append-only).
    ``audit_select_related = ("relation", ...)``
        What ``audit_label`` needs when the journal loads rows to name them (a foreign key in
        an entry's values is shown by the label of the row it points to).
    """

    audit_exclude: ClassVar[bool]
    audit_masked_fields: ClassVar[frozenset[str]]
    audit_secret_fields: ClassVar[frozenset[str]]
    audit_former_labels: ClassVar[tuple[str, ...]]
    audit_select_related: ClassVar[tuple[str, ...]]

    def audit_label(self) -> str: ...

    @classmethod
    def audit_link(cls, *, uid: uuid.UUID | None, pk: str) -> str | None: ...


def audit_followed(model: type[models.Model]) -> bool:
    """Whether the journal records the rows of this model one by one."""
    meta = model._meta
    config = meta.app_config
    return (
        config is not None
        and config.name.startswith(PROJECT_PACKAGE)
        and not getattr(model, "audit_exclude", False)
        and not meta.abstract
        and not meta.proxy
        and not meta.auto_created
    )


def audited_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if audit_followed(model)]


def loaded(instance: models.Model, name: str) -> Any:
    """The related row ``name`` if it is already loaded on the instance, else None (no query)."""
    field = instance._meta.get_field(name)
    return field.get_cached_value(instance, None)  # type: ignore[union-attr]


def audit_label(instance: models.Model) -> str:
    """What an entry calls the row: the model's ``audit_label()``, or its ``str()``."""
    label = getattr(instance, "audit_label", None)
    return str(label() if callable(label) else instance)


def audit_link(model: type[models.Model] | None, *, uid: uuid.UUID | None, pk: str) -> str | None:
    link = getattr(model, "audit_link", None)
    return link(uid=uid, pk=pk) if callable(link) else None


def audit_masked_fields(model: type[models.Model] | None) -> frozenset[str]:
    return frozenset(getattr(model, "audit_masked_fields", ()))


def audit_select_related(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(getattr(model, "audit_select_related", ()))


def audit_type_labels(model: type[models.Model]) -> tuple[str, ...]:
    """The labels the model's entries carry: its own, then those it had before it moved."""
    return (model._meta.label_lower, *getattr(model, "audit_former_labels", ()))


@functools.cache
def _models_by_label() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in audited_models():
        for label in audit_type_labels(model):
            found.setdefault(label, model)
    return found


def audit_model_for(object_type: str) -> type[models.Model] | None:
    """The model an entry's ``object_type`` names, under its current label or a former one."""
    model = _models_by_label().get(object_type)
    if model is not None:
        return model
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# --- the words of exports and event details -------------------------------------------------

_LIST_LABELS: dict[str, str | Promise] = {}
_DETAIL_LABELS: dict[str, str | Promise] = {}


def audit_words_register(
    *,
    lists: Mapping[str, str | Promise] | None = None,
    details: Mapping[str, str | Promise] | None = None,
) -> None:
    """Name, for the journal, the lists an app exports (the ``what`` of ``audit_export``) and
    the keys it writes in an entry's ``detail``. Called from the app's ``AppConfig.ready``;
    a list or a key not registered is shown as its key, a detail key not registered not at all.
    """
    _LIST_LABELS.update(lists or {})
    _DETAIL_LABELS.update(details or {})


def export_list_label(key: str) -> str:
    return str(_LIST_LABELS.get(key, key))


def detail_label(key: str) -> str | None:
    label = _DETAIL_LABELS.get(key)
    return None if label is None else str(label)
