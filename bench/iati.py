"""IATI import and export: speed and peak memory (issue 4, "Speed and memory").

1. Builds a large activity file under /tmp by repeating the 577 activities of
   ``iom-577-activities.xml`` with distinct identifiers (61 copies: about 35,000 activities, 100 MB).
2. Walks it with a raw lxml ``iterparse`` (every element visited, nothing stored): the ceiling.
3. Runs ``coopdec iati_import`` of the same file into a fresh SQLite database, in a child process,
   and reports activities/s, the ratio to the raw walk, and the child's peak RSS (``getrusage``).
4. Imports more copies until the database holds 100,000 activities, then runs ``coopdec iati_export``
   of all of them in a child process: activities/s and peak RSS.

Targets: import throughput >= 30% of the raw walk; import peak RSS <= 300 MB; export of 100,000
activities peak RSS <= 200 MB. Run: ``.venv/bin/python bench/iati.py [--copies N] [--export-total N]``.

``--compare-with OTHER/src [--rounds N]``: instead of the above, walk once, then import the file
into fresh databases with the other source tree and with this one in alternating rounds (figures
from a noisy shared machine are read as ratios between neighbouring rounds); no export.
``--reader-process auto|on|off``: ``iati_import``'s option for this tree's imports (auto: a reader
process for large files when a core is free, so on a loaded machine auto reads in one process).
The fresh database gets countries, subdivisions and codelists, not the 234,908 localities (the
file's only GeoNames reference is then simply not linked).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "iati" / "samples" / "iom-577-activities.xml"
WORK = Path(os.environ.get("COOPDEC_BENCH_DIR", "/tmp/coopdec-bench-iati"))
REPORTER = "XM-DAC-47066"


def build(path: Path, first_copy: int, copies: int) -> int:
    """Write ``copies`` copies of the sample's activities, identifiers suffixed with the copy number."""
    from lxml import etree

    activities = etree.parse(str(SAMPLE)).getroot().findall("iati-activity")
    count = 0
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", version="2.03"):
            for copy in range(first_copy, first_copy + copies):
                for activity in activities:
                    identifier = activity.find("iati-identifier")
                    original = identifier.text
                    identifier.text = f"{original}-{copy:04d}"
                    xf.write(activity)
                    identifier.text = original
                    count += 1
    return count


def raw_walk(path: Path) -> tuple[int, float, float]:
    from lxml import etree

    started, cpu_started = time.perf_counter(), time.process_time()
    activities = 0
    for _event, element in etree.iterparse(str(path), events=("end",)):
        if element.tag == "iati-activity":
            activities += 1
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return activities, time.perf_counter() - started, time.process_time() - cpu_started


def import_rounds(
    large: Path, rounds: int, other_src: str, env: dict, walk: tuple[int, float, float], reader: str
) -> None:
    """Alternate imports of ``large`` by another source tree and by this one, each into a fresh copy
    of one set-up database."""
    import shutil

    template = WORK / "template.sqlite3"
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    child("setup", env=env)
    shutil.copyfile(database, template)
    walked, walk_seconds, walk_cpu = walk
    for round_number in range(1, rounds + 1):
        for label, src, extra in (("other", other_src, ()), ("this", str(ROOT / "src"), ("--reader-process", reader))):
            for leftover in WORK.glob("bench.sqlite3*"):
                leftover.unlink()
            shutil.copyfile(template, database)
            done = child("iati_import", "--json", *extra, str(large), env={**env, "COOPDEC_BENCH_SRC": src})
            counts = json.loads(done["stdout"])
            print(
                f"round {round_number} {label:5}: {done['seconds']:.1f} s ({done['cpu_seconds']:.1f} s CPU, "
                f"{done['reader_cpu_seconds']:.1f} of it in a reader process), "
                f"{counts['created'] / done['seconds']:,.0f} activities/s, peak RSS {done['max_rss_mb']} MB "
                f"({done['reader_max_rss_mb']} MB of it the reader's); "
                f"ratio to the walk {walk_seconds / done['seconds']:.2f} wall, {walk_cpu / done['cpu_seconds']:.2f} "
                "CPU; "
                f"{load()}"
            )
    template.unlink()


