"""A practice's versions keep its authors and projects the way the other records do
(``coopdec.common.versions``: a ``relations`` column on the history table) instead of
django-simple-history's m2m history tables, and an edit of a published practice waits for review
(``PracticeRevision``). Each version's authors and projects are copied from the m2m history tables
before they go (every version holds them all: a version written before deltas reads the same)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rows(ids):
    return sorted([pk] for pk in set(ids))


def copy_relations(apps, schema_editor):
    Version = apps.get_model("knowledge", "HistoricalPractice")
    Authors = apps.get_model("knowledge", "HistoricalPractice_organisations")
    Projects = apps.get_model("knowledge", "HistoricalPractice_projects")
    authors: dict[int, list[int]] = {}
    projects: dict[int, list[int]] = {}
    for history_id, organisation_id in Authors.objects.values_list("history_id", "organisation_id").iterator():
        authors.setdefault(history_id, []).append(organisation_id)
    for history_id, project_id in Projects.objects.values_list("history_id", "project_id").iterator():
        projects.setdefault(history_id, []).append(project_id)
    for version in Version.objects.exclude(history_type="-").only("history_id").iterator():
        version.relations = {
            "organisations": _rows(authors.get(version.history_id, [])),
            "projects": _rows(projects.get(version.history_id, [])),
        }
        version.save(update_fields=["relations"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_seed_about_and_faq"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpractice",
            name="relations",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="relations at this version"),
        ),
        migrations.RunPython(copy_relations, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="historicalpractice_projects", name="history"),
        migrations.RemoveField(model_name="historicalpractice_projects", name="practice"),
        migrations.RemoveField(model_name="historicalpractice_projects", name="project"),
        migrations.DeleteModel(name="HistoricalPractice_organisations"),
        migrations.DeleteModel(name="HistoricalPractice_projects"),
        migrations.CreateModel(
            name="PracticeRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fields", models.JSONField(default=dict, editable=False)),
                ("relations", models.JSONField(default=dict, editable=False)),
                ("written_at", models.DateTimeField(auto_now=True, verbose_name="changed at")),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="review requested at")),
                ("review_note", models.TextField(blank=True, max_length=2000, verbose_name="reviewer's note")),
                ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="reviewed at")),
                (
                    "practice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revision",
                        to="knowledge.practice",
                        verbose_name="good practice",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "changes waiting for review",
                "verbose_name_plural": "changes waiting for review",
            },
        ),
    ]
