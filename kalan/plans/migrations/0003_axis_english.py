"""An axis's English title and description, for English documents (issue 11, point 11). Both
optional; empty, English documents quote the French and the page that issues them says so."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_partner_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="axis",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="intitulé (anglais)"),
        ),
        migrations.AddField(
            model_name="axis",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (anglais)"),
        ),
    ]
