"""Python's cyclic garbage collector, kept out of the way of Kalan's large work.

## ``gc_paused``: the collector held off during one large piece of work

A list import reads the whole registry (200,000 persons) into a name index and makes some
40,000 model instances and tuples. Every 700 allocations the collector runs, and now and then it
walks every object the process holds, those of the import included: timed with
``gc.callbacks``, that was 1.9 s of the import bench's 10,000 rows into a near-empty registry
and 3.4 s of the same into 200,000 persons (bench/participants_import.py), a third of each.
The work itself makes next to no reference cycles (rows, instances and tuples are freed by their
reference counts the moment they are dropped), so nothing is lost by collecting after it.

## ``gc_freeze_at_startup``: what lives as long as the process, out of the collector's reach

Why: about one request in five to the session page of 400 participants took twice the median
(bench/run.py, ``session_page_p95_ms_400``). Measured with ``gc.callbacks``, each of those slow
requests ran one full (generation 2) collection, and it alone cost as much as the rest of the
request: about 100 ms of CPU. A full collection walks every container object the process
tracks — Django, every app's modules, models, URL patterns, compiled templates: some 180,000
objects — and Python starts one whenever the objects promoted to the oldest generation since the
last full one pass a quarter of it. A page of 400 rows builds thousands of model instances and
strings; the young collections that run meanwhile (every 700 allocations) promote what is alive
at that moment, the request's own rows, so every few requests pay for a walk of the whole
process. The other pages pay the same toll, less often.

``gc.freeze()`` moves every object tracked at that moment into a permanent generation that no
collection walks: after it, a full collection walks only what was made since (about 12,000
objects after the first request, against 180,000), and the slow requests are gone (p95 within
1.2x of the median, against 2x). It is done twice: when Django is set up (the bulk: modules,
models, apps) and once after the first request has finished (the URL patterns, views and
templates Django loads on first use). A collection runs first each time, so that no garbage is
frozen with the living.

Frozen objects are never freed by the collector, which is right for what lives as long as the
process and why it is done at those two moments only. Raising the collector's thresholds was
measured too (``gc.set_threshold(50_000, …)``): no better than freezing alone, and it keeps
more garbage waiting. ``gc_paused`` (above) holds the collector off during an import, which is
another matter: one bounded piece of work that makes no cycles.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_finished

_lock = threading.Lock()
_depth = 0  # blocks running now, in every thread: the collector is process-wide
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic collector inside the block; nested and concurrent blocks share one
    pause, and the collector comes back, as it was before the first, when the last one ends.

    Only for bounded work (one import, one commit): objects in cycles made meanwhile wait for
    the end of the block to be freed.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


_freeze_lock = threading.Lock()
_after_first_request_done = False


def gc_freeze_now() -> None:
    """Collect what is garbage, then freeze what is left."""
    gc.collect()
    gc.freeze()


def gc_freeze_at_startup() -> None:
    """For ``CoreConfig.ready()``: freeze now, and once more after the first request."""
    gc_freeze_now()
    request_finished.connect(_freeze_after_first_request, dispatch_uid="kalan-gc-freeze")


def _freeze_after_first_request(**kwargs: Any) -> None:
    global _after_first_request_done
    with _freeze_lock:
        if _after_first_request_done:
            return
        _after_first_request_done = True
    request_finished.disconnect(dispatch_uid="kalan-gc-freeze")
    gc_freeze_now()
