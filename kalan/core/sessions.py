"""Sessions in the database, whose idle expiry is written at most once a minute.

SESSION_SAVE_EVERY_REQUEST makes the end of a session idle time (settings.py): Django then writes
the session's row on every request, a transaction and a commit of its own. A phone answering a
test sends a request every few seconds, a thousand phones a few hundred a second
(``bench/scale.py``): that write was a third of the statements of an answer. Here a session
whose data did not change is written again only when its stored end is more than REFRESH older
than the end this request would give it. The end of an idle session may so come up to REFRESH
early (29 minutes instead of 30); a session whose data changed is written at once, as before.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from django.contrib.sessions.backends import db
from django.db import connections
from django.utils import timezone

from kalan.core import statements

if TYPE_CHECKING:
    from django.contrib.sessions.base_session import AbstractBaseSession

REFRESH = dt.timedelta(minutes=1)


@cache
def _read_sql(model: type[AbstractBaseSession]) -> str:
    # Names from the model's metadata; the key and the time are parameters.
    key, end = statements.column(model, "session_key"), statements.column(model, "expire_date")
    return (
        f"SELECT {statements.columns(model, 's')} FROM {statements.table(model)} s "  # noqa: S608
        f"WHERE s.{key} = %s AND s.{end} > %s"
    )


class SessionStore(db.SessionStore):
    _stored_expiry: dt.datetime | None = None

    # Django's own hook that reads the row (django-stubs leaves out this private method). Its
    # SELECT is written once (kalan.core.statements): every request of every phone reads it.
    def _get_session_from_db(self) -> Any:
        connection = connections["default"]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_read_sql(self.model), [self.session_key, now])
            row = cursor.fetchone()
        stored = statements.instance(self.model, row) if row is not None else None
        if stored is None:
            self._session_key = None
        self._stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create: bool = False) -> None:
        if not must_create and self.session_key is not None:
            self.keys()  # reads the row, and its stored end, if the request did not
            if (
                not self.modified
                and self._stored_expiry is not None
                and self._stored_expiry > self.get_expiry_date() - REFRESH
            ):
                return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()
