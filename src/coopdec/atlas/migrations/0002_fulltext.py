"""Full-text indexes over the atlas documents: SQLite FTS5 or PostgreSQL GIN, by database."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE atlas_search_fts USING fts5(
        title_text, body_text,
        content='atlas_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', detail='column')""",
    """CREATE TRIGGER atlas_search_fts_insert AFTER INSERT ON atlas_searchdocument BEGIN
        INSERT INTO atlas_search_fts(rowid, title_text, body_text) VALUES (new.id, new.title_text, new.body_text);
    END""",
    """CREATE TRIGGER atlas_search_fts_delete AFTER DELETE ON atlas_searchdocument BEGIN
        INSERT INTO atlas_search_fts(atlas_search_fts, rowid, title_text, body_text)
        VALUES ('delete', old.id, old.title_text, old.body_text);
    END""",
    """CREATE TRIGGER atlas_search_fts_update AFTER UPDATE ON atlas_searchdocument BEGIN
        INSERT INTO atlas_search_fts(atlas_search_fts, rowid, title_text, body_text)
        VALUES ('delete', old.id, old.title_text, old.body_text);
        INSERT INTO atlas_search_fts(rowid, title_text, body_text) VALUES (new.id, new.title_text, new.body_text);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS atlas_search_fts_update",
    "DROP TRIGGER IF EXISTS atlas_search_fts_delete",
    "DROP TRIGGER IF EXISTS atlas_search_fts_insert",
    "DROP TABLE IF EXISTS atlas_search_fts",
]
# Text is folded (lower case, no accents) before it is stored, so the 'simple' configuration
# (no stemming, no stop words: every language alike) is all PostgreSQL needs.
POSTGRESQL = [
    "CREATE INDEX atlas_document_fts ON atlas_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, title_text || ' ' || body_text))",
    "CREATE INDEX atlas_document_title_fts ON atlas_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, title_text))",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS atlas_document_fts", "DROP INDEX IF EXISTS atlas_document_title_fts"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("atlas", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
