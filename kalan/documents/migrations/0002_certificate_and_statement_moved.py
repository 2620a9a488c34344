"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0001_paymentstatement_from_documents'),
        ('certificates', '0001_certificate_from_documents'),
        ('documents', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='paymentstatement',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='paymentstatement',
                    name='session',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='PaymentStatement',
                ),
            ],
        ),
    ]
