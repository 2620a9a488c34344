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
from typing import Any

from django.contrib.sessions.backends import db

REFRESH = dt.timedelta(minutes=1)


class SessionStore(db.SessionStore):
    _stored_expiry: dt.datetime | None = None

    # Django's own hook that reads the row (django-stubs leaves out this private method).
    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]
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
