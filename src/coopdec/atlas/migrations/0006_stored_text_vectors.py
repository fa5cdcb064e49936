"""PostgreSQL: the documents' text vectors stored in generated columns, GIN-indexed, instead of GIN
indexes on ``to_tsvector(...)`` expressions. A full build of the atlas engine reads every
document's lexemes (``coopdec.atlas.search.PostgreSQLText.frequent_terms``): with expression
indexes that meant parsing every document's text again (~250 µs of server CPU per document);
stored vectors are read as they are. ``strip``: without the words' positions, which no atlas
query uses (words and prefixes ANDed or ORed, no phrases, no ``ts_rank``): a third smaller, and
read faster. Inserts and updates fill the columns by themselves; Django's model does not declare
them (it never selects them). Nothing changes on SQLite (FTS5)."""

from django.db import migrations

FORWARD = [
    # Dropped first, so that the table rewrite below does not rebuild them.
    "DROP INDEX IF EXISTS atlas_document_fts",
    "DROP INDEX IF EXISTS atlas_document_title_fts",
    "ALTER TABLE atlas_searchdocument "
    "ADD COLUMN text_vector tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, title_text || ' ' || body_text))) STORED, "
    "ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, title_text))) STORED",
    "CREATE INDEX atlas_document_text_vector ON atlas_searchdocument USING gin (text_vector)",
    "CREATE INDEX atlas_document_title_vector ON atlas_searchdocument USING gin (title_vector)",
]
REVERSE = [
    # Dropping the columns drops their indexes.
    "ALTER TABLE atlas_searchdocument DROP COLUMN IF EXISTS text_vector, DROP COLUMN IF EXISTS title_vector",
    "CREATE INDEX atlas_document_fts ON atlas_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, title_text || ' ' || body_text))",
    "CREATE INDEX atlas_document_title_fts ON atlas_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, title_text))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("atlas", "0005_searchdocument_offers_seeks")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
