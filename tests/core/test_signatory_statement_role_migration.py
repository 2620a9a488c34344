"""Core migration 0006: the yes/no "signs statements" becomes the box a signatory signs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("core", "0005_partner_and_place_from_people_and_plans")
AFTER = ("core", "0006_signatory_statement_role")


def _migrate(target: tuple[str, str]) -> Any:
    """The database at ``target``; the historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_latest(transactional_db: None) -> Iterator[None]:
    """Whatever the test does, the database ends at the latest migrations."""
    try:
        yield
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_statement_signatories_keep_signing_in_the_boxes_their_order_gives(
    at_latest: None,
) -> None:
    apps = _migrate(BEFORE)
    organisation = apps.get_model("core", "Organisation").objects.create(name="CNDH")
    Signatory = apps.get_model("core", "Signatory")
    for order, name, signs in [
        (4, "Quatrième", True),
        (1, "Présidente", False),
        (2, "Comptable", True),
        (3, "Chef financier", True),
        (5, "Président", True),
    ]:
        Signatory.objects.create(
            organisation=organisation, name=name, title="-", order=order, signs_statements=signs
        )

    apps = _migrate(AFTER)
    roles = dict(apps.get_model("core", "Signatory").objects.values_list("name", "statement_role"))

    assert roles == {
        "Présidente": "",
        "Comptable": "prepared",
        "Chef financier": "checked",
        "Quatrième": "approved",
        "Président": "",  # three boxes: the fifth by order gets none
    }


def test_going_back_lets_every_signatory_with_a_box_sign_statements(at_latest: None) -> None:
    apps = _migrate(AFTER)
    organisation = apps.get_model("core", "Organisation").objects.create(name="CNDH")
    Signatory = apps.get_model("core", "Signatory")
    Signatory.objects.create(organisation=organisation, name="Présidente", title="-")
    Signatory.objects.create(
        organisation=organisation, name="Comptable", title="-", statement_role="approved"
    )

    apps = _migrate(BEFORE)
    signs = dict(
        apps.get_model("core", "Signatory").objects.values_list("name", "signs_statements")
    )

    assert signs == {"Présidente": False, "Comptable": True}
