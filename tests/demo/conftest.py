"""The demo writes files (the receipts of its expenses, kalan/demo/budget.py): in these tests,
to a folder of each module's own, never to the data folder's media."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(scope="module", autouse=True)
def _demo_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        yield
