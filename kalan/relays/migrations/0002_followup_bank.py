from django.db import migrations

from kalan.relays.bank import followup_bank_load


def load(apps, schema_editor):
    followup_bank_load(apps)


class Migration(migrations.Migration):
    """The follow-up question bank shipped in kalan/relays/data/followup_ml.json, so that a new
    installation can open a round at once; `kalan followup_bank load` reloads the file."""

    dependencies = [("relays", "0001_relays")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
