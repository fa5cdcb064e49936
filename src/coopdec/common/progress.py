"""A progress bar on a terminal, silence elsewhere (CI logs, pipes, tests)."""

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "", stream=None) -> Iterator[T]:
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield from iterable
        return
    from tqdm import tqdm

    yield from tqdm(iterable, total=total, desc=desc, file=stream, unit=" rows", leave=False, dynamic_ncols=True)