def child(*args: str, env: dict) -> dict:
    """Run a coopdec command in a child process; its wall time, peak RSS and output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"coopdec {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    marker = [line for line in done.stderr.splitlines() if line.startswith("BENCH ")][-1]
    return {
        "seconds": seconds,
        "stdout": done.stdout,
        "stderr": done.stderr,
        **json.loads(marker[6:]),
    }


def run_child(args: list[str]) -> None:
    """In the child: run the command, then report the peak RSS of this process."""
    if args[0] == "setup":
        import django

        django.setup()
        from django.core.management import call_command

        from coopdec.territories import loaders as places
        from coopdec.vocabularies import loaders as vocabularies

        call_command("migrate", verbosity=0)
        places.load_countries()
        places.load_subdivisions()
        vocabularies.load_codelists()
    else:
        from django.core.management import execute_from_command_line

        try:
            execute_from_command_line(["coopdec", *args])
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # The import's reader process (a child of this one, waited for): its peak RSS and CPU count too.
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "max_rss_mb": round((usage.ru_maxrss + reader.ru_maxrss) / 1024, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime + reader.ru_utime + reader.ru_stime, 2),
        "reader_max_rss_mb": round(reader.ru_maxrss / 1024, 1),
        "reader_cpu_seconds": round(reader.ru_utime + reader.ru_stime, 2),
    }
    print("BENCH " + json.dumps(report), file=sys.stderr)


def load() -> str:
    """The machine's load average (1, 5, 15 minutes): figures from a shared machine need it beside them."""
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=61, help="copies of the 577 activities (default 61: ~35,000)")
    parser.add_argument(
        "--export-total",
        type=int,
        default=100_000,
        help="activities in the export (default 100,000)",
    )
    parser.add_argument("--compare-with", metavar="SRC", help="another source tree's src/ to alternate imports with")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --compare-with (default 2)")
    parser.add_argument(
        "--reader-process", choices=["auto", "on", "off"], default="auto", help="iati_import's option (this tree)"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if options.child:
        run_child(options.child)
        return
    if not SAMPLE.is_file():
        print(f"skipped: {SAMPLE} is not there (the shared IATI samples are needed)")
        return

    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "bench.sqlite3"
    for leftover in WORK.glob("bench.sqlite3*"):
        leftover.unlink()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "coopdec.settings",
    }
    env.setdefault("SECRET_KEY", "coopdec-bench-only")

    print(f"start: {load()}")
    large = WORK / "large.xml"
    activities = build(large, 1, options.copies)
    size_mb = large.stat().st_size / 1e6
    print(f"file: {large} {size_mb:.1f} MB, {activities:,} activities")

    walked, walk_seconds, walk_cpu = raw_walk(large)
    walk_rate = walked / walk_seconds
    print(f"raw iterparse walk: {walk_seconds:.1f} s ({walk_cpu:.1f} s CPU), {walk_rate:,.0f} activities/s")

    if options.compare_with:
        import_rounds(
            large, options.rounds, options.compare_with, env, (walked, walk_seconds, walk_cpu), options.reader_process
        )
        print(f"end: {load()}")
        return

    child("setup", env=env)
    imported = child("iati_import", "--json", "--reader-process", options.reader_process, str(large), env=env)
    counts = json.loads(imported["stdout"])
    import_rate = counts["created"] / imported["seconds"]
    print(
        f"iati_import into a fresh SQLite database: {imported['seconds']:.1f} s ({imported['cpu_seconds']:.1f} s CPU, "
        f"{imported['reader_cpu_seconds']:.1f} of it in the reader process), {import_rate:,.0f} activities/s "
        f"({counts}), "
        f"peak RSS {imported['max_rss_mb']} MB, the sum of both processes' ({imported['reader_max_rss_mb']} MB the "
        f"reader's; target <= 300)"
    )
    print(
        f"import / raw walk throughput: {import_rate / walk_rate:.2f} wall clock (activities/s: the issue's "
        f"measure), {walk_cpu / imported['cpu_seconds']:.2f} CPU time of both processes (target >= 0.30); {load()}"
    )

    again = child("iati_import", "--json", "--reader-process", options.reader_process, str(large), env=env)
    print(
        f"re-import of the same file (all unchanged): {again['seconds']:.1f} s, "
        f"{activities / again['seconds']:,.0f} activities/s, {json.loads(again['stdout'])}"
    )

    total = counts["created"]
    if total < options.export_total:
        more = -(-(options.export_total - total) // 577)
        extra = WORK / "extra.xml"
        build(extra, options.copies + 1, more)
        added = child("iati_import", "--json", "--reader-process", options.reader_process, str(extra), env=env)
        created = json.loads(added["stdout"])["created"]
        total += created
        print(
            f"iati_import of {created:,} more activities (database now {total:,}): {added['seconds']:.1f} s, "
            f"{created / added['seconds']:,.0f} activities/s, peak RSS {added['max_rss_mb']} MB"
        )
        extra.unlink()
    exported_file = WORK / "export.xml"
    exported = child("iati_export", "--organisation", REPORTER, "--output", str(exported_file), env=env)
    print(
        f"iati_export of {total:,} activities: {exported['seconds']:.1f} s ({exported['cpu_seconds']:.1f} s CPU), "
        f"{total / exported['seconds']:,.0f} activities/s, "
        f"{exported_file.stat().st_size / 1e6:.0f} MB written, peak RSS {exported['max_rss_mb']} MB (target <= 200)"
    )
    print(f"  {exported['stderr'].splitlines()[0] if exported['stderr'] else ''}")
    print(f"end: {load()}")


if __name__ == "__main__":
    sys.path.insert(0, os.environ.get("COOPDEC_BENCH_SRC") or str(ROOT / "src"))
    main()
