import json
from pathlib import Path

import pytest
from django.core.management import call_command

from coopdec.interop.iati.validate import validate_file

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "iati"
SCHEMA_TESTS = SHARED / "schema-tests"

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="fr">
  <iati-identifier>FR-RNA-W1-1</iati-identifier>
  <reporting-org ref="FR-RNA-W1" type="11"><narrative>Ville</narrative></reporting-org>
  <title><narrative>Eau</narrative></title>
  <description><narrative>Accès à l'eau</narrative></description>
  <participating-org ref="FR-RNA-W1" role="4" type="11"/>
  <activity-status code="2"/>
  {dates}
  {sectors}
 </iati-activity>
</iati-activities>
"""


def write(tmp_path, text, name="a.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def minimal(dates='<activity-date iso-date="2024-01-01" type="1"/>', sectors='<sector code="14030"/>'):
    return MINIMAL.format(dates=dates, sectors=sectors)


def test_validate_minimal_file_is_valid_without_warnings(tmp_path):
    report = validate_file(write(tmp_path, minimal()))
    assert (report.valid, report.errors, report.warnings) == (True, [], [])


def test_validate_rules_are_warnings_with_line_numbers(tmp_path):
    text = minimal(
        dates='<activity-date iso-date="2024-05-01" type="3"/><activity-date iso-date="2024-06-01" type="1"/>',
        sectors='<sector code="14030" percentage="60"/><sector code="99999" percentage="30"/>',
    )
    report = validate_file(write(tmp_path, text))
    assert report.valid is True
    assert report.warnings == [
        "line 11: activity FR-RNA-W1-1: sector percentages of vocabulary 1 sum to 90, not 100",
        "line 10: activity FR-RNA-W1-1: the end date 2024-05-01 is before the start date 2024-06-01",
        "line 11: activity FR-RNA-W1-1: sector code 99999 is not in the Sector codelist",
    ]


def test_validate_missing_start_date_and_sector_are_warned(tmp_path):
    report = validate_file(
        write(tmp_path, minimal(dates='<activity-date iso-date="2024-05-01" type="3"/>', sectors=""))
    )
    assert report.warnings == [
        "line 3: activity FR-RNA-W1-1 has no sector (neither on the activity nor on every transaction)",
        "line 3: activity FR-RNA-W1-1 has no start date (planned or actual)",
    ]


def test_validate_schema_error_makes_file_invalid(tmp_path):
    report = validate_file(write(tmp_path, minimal().replace('<activity-status code="2"/>', "")))
    assert report.valid is False
    assert len(report.errors) == 1
    assert report.errors[0].startswith("line 10: Element 'activity-date': This element is not expected.")


def test_validate_refuses_doctype(tmp_path):
    text = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<iati-activities version="2.03"/>'
    report = validate_file(write(tmp_path, text))
    assert report.valid is False
    assert report.errors == [
        "line 1: the file declares a document type (DOCTYPE); IATI files never do, so it is refused"
    ]


def test_validate_command_json_and_exit_status(tmp_path, capsys):
    good = write(tmp_path, minimal(), "good.xml")
    bad = write(tmp_path, "<iati-activities>", "bad.xml")
    with pytest.raises(SystemExit) as exit_info:
        call_command("iati_validate", str(good), str(bad), json=True)
    assert exit_info.value.code == 1
    output = json.loads(capsys.readouterr().out)
    assert [(item["path"], item["valid"]) for item in output] == [
        (str(good), True),
        (str(bad), False),
    ]
    assert output[1]["errors"][0].startswith("line 1: ")
    assert set(output[0]) == {"path", "valid", "errors", "warnings"}


def test_validate_command_all_valid_exits_zero(tmp_path, capsys):
    call_command("iati_validate", str(write(tmp_path, minimal())))
    assert capsys.readouterr().out == f"{tmp_path / 'a.xml'}: valid\n"


@pytest.mark.integration
def test_validate_agrees_with_official_schema_test_suite():
    if not SCHEMA_TESTS.is_dir():
        pytest.skip(f"the IATI schema test suite is not at {SCHEMA_TESTS}")
    files = [p for p in sorted(SCHEMA_TESTS.rglob("*.xml")) if "registry-tests" not in p.parts]
    passing = [p for p in files if "should-pass" in p.parts]
    failing = [p for p in files if "should-fail" in p.parts]
    assert (len(passing), len(failing)) == (233, 453)
    assert [str(p) for p in passing if not validate_file(p).valid] == []
    assert [str(p) for p in failing if validate_file(p).valid] == []
