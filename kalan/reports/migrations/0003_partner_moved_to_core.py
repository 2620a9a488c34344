"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_partner_and_place_from_people_and_plans'),
        ('reports', '0002_donor_report_one_per_period'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='donorreport',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='core.partner', verbose_name='partenaire'),
                ),
            ],
        ),
    ]
