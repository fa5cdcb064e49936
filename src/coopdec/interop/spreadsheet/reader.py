"""Read tabular files people actually send: CSV in any common encoding and separator, or XLSX.

Every problem with the file itself raises ``ImportFileError`` with one actionable message; the
caller writes nothing. Cells are returned as text, kept as written (a value starting with ``=`` is
text, never a formula).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from django.utils.translation import gettext as _

# The longest cell accepted: far above any real name or description, far below what would strain memory.
MAX_CELL = 10_000
# The widest row read: the columns beyond are never read (a sheet may declare 16,384 of them).
MAX_COLUMNS = 100
# Blank rows skipped at most beyond the row limit: a sheet of a million empty rows is refused too.
MAX_BLANK_ROWS = 10_000
# An XLSX is a zip: openpyxl reads its shared strings whole, so a small file must not expand to a
# huge one. The sheet itself is streamed and stopped at the row limit.
MAX_SHARED_STRINGS = 64 * 1024 * 1024
SEPARATORS = ",;\t"


class ImportFileError(Exception):
    """The file cannot be read as a table: its message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    # (line number in the file, cells) for every non-blank row after the header.
    rows: list[tuple[int, list[str]]]
    checksum: str
    encoding: str = ""
    separator: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of ``data``: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:  # a byte-order mark that its bytes do not follow
        raise ImportFileError(
            _(
                "The file says it is %(encoding)s (its first bytes) but is not (byte %(position)s). Save it again "
                "as CSV UTF-8 and send it again."
            )
            % {
                "encoding": "UTF-8" if data[:1] == b"\xef" else "UTF-16",
                "position": exc.start + (3 if data[:1] == b"\xef" else 0),
            }
        ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if len(first) > MAX_CELL:
        first = first[:MAX_CELL]
    try:
        return csv.Sniffer().sniff(first, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: first.count(sep) for sep in SEPARATORS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def read_csv(data: bytes, *, max_rows: int | None = None) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("This is not a text file. Send a CSV (comma or semicolon separated) or an XLSX file."))
    text, encoding = decode(data)
    if "\x00" in text:  # no text file holds NUL characters (and PostgreSQL refuses them)
        raise ImportFileError(_("This is not a text file. Send a CSV (comma or semicolon separated) or an XLSX file."))
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    try:
        line = 0
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers = [cell.strip().lstrip("\ufeff") for cell in cells[:MAX_COLUMNS]]
                continue
            rows.append((line, [cell.strip() for cell in cells[:MAX_COLUMNS]]))
            _check_size(rows, line, max_rows)
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "Line %(line)s cannot be read (%(error)s). A cell may be longer than %(max)s characters, or a "
                "quotation mark left open; correct the line and try again."
            )
            % {"line": reader.line_num or line + 1, "error": exc, "max": MAX_CELL}
        ) from None
    finally:
        csv.field_size_limit(previous)
    return Table(headers or [], rows, hashlib.sha256(data).hexdigest(), encoding, separator)


