"""Filters for Kalan's logs: they name what failed, never who.

Django logs every refused request (403) at WARNING with the PermissionDenied traceback: dozens
of lines per refusal, which drown the log of a venue laptop and say nothing a reader needs. One
line is enough: the status, the path without its query string (a query may hold a search for a
name), and the account's id, never its name.
"""

from __future__ import annotations

import logging


class RefusalOneLine(logging.Filter):
    """Turn Django's 403 record into ``403 <path> user=<id>``, with no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        path = getattr(request, "path", "?")
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        record.msg, record.args = "403 %s user=%s", (path, user_id)
        record.exc_info = record.exc_text = None
        record.stack_info = None
        return True
