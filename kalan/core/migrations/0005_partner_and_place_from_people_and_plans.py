"""Moves models between apps without touching a table (issue 10): every operation here
changes Django's picture of the models only (``state_operations``); the tables, their rows and
their constraints stay as they are, each model keeping its old ``db_table``."""

import django.db.models.deletion
import uuid
from django.db import migrations, models

from kalan.core.migration_ops import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_no_model_permissions'),
        ('plans', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_audit_append_only'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Partner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='identifiant global')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='nom')),
                        ('acronym', models.CharField(blank=True, max_length=40, verbose_name='sigle')),
                        ('website', models.URLField(blank=True, verbose_name='site web')),
                    ],
                    options={
                        'verbose_name': 'partenaire',
                        'verbose_name_plural': 'partenaires',
                        'db_table': 'plans_partner',
                        'ordering': ['name'],
                    },
                ),
                migrations.AlterField(
                    model_name='user',
                    name='partner',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='viewers', to='core.partner', verbose_name='partenaire'),
                ),
                migrations.CreateModel(
                    name='Place',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='identifiant global')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('name', models.CharField(max_length=120, verbose_name='nom')),
                        ('kind', models.CharField(choices=[('country', 'pays'), ('region', 'région'), ('district', 'district'), ('cercle', 'cercle'), ('town', 'ville')], max_length=10, verbose_name='type')),
                        ('code', models.CharField(blank=True, max_length=12, verbose_name='code')),
                        ('established', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='année de création')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='core.place', verbose_name='dans')),
                    ],
                    options={
                        'verbose_name': 'lieu',
                        'verbose_name_plural': 'lieux',
                        'db_table': 'people_place',
                        'ordering': ['name'],
                    },
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='country',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.place', verbose_name='pays'),
                ),
                migrations.AddConstraint(
                    model_name='place',
                    constraint=models.UniqueConstraint(fields=('parent', 'kind', 'name'), name='place_unique_in_parent'),
                ),
                migrations.AddConstraint(
                    model_name='place',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'country'), ('parent__isnull', True)), models.Q(models.Q(('kind', 'country'), _negated=True), ('parent__isnull', False)), _connector='OR'), name='place_only_countries_are_roots'),
                ),
            ],
        ),
        content_types_move(('plans', 'partner', 'core'), ('people', 'place', 'core')),
    ]
