"""XLSX through openpyxl's write-only workbook: rows go to a temporary file as they come (memory
stays flat), then the file is sent and deleted. A sheet holds at most 1,048,576 rows."""

import tempfile

from django.http import FileResponse
from openpyxl import Workbook

from coopdec.common.text import neutralise_formula

from .base import ExportFormat

MAX_ROWS = 1_048_575  # one row for the headers
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}  # control characters XML refuses


def _cell(value):
    if isinstance(value, str):
        return neutralise_formula(value.translate(_ILLEGAL))
    return value


def write(rows, columns, target) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("coopdec")
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key in columns])
    workbook.save(target)


def build(rows, columns):
    target = tempfile.TemporaryFile(suffix=".xlsx")  # deleted when the response closes it
    write(rows, columns, target)
    target.seek(0)
    return FileResponse(target, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


FORMAT = ExportFormat(
    name="xlsx",
    extension="xlsx",
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    max_rows=MAX_ROWS,
    build=build,
)
