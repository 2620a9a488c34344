"""A workshop's English title and general objective, and each specific objective's English
text, for English documents (issue 11, point 11). All optional; empty, English documents quote
the French and the page that issues them says so."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0007_superseded_by_partial_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="intitulé (anglais)"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="general_objective_en",
            field=models.TextField(blank=True, verbose_name="objectif général (anglais)"),
        ),
        migrations.AddField(
            model_name="objective",
            name="text_en",
            field=models.TextField(blank=True, verbose_name="objectif spécifique (anglais)"),
        ),
    ]
