"""Domain errors: a translated message, a short code, and the field at fault when there is one.

The page shows the message at its field, the CLI prints it and exits non-zero, and (later) the
API returns it as JSON with the code: one error, three ways of reporting it.
"""

from __future__ import annotations

from django.utils.functional import Promise


class KalanError(Exception):
    def __init__(self, message: str | Promise, *, code: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
