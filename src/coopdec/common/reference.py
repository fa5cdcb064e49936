"""Idempotent, transactional loading of one reference data set."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import ReferenceDataset


@dataclass
class LoadResult:
    name: str
    rows: int
    skipped: bool


def checksum(*parts: bytes | str | Path) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            with part.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        else:
            digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def load_dataset(name: str, source_checksum: str, loader: Callable[[], int], *, force: bool = False) -> LoadResult:
    """Run ``loader`` in one transaction unless this exact source was loaded already.

    ``loader`` returns the number of rows it wrote; an exception rolls everything back, so an
    interrupted run leaves the previous content of the table in place.
    """
    current = ReferenceDataset.objects.filter(name=name).first()
    if current and current.checksum == source_checksum and not force:
        return LoadResult(name, current.row_count, skipped=True)
    with transaction.atomic():
        rows = loader()
        ReferenceDataset.objects.update_or_create(name=name, defaults={"checksum": source_checksum, "row_count": rows})
    return LoadResult(name, rows, skipped=False)
