from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("atlas", "0006_stored_text_vectors"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="money",
            field=models.TextField(blank=True, help_text="Projects: every amount by currency and year (coopdec.atlas.money)."),
        ),
    ]
