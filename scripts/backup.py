#!/usr/bin/env python3
"""Back up and restore a coopdec installation: the database and the uploaded media.

Run with the application's own environment (DATABASE_URL, MEDIA_ROOT, SECRET_KEY...), so that it
reads the same database and media directory as the servers (docs/deployment.md):

    python scripts/backup.py backup /srv/backups          # writes /srv/backups/coopdec-<UTC time>/
    python scripts/backup.py restore /srv/backups/coopdec-20261206T120000Z
    python scripts/backup.py verify /srv/backups/coopdec-20261206T120000Z

A backup directory holds ``database.pgdump`` (``pg_dump --format=custom``, PostgreSQL) or
``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site keeps writing),
``media.tar.gz`` and ``manifest.json`` with the row count of every table, taken in the same
snapshot as the dump. ``restore`` refuses a database that already has tables (create an empty one
first) and ends with ``verify``, which compares the restored row counts with the manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
    import django

    django.setup()


def _engine() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    sys.exit(f"backup: unsupported database engine {engine}")


def _pg_environment() -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore, from Django's settings (no password on argv)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    values = {
        "PGHOST": db["HOST"],
        "PGPORT": db["PORT"],
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
        "PGDATABASE": db["NAME"],
    }
    env.update({key: str(value) for key, value in values.items() if value})
    if "sslmode" in db.get("OPTIONS", {}):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the configured database, by table name."""
    from django.db import connection

    with connection.cursor() as cursor:
        # SQLite's own tables (sqlite_stat1 after ANALYZE) are not the application's data.
        tables = sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            counts[table] = cursor.fetchone()[0]
    return counts


def _backup_media(destination: Path) -> int:
    from django.conf import settings

    media_root = Path(settings.MEDIA_ROOT)
    files = [path for path in media_root.rglob("*") if path.is_file()] if media_root.is_dir() else []
    with tarfile.open(destination, "w:gz") as archive:
        for path in sorted(files):
            archive.add(path, arcname=str(path.relative_to(media_root)))
    return len(files)


def backup(parent: Path) -> Path:
    from django.conf import settings
    from django.db import connection, transaction

    created = datetime.now(UTC)
    target = parent / f"coopdec-{created:%Y%m%dT%H%M%SZ}"
    target.mkdir(parents=True)
    engine = _engine()
    if engine == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target / SQLITE_FILE)
        with copy:
            source.backup(copy)  # online: pages copied under a read lock, restarted if a writer intervenes
        source.close()
        copy.close()
        counts = _sqlite_counts(target / SQLITE_FILE)
    else:
        # One snapshot for the counts and the dump: the manifest describes exactly what was dumped.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts()
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target / PG_FILE}"],
                env=_pg_environment(),
                check=True,
            )
    media_files = _backup_media(target / MEDIA)
    manifest = {"engine": engine, "created": created.isoformat(), "media_files": media_files, "tables": counts}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"backup: {target} ({len(counts)} tables, {sum(counts.values())} rows, {media_files} media files)")
    return target


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    finally:
        db.close()


def restore(source: Path) -> None:
    from django.conf import settings
    from django.db import connection

    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    engine = _engine()
    if manifest["engine"] != engine:
        sys.exit(f"restore: the backup is of a {manifest['engine']} database, the configured one is {engine}")
    if connection.introspection.table_names():
        sys.exit(
            f"restore: the database {settings.DATABASES['default']['NAME']} already has tables; restore into an "
            "empty one"
        )
    connection.close()
    if engine == "sqlite":
        copy = sqlite3.connect(source / SQLITE_FILE)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with target:
            copy.backup(target)
        copy.close()
        target.close()
    else:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_pg_environment()['PGDATABASE']}",
                str(source / PG_FILE),
            ],
            env=_pg_environment(),
            check=True,
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    print(f"restore: {source} into {settings.DATABASES['default']['NAME']} and {media_root}")
    if not verify(source):
        sys.exit(1)


def verify(source: Path) -> bool:
    """Compare the configured database's row counts with the backup's manifest; print the differences."""
    from django.db import connection

    expected = json.loads((source / MANIFEST).read_text(encoding="utf-8"))["tables"]
    connection.close()
    actual = row_counts()
    differences = [
        f"  {table}: {expected.get(table, 'missing')} in the backup, {actual.get(table, 'missing')} here"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]
    if differences:
        print("verify: the database differs from the backup:\n" + "\n".join(differences))
        return False
    print(f"verify: {len(actual)} tables, {sum(actual.values())} rows, the same as the backup")
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write a new backup directory under PARENT").add_argument(
        "path", type=Path, metavar="PARENT"
    )
    commands.add_parser("restore", help="restore a backup directory into an empty database").add_argument(
        "path", type=Path, metavar="BACKUP"
    )
    commands.add_parser("verify", help="compare the database's row counts with a backup").add_argument(
        "path", type=Path, metavar="BACKUP"
    )
    args = parser.parse_args(argv)
    _setup_django()
    if args.command == "backup":
        backup(args.path)
    elif args.command == "restore":
        restore(args.path)
    elif not verify(args.path):
        sys.exit(1)


if __name__ == "__main__":
    main()
