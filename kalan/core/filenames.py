"""File names that every system Kalan runs on accepts: a venue laptop may run Windows.

Windows refuses ``< > : " / \\ | ? *`` and control characters in a name, drops trailing dots
and spaces, and reserves the device names (``CON``, ``NUL``, ``COM1``…) whatever the extension.
A name Kalan makes (a download, a backup, a document) goes through :func:`portable_filename`, so
a title or a number holding one of them (``Rapport 2026/1 : Sévaré``) still saves as written
elsewhere; accents are kept (every current system stores them).
"""

from __future__ import annotations

import re

WINDOWS_FORBIDDEN = '<>:"/\\|?*'
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)", re.IGNORECASE)


def portable_filename(name: str, *, replacement: str = "_") -> str:
    """``name`` with every character Windows forbids replaced by ``replacement``, no trailing dot
    or space, and a device name (``nul.pdf``) prefixed by ``replacement``; never empty."""
    safe = _FORBIDDEN.sub(replacement, name).rstrip(". ")
    if _RESERVED.match(safe):
        safe = replacement + safe
    return safe or replacement


def is_portable_filename(name: str) -> bool:
    """True when Windows, macOS and Linux all accept ``name`` as it is."""
    return bool(name) and portable_filename(name) == name
