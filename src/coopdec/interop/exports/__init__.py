"""Downloads of any atlas search as CSV, XLSX or GeoJSON, streamed.

One shape, several formats:

- ``rows.py``: the columns of a download (``COLUMNS``) and ``atlas_rows(query)``, a generator of
  one plain ``dict`` per matching record, read in chunks (never the whole result in memory).
- ``formats/<name>.py``: one module per format, each exposing ``FORMAT``, an ``ExportFormat``
  (``name``, ``extension``, ``media_type`` and ``response(rows, *, filename)``).
- ``FORMATS``: the registry, by name. Adding a format is one module and one line here.
"""

from .formats import csv, geojson, xlsx
from .formats.base import ExportFormat

FORMATS: dict[str, ExportFormat] = {fmt.name: fmt for fmt in (csv.FORMAT, xlsx.FORMAT, geojson.FORMAT)}

__all__ = ["FORMATS", "ExportFormat"]
