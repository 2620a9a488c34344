"""Persons get their sort keys (last name, first names, folded): one order everywhere.

The keys of the persons already recorded are filled here, in batches; going back drops the
columns, so it needs nothing more.
"""

from django.db import migrations, models

from kalan.core.text import fold

BATCH = 2000


def sort_keys_fill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    rows = Person._base_manager.order_by("pk").values_list("pk", "last_name", "first_names")
    batch = []
    for pk, last_name, first_names in rows.iterator(chunk_size=BATCH):
        batch.append(Person(pk=pk, sort_last=fold(last_name), sort_first=fold(first_names)))
        if len(batch) == BATCH:
            Person._base_manager.bulk_update(batch, ["sort_last", "sort_first"])
            batch = []
    if batch:
        Person._base_manager.bulk_update(batch, ["sort_last", "sort_first"])


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_place_and_importbatch_moved'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='person',
            options={'base_manager_name': 'all_objects', 'default_manager_name': 'all_objects', 'ordering': ['sort_last', 'sort_first', 'pk'], 'verbose_name': 'personne', 'verbose_name_plural': 'personnes'},
        ),
        migrations.AddField(
            model_name='person',
            name='sort_first',
            field=models.CharField(default='', editable=False, max_length=120, verbose_name='prénoms (tri)'),
        ),
        migrations.AddField(
            model_name='person',
            name='sort_last',
            field=models.CharField(default='', editable=False, max_length=80, verbose_name='nom (tri)'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['sort_last', 'sort_first', 'id'], name='person_sort'),
        ),
        migrations.RunPython(sort_keys_fill, migrations.RunPython.noop),
    ]
