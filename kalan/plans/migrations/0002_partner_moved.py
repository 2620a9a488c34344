"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_partner_and_place_from_people_and_plans'),
        ('plans', '0001_initial'),
        ('reports', '0003_partner_moved_to_core'),
        ('workshops', '0005_importbatch_from_people'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Partner',
                ),
            ],
        ),
    ]
