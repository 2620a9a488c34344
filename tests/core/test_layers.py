"""Core is the ground: it names no app above it, not even in a string.

Import-linter (``make lint``) stops core importing a higher app; a label in a string
(« workshops.session ») escapes it and ties core to that app just the same. Core asks the models
instead (``kalan.core.audit_registry``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps

import kalan.core

CORE = Path(kalan.core.__file__).resolve().parent
# The places a model keeps the labels it had before it moved down to core: its own past, which
# the journal needs to find its older entries, not a reference to another app.
OWN_PAST = "audit_former_labels"


def _other_labels() -> list[str]:
    labels = {
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith("kalan.") and config.label != "core"
    }
    return sorted(labels)


# « workshops.session », « kalan.people.models »; not a sentence ending on « plans. ». A label
# alone is let be: « finance » is also a role.
NAMING = re.compile(rf"\b(?:{'|'.join(_other_labels())})\.[a-z_]")


def _sources() -> Iterator[Path]:
    for path in sorted(CORE.rglob("*.py")):
        if "migrations" not in path.relative_to(CORE).parts:
            yield path


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _own_past(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == OWN_PAST for target in node.targets
        ):
            found.update(id(value) for value in ast.walk(node.value))
    return found


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """The string literals of a module, its docstrings and its models' former labels left out
    (comments are not in the tree at all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _docstrings(tree) | _own_past(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
        ):
            yield node.lineno, node.value


def test_the_pattern_catches_a_label_and_lets_a_sentence_be() -> None:
    assert NAMING.search("workshops.session")
    assert NAMING.search("kalan.people.models")
    assert NAMING.search('{"assessments.answer"}')
    assert not NAMING.search("Aucun des plans.")
    assert not NAMING.search("core.auditentry")


def test_core_s_code_names_no_other_app_in_a_string() -> None:
    found = [
        f"{path.relative_to(CORE.parent)}:{line}: {text!r}"
        for path in _sources()
        for line, text in _strings(path)
        if NAMING.search(text)
    ]
    assert not found, "\n".join(found)


def test_core_s_templates_name_no_other_app() -> None:
    found = [
        f"{path.relative_to(CORE.parent)}: {match.group()!r}"
        for path in sorted((CORE / "templates").rglob("*.html"))
        for match in NAMING.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
