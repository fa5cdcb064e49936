import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coopdec.declarations import exports, spreadsheet
from coopdec.declarations.models import DeclarationLine
from tests.factories import make_organisation, make_project

from .factories import make_campaign, make_declaration

pytestmark = pytest.mark.django_db

COMPARED = [column for column in exports.LINE_COLUMNS if column != "status"]


@pytest.fixture
def lyon():
    return make_organisation("Lyon", geonameid=2996944)


def _export(declaration, format_name) -> bytes:
    return b"".join(exports.declaration_response(declaration, format_name).streaming_content)


def _rows(declaration):
    return [{column: row[column] for column in COMPARED} for row in exports.declaration_rows(declaration)]


def _refused(declaration, data: bytes, name="lines.csv") -> list[str]:
    before = list(DeclarationLine.objects.filter(declaration=declaration).values_list("id", "net_amount"))
    with pytest.raises(ValidationError) as error:
        spreadsheet.import_lines(
            declaration=declaration, user=None, upload=SimpleUploadedFile(name, data), revision=declaration.revision
        )
    assert list(DeclarationLine.objects.filter(declaration=declaration).values_list("id", "net_amount")) == before
    return error.value.messages


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
def test_import_lines_of_an_export_gives_the_same_lines(lyon, format_name):
    project = make_project(lead=lyon)
    declaration = make_declaration(
        make_campaign(),
        lyon,
        {
            "original_amount": "1234.56",
            "original_currency": "USD",
            "cofinancing": "34.56",
            "cofinancing_confirmed": True,
            "marker_gender": "2",
            "marker_nutrition": "0",
            "project": project,
            "description": '=SUM(A1:A2) "quoted"',
        },
        {"recipient_type": "region", "recipient_code": "298", "sector": "43030", "channel": "11002", "aid_type": "D01"},
        {"recipient_type": "unallocated", "recipient_code": "", "cofinancing": "5"},
    )
    before = _rows(declaration)
    data = _export(declaration, format_name)
    count = spreadsheet.import_lines(
        declaration=declaration,
        user=None,
        upload=SimpleUploadedFile(f"l.{format_name}", data),
        revision=declaration.revision,
    )
    declaration.refresh_from_db()
    assert count == 3
    assert _rows(declaration) == before
    assert list(declaration.lines.values_list("source", "cofinancing_confirmed")) == [
        ("spreadsheet", True),
        ("spreadsheet", False),
        ("spreadsheet", None),
    ]
    assert declaration.lines.first().description == '=SUM(A1:A2) "quoted"'


def test_import_lines_refuses_missing_and_unknown_columns(lyon):
    declaration = make_declaration(make_campaign(), lyon, {})
    data = (
        _export(declaration, "csv")
        .decode("utf-8-sig")
        .replace("recipient_code,", "recipient,")
        .replace(",status", ",sector_name")
    )
    assert _refused(declaration, data.encode()) == [
        "The columns do not match (missing: recipient_code; unknown: recipient, sector_name). Expected: "
        + ", ".join(spreadsheet.EDITABLE + spreadsheet.INFORMATIVE)
        + ". Found: "
        + ", ".join(exports.LINE_COLUMNS).replace("recipient_code,", "recipient,").replace(", status", ", sector_name")
        + "."
    ]


def test_import_lines_refuses_a_file_not_in_utf8(lyon):
    declaration = make_declaration(make_campaign(), lyon, {"description": "Été"})
    data = _export(declaration, "csv").decode("utf-8-sig").encode("cp1252")
    assert _refused(declaration, data) == [
        "The file is not in UTF-8. Save it as “CSV UTF-8” (or export it as XLSX) and send it again."
    ]


def test_import_lines_refuses_the_whole_file_for_a_bad_row(lyon):
    declaration = make_declaration(make_campaign(), lyon, {}, {"sector": "11220"})
    text = _export(declaration, "csv").decode("utf-8-sig")
    header, first, second = text.strip().split("\r\n")
    bad = second.replace(",11220,", ",99999,").replace(",no,", ",perhaps,")
    messages = _refused(declaration, "\r\n".join([header, first, bad, first]).encode())
    assert messages == ["Row 3: cofinancing_deducted: write yes, no, or leave it empty (“perhaps”)."]
    messages = _refused(declaration, "\r\n".join([header, first, second.replace(",11220,", ",99999,")]).encode())
    assert messages == ["Row 3: sector: “99999” is not in the IATI Sector codelist."]


def test_import_lines_refuses_a_project_of_another_organisation(lyon):
    other = make_project(lead=make_organisation("Paris"))
    declaration = make_declaration(make_campaign(), lyon, {"project": other})
    assert _refused(declaration, _export(declaration, "csv")) == [
        f"Row 2: project: Lyon has no project {other.pk}; leave the cell empty or give the number of one of its "
        "projects."
    ]


def test_import_lines_refuses_too_many_rows(lyon, monkeypatch):
    declaration = make_declaration(make_campaign(), lyon, {})
    monkeypatch.setattr(spreadsheet, "MAX_LINES", 2)
    text = _export(declaration, "csv").decode("utf-8-sig").strip()
    line = text.split("\r\n")[1]
    assert _refused(declaration, "\r\n".join([text, line, line]).encode()) == [
        "The file has more than 2 lines; a declaration holds fewer. Check that it is the right file."
    ]


def test_import_lines_refuses_a_stale_revision(lyon):
    declaration = make_declaration(make_campaign(), lyon, {})
    data = _export(declaration, "csv")
    with pytest.raises(ValidationError, match="after you opened it"):
        spreadsheet.import_lines(
            declaration=declaration, user=None, upload=io.BytesIO(data), revision=declaration.revision - 1
        )
