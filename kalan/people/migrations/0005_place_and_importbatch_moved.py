"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_partner_and_place_from_people_and_plans'),
        ('people', '0004_no_model_permissions'),
        ('workshops', '0005_importbatch_from_people'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='place',
                    name='parent',
                ),
                migrations.AlterField(
                    model_name='unit',
                    name='place',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='units', to='core.place', verbose_name='lieu'),
                ),
                migrations.DeleteModel(
                    name='ImportBatch',
                ),
                migrations.DeleteModel(
                    name='Place',
                ),
            ],
        ),
    ]
