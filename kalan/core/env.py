"""The ``KALAN_*`` environment variables read as text, booleans, integers and lists.

Read by ``kalan.settings`` and by ``kalan.gunicorn_conf``, which gunicorn imports before Django is
set up: nothing here imports Django. A value that is not what its variable needs stops start-up
with a message naming the variable.
"""

from __future__ import annotations

import os


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(f"KALAN_{name}", default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(f"KALAN_{name}")
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on", "oui"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", "non"}:
        return False
    raise ValueError(f"KALAN_{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(f"KALAN_{name}")
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"KALAN_{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(f"KALAN_{name}")
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
