"""The objects that live as long as the process are frozen out of the garbage collector's walks
(why: kalan/core/memory.py, gc_freeze_at_startup)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished

from kalan.core import memory as gc_freeze


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """A process as if nothing were frozen yet, frozen again afterwards."""
    gc.unfreeze()
    was_done = gc_freeze._after_first_request_done
    gc_freeze._after_first_request_done = False
    yield
    gc_freeze._after_first_request_done = was_done
    request_finished.disconnect(dispatch_uid="kalan-gc-freeze")
    gc.freeze()


def test_django_s_set_up_left_the_process_s_objects_frozen() -> None:
    # Django, the apps and their models: well over 10,000 container objects.
    assert gc.get_freeze_count() > 10_000


def _walked(thing: object) -> bool:
    """Whether the collector's walks see ``thing`` (frozen objects are not in get_objects)."""
    return any(seen is thing for seen in gc.get_objects())


@pytest.mark.django_db  # the end of a request also closes old database connections
def test_the_first_request_freezes_once_more_and_the_next_ones_do_not(unfrozen: None) -> None:
    gc_freeze.gc_freeze_at_startup()
    loaded_later = [[n] for n in range(10)]  # what the first request loads (URLs, templates)
    assert _walked(loaded_later)

    request_finished.send(sender=None)
    more = [[n] for n in range(10)]
    request_finished.send(sender=None)

    assert not _walked(loaded_later)
    assert _walked(more)  # the second request froze nothing more
