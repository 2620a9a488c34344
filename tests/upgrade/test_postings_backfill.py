"""People migration 0007 gives every person of an upgraded database one posting: what the
registry knew of them (corps, rank, unit), from the day their record was made.

The legacy database of ``test_upgrade.py`` (commit e990814, before postings) is upgraded the
same way; its persons are read from the file and compared with the postings made.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kalan.core.models import User
from kalan.people.models import Person, Posting
from tests.upgrade import test_upgrade
from tests.upgrade.test_upgrade import instant, upgrade

# The fixtures of the upgrade test: its legacy file and data folder, and a database left at
# the latest migration whatever happens.
legacy = test_upgrade.legacy
legacy_files = test_upgrade.legacy_files
upgrade_db = test_upgrade.upgrade_db

PERSONS = "SELECT id, corps_id, rank_id, unit_id, created_at FROM people_person ORDER BY id"


@pytest.mark.django_db(transaction=True)
def test_each_legacy_person_with_a_corps_rank_or_unit_gets_one_posting_from_their_record(
    upgrade_db: None,
    legacy: sqlite3.Connection,
    legacy_files: Path,
) -> None:
    rows = legacy.execute(PERSONS).fetchall()
    expected = {
        pk: (corps_id, rank_id, unit_id, instant(created).date())
        for pk, corps_id, rank_id, unit_id, created in rows
        if (corps_id, rank_id, unit_id) != (None, None, None)
    }
    assert 0 < len(expected) < len(rows)  # some persons have none of the three: no posting
    merged = {
        pk
        for (pk,) in legacy.execute("SELECT id FROM people_person WHERE merged_into_id IS NOT NULL")
    }
    assert merged & set(expected)  # merged persons keep their own history too

    upgrade(legacy)

    found: dict[int, list[tuple[int | None, int | None, int | None, dt.date]]] = {}
    for posting in Posting.objects.order_by("pk"):
        found.setdefault(posting.person_id, []).append(
            (posting.corps_id, posting.rank_id, posting.unit_id, posting.since)
        )
    assert found == {pk: [values] for pk, values in expected.items()}
    # The person's page shows it.
    person = Person.objects.get(pk=next(iter(expected)))
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    response = client.get(reverse("person_detail", kwargs={"uid": person.uid}))
    assert response.status_code == 200
    assert "Affectations et grades" in response.content.decode()
    assert "Aucune affectation enregistrée." not in response.content.decode()