def read_xlsx(data: bytes, *, max_rows: int | None = None) -> Table:
    """The first sheet, streamed (openpyxl's read-only mode): reading stops at the row limit, so a
    small file that expands to a million rows is refused after ``max_rows``, not read whole."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The sizes the archive declares bound what zipfile will expand (it stops there).
            shared = sum(
                info.file_size for info in archive.infolist() if info.filename.lower().endswith("sharedstrings.xml")
            )
            if shared > MAX_SHARED_STRINGS:
                raise ImportFileError(
                    _("This XLSX file holds more than %(max)s MB of text once expanded; send a smaller file.")
                    % {"max": MAX_SHARED_STRINGS // (1024 * 1024)}
                )
            if max_rows is not None:
                _check_sheets(archive, max_rows)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError, ElementTree.ParseError) as exc:
        raise ImportFileError(_("This XLSX file cannot be opened (%(error)s).") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        headers: list[str] | None = None
        # At most MAX_COLUMNS cells a row: fewer when the sheet declares its size (openpyxl pads to max_col).
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            while cells and not cells[-1]:  # the padding of a sheet of undeclared size
                cells.pop()
            _check_size(rows, number, max_rows)
            if not any(cells):
                continue
            if any(len(c) > MAX_CELL for c in cells):
                raise ImportFileError(
                    _("Row %(line)s has a cell longer than %(max)s characters; shorten it and try again.")
                    % {"line": number, "max": MAX_CELL}
                )
            if headers is None:
                headers = cells
                continue
            rows.append((number, cells))
    finally:
        workbook.close()
    _check_size(rows, 0, max_rows)
    return Table(headers or [], rows, hashlib.sha256(data).hexdigest(), "xlsx", "")


def _check_sheets(archive, max_rows: int) -> None:
    """Count the rows and cells of every sheet, streaming, and refuse the file as soon as one has
    too many. openpyxl cannot be left to find out: opening a workbook, even in read-only mode,
    reads each sheet whole when it does not declare its size before its data."""
    max_lines = max_rows + 1 + MAX_BLANK_ROWS
    max_cells = (max_rows + 1) * MAX_COLUMNS
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        parser = ElementTree.XMLPullParser(events=("start",))
        lines = cells = 0
        data: ElementTree.Element | None = (
            None  # the sheetData element, emptied as rows are counted so that memory stays flat
        )
        with archive.open(info) as stream:
            while chunk := stream.read(65536):
                parser.feed(chunk)
                for event in parser.read_events():
                    element = cast(ElementTree.Element, event[1])  # type: ignore[misc]  # "start" events: (event, element)
                    tag = element.tag.rpartition("}")[2]
                    if tag == "row":
                        lines += 1
                    elif tag == "c":
                        cells += 1
                    elif tag == "sheetData":
                        data = element
                if lines > max_lines:
                    _check_size([], lines, max_rows)
                if cells > max_cells:
                    raise ImportFileError(
                        _(
                            "The file has more than %(max)s cells; import at most %(rows)s rows of %(columns)s "
                            "columns at a time."
                        )
                        % {"max": max_cells, "rows": max_rows, "columns": MAX_COLUMNS}
                    )
                if data is not None:
                    data.clear()


def _check_size(rows: list, line: int, max_rows: int | None) -> None:
    """Refuse a table past ``max_rows`` rows (or with too many blank rows besides) as soon as it is
    reached, so that the rest of the file is never read."""
    if max_rows is not None and (len(rows) > max_rows or line > max_rows + MAX_BLANK_ROWS):
        raise ImportFileError(
            _("The file has more than %(max)s rows; import at most %(max)s at a time.") % {"max": max_rows}
        )


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "date") and hasattr(value, "hour"):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, *, filename: str = "", max_rows: int | None = None) -> Table:
    """A CSV or XLSX file as a table; the kind comes from the content, the name only breaks ties.
    ``max_rows``: refuse a file of more rows (after the header), reading no further."""
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return read_xlsx(data, max_rows=max_rows)
    return read_csv(data, max_rows=max_rows)


def read_path(path: str | Path) -> Table:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
    return read_table(data, filename=path.name)


def check_headers(table: Table, *, required: list[str], optional: Sequence[str] = ()) -> dict[str, int]:
    """Column positions by name; refuse a file whose columns are missing, unknown or repeated."""
    found = [h.strip().lower() for h in table.headers]
    expected = list(required) + list(optional)
    missing = [c for c in required if c not in found]
    unknown = [h for h in found if h not in expected]
    repeated = sorted({h for h in found if found.count(h) > 1})
    if missing or unknown or repeated:
        details = []
        if missing:
            details.append(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            details.append(_("unknown: %(columns)s") % {"columns": ", ".join(unknown) or _("(empty name)")})
        if repeated:
            details.append(_("repeated: %(columns)s") % {"columns": ", ".join(repeated)})
        raise ImportFileError(
            _("The columns do not match (%(details)s). Expected: %(expected)s. Found: %(found)s.")
            % {
                "details": "; ".join(details),
                "expected": ", ".join(expected),
                "found": ", ".join(found) or _("nothing"),
            }
        )
    return {name: found.index(name) for name in found}
