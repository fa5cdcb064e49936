"""CSV files whose bytes contradict their byte-order mark, or that hold NUL characters, are refused
with a message, never a server error."""

import pytest

from coopdec.interop.spreadsheet.reader import ImportFileError, read_table

HEADER = "organisation_1,kind_1,city_1,country_1\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xef\xbb\xbf" + HEADER.encode() + b"Ville \xe9,ngo,,FR\n",
            "The file says it is UTF-8 (its first bytes) but is not (byte 48). Save it again as CSV UTF-8 and send "
            "it again.",
        ),
        (
            b"\xff\xfe" + HEADER.encode("utf-16-le") + b"X",
            "The file says it is UTF-16 (its first bytes) but is not (byte 80). Save it again as CSV UTF-8 and send "
            "it again.",
        ),
        (
            (HEADER + "Ville\x00,ngo,,FR\n").encode(),
            "This is not a text file. Send a CSV (comma or semicolon separated) or an XLSX file.",
        ),
        (
            b"\xff\xfe" + (HEADER + "Ville\x00,ngo,,FR\n").encode("utf-16-le"),
            "This is not a text file. Send a CSV (comma or semicolon separated) or an XLSX file.",
        ),
    ],
)
def test_csv_with_contradicting_or_nul_bytes_is_refused_with_a_message(data, message):
    with pytest.raises(ImportFileError) as refused:
        read_table(data, filename="odd.csv")
    assert str(refused.value) == message


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"\xef\xbb\xbf" + HEADER.encode() + b"\xff\xfe\n", b"\xfe\xff" + b"a,b\n" + b"\x00"])
def test_import_page_answers_an_odd_csv_with_its_message(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import factories

    client.force_login(factories.make_member(factories.make_organisation()))
    response = client.post(
        "/import/",
        {"file": SimpleUploadedFile("odd.csv", data, content_type="text/csv")},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "Save it again as CSV UTF-8" in response.content.decode()
