"""Keep a checked upload between its preview and its confirmation, on the server only.

The parsed rows are written as JSON under ``VAR_DIR/imports/``, named by a random token and
tagged with the uploader's id: only that user can see or confirm it, and files older than a day
are removed.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from django.conf import settings

from .services import ParsedSheet

MAX_AGE = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not token or not all(c.isalnum() or c in "-_" for c in token) or len(token) > 64:
        return None
    return _folder() / f"{token}.json"


def _clean_old() -> None:
    limit = time.time() - MAX_AGE
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def upload_store(*, parsed: ParsedSheet, user, filename: str) -> str:
    _clean_old()
    token = secrets.token_urlsafe(24)
    data = {"user": user.pk, "filename": filename, "sheet": parsed.as_data()}
    path = _path(token)
    assert path is not None  # a token_urlsafe token is always a valid name
    temporary = path.with_suffix(".tmp")

    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return token


def upload_load(*, token: str, user) -> tuple[ParsedSheet, str] | None:
    """The stored upload, if it exists, is recent and belongs to ``user``."""
    path = _path(token)
    if path is None or not path.exists() or path.stat().st_mtime < time.time() - MAX_AGE:
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("user") != user.pk:
        return None
    return ParsedSheet.from_data(data["sheet"]), data.get("filename", "")


def upload_discard(*, token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)
