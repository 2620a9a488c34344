from django.db import migrations

from kalan.people.reference import reference_load


def load(apps, schema_editor):
    reference_load(apps)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
