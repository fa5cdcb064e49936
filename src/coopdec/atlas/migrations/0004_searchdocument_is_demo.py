"""Atlas documents say whether their record is a demonstration record (a badge in result lists);
documents already in the index take the flag from their record."""

from django.db import migrations, models

RECORDS = {"organisation": ("actors", "Organisation"), "partnership": ("cooperation", "Partnership"), "project": ("cooperation", "Project")}


def copy_flags(apps, schema_editor):
    SearchDocument = apps.get_model("atlas", "SearchDocument")
    for record_type, (app, name) in RECORDS.items():
        demo = apps.get_model(app, name).objects.filter(is_demo=True).values("id")
        SearchDocument.objects.filter(record_type=record_type, object_id__in=demo).update(is_demo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("atlas", "0003_fulltext_without_triggers"),
        ("actors", "0001_initial"),
        ("cooperation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="is_demo",
            field=models.BooleanField(
                default=False, help_text="Invented for the demonstration; not real.", verbose_name="demonstration record"
            ),
        ),
        migrations.RunPython(copy_flags, migrations.RunPython.noop),
    ]
