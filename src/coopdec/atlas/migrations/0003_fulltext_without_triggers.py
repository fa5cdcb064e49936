"""SQLite: the full-text table is kept in sync by coopdec.atlas.index in batches, not by triggers
(a trigger per row made a full reindex ten times slower)."""

from django.db import migrations

DROP = [
    "DROP TRIGGER IF EXISTS atlas_search_fts_insert",
    "DROP TRIGGER IF EXISTS atlas_search_fts_delete",
    "DROP TRIGGER IF EXISTS atlas_search_fts_update",
]
CREATE = [
    """CREATE TRIGGER atlas_search_fts_insert AFTER INSERT ON atlas_searchdocument BEGIN
        INSERT INTO atlas_search_fts(rowid, title_text, body_text) VALUES (new.id, new.title_text, new.body_text);
    END""",
    """CREATE TRIGGER atlas_search_fts_delete AFTER DELETE ON atlas_searchdocument BEGIN
        INSERT INTO atlas_search_fts(atlas_search_fts, rowid, title_text, body_text)
        VALUES ('delete', old.id, old.title_text, old.body_text);
    END""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("atlas", "0002_fulltext")]

    operations = [migrations.RunPython(_run(DROP), _run(CREATE))]
