"""On PostgreSQL the rate counters live in an UNLOGGED table: no write-ahead log, so counting a
request does not wait for a disk flush at commit. A crash empties the table, which only forgets
the counts of the current minute. (SQLite in WAL mode with synchronous=NORMAL does not flush at
commit either.)"""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratecounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE api_ratecounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("api", "0002_rate_counter")]

    operations = [migrations.RunPython(unlogged, logged, elidable=False)]
