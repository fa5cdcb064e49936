"""CSV (UTF-8 with a byte-order mark, so that spreadsheets read accents), streamed row by row."""

import csv

from django.http import StreamingHttpResponse

from coopdec.common.text import neutralise_formula

from .base import ExportFormat


class _Echo:
    """A file-like object whose write returns the line instead of storing it."""

    def write(self, value):
        return value


def lines(rows, columns):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([neutralise_formula(_cell(row.get(key))) for key in columns])


def _cell(value):
    return "" if value is None else value


def build(rows, columns):
    return StreamingHttpResponse(lines(rows, columns), content_type="text/csv; charset=utf-8")


FORMAT = ExportFormat(name="csv", extension="csv", media_type="text/csv", max_rows=None, build=build)
