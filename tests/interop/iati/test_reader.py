import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from coopdec.cooperation.models import Project
from coopdec.interop.iati.importer import iati_files_import
from coopdec.interop.iati.reader import (
    Parsed,
    ReaderFailed,
    Stopped,
    Unreadable,
    read_file,
    read_in_process,
)
from tests.interop.iati.test_importer import WATER, activities_file

COUNTRIES = {"FR", "SN"}


def _mixed_file(tmp_path, *, truncated: bool = False):
    """Two good activities around a bad one (a budget too large); ``truncated``: the file then
    stops in the middle of a fourth activity."""
    too_big = WATER.format(n=2).replace(">150000.00<", ">1e30<")
    path = activities_file(tmp_path, WATER.format(n=1), too_big, WATER.format(n=3))
    if truncated:
        text = path.read_text(encoding="utf-8").replace("</iati-activities>", WATER.format(n=4)[:400])
        path.write_text(text, encoding="utf-8")
    return path


def test_read_in_process_yields_what_read_file_yields(tmp_path):
    path = _mixed_file(tmp_path, truncated=True)
    here = list(read_file(path, root_lang="", countries=COUNTRIES, localities=set()))
    there = list(read_in_process(path, root_lang="", countries=COUNTRIES, localities=set()))
    assert [type(item) for item in there] == [Parsed, Unreadable, Parsed, Stopped]
    assert there == here
    assert there[1] == Unreadable(56, "FR-RNA-W751-2", "the budget 1e30 is too large")
    assert len({there[0].checksum, there[2].checksum}) == 2
    assert there[3].line == 169  # the end of the file, where the activity is left open


def test_read_file_leaves_out_places_coopdec_does_not_know(tmp_path):
    path = activities_file(tmp_path, WATER.format(n=1))
    (unknown,) = read_file(path, root_lang="", countries={"FR"}, localities=set())
    (known,) = read_file(path, root_lang="", countries=COUNTRIES, localities={2253354})
    assert unknown.record["countries"] == []
    assert known.record["countries"] == [{"code": "SN", "percentage": "100.00"}]
    assert [loc["geonameid"] for loc in unknown.record["locations"]] == [None]
    assert [loc["geonameid"] for loc in known.record["locations"]] == [2253354]
    assert unknown.checksum != known.checksum


def test_read_file_gives_json_columns_their_text(tmp_path):
    (parsed,) = read_file(
        activities_file(tmp_path, WATER.format(n=1)), root_lang="", countries=COUNTRIES, localities=set()
    )
    record = parsed.record
    assert record["title"]["en"] == "Drinking water in Dakar"
    assert record["title_json"] == json.dumps(record["title"])
    assert record["target_groups"] == '{"fr": "Quartiers de Dakar."}'
    assert record["transactions"][0]["description"] == '{"fr": "Engagement"}'
    assert record["results"][0]["indicators"][0]["values"][0]["comment"] == '{"fr": "Retard"}'


def test_read_in_process_raises_when_the_reader_fails(tmp_path):
    with pytest.raises(ReaderFailed) as error:
        list(read_in_process(tmp_path / "missing.xml", root_lang="", countries=COUNTRIES, localities=set()))
    assert "FileNotFoundError" in str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize("reader_process", [True, False], ids=["reader-process", "one-process"])
def test_import_reports_bad_activities_and_a_truncated_file_either_way(tmp_path, reader_process):
    summary = iati_files_import(paths=[_mixed_file(tmp_path, truncated=True)], reader_process=reader_process)
    assert summary.counts() == {"activities": 3, "created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    assert [(f.identifier, f.line) for f in summary.failures] == [("FR-RNA-W751-2", 56), ("", 169)]
    assert summary.failures[1].reason.startswith("the file is not well-formed XML, reading stopped")
    assert sorted(Project.objects.values_list("iati_identifier", flat=True)) == ["FR-RNA-W751-1", "FR-RNA-W751-3"]


@pytest.mark.django_db
def test_import_with_a_reader_process_then_without_changes_nothing(tmp_path):
    path = _mixed_file(tmp_path)
    first = iati_files_import(paths=[path], reader_process=True)
    again = iati_files_import(paths=[path], reader_process=False)
    assert first.counts() == {"activities": 3, "created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    assert again.counts() == {"activities": 3, "created": 0, "updated": 0, "unchanged": 2, "failed": 1}


@pytest.mark.django_db
def test_import_interrupted_stops_the_reader_process_and_writes_no_partial_batch(tmp_path):
    def interrupted(items, path):
        for position, item in enumerate(items):
            if position == 2:
                raise KeyboardInterrupt
            yield item

    path = _mixed_file(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        iati_files_import(paths=[path], wrap=interrupted, reader_process=True)
    assert multiprocessing.active_children() == []
    assert not Project.objects.exists()


KILLED_PARENT = """
import os, signal, sys
from coopdec.interop.iati.reader import read_in_process
items = read_in_process(sys.argv[1], root_lang="", countries={"SN"}, localities=set())
next(items)
import multiprocessing
print(multiprocessing.active_children()[0].pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has ended
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_reader_process_ends_when_its_parent_is_killed(tmp_path):
    # Enough activities to fill the pipe: the reader is then waiting to send when its parent dies.
    path = activities_file(tmp_path, *(WATER.format(n=n) for n in range(400)))
    parent = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")},
    )
    reader = int(parent.stdout.readline())
    try:
        assert parent.wait(timeout=60) == -signal.SIGKILL
        deadline = time.monotonic() + 20
        while not _ended(reader) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _ended(reader)
    finally:
        parent.stdout.close()
        if not _ended(reader):
            os.kill(reader, signal.SIGKILL)


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["on", "off", "auto"])
def test_import_command_reader_process_option(tmp_path, capsys, option):
    with pytest.raises(SystemExit) as exit_info:  # 1: an activity failed
        call_command("iati_import", str(_mixed_file(tmp_path)), json=True, reader_process=option)
    assert exit_info.value.code == 1
    assert json.loads(capsys.readouterr().out) == {
        "activities": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }
