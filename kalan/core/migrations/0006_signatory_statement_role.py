"""A statement signatory says which box of the approval block they sign (issue 11): the yes/no
``signs_statements`` becomes ``statement_role`` (prepared, checked or approved by).

Signatories who signed statements keep signing them, in the boxes their order gives: the
organisation page lists signatories "in the order they sign", and a statement is signed in that
sequence (prepared, checked, approved), so the first three by order fill the three boxes left to
right, where the old statements printed them. A fourth and later get no box; an administrator
moves anyone on the organisation page. Going back, anyone with a box signs statements again.
"""

from typing import Any

from django.db import migrations, models

ROLES = ("prepared", "checked", "approved")


def roles_from_order(apps: Any, schema_editor: Any) -> None:
    Signatory = apps.get_model("core", "Signatory")
    by_organisation: dict[int, list[Any]] = {}
    for signatory in Signatory.objects.filter(signs_statements=True).order_by(
        "organisation_id", "order", "name", "pk"
    ):
        by_organisation.setdefault(signatory.organisation_id, []).append(signatory)
    for signatories in by_organisation.values():
        for signatory, role in zip(signatories, ROLES, strict=False):
            signatory.statement_role = role
            signatory.save(update_fields=["statement_role"])


def signs_from_roles(apps: Any, schema_editor: Any) -> None:
    Signatory = apps.get_model("core", "Signatory")
    Signatory.objects.exclude(statement_role="").update(signs_statements=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_partner_and_place_from_people_and_plans"),
    ]

    operations = [
        migrations.AddField(
            model_name="signatory",
            name="statement_role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("prepared", "Établi par"),
                    ("checked", "Vérifié par"),
                    ("approved", "Approuvé par"),
                ],
                default="",
                max_length=10,
                verbose_name="signe les états de paiement",
            ),
        ),
        migrations.RunPython(roles_from_order, signs_from_roles),
        migrations.RemoveField(model_name="signatory", name="signs_statements"),
    ]
