"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from kalan.core.migration_ops import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_no_model_permissions'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0005_partner_and_place_from_people_and_plans'),
        ('workshops', '0004_session_trainers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='funding',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fundings', to='core.partner', verbose_name='bailleur'),
                ),
                migrations.AlterField(
                    model_name='session',
                    name='place',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='core.place', verbose_name='localité'),
                ),
                migrations.AlterField(
                    model_name='workshop',
                    name='funders',
                    field=models.ManyToManyField(related_name='workshops', through='workshops.Funding', to='core.partner', verbose_name='bailleurs'),
                ),
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='identifiant global')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('filename', models.CharField(max_length=255, verbose_name='fichier')),
                        ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                        ('size', models.PositiveBigIntegerField(verbose_name='taille (octets)')),
                        ('stored_name', models.CharField(max_length=80, verbose_name='nom de stockage')),
                        ('sheet', models.CharField(blank=True, max_length=120, verbose_name='feuille')),
                        ('mapping', models.JSONField(blank=True, default=dict, verbose_name='correspondance des colonnes')),
                        ('decisions', models.JSONField(blank=True, default=dict, verbose_name='décisions')),
                        ('status', models.CharField(choices=[('preview', 'aperçu'), ('committed', 'importé'), ('abandoned', 'abandonné')], default='preview', max_length=10, verbose_name='statut')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='bilan')),
                        ('committed_at', models.DateTimeField(blank=True, null=True, verbose_name='importé le')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='workshops.session', verbose_name='session')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='déposé par')),
                    ],
                    options={
                        'verbose_name': 'import de liste',
                        'verbose_name_plural': 'imports de listes',
                        'db_table': 'people_importbatch',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        content_types_move(('people', 'importbatch', 'workshops')),
    ]
