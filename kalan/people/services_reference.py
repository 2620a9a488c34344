"""Writes of the reference data: corps, ranks, units, places (localities) and the aliases lists
taught the registry; deletions refused while something uses the row; merges of two units or two
ranks of one corps.

    corps_create(*, name, short_name="", name_en="", order=0, number_prefixes="") -> Corps
    corps_update(*, corps, name, short_name, name_en, order, number_prefixes) -> Corps
    rank_create(*, corps, name, group, abbreviation="", feminine="", variants="", order=None)
    rank_update(*, rank, name, group, abbreviation, feminine, variants, order) -> Rank
    unit_create(*, corps, name, place, kind="other", parent=None) -> Unit
    unit_update(*, unit, corps, name, place, kind, parent) -> Unit
    place_create(*, name, kind, parent, code="") -> Place
    place_update(*, place, name, kind, parent, code) -> Place
    reference_uses(*, obj) -> list[Use]
    reference_delete(*, obj) -> None        a corps, rank, unit, place or alias
    unit_merge_preview(*, merged, kept) -> list[Use]
    unit_merge(*, merged, kept, by) -> list[Use]
    rank_merge_preview(*, merged, kept) -> list[Use]
    rank_merge(*, merged, kept, by) -> list[Use]

Creates and updates raise ValidationError by field; deletions and merges raise PeopleError.

What points at a row is read from Django's own picture of the models (``_meta.related_objects``),
never from a list written here: a table added later by any app (a custody visit naming a unit)
blocks a deletion and is carried by a merge without a change to this module. Every function is
one transaction; saves and deletes are journaled by the audit signals, and a merge, which moves
rows with ``update``, writes one MERGE entry on each of the two rows with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from kalan.core.audit import FROM_CONTEXT, audit_record
from kalan.core.models import AuditEntry, Place, User
from kalan.core.text import fold
from kalan.people.errors import PeopleError
from kalan.people.models import Corps, Rank, ReferenceAlias, Unit


@dataclass(frozen=True)
class Use:
    """Rows of one table that point at a reference row through one field."""

    key: str  # "people.Person.unit": stable, for the journal and the tests
    label: str  # « personnes », for the pages
    count: int


# --- what points at a row ------------------------------------------------------------------


def _pointers(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) whose foreign key points at ``model``; many-to-many links
    through their table's key."""
    found: list[tuple[type[models.Model], str]] = []
    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through  # type: ignore[attr-defined]
            found += [
                (through, field.name)
                for field in through._meta.fields
                if field.is_relation and field.related_model is model
            ]
        else:
            found.append((rel.related_model, rel.field.name))  # type: ignore[arg-type]
    return found


def _label(model: type[models.Model], field: str, target: type[models.Model]) -> str:
    if model is Unit and target is Unit:
        return _("unités rattachées")  # a unit's sub-units
    if model is Place and target is Place:
        return _("lieux rattachés")  # a region's cercles, a cercle's communes…
    return str(model._meta.verbose_name_plural)


def reference_uses(*, obj: models.Model) -> list[Use]:
    """What points at this row, table by table, the tables that hold none left out.

    Merged persons count too (hidden from the registry, they keep their corps, rank and unit).
    """
    target = type(obj)
    uses = []
    for model, field in _pointers(target):
        count = model._base_manager.filter(**{field: obj}).count()
        if count:
            key = f"{model._meta.label}.{field}"
            uses.append(Use(key=key, label=_label(model, field, target), count=count))
    return uses


def _uses_text(uses: list[Use]) -> str:
    return " ; ".join(f"{use.label} : {use.count}" for use in uses)


# --- deletion ------------------------------------------------------------------------------

DELETABLE = (Corps, Rank, Unit, Place, ReferenceAlias)


