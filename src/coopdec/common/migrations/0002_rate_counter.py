"""The rate counters move from the API app to common (sign-in, password-reset and invitation
throttles count in them too). Only Django's idea of which app owns the model changes: the table
keeps its name (``api_ratecounter``), its rows and, on PostgreSQL, its UNLOGGED mode."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial"), ("api", "0003_rate_counter_unlogged")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        ("client", models.CharField(max_length=150, primary_key=True, serialize=False)),
                        ("period", models.BigIntegerField()),
                        ("count", models.PositiveIntegerField()),
                        ("previous", models.PositiveIntegerField()),
                        ("last_seen", models.FloatField()),
                        ("expires", models.BigIntegerField()),
                    ],
                    options={
                        "db_table": "api_ratecounter",
                        "verbose_name": "rate counter",
                        "verbose_name_plural": "rate counters",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
