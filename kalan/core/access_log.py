"""gunicorn's access log without personal data (``logger_class`` of kalan/gunicorn_conf.py).

Imported by gunicorn only (Linux): nothing else in Kalan needs gunicorn installed.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger


class QuietLogger(Logger):
    """gunicorn's logger, with the personal parts of a request left out of every access line,
    whatever ``access_log_format`` an administrator writes: the query string, the referrer (a
    page's full address), the user agent, the client's address, a basic-auth user name, the
    headers and the code of a
    certificate (a key to its holder's name) become ``-`` or ``…``."""

    HIDDEN = ("q", "f", "a", "h", "u")
    CERTIFICATE_CODE = re.compile(r"^(/v/)[^/]+")

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        path = self.CERTIFICATE_CODE.sub(r"\1…", atoms.get("U", ""))
        for name in self.HIDDEN:
            atoms[name] = "-"
        atoms["U"] = path
        atoms["r"] = f"{atoms.get('m', '-')} {path} {atoms.get('H', '-')}"
        return {key: value for key, value in atoms.items() if not key.startswith("{")}