@transaction.atomic
def reference_delete(*, obj: models.Model) -> None:
    """Delete a corps, a rank, a unit, a place or an alias that nothing uses.

    Raises PeopleError reference_in_use, naming each table that still points at it and how many
    of its rows do: a rank's persons, postings and aliases, a corps' ranks and units… (a
    deletion would otherwise take a corps' ranks and aliases with it, or fail half-way).
    """
    if not isinstance(obj, DELETABLE):
        raise TypeError(f"not reference data: {type(obj).__name__}")
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    uses = reference_uses(obj=obj)
    if uses:
        raise _in_use(obj, uses)
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as error:  # a row added between count and delete
        by_table: dict[str, int] = {}
        for row in error.protected_objects if isinstance(error, ProtectedError) else ():
            label = str(row._meta.verbose_name_plural)
            by_table[label] = by_table.get(label, 0) + 1
        raise _in_use(obj, [Use(key="", label=k, count=v) for k, v in by_table.items()]) from error


def reference_name(obj: models.Model) -> str:
    """How messages name an entry: a corps by its full name (« Police municipale », not « PM »,
    its short name in lists), the others as they read."""
    return str(getattr(obj, "name", "") or obj)


def _in_use(obj: models.Model, uses: list[Use]) -> PeopleError:
    return PeopleError(
        _("Suppression refusée : des données renvoient encore à « %(name)s » — %(uses)s.")
        % {"name": reference_name(obj), "uses": _uses_text(uses)},
        code="reference_in_use",
    )


# --- corps ---------------------------------------------------------------------------------


def _corps_check(corps: Corps) -> None:
    taken = Corps.objects.filter(name__iexact=corps.name).exclude(pk=corps.pk)
    if corps.name and taken.exists():
        raise ValidationError(
            {"name": _("Le corps « %(name)s » existe déjà.") % {"name": corps.name}}
        )


def _prefixes(text: str) -> str:
    return ", ".join(part.strip() for part in text.split(",") if part.strip())


@transaction.atomic
def corps_create(
    *,
    name: str,
    short_name: str = "",
    name_en: str = "",
    order: int = 0,
    number_prefixes: str = "",
) -> Corps:
    """Record a corps. Raises ValidationError when the name is empty or already taken."""
    corps = Corps(
        name=name.strip(),
        short_name=short_name.strip(),
        name_en=name_en.strip(),
        order=order,
        number_prefixes=_prefixes(number_prefixes),
    )
    _corps_check(corps)
    corps.full_clean()
    corps.save()
    return corps


@transaction.atomic
def corps_update(
    *, corps: Corps, name: str, short_name: str, name_en: str, order: int, number_prefixes: str
) -> Corps:
    """Change a corps' names, order and service-number prefixes; raises as corps_create."""
    corps = Corps.objects.select_for_update().get(pk=corps.pk)
    corps.name, corps.short_name, corps.name_en = name.strip(), short_name.strip(), name_en.strip()
    corps.order, corps.number_prefixes = order, _prefixes(number_prefixes)
    _corps_check(corps)
    corps.full_clean()
    corps.save()
    return corps


# --- ranks ---------------------------------------------------------------------------------


def _rank_check(rank: Rank) -> None:
    errors: dict[str, str] = {}
    others = Rank.objects.filter(corps=rank.corps).exclude(pk=rank.pk)
    if rank.name and others.filter(name__iexact=rank.name).exists():
        errors["name"] = _("Ce corps a déjà le grade « %(name)s ».") % {"name": rank.name}
    same_order = others.filter(order=rank.order).first()
    if same_order is not None:
        errors["order"] = _("Le rang %(order)s est déjà celui de « %(rank)s » dans ce corps.") % {
            "order": rank.order,
            "rank": same_order,
        }
    if errors:
        raise ValidationError(errors)


