"""Every URL pattern Kalan serves, walked from the root URLconf, and addresses built from them.

A page added tomorrow is walked too: the attack tests that go through ``routes()`` cover it
without being told it exists.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, StringConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# A named group of a regex pattern, without nested groups: (?P<chart>[a-z-]+).
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^()]*)\)")


@dataclass(frozen=True)
class RegexGroup:
    """A parameter of a ``re_path`` pattern: no converter, only the regex it must match."""

    regex: str


@dataclass(frozen=True)
class Route:
    route: str  # "sessions/<uuid:uid>/presences/<uuid:enrollment_uid>/", from the root
    # (for a ``re_path`` pattern, its regex: "^tableau-de-bord/(?P<chart>[a-z-]+)\\.…")
    name: str | None
    callback: Callable[..., Any]
    converters: Mapping[str, Any]  # parameter name -> converter instance

    def __str__(self) -> str:
        return self.name or self.route

    @property
    def public(self) -> bool:
        """Marked ``login_not_required``: open to visitors who have no account."""
        return not getattr(self.callback, "login_required", True)

    @property
    def is_regex(self) -> bool:
        return "^" in self.route or "(?P<" in self.route

    def url(self, values: Mapping[str, str]) -> str:
        """The address with these values in place of the parameters, taken as given (a value
        the pattern would refuse stays in: the page must answer it, with a 404)."""
        if self.is_regex:
            # A plain regex (no nested groups): its groups filled in, its anchors and escapes off.
            path = GROUP.sub(lambda match: values[match["name"]], self.route)
            return "/" + re.sub(r"\\(.)", r"\1", path.replace("^", "").replace("$", ""))
        return "/" + PARAMETER.sub(lambda match: values[match["name"]], self.route)

    @staticmethod
    def sample(name: str, converter: Any) -> str:
        """A well-formed value that names nothing."""
        if isinstance(converter, UUIDConverter):
            return str(uuid.uuid4())
        if isinstance(converter, IntConverter):
            return "987654"
        if isinstance(converter, StringConverter):
            return "x"
        if isinstance(converter, RegexGroup):
            candidates = ["x", "csv", "1", str(uuid.uuid4())]
            return next(c for c in candidates if re.fullmatch(converter.regex, c))
        # A converter of Kalan's own (``export_format``): its first accepted value.
        return str(converter.regex).split("|")[0]


def _walk(
    patterns: Sequence[URLPattern | URLResolver], prefix: str, converters: Mapping[str, Any]
) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern.pattern, RoutePattern):
            here = {**converters, **pattern.pattern.converters}
        else:
            groups = {
                m["name"]: RegexGroup(m["regex"]) for m in GROUP.finditer(str(pattern.pattern))
            }
            here = {**converters, **groups}
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route, here)
        else:
            yield Route(route=route, name=pattern.name, callback=pattern.callback, converters=here)


def routes() -> list[Route]:
    found = list(_walk(get_resolver().url_patterns, "", {}))
    assert len(found) > 40, "the URLconf was not walked"
    return found
