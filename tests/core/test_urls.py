"""The URL table (``kalan/urls.py``): every address and name stays as listed in
``data/routes.txt`` (bookmarks, printed QR codes, ``/t/`` for participants), each app keeps its
routes in its one ``urls.py``, and only ``kalan/urls.py`` includes them, each list under a
prefix of its own."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

import kalan

ROUTES_FILE = Path(__file__).parent / "data" / "routes.txt"
KALAN = Path(kalan.__file__).parent
# The apps whose routes ``kalan/urls.py`` includes, each from ``kalan/<app>/urls.py``.
APPS = [
    "core",
    "people",
    "plans",
    "workshops",
    "assessments",
    "certificates",
    "finance",
    "documents",
    "relays",
    "custody",
    "fieldkit",
    "reports",
]
# The one route ``kalan/urls.py`` declares itself, at the root.
ROOT_ROUTES = {"home"}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        # A ``re_path`` included under a prefix starts with its own "^": read it after the prefix.
        route = prefix + str(pattern.pattern).removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def _route_lines() -> set[str]:
    return {f"/{route} {pattern.name}" for route, pattern in _walk(get_resolver().url_patterns)}


def _listed_lines() -> set[str]:
    lines = ROUTES_FILE.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line.strip() and not line.startswith("#")}


def _app_lists() -> dict[int, tuple[str, str]]:
    """Every list of routes of every app's ``urls.py``, by ``id``: (app, list's name)."""
    found: dict[int, tuple[str, str]] = {}
    for app in APPS:
        module = importlib.import_module(f"kalan.{app}.urls")
        for name, value in vars(module).items():
            if name == "urlpatterns" or name.endswith("_patterns"):
                found[id(value)] = (app, name)
    return found


def test_every_route_keeps_its_address_and_name() -> None:
    served, listed = _route_lines(), _listed_lines()
    assert len(served) == len(list(_walk(get_resolver().url_patterns))), "a route is doubled"
    assert served == listed, (
        f"routes gone: {sorted(listed - served)}; new routes: {sorted(served - listed)}. "
        f"A route's address or name never changes; when one is added or removed on purpose, "
        f"update {ROUTES_FILE.relative_to(KALAN.parent)}."
    )


def test_the_root_includes_each_list_under_a_prefix_and_declares_only_the_home_page() -> None:
    top = get_resolver().url_patterns
    empty = [str(p.urlconf_name) for p in top if isinstance(p, URLResolver) and not str(p.pattern)]
    assert not empty, f"included at the root, without a prefix: {empty}"
    inline = {p.name for p in top if isinstance(p, URLPattern)}
    assert inline == ROOT_ROUTES, f"routes declared in kalan/urls.py itself: {inline}"


def test_each_app_routes_only_its_own_views_and_includes_nothing() -> None:
    lists = _app_lists()
    included: set[int] = set()
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLResolver):
            continue
        urlconf = pattern.urlconf_name
        assert id(urlconf) in lists, (
            f"{pattern.pattern}: include a list of an app's urls.py, not {urlconf!r}"
        )
        app, name = lists[id(urlconf)]
        included.add(id(urlconf))
        for child in pattern.url_patterns:
            assert isinstance(child, URLPattern), (
                f"kalan.{app}.urls.{name} includes {child.pattern}: only kalan/urls.py includes"
            )
            view = child.lookup_str
            # Core also routes Django's own sign-in, sign-out and language views.
            own = view.startswith(f"kalan.{app}.") or (app == "core" and view.startswith("django."))
            assert own, f"{child.name} ({view}) is routed by kalan.{app}.urls, not by its app"
    forgotten = sorted(
        f"kalan.{app}.urls.{name}" for key, (app, name) in lists.items() if key not in included
    )
    assert not forgotten, f"lists of routes that kalan/urls.py does not include: {forgotten}"


def test_each_app_has_one_urls_module_and_only_the_root_imports_include() -> None:
    strays = sorted(str(p.relative_to(KALAN.parent)) for p in KALAN.glob("*/urls_*.py"))
    assert not strays, f"an app keeps its routes in its one urls.py: {strays}"
    including = []
    for source in sorted(KALAN.rglob("*.py")):
        if source == KALAN / "urls.py":
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "django.urls"
                and any(alias.name == "include" for alias in node.names)
            ):
                including.append(str(source.relative_to(KALAN.parent)))
    assert not including, f"only kalan/urls.py includes routes: {including}"
