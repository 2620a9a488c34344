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
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='identifiant global')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='numéro')),
                        ('short_code', models.CharField(max_length=12, unique=True, verbose_name='code de vérification')),
                        ('language', models.CharField(choices=[('fr', 'français'), ('en', 'anglais')], default='fr', max_length=2, verbose_name='langue')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
                        ('revoke_reason', models.TextField(blank=True, verbose_name='motif de la révocation')),
                        ('enrollment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='workshops.enrollment', verbose_name='inscription')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='délivré par')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='révoqué par')),
                    ],
                    options={
                        'verbose_name': 'attestation',
                        'verbose_name_plural': 'attestations',
                        'db_table': 'documents_certificate',
                        'ordering': ['number'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('revoked_at__isnull', True), models.Q(('revoke_reason', ''), _negated=True), _connector='OR'), name='certificate_revocation_has_reason')],
                    },
                ),
            ],
        ),
        content_types_move(('documents', 'certificate', 'certificates')),
    ]
