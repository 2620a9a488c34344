from django.db import migrations

from kalan.custody.instrument import instrument_load


def load(apps, schema_editor):
    instrument_load(apps)


class Migration(migrations.Migration):
    """The visit instrument shipped in kalan/custody/data/instrument.json, so that a new
    installation can record a visit at once; `kalan instrument load` reloads the file."""

    dependencies = [("custody", "0001_custody")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
