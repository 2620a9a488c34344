"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from kalan.core.migration_ops import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('documents', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('workshops', '0005_importbatch_from_people'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PaymentStatement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='identifiant global')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='numéro')),
                        ('lines', models.JSONField(verbose_name='lignes')),
                        ('total', models.PositiveBigIntegerField(verbose_name='total')),
                        ('fingerprint', models.CharField(max_length=64, verbose_name='empreinte des données')),
                        ('pdf', models.FileField(upload_to='statements/', verbose_name='PDF')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='émis par')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payment_statements', to='workshops.session', verbose_name='session')),
                    ],
                    options={
                        'verbose_name': 'état de paiement',
                        'verbose_name_plural': 'états de paiement',
                        'db_table': 'documents_paymentstatement',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        content_types_move(('documents', 'paymentstatement', 'finance')),
    ]
