"""``kalan participants import FILE --session SESSION``: a participant list into a session."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kalan.workshops.importing.columns import mapping_guess
from kalan.workshops.importing.plan import ImportPlan, import_plan
from kalan.workshops.importing.reader import table_read
from kalan.workshops.importing.references import References
from kalan.workshops.importing.service import ImportRefused, import_commit
from kalan.workshops.importing.types import CellError, ImportFileError
from kalan.workshops.models import Session

USAGE_ERROR = 2  # exit code of a wrong command line; 1 means the list had errors


class Command(BaseCommand):
    help = (
        "Importer une liste de participants (xlsx, xls, csv) dans une session.\n"
        "Tout ou rien. Sort avec 0 si la liste est importée, 1 si rien n’est enregistré à cause "
        "d’erreurs, 2 si la commande est mal formée. / Import a participant list into a session."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser(
            "import",
            help="importer un fichier dans une session",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        imports.add_argument("file", metavar="FILE", type=Path)
        imports.add_argument(
            "--session",
            required=True,
            help="identifiant de la session (son UUID, ou ses 8 premiers caractères ou plus)",
        )
        imports.add_argument("--sheet", help="nom de la feuille (par défaut : la première lisible)")
        imports.add_argument("--corps", help="corps des lignes qui n’en indiquent pas")
        imports.add_argument(
            "--over-capacity",
            action="store_true",
            help="inscrire au-delà de la capacité de la session",
        )
        imports.add_argument(
            "--answers",
            type=Path,
            metavar="ANSWERS.json",
            help=(
                "réponses aux valeurs inconnues : un objet JSON {clé de la question: réponse} "
                "(« same:ID », « new », « new:ID_LIEU », « blank », « skip »), les clés étant "
                "celles que --json --dry-run donne sous « questions »"
            ),
        )
        imports.add_argument(
            "--dry-run", action="store_true", help="dire ce qui serait fait, sans rien enregistrer"
        )
        imports.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}", returncode=USAGE_ERROR)
        session = _session(options["session"])
        default_corps = None
        if options["corps"]:
            default_corps = References.load().corps_find(options["corps"])
            if default_corps is None:
                raise CommandError(f"Corps inconnu : {options['corps']}", returncode=USAGE_ERROR)
        try:
            table = table_read(path=path, filename=path.name, sheet=options["sheet"])
        except ImportFileError as error:
            if error.code == "unknown_sheet":
                raise CommandError(str(error), returncode=USAGE_ERROR) from None
            self._report(None, [CellError(row=0, column="", field="", message=str(error))], options)
            raise CommandError("rien n’a été importé", returncode=1) from None
        plan = import_plan(
            session=session,
            table=table,
            mapping=mapping_guess(table.headers),
            answers=_answers(options["answers"]),
            default_corps_id=default_corps,
            allow_over_capacity=options["over_capacity"],
        )
        errors = plan.refusals
        if errors or options["dry_run"]:
            self._report(plan, errors, options)
            if errors:
                raise CommandError("rien n’a été importé", returncode=1)
            return
        try:
            with transaction.atomic():
                import_commit(plan=plan, by=None)
        except ImportRefused as refused:  # the registry changed between plan and commit
            self._report(plan, refused.errors, options)
            raise CommandError("rien n’a été importé", returncode=1) from None
        self._report(plan, [], options, committed=True)

    def _report(
        self,
        plan: ImportPlan | None,
        errors: list[CellError],
        options: dict[str, Any],
        *,
        committed: bool = False,
    ) -> None:
        counts = (
            plan.counts()
            if plan
            else {
                "rows_read": 0,
                "created": 0,
                "matched": 0,
                "possible_duplicates": 0,
            }
        )
        counts["errors"] = len(errors)
        if options["json"]:
            payload = {
                **counts,
                "committed": committed,
                "dry_run": options["dry_run"],
                "error_list": [
                    {"row": e.row, "column": e.column, "field": e.field, "message": e.message}
                    for e in errors
                ],
                "questions": [
                    {
                        "key": q.key,
                        "kind": q.kind,
                        "text": q.text,
                        "rows": q.rows,
                        "answer": q.answer,
                        "suggestions": [
                            {"answer": f"same:{e.pk}", "label": e.label, "score": e.score}
                            for e in q.suggestions
                        ]
                        + [
                            {"answer": f"new:{e.pk}", "label": e.label, "score": e.score}
                            for e in q.places
                        ],
                    }
                    for q in (plan.questions if plan else [])
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for name in ("rows_read", "created", "matched", "possible_duplicates", "errors"):
            self.stdout.write(f"{name}: {counts[name]}")
        for error in errors:
            self.stdout.write(str(error))


def _answers(path: Path | None) -> dict[str, str]:
    """The answers file: a JSON object of question keys to answers (strings)."""
    if path is None:
        return {}
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(
            f"Réponses illisibles ({path}) : {error}", returncode=USAGE_ERROR
        ) from None
    if not isinstance(answers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
    ):
        raise CommandError(
            f"Réponses ({path}) : un objet JSON {{clé: réponse}} de textes est attendu.",
            returncode=USAGE_ERROR,
        )
    return answers


def _session(given: str) -> Session:
    text = given.strip().lower()
    try:
        return Session.objects.get(uid=uuid.UUID(text))
    except (ValueError, Session.DoesNotExist):
        pass
    if len(text) >= 8:
        found = (
            list(Session.objects.filter(uid__startswith=text.replace("-", ""))[:2])
            if _uuid_prefix(text)
            else []
        )
        if len(found) == 1:
            return found[0]
    raise CommandError(f"Session introuvable : {given}", returncode=USAGE_ERROR)


def _uuid_prefix(text: str) -> bool:
    return all(c in "0123456789abcdef-" for c in text)
