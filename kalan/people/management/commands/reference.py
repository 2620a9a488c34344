"""``kalan reference``: the reference data from the command line, through the same services as the
« Référentiel » pages (``kalan.people.services_reference``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from kalan.core.errors import KalanError
from kalan.core.models import Place
from kalan.people import selectors_reference as selectors
from kalan.people import services_reference as services
from kalan.people.models import Corps, Rank, ReferenceAlias, Unit

KINDS: dict[str, type[models.Model]] = {
    "corps": Corps,
    "rank": Rank,
    "unit": Unit,
    "place": Place,
    "alias": ReferenceAlias,
}
NAMES = {"corps": "corps", "rank": "grade", "unit": "unité", "place": "lieu", "alias": "écriture"}


class DryRun(Exception):
    """Raised at the end of a --dry-run, to roll back what it did."""


class Command(BaseCommand):
    help = (
        "Gérer les corps, grades, unités, lieux et écritures connues. / "
        "Manage corps, ranks, units, places and aliases."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="lister (séparé par des tabulations, avec ids)")
        listing.add_argument("what", choices=["corps", "ranks", "units", "places", "aliases"])
        listing.add_argument("--corps", type=int, help="id du corps (grades, unités, écritures)")

        add = actions.add_parser("add", help="ajouter").add_subparsers(
            dest="type", required=True, metavar="TYPE"
        )
        corps = add.add_parser("corps", help="un corps")
        corps.add_argument("--name", required=True)
        corps.add_argument("--short-name", default="")
        corps.add_argument("--name-en", default="")
        corps.add_argument("--order", type=int, default=0)
        corps.add_argument("--number-prefixes", default="")
        rank = add.add_parser("rank", help="un grade")
        rank.add_argument("--corps", type=int, required=True, help="id du corps")
        rank.add_argument("--name", required=True)
        rank.add_argument("--abbreviation", default="")
        rank.add_argument("--feminine", default="")
        rank.add_argument("--variants", default="")
        rank.add_argument("--group", required=True, help=f"{', '.join(Rank.Group.values)}")
        rank.add_argument("--order", type=int, help="rang (par défaut : après le plus élevé)")
        unit = add.add_parser("unit", help="une unité")
        unit.add_argument("--corps", type=int, required=True, help="id du corps")
        unit.add_argument("--name", required=True)
        unit.add_argument("--place", type=int, required=True, help="id du lieu")
        unit.add_argument("--kind", default=Unit.Kind.OTHER, help=", ".join(Unit.Kind.values))
        unit.add_argument("--parent", type=int, help="id de l’unité supérieure")
        place = add.add_parser("place", help="un lieu")
        place.add_argument("--name", required=True)
        place.add_argument("--kind", required=True, help=", ".join(Place.Kind.values))
        place.add_argument("--parent", type=int, required=True, help="id du lieu qui le contient")
        place.add_argument("--code", default="")

        delete = actions.add_parser("delete", help="supprimer (refusé si utilisé)")
        delete.add_argument("kind", choices=sorted(KINDS))
        delete.add_argument("id", type=int)
        merge = actions.add_parser("merge", help="fusionner MERGED_ID dans KEPT_ID")
        merge.add_argument("kind", choices=["unit", "rank"])
        merge.add_argument("merged_id", type=int)
        merge.add_argument("kept_id", type=int)
        unalias = actions.add_parser("unalias", help="retirer une écriture connue")
        unalias.add_argument("id", type=int)
        for sub in (corps, rank, unit, place, delete, merge, unalias):
            sub.add_argument("--dry-run", action="store_true", help="montrer sans rien changer")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options["what"], options.get("corps"))
            return
        do: Callable[[], str] = {
            "add": lambda: self._add(options),
            "delete": lambda: self._delete(options["kind"], options["id"]),
            "merge": lambda: self._merge(options),
            "unalias": lambda: self._delete("alias", options["id"]),
        }[action]
        try:
            with transaction.atomic():
                said = do()
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            said = f"(essai, rien n’est enregistré) {said}"
        except KalanError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(_validation_text(error)) from error
        self.stdout.write(said)

    # --- list -------------------------------------------------------------------------------

    def _list(self, what: str, corps_id: int | None) -> None:
        corps = _get(Corps, corps_id, "corps") if corps_id is not None else None
        rows: Iterable[tuple[object, ...]]
        if what == "corps":
            # The counts are the selector's annotations, which the stubs cannot see.
            rows = selectors.corps_list().values_list(  # type: ignore[misc]
                "pk", "name", "short_name", "rank_count", "unit_count", "person_count"
            )
        elif what == "ranks":
            ranks = Rank.objects.select_related("corps").order_by("corps__order", "order")
            rows = (
                (r.pk, r.corps_id, r.order, r.name, r.abbreviation, r.feminine, r.group)
                for r in (ranks.filter(corps=corps) if corps else ranks)
            )
        elif what == "units":
            rows = (
                (u.pk, u.corps_id, u.name, u.kind, u.place_id, u.place.name, u.parent_id or "")
                for u in selectors.unit_list(corps=corps)
            )
        elif what == "places":
            rows = (
                (p.pk, p.kind, p.name, p.parent_id or "", p.code)
                for p in Place.objects.order_by("kind", "name", "pk")
            )
        else:
            rows = (
                (a.pk, a.kind, a.text, a.corps_id, a.rank_id or a.unit_id or "", a.target)
                for a in selectors.alias_list(corps=corps)
            )
        for row in rows:
            self.stdout.write("\t".join(str(value) for value in row))

    # --- changes ----------------------------------------------------------------------------

    def _add(self, options: dict[str, Any]) -> str:
        kind = options["type"]
        row: models.Model
        if kind == "corps":
            row = services.corps_create(
                name=options["name"],
                short_name=options["short_name"],
                name_en=options["name_en"],
                order=options["order"],
                number_prefixes=options["number_prefixes"],
            )
        elif kind == "rank":
            row = services.rank_create(
                corps=_get(Corps, options["corps"], "corps"),
                name=options["name"],
                group=options["group"],
                abbreviation=options["abbreviation"],
                feminine=options["feminine"],
                variants=options["variants"],
                order=options["order"],
            )
        elif kind == "unit":
            parent = options["parent"]
            row = services.unit_create(
                corps=_get(Corps, options["corps"], "corps"),
                name=options["name"],
                place=_get(Place, options["place"], "lieu"),
                kind=options["kind"],
                parent=_get(Unit, parent, "unité") if parent is not None else None,
            )
        else:
            row = services.place_create(
                name=options["name"],
                kind=options["kind"],
                parent=_get(Place, options["parent"], "lieu"),
                code=options["code"],
            )
        return f"{NAMES[kind].capitalize()} ajouté(e) : {row} (id {row.pk})."

    def _delete(self, kind: str, pk: int) -> str:
        row = _get(KINDS[kind], pk, NAMES[kind])
        services.reference_delete(obj=row)
        return f"{NAMES[kind].capitalize()} supprimé(e) : {row} (id {pk})."

    def _merge(self, options: dict[str, Any]) -> str:
        kind = options["kind"]
        model: Any = Unit if kind == "unit" else Rank
        merged = _get(model, options["merged_id"], NAMES[kind])
        kept = _get(model, options["kept_id"], NAMES[kind])
        merge = services.unit_merge if kind == "unit" else services.rank_merge
        moves = merge(merged=merged, kept=kept, by=None)
        moved = ", ".join(f"{move.label} : {move.count}" for move in moves) or "rien à déplacer"
        return f"« {merged} » fusionné(e) dans « {kept} » (id {kept.pk}) — {moved}."


def _get(model: Any, pk: int, name: str) -> Any:
    try:
        return model._base_manager.get(pk=pk)
    except model.DoesNotExist:
        raise CommandError(f"Aucun(e) {name} n’a l’id {pk}.") from None


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"--{field.replace('_', '-')} : {message}" if field != "__all__" else str(message)
            for field, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)
