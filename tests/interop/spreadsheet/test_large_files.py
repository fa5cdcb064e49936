"""Spreadsheets that expand to far more than they weigh are refused at the row limit, never read
whole: the sheet is streamed and reading stops there."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from coopdec.interop.spreadsheet.reader import MAX_SHARED_STRINGS, ImportFileError, read_table
from coopdec.interop.spreadsheet.services import MAX_ROWS, spreadsheet_parse

MILLION = 1_000_000
HEADER = ["organisation_1", "kind_1", "city_1", "country_1"]


def bomb(row_xml, rows: int = MILLION, *, extra: dict | None = None, end: bytes = b"</sheetData></worksheet>") -> bytes:
    """An XLSX whose first sheet holds the header then ``rows`` rows written by ``row_xml(n)``:
    a small workbook from openpyxl with its sheet's XML replaced, streamed into the zip."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w") as sheet:
                header = "".join(
                    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
                    for col, name in zip("ABCD", HEADER, strict=True)
                )
                sheet.write(
                    (
                        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        f'spreadsheetml/2006/main"><sheetData><row r="1">{header}</row>'
                    ).encode()
                )
                for start in range(2, rows + 2, 10_000):
                    sheet.write("".join(row_xml(n) for n in range(start, min(start + 10_000, rows + 2))).encode())
                sheet.write(end)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def full_row(n: int) -> str:
    # No row or cell references: every row the same, so a million of them compress to almost nothing.
    return (
        '<row><c t="inlineStr"><is><t>Ville de Thiès</t></is></c><c t="inlineStr"><is><t>municipality</t></is></c>'
        '<c t="inlineStr"><is><t>Thiès</t></is></c><c t="inlineStr"><is><t>SN</t></is></c></row>'
    )


def test_xlsx_of_a_million_rows_is_refused_at_the_row_limit_without_reading_it_whole():
    # The sheet ends in broken XML: a reader that went past the row limit would fail on it instead.
    data = bomb(full_row, end=b"<row><c t=")
    assert len(data) < 1_000_000  # under the upload limit; 150 MB of sheet XML once expanded
    with pytest.raises(ImportFileError) as refused:
        spreadsheet_parse(data, filename="bomb.xlsx")
    assert str(refused.value) == f"The file has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time."


def test_xlsx_of_a_million_blank_rows_is_refused_too():
    data = bomb(lambda n: "<row/>")
    with pytest.raises(ImportFileError) as refused:
        spreadsheet_parse(data, filename="blank.xlsx")
    assert str(refused.value) == f"The file has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time."


def test_xlsx_at_the_row_limit_is_read():
    table = read_table(bomb(full_row, rows=MAX_ROWS), filename="ok.xlsx", max_rows=MAX_ROWS)
    assert (len(table.rows), table.rows[-1]) == (
        MAX_ROWS,
        (MAX_ROWS + 1, ["Ville de Thiès", "municipality", "Thiès", "SN"]),
    )


def test_xlsx_whose_shared_strings_expand_past_the_limit_is_refused_before_opening():
    big = b"<sst>" + b" " * (MAX_SHARED_STRINGS + 1) + b"</sst>"
    data = bomb(full_row, rows=1, extra={"xl/sharedStrings.xml": big})
    assert len(data) < 200_000
    with pytest.raises(ImportFileError) as refused:
        spreadsheet_parse(data, filename="strings.xlsx")
    assert str(refused.value) == "This XLSX file holds more than 64 MB of text once expanded; send a smaller file."


def test_csv_past_the_row_limit_is_refused():
    data = ("organisation_1,kind_1,city_1,country_1\n" + "Ville,municipality,Dakar,SN\n" * (MAX_ROWS + 1)).encode()
    with pytest.raises(ImportFileError) as refused:
        spreadsheet_parse(data, filename="big.csv")
    assert str(refused.value) == f"The file has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time."


def test_xlsx_of_one_row_of_a_million_cells_is_refused():
    data = bomb(lambda n: "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * MILLION + "</row>", rows=1)
    with pytest.raises(ImportFileError) as refused:
        spreadsheet_parse(data, filename="wide.xlsx")
    assert str(refused.value) == (
        f"The file has more than {(MAX_ROWS + 1) * 100} cells; import at most {MAX_ROWS} rows of 100 columns at a time."
    )
