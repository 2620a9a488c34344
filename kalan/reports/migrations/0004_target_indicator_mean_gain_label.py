# The label of the mean_gain indicator names its formula (the mean individual normalised gain,
# not Hake's gain on the means): choices only, no change to the table; reversible.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_partner_moved_to_core'),
    ]

    operations = [
        migrations.AlterField(
            model_name='target',
            name='indicator',
            field=models.CharField(choices=[('persons_trained', 'personnes formées'), ('distinct_persons', 'personnes distinctes formées'), ('person_days', 'jours-personnes'), ('women_share', 'part des femmes (%)'), ('attendance_rate', 'taux de présence (%)'), ('mean_gain', 'gain normalisé individuel moyen (%)'), ('post_pass_share', 'part réussissant le post-test (%)'), ('satisfaction', 'satisfaction moyenne (sur 5)')], max_length=20, verbose_name='indicateur'),
        ),
    ]
