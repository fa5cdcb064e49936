"""What every download format provides."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponseBase


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    max_rows: int | None  # a hard limit of the format itself (spreadsheets), None if unbounded
    build: Callable[[Iterable[dict], list[str]], HttpResponseBase]  # (rows, column keys) -> response

    def response(self, rows: Iterable[dict], *, columns, filename: str) -> HttpResponseBase:
        response = self.build(rows, columns)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
