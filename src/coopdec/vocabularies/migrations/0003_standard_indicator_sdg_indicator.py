from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vocabularies", "0002_standard_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="standardindicator",
            name="sdg_indicator",
            field=models.CharField(
                blank=True,
                help_text="Code of the SDG global indicator framework (e.g. 6.1.1) the indicator contributes to.",
                max_length=12,
                verbose_name="SDG indicator",
            ),
        ),
    ]
