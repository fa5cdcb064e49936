"""The whole-atlas downloads, built once per atlas index version by a background task.

An unfiltered download reads every published record (about 5 s of a worker): the file of each
format is written once into the media storage (shared by every app server and worker) as
``exports/atlas-<index version>.<ext>``, then served from there until the index changes
(``coopdec.atlas.index.bump_version``), when the next request has it built again. A marker file
created exclusively (``O_CREAT | O_EXCL``) makes sure that one build at most runs per file, however
many requests and processes ask at once; a marker left by a worker that died is ignored after
``BUILD_TIMEOUT`` seconds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.files.storage import default_storage

from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.index import current_version

from . import FORMATS
from .rows import COLUMNS, atlas_rows

FOLDER = "exports"
BUILD_TIMEOUT = 600  # seconds after which a build marker is taken for one of a worker that died


def _folder() -> Path:
    folder = Path(default_storage.path(FOLDER))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def full_atlas_path(fmt: str, version: int | None = None) -> Path:
    version = current_version() if version is None else version
    return _folder() / f"atlas-{version}.{FORMATS[fmt].extension}"


def full_atlas_file(fmt: str) -> Path | None:
    """The stored whole-atlas file of the current index version, or None after asking for it to be
    built (by the task, queued once however many callers ask)."""
    path = full_atlas_path(fmt)
    if path.exists():
        return path
    marker = path.with_name(path.name + ".building")
    try:
        if marker.exists() and time.time() - marker.stat().st_mtime > BUILD_TIMEOUT:
            marker.unlink(missing_ok=True)
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return None  # being built
    from .tasks import full_atlas_build_task

    full_atlas_build_task.enqueue(fmt, int(path.stem.split("-")[1]))  # nothing to wait for: no write
    return path if path.exists() else None  # the immediate backend has built it already


def full_atlas_build(fmt: str, version: int) -> str:
    """Write the whole-atlas file of ``fmt`` for index ``version``; remove those of older versions."""
    path = full_atlas_path(fmt, version)
    marker = path.with_name(path.name + ".building")
    partial = path.with_name(path.name + ".partial")
    try:
        if not path.exists():
            response = FORMATS[fmt].build(atlas_rows(AtlasQuery()), COLUMNS)
            with partial.open("wb") as target:
                for chunk in response:  # streamed or whole, the response's bytes
                    target.write(chunk)
            # Not response.close(): it sends request_finished, whose close_old_connections would drop the
            # task's (or the test's) database connection outside any request. Close what it holds instead.
            for closable in getattr(response, "_resource_closers", ()):  # what close() closes, less the signal
                closable()
            partial.replace(path)  # atomic: a reader sees the whole file or none
        for old in path.parent.glob(f"atlas-*.{path.suffix.lstrip('.')}"):
            if old != path:
                old.unlink(missing_ok=True)
    finally:
        partial.unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    return path.name
