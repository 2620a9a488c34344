"""A limit of so many requests per window, counted in the cache every process shares.

Used by the public certificate page (``/v/``). The cache is the install's (CACHES: the
database's table by default, Redis when KALAN_CACHE_URL names one), so several gunicorn workers
allow ``limit`` requests in all, not each.

Counted without ``cache.incr``: the database cache's incr reads then writes, and two processes
incrementing at the same instant both write the same count, so a client sending k requests at
a time could pass the limit k times over. Instead, each allowed request takes one numbered
slot with ``cache.add``, which both backends make atomic (a primary key in the database,
``SET NX`` in Redis): of two processes adding the same slot, one fails and tries the next, and
never more than ``limit`` slots exist. A request over the limit writes nothing (a flood must
not become a flood of writes): it reads the window's start and the number of slots taken.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_allows(key: str, *, limit: int, window_s: int) -> bool:
    """Whether one more request under ``key`` fits in the current window (and, if so, count it).

    The window starts at the first request under ``key`` and lasts ``window_s`` seconds, as in
    every process. ``key`` holds no personal data: the caller hashes what it counts by.
    """
    since_key = f"{key}:since"
    since = cache.get(since_key)
    if since is None:
        cache.add(since_key, int(time.time() * 1000), timeout=window_s)  # the first one wins
        since = cache.get(since_key, 0)
    window = f"{key}:{since}"
    taken = cache.get(f"{window}:taken", 0)
    for slot in range(taken + 1, limit + 1):
        if cache.add(f"{window}:{slot}", True, timeout=window_s):
            # A hint for the next request, which starts there instead of at slot 1; a late
            # writer may set it lower, which costs a few failed adds, never a wrong count.
            cache.set(f"{window}:taken", slot, timeout=window_s)
            return True
    return False
