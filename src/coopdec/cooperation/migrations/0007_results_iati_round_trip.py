from django.db import migrations, models

AGGREGATION = "IATI aggregation-status: whether the values can be added up with other activities'."


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0006_results_monitoring"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="aggregation_status",
            field=models.BooleanField(
                blank=True, help_text=AGGREGATION, null=True, verbose_name="suitable for aggregation"
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="aggregation_status",
            field=models.BooleanField(
                blank=True, help_text=AGGREGATION, null=True, verbose_name="suitable for aggregation"
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="references",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Codes of the indicator in external vocabularies: IATI reference (vocabulary, code, URI).",
                verbose_name="reference codes",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="baseline_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="baseline year"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="baseline_date",
            field=models.DateField(blank=True, null=True, verbose_name="baseline date"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="baseline_comment",
            field=models.JSONField(blank=True, default=dict, verbose_name="baseline comment"),
        ),
        migrations.AddField(
            model_name="indicatorvalue",
            name="target_comment",
            field=models.JSONField(blank=True, default=dict, verbose_name="comment on the target"),
        ),
    ]
