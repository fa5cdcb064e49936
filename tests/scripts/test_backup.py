"""scripts/backup.py: back up a database with data and media, restore into an empty database, compare.

Each step runs in its own process with the environment an operator would give it. The PostgreSQL
case needs a server: it runs when DATABASE_URL names one (as in CI's second pass).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup.py"
CLEARED = {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "MEDIA_ROOT", "COOPDEC_VAR_DIR"}

pytestmark = pytest.mark.integration


def _run(environ: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(environ, SECRET_KEY="backup-test-key")
    result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _installation(tmp_path: Path, name: str, database_url: str | None) -> dict[str, str]:
    environ = {"COOPDEC_VAR_DIR": str(tmp_path / name), "MEDIA_ROOT": str(tmp_path / name / "media")}
    if database_url:
        environ["DATABASE_URL"] = database_url
    return environ


def _round_trip(tmp_path: Path, source: dict[str, str], target: dict[str, str]) -> None:
    _run(source, "-m", "coopdec", "migrate", "-v0")
    _run(source, "-m", "coopdec", "demo_setup")  # an administrator: rows in users, history, permissions
    document = Path(source["MEDIA_ROOT"]) / "documents" / "2026" / "report.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 a document\n")

    output = _run(source, str(SCRIPT), "backup", str(tmp_path / "backups")).stdout
    (backup,) = (tmp_path / "backups").iterdir()
    assert output.startswith(f"backup: {backup} (")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media_files"] == 1
    assert manifest["tables"]["actors_user"] == 1
    assert len(manifest["tables"]) >= 40

    result = _run(target, str(SCRIPT), "restore", str(backup))
    assert (
        result.stdout.splitlines()[-1]
        == f"verify: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, the same as the backup"
    )
    assert (Path(target["MEDIA_ROOT"]) / "documents" / "2026" / "report.pdf").read_bytes() == b"%PDF-1.4 a document\n"
    # The source, counted by the same code, matches too: the manifest is the source's counts.
    assert _run(source, str(SCRIPT), "verify", str(backup)).returncode == 0

    again = _run(target, str(SCRIPT), "restore", str(backup), check=False)
    assert again.returncode == 1
    assert "already has tables; restore into an empty one" in again.stderr

    _run(target, "-m", "coopdec", "shell", "-c", "from coopdec.actors.models import User; User.objects.all().delete()")
    changed = _run(target, str(SCRIPT), "verify", str(backup), check=False)
    assert changed.returncode == 1
    assert "  actors_user: 1 in the backup, 0 here" in changed.stdout


def test_backup_restore_sqlite_same_row_counts(tmp_path):
    source = _installation(tmp_path, "source", None)
    target = _installation(tmp_path, "target", None)
    _round_trip(tmp_path, source, target)


def test_backup_restore_postgresql_same_row_counts(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL naming a PostgreSQL server")
    parts = urlsplit(url)
    names = [f"coopdec_backup_{role}_{os.getpid()}" for role in ("source", "target")]
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            source, target = (
                _installation(tmp_path, role, urlunsplit(parts._replace(path=f"/{name}")))
                for role, name in zip(("source", "target"), names, strict=True)
            )
            _round_trip(tmp_path, source, target)
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
