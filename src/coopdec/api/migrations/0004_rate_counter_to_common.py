"""The rate counters now belong to common (see common/migrations/0002_rate_counter.py); the table
stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0003_rate_counter_unlogged"), ("common", "0002_rate_counter")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="RateCounter")],
                                            database_operations=[]),
    ]
