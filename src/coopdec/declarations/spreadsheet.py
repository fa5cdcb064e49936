"""Import the lines of a declaration from a spreadsheet (CSV or XLSX) with the columns of its export.

The file is read within limits (``settings.MAX_UPLOAD_SIZE``, ``MAX_LINES`` rows, cells of at most
``MAX_CELL`` characters; an XLSX is read row by row and reading stops at the limit); its header
must hold the editable columns of ``exports.LINE_COLUMNS`` (the other export columns, computed or
informative, are accepted and ignored). Every row is then checked by ``services.lines_replace``,
which replaces all the lines or, if any row is wrong, refuses the whole file naming the rows:
nothing is written unless everything is right.
"""

from __future__ import annotations

import csv
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from coopdec.cooperation.models import Project
from coopdec.interop.spreadsheet.reader import (
    MAX_CELL,
    ImportFileError,
    Table,
    _cell_text,
    _separator,
    check_headers,
)

from . import services
from .exports import LINE_COLUMNS, MARKER_COLUMNS
from .models import Declaration

MAX_LINES = 5000  # far above any local government's year; as the register's spreadsheet import
EDITABLE = [
    "recipient_type",
    "recipient_code",
    "sector",
    "channel",
    "flow_type",
    "finance_type",
    "aid_type",
    "original_amount",
    "original_currency",
    "cofinancing",
    "cofinancing_deducted",
    *MARKER_COLUMNS,
    "project",
    "description",
]
INFORMATIVE = [column for column in LINE_COLUMNS if column not in EDITABLE]
YES, NO = ("yes", "true", "1"), ("no", "false", "0")
_FORMULA_START = ("'=", "'+", "'-", "'@")


def _too_many() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s lines; a declaration holds fewer. Check that it is the right file.")
        % {"max": MAX_LINES}
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not in UTF-8. Save it as “CSV UTF-8” (or export it as XLSX) and send it again.")
        ) from None
    if "\x00" in text[:4096]:
        raise ImportFileError(_("This is not a text file. Send a CSV (comma or semicolon separated) or an XLSX file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append([cell.strip() for cell in cells])
            if len(rows) > MAX_LINES + 1:
                raise _too_many()
    except csv.Error as error:
        raise ImportFileError(
            _(
                "Line %(line)s cannot be read (%(error)s). A cell may be longer than %(max)s characters, "
                "or a quotation mark left open; correct the line and try again."
            )
            % {"line": reader.line_num, "error": error, "max": MAX_CELL}
        ) from None
    finally:
        csv.field_size_limit(previous)
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("This XLSX file cannot be opened (%(error)s).") % {"error": error}) from None
    rows: list[list[str]] = []
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            cells = ["" if value is None else _cell_text(value) for value in values]
            if any(len(cell) > MAX_CELL for cell in cells):
                raise ImportFileError(
                    _("Row %(line)s has a cell longer than %(max)s characters; shorten it and try again.")
                    % {"line": number, "max": MAX_CELL}
                )
            rows.append(cells)
            if len(rows) > MAX_LINES + 1:
                raise _too_many()
    finally:
        workbook.close()
    return rows


def read_rows(upload) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of an uploaded file (trailing blank rows dropped), or ImportFileError."""
    size = getattr(upload, "size", None)
    data = upload.read(settings.MAX_UPLOAD_SIZE + 1)
    if (size or len(data)) > settings.MAX_UPLOAD_SIZE:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size or len(data)), "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    rows = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return rows[0], rows[1:]


def _text(value: str) -> str:
    """A cell as written before the export neutralised it (``'=SUM(...)`` → ``=SUM(...)``: text, stored as text)."""
    return value[1:] if value.startswith(_FORMULA_START) else value


def _deducted(value: str) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError


def declarable_projects(organisation, ids: set[int]) -> dict[int, Project]:
    """Those of the projects ``ids`` a line of ``organisation`` may name: led by it, or with it as participant,
    contributor or partnership party."""
    if not ids:
        return {}
    allowed = (
        Project.objects.filter(pk__in=ids)
        .filter(
            Q(lead_organisation=organisation)
            | Q(participants__organisation=organisation)
            | Q(contributions__organisation=organisation)
            | Q(partnership__party_links__organisation=organisation),
        )
        .values("pk")
    )
    return {project.pk: project for project in Project.objects.filter(pk__in=allowed)}


def rows_to_lines(headers: list[str], rows: list[list[str]], *, declaration: Declaration) -> list[dict]:
    """Line fields for ``services.lines_replace``; refuses the file (ValidationError naming the rows) when a
    row is blank, names an unknown project, or has a co-financing answer other than yes/no."""
    positions = check_headers(Table(headers, [], ""), required=EDITABLE, optional=INFORMATIVE)
    records = [
        {column: _text(cells[index]) if index < len(cells) else "" for column, index in positions.items()}
        for cells in rows
    ]
    organisation = declaration.organisation
    projects = declarable_projects(organisation, {int(r["project"]) for r in records if r["project"].isdigit()})
    lines, errors = [], []
    for number, record in enumerate(records, start=2):
        if not any(record.values()):
            errors.append(_("Row %(row)s is empty: remove it.") % {"row": number})
            continue
        fields: dict[str, object] = {
            column: record[column] for column in EDITABLE if column not in ("project", "cofinancing_deducted")
        }
        try:
            fields["cofinancing_confirmed"] = _deducted(record["cofinancing_deducted"])
        except ValueError:
            errors.append(
                _("Row %(row)s: cofinancing_deducted: write yes, no, or leave it empty (“%(value)s”).")
                % {"row": number, "value": record["cofinancing_deducted"]}
            )
        project = record["project"].strip()
        if project and (not project.isdigit() or int(project) not in projects):
            errors.append(
                _(
                    "Row %(row)s: project: %(organisation)s has no project %(project)s; leave the cell empty or "
                    "give the number of one of its projects."
                )
                % {"row": number, "organisation": organisation.name, "project": project}
            )
        fields["project"] = projects.get(int(project)) if project.isdigit() else None
        lines.append(fields)
    if errors:
        raise ValidationError(errors[:50])
    return lines


def import_lines(*, declaration: Declaration, user, upload, revision: int | None) -> int:
    """Replace the lines of ``declaration`` with those of ``upload`` (a CSV or XLSX file object); returns how
    many. Raises ValidationError with every message (the file, its columns, or the rows at fault), and
    then nothing is written. Access checks are the caller's (``declarations.change_declaration``)."""
    try:
        headers, rows = read_rows(upload)
        lines = rows_to_lines(headers, rows, declaration=declaration)
    except ImportFileError as error:
        raise ValidationError(str(error), code="file") from None
    return services.lines_replace(declaration=declaration, user=user, rows=lines, revision=revision)
