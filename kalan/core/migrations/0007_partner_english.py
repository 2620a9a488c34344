"""A partner's English name and acronym, for English documents (issue 11, point 11): « PNUD »
is "UNDP" in an English press release. Both optional; empty, the French name is used and the
page that issues the document says so. Adding and removing the columns loses nothing French."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_signatory_statement_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="nom (anglais)"),
        ),
        migrations.AddField(
            model_name="partner",
            name="acronym_en",
            field=models.CharField(blank=True, max_length=40, verbose_name="sigle (anglais)"),
        ),
    ]
