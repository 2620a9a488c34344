from django.db import migrations

from kalan.people.reference import reference_2026_load


def load(apps, schema_editor):
    reference_2026_load(apps)


class Migration(migrations.Migration):
    """Mali's gazetteer (regions, cercles, communes), every corps Kalan ships with its ranks,
    and the ways lists write the corps (issue 12)."""

    dependencies = [
        ("people", "0007_reference_aliases_postings"),
        ("core", "0008_place_communes"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
