"""Writing many rows fast, outside the ORM's per-object path, keeping what the ORM path would keep.

An import writes tens of thousands of small rows; building a model instance per row, with its
signals, costs several times the database's own work (``bench/iati.py``). These helpers write plain
tuples with one prepared statement (``Table.insert``, ``update_rows``) and the versions with one
``INSERT ... SELECT`` (``history_rows``).

What a caller gets, and what it must do, since no model signal fires:

- **History**: ``history_rows`` writes one version per record, copied from the rows just written
  (who: nobody; why: ``reason``; "created" or "changed"). Call it for every record of a versioned
  model the batch inserts or updates, in the same transaction: that is the only way such a record
  gets a version. The version does not record the record's relations (``relations`` NULL, "not
  recorded"): the next change made through a service learns them first (``versions.versioned_change``),
  so restoring it still brings them back.
- **Atlas index**: nothing here touches it (``common`` sits below ``atlas``). The caller indexes what
  it wrote, as the IATI importer does: new projects with ``atlas.index.add_projects`` in the same
  transaction, changed ones with ``atlas.index.reindex`` once committed.
- **Validation**: none; the values are the caller's, already checked (``interop.iati.read``).

Every column a row does not give takes its field's default. JSON values come as JSON text and are
adapted the way Django adapts JSON for the database in use; datetimes too; dates and decimals come as
ISO and canonical strings, which both databases read as they read Django's own adaptation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations

INSERT_CHUNK = 500  # rows per multi-row INSERT ... RETURNING
HISTORY_CHUNK = 2000  # records per INSERT ... SELECT of their versions


class Table:
    """Inserts plain tuples into one model's table: the ORM's bulk_create without building model
    instances. ``columns`` (attribute names) are the values of each row, in order."""

    def __init__(self, model, columns: tuple[str, ...]):
        ops = connection.ops
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        given = [fields[name] for name in columns]
        rest = [f for name, f in fields.items() if name not in columns]
        self.width = len(given) + len(rest)
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        self.adapters = [
            (position, adapter)
            for position, adapter in ((i, self._adapter(f, ops)) for i, f in enumerate(given))
            if adapter is not None
        ]
        quote = ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in (*given, *rest))
        self.pk = quote(model._meta.pk.column)
        self.placeholder = "(" + ", ".join(["%s"] * self.width) + ")"

    @staticmethod
    def _adapter(field, ops):
        kind = field.get_internal_type()
        if kind == "JSONField":
            # The values are JSON text already: SQLite stores the text as it is; other databases
            # wrap it as they wrap JSON (psycopg's Jsonb), without encoding it again.
            if type(ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value:
                return None
            return lambda text: ops.adapt_json_value(text, _JsonText)
        if kind == "DateTimeField":
            return lru_cache(maxsize=16)(ops.adapt_datetimefield_value)  # the same "now" on every row
        return None

    def adapted(self, rows: list[tuple]) -> list[Sequence]:
        """The rows as the database takes them: adapted values, then the other columns' defaults."""
        if not self.adapters:
            return [row + self.defaults for row in rows]
        out: list[Sequence] = []
        for row in rows:
            values = list(row)
            for position, adapt in self.adapters:
                value = values[position]
                if value is not None:
                    values[position] = adapt(value)
            values.extend(self.defaults)
            out.append(values)
        return out

    def insert(self, rows: list[tuple], *, returning: bool = False) -> list[int]:
        """Insert the rows; with ``returning``, their new ids in order (multi-row INSERT ... RETURNING),
        else nothing (one prepared statement run for each row: ``executemany``)."""
        if not rows:
            return []
        values = self.adapted(rows)
        with connection.cursor() as cursor:
            if not returning:
                # Table and column names come from the model, values are parameters.
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {self.placeholder}"  # noqa: S608
                cursor.executemany(sql, values)
                return []
            ids: list[int] = []
            for start in range(0, len(values), INSERT_CHUNK):
                chunk = values[start : start + INSERT_CHUNK]
                placeholders = ", ".join([self.placeholder] * len(chunk))
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {placeholders} RETURNING {self.pk}"  # noqa: S608
                cursor.execute(sql, [value for row in chunk for value in row])
                ids.extend(row[0] for row in cursor.fetchall())
            return ids


class _JsonText(json.JSONEncoder):
    """The "encoder" of a value that is JSON text already."""

    def encode(self, o):
        return o


_tables: dict[tuple, Table] = {}


def table(model, columns: tuple[str, ...]) -> Table:
    """The ``Table`` of these columns (built once per database vendor)."""
    key = (connection.vendor, model, columns)
    if key not in _tables:
        _tables[key] = Table(model, columns)
    return _tables[key]


def update_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """``UPDATE ... SET <columns> WHERE id = %s`` for each row (its values, then its id), in one
    ``executemany`` (``bulk_update`` builds a CASE expression per field and row: slow for wide rows)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    values = table(model, columns).adapted([row[:-1] for row in rows])
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*value[: len(fields)], row[-1]] for value, row in zip(values, rows, strict=True)])


def history_rows(model, ids: list[int], now, *, update: bool, reason: str) -> None:
    """One version per record of ``ids`` ("changed" with ``update``, else "created"), at ``now``, by
    nobody, for ``reason``, copied from the records' rows as they are (``INSERT ... SELECT``).
    Its relations are not recorded (NULL): see the module's docstring."""
    if not ids:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    source = {f.column for f in model._meta.concrete_fields}
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "~" if update else "+",
        "history_user": None,
    }
    columns, expressions, params = [], [], []
    for target in history._meta.concrete_fields:
        if target.name == "history_id":
            continue
        columns.append(quote(target.column))
        if target.column in source:
            expressions.append(quote(target.column))
        else:
            value = extra[target.name] if target.name in extra else target.get_default()
            expressions.append("%s")
            params.append(target.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (names from the models)
        f"SELECT {', '.join(expressions)} FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), HISTORY_CHUNK):
            chunk = ids[start : start + HISTORY_CHUNK]
            cursor.execute(sql + "(" + ", ".join(["%s"] * len(chunk)) + ")", [*params, *chunk])