def rank_next_order(*, corps: Corps) -> int:
    """The order after the most senior rank of the corps (1 for a corps without ranks)."""
    return (corps.ranks.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def rank_create(
    *,
    corps: Corps,
    name: str,
    group: str,
    abbreviation: str = "",
    feminine: str = "",
    variants: str = "",
    order: int | None = None,
) -> Rank:
    """Add a rank to a corps, after its most senior one unless ``order`` is given.

    Raises ValidationError when the corps has that name or that order already, or a field is
    empty or too long.
    """
    Corps.objects.select_for_update().get(pk=corps.pk)  # two creations at once: one order each
    rank = Rank(
        corps=corps,
        name=name.strip(),
        group=group,
        abbreviation=abbreviation.strip(),
        feminine=feminine.strip(),
        variants=variants.strip(),
        order=order if order is not None else rank_next_order(corps=corps),
    )
    _rank_check(rank)
    rank.full_clean()
    rank.save()
    return rank


@transaction.atomic
def rank_update(
    *,
    rank: Rank,
    name: str,
    group: str,
    abbreviation: str,
    feminine: str,
    variants: str,
    order: int,
) -> Rank:
    """Change a rank (its corps stays); raises as rank_create."""
    rank = Rank.objects.select_for_update().get(pk=rank.pk)
    rank.name, rank.group, rank.order = name.strip(), group, order
    rank.abbreviation, rank.feminine = abbreviation.strip(), feminine.strip()
    rank.variants = variants.strip()
    _rank_check(rank)
    rank.full_clean()
    rank.save()
    return rank


# --- units ---------------------------------------------------------------------------------


def _ancestors(unit: Unit | Place) -> list[int]:
    """The pks above a unit or a place, nearest first (stops at a loop rather than spin)."""
    seen: list[int] = []
    model = type(unit)
    parent_id = unit.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.append(parent_id)
        parent_id = model._base_manager.filter(pk=parent_id).values_list("parent", flat=True)[0]
    return seen


def _unit_check(unit: Unit) -> None:
    errors: dict[str, str] = {}
    parent = unit.parent
    if parent is not None and parent.corps_id != unit.corps_id:
        errors["parent"] = _("L’unité supérieure « %(parent)s » n’est pas du même corps.") % {
            "parent": parent
        }
    elif parent is not None and unit.pk is not None and unit.pk in [parent.pk, *_ancestors(parent)]:
        errors["parent"] = _("Une unité ne peut pas être placée sous elle-même ni sous ses unités.")
    if unit.name and unit.place_id and unit.corps_id:
        taken = Unit.objects.filter(
            corps_id=unit.corps_id, place_id=unit.place_id, name__iexact=unit.name
        ).exclude(pk=unit.pk)
        if taken.exists():
            errors["name"] = _("Ce corps a déjà une unité « %(name)s » à %(place)s.") % {
                "name": unit.name,
                "place": unit.place,
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(
    *,
    corps: Corps,
    name: str,
    place: Place,
    kind: str = Unit.Kind.OTHER,
    parent: Unit | None = None,
) -> Unit:
    """Record a unit of a corps in a place.

    Raises ValidationError when the corps has a unit of that name in that place, or the parent
    unit is of another corps.
    """
    unit = Unit(corps=corps, name=name.strip(), place=place, kind=kind, parent=parent)
    _unit_check(unit)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, corps: Corps, name: str, place: Place, kind: str, parent: Unit | None
) -> Unit:
    """Change a unit. Its corps changes only while no person, posting, alias or sub-unit names
    it (they belong to the corps). Raises ValidationError as unit_create, and at the parent when
    it would place the unit under itself."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if corps.pk != unit.corps_id and reference_uses(obj=unit):
        raise ValidationError(
            {
                "corps": _("Cette unité est utilisée (%(uses)s) : son corps ne peut plus changer.")
                % {"uses": _uses_text(reference_uses(obj=unit))}
            }
        )
    unit.corps, unit.name, unit.place, unit.kind, unit.parent = (
        corps,
        name.strip(),
        place,
        kind,
        parent,
    )
    _unit_check(unit)
    unit.full_clean()
    unit.save()
    return unit


# --- places --------------------------------------------------------------------------------


def _place_check(place: Place) -> None:
    errors: dict[str, str] = {}
    is_country = place.kind == Place.Kind.COUNTRY
    if is_country and place.parent_id is not None:
        errors["parent"] = _("Un pays n’est dans aucun autre lieu : laissez ce champ vide.")
    elif not is_country and place.parent_id is None:
        errors["parent"] = _("Choisissez le lieu qui contient celui-ci (région, cercle…).")
    elif place.pk is not None and place.pk in [place.parent_id, *_ancestors(place.parent)]:  # type: ignore[arg-type]
        errors["parent"] = _("Un lieu ne peut pas être placé dans lui-même ni dans ses lieux.")
    if not errors and place.name:
        taken = Place.objects.filter(
            parent_id=place.parent_id, kind=place.kind, name__iexact=place.name
        ).exclude(pk=place.pk)
        if taken.exists():
            errors["name"] = _("« %(name)s » existe déjà à cet endroit.") % {"name": place.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def place_create(*, name: str, kind: str, parent: Place | None, code: str = "") -> Place:
    """Record a locality inside another (a commune in its cercle…).

    Raises ValidationError when the parent is missing (or given to a country), or the parent
    already holds a place of that kind and name.
    """
    place = Place(name=name.strip(), kind=kind, parent=parent, code=code.strip())
    _place_check(place)
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def place_update(*, place: Place, name: str, kind: str, parent: Place | None, code: str) -> Place:
    """Change a locality; raises as place_create, and when it would lie inside itself."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    place.name, place.kind, place.parent, place.code = name.strip(), kind, parent, code.strip()
    _place_check(place)
    place.full_clean()
    place.save()
    return place


# --- merges --------------------------------------------------------------------------------


def _refuse_merge(merged: Unit | Rank, kept: Unit | Rank) -> None:
    noun = _("unité") if isinstance(kept, Unit) else _("grade")
    if merged.pk == kept.pk:
        raise PeopleError(
            _("On ne fusionne pas un(e) %(noun)s avec lui-même ou elle-même.") % {"noun": noun},
            code="merge_same",
        )
    if merged.corps_id != kept.corps_id:
        raise PeopleError(
            _("« %(merged)s » et « %(kept)s » ne sont pas du même corps : pas de fusion.")
            % {"merged": merged, "kept": kept},
            code="merge_other_corps",
        )
    if isinstance(kept, Unit) and kept.parent_id != merged.pk and merged.pk in _ancestors(kept):
        raise PeopleError(
            _(
                "« %(kept)s » dépend de « %(merged)s » par une unité intermédiaire : "
                "rattachez-la d’abord ailleurs."
            )
            % {"merged": merged, "kept": kept},
            code="merge_would_loop",
        )


def _merge_moves(merged: models.Model) -> list[Use]:
    return reference_uses(obj=merged)


def unit_merge_preview(*, merged: Unit, kept: Unit) -> list[Use]:
    """What ``unit_merge`` would move to kept, table by table. Changes nothing; raises as it."""
    _refuse_merge(merged, kept)
    return _merge_moves(merged)


def rank_merge_preview(*, merged: Rank, kept: Rank) -> list[Use]:
    """What ``rank_merge`` would move to kept, table by table. Changes nothing; raises as it."""
    _refuse_merge(merged, kept)
    return _merge_moves(merged)


@transaction.atomic
def unit_merge(*, merged: Unit, kept: Unit, by: User | None) -> list[Use]:
    """Merge two units of one corps: every row pointing at ``merged`` (persons, postings,
    aliases, sub-units, and any table added later) points at ``kept``; merged's name becomes an
    alias of kept, so that the next list writing it finds kept; merged is deleted.

    Raises PeopleError merge_same, merge_other_corps, merge_would_loop (kept lies under merged
    through another unit), merge_collision (a table refuses the move). Nothing changes then.
    """
    merged, kept = _lock_pair(Unit, merged, kept)
    _refuse_merge(merged, kept)
    if kept.parent_id == merged.pk:  # kept moves up to merged's place in the tree
        kept.parent_id = merged.parent_id if merged.parent_id != kept.pk else None
        kept.save(update_fields=["parent", "updated_at"])
    return _merge(merged=merged, kept=kept, by=by, spellings=[merged.name])


@transaction.atomic
def rank_merge(*, merged: Rank, kept: Rank, by: User | None) -> list[Use]:
    """Merge two ranks of one corps: persons, postings and aliases (and any table added later)
    move to ``kept``; merged's spellings (name, abbreviation, feminine form, variants) become
    aliases of kept; merged is deleted. Raises PeopleError as ``unit_merge``."""
    merged, kept = _lock_pair(Rank, merged, kept)
    _refuse_merge(merged, kept)
    return _merge(merged=merged, kept=kept, by=by, spellings=merged.spellings())


def _lock_pair(model: Any, merged: Any, kept: Any) -> tuple[Any, Any]:
    """Both rows, fresh and locked in pk order (two merges cannot deadlock)."""
    rows = {
        row.pk: row
        for row in model.objects.select_for_update()
        .filter(pk__in=[merged.pk, kept.pk])
        .order_by("pk")
    }
    return rows[merged.pk], rows[kept.pk]


def _merge(
    *, merged: Unit | Rank, kept: Unit | Rank, by: User | None, spellings: list[str]
) -> list[Use]:
    moves = _merge_moves(merged)
    model: type[models.Model] = type(kept)
    field = ""
    try:
        with transaction.atomic():
            for model, field in _pointers(type(kept)):
                model._base_manager.filter(**{field: merged}).update(**{field: kept})
    except IntegrityError as error:
        # The table that refused, named as the pages name it (the database's own text is
        # English and differs between SQLite and PostgreSQL).
        raise PeopleError(
            _(
                "Fusion impossible : « %(merged)s » et « %(kept)s » ont chacun leur propre "
                "fiche dans « %(table)s », qui n’en admet qu’une pour les deux. Détachez ou "
                "corrigez d’abord l’une des deux fiches, puis recommencez la fusion."
            )
            % {
                "merged": merged,
                "kept": kept,
                "table": _label(model, field, type(kept)),
            },
            code="merge_collision",
        ) from error
    aliases = _aliases_add(merged=merged, kept=kept, by=by, spellings=spellings)
    detail = {
        "kept": {"pk": kept.pk, "uid": str(kept.uid), "name": str(kept)},
        "merged": {"pk": merged.pk, "uid": str(merged.uid), "name": str(merged)},
        "moved": {use.key: use.count for use in moves},
        "aliases": aliases,
    }
    actor: Any = by if by is not None else FROM_CONTEXT
    for row in (kept, merged):
        audit_record(action=AuditEntry.Action.MERGE, obj=row, detail=detail, actor=actor)
    merged.delete()
    return moves


def _aliases_add(
    *, merged: Unit | Rank, kept: Unit | Rank, by: User | None, spellings: list[str]
) -> list[str]:
    """Merged's spellings, as aliases of kept: those kept does not write already and that no
    alias of the corps holds (merged's own aliases already moved to kept)."""
    kind = ReferenceAlias.Kind.UNIT if isinstance(kept, Unit) else ReferenceAlias.Kind.RANK
    known = {fold(kept.name)}
    if isinstance(kept, Rank):
        known |= {fold(text) for text in kept.spellings()}
    taken = set(
        ReferenceAlias.objects.filter(kind=kind, corps_id=kept.corps_id).values_list(
            "folded", flat=True
        )
    )
    added = []
    for text in spellings:
        folded = fold(text)
        if not folded or folded in known or folded in taken:
            continue
        target = {"unit": kept} if kind == ReferenceAlias.Kind.UNIT else {"rank": kept}
        ReferenceAlias.objects.create(
            kind=kind, text=text, corps_id=kept.corps_id, created_by=by, **target
        )
        taken.add(folded)
        added.append(text)
    return added
