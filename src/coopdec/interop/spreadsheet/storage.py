"""Keep a checked upload between its preview and its import, on the server only.

The parsed rows are written as JSON in the media storage under ``imports/`` (shared by every app
server and task worker), named by a random token and tagged with the uploader's id: only that user
can see or confirm it, and files older than a day are removed.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .services import ParsedSheet

MAX_AGE = timedelta(days=1)
FOLDER = "imports"


def _name(token: str) -> str | None:
    if not token or not all(c.isalnum() or c in "-_" for c in token) or len(token) > 64:
        return None
    return f"{FOLDER}/{token}.json"


def _too_old(name: str) -> bool:
    try:
        return default_storage.get_modified_time(name) < timezone.now() - MAX_AGE
    except (OSError, NotImplementedError):
        return False


def _clean_old() -> None:
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except OSError:
        return
    for file in files:
        name = f"{FOLDER}/{file}"
        if file.endswith(".json") and _too_old(name):
            default_storage.delete(name)


def upload_store(*, parsed: ParsedSheet, user, filename: str) -> str:
    _clean_old()
    token = secrets.token_urlsafe(24)
    data = {"user": user.pk, "filename": filename, "sheet": parsed.as_data()}
    name = _name(token)
    assert name is not None  # a token_urlsafe token is always a valid name
    default_storage.save(name, ContentFile(json.dumps(data, ensure_ascii=False).encode("utf-8")))
    return token


def upload_replace(*, token: str, parsed: ParsedSheet) -> None:
    """Write ``parsed`` in place of the stored rows of ``token`` (after the user chose places)."""
    data = upload_read(token=token)
    name = _name(token)
    if data is None or name is None:
        return
    data["sheet"] = parsed.as_data()
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(data, ensure_ascii=False).encode("utf-8")))


def upload_read(*, token: str) -> dict | None:
    """The stored upload as written (``user``, ``filename``, ``sheet``), if it exists and is recent."""
    name = _name(token)
    if name is None or not default_storage.exists(name) or _too_old(name):
        return None
    with default_storage.open(name, "rb") as file:
        return json.loads(file.read().decode("utf-8"))


def upload_load(*, token: str, user) -> tuple[ParsedSheet, str] | None:
    """The stored upload, if it exists, is recent and belongs to ``user``."""
    data = upload_read(token=token)
    if data is None or data.get("user") != user.pk:
        return None
    return ParsedSheet.from_data(data["sheet"]), data.get("filename", "")


def upload_discard(*, token: str) -> None:
    name = _name(token)
    if name is not None:
        default_storage.delete(name)
