"""Read an activity file into plain records, in this process or in a reader process beside it.

``read_file`` streams a file's ``<iati-activity>`` elements and yields, in file order, one item per
activity (``Parsed`` or ``Unreadable``), then ``Stopped`` if the file stops being well-formed. It
touches no database: what it needs (the country codes and GeoNames ids coopdec knows) is given to
it. A ``Parsed`` record is checksummed first, then its values bound for JSON columns are turned into
JSON text (``as_json_text``).

``read_in_process`` runs ``read_file`` in a forked child process (reading and checksumming an
activity costs about as much CPU as writing it, so the two halves of an import use the two halves
of a 2-core machine). The child only reads the file and sends plain values through a pipe, in
chunks; the pipe's small buffer makes it wait when the writer is behind, so memory stays flat. It
never opens, uses or closes a database connection (it leaves with ``os._exit``, as
``multiprocessing`` children do). If it dies, the parent raises ``ReaderFailed`` and writes nothing
more; if the parent stops (error, Ctrl-C), the child is terminated; if the parent is killed, the
child's next send fails and it ends.
"""

import gc
import json
import multiprocessing
import os
import signal
from collections.abc import Generator, Set
from dataclasses import dataclass, fields
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from .read import ActivityError, checksum, read_activity
from .xmlsafe import iter_elements

CHUNK = 100  # activities per message from the reader process


@dataclass
class Parsed:
    """An activity read: its canonical record, the organisations it names, the record's checksum."""

    line: int | None
    identifier: str
    record: dict
    organisations: dict
    checksum: str = ""


@dataclass
class Unreadable:
    """An activity that cannot be imported (the reason says why)."""

    line: int | None
    identifier: str
    reason: str


@dataclass
class Stopped:
    """The file is not well-formed from this line on: reading stopped."""

    line: int | None
    reason: str


_ITEM_TYPES = {cls.__name__: cls for cls in (Parsed, Unreadable, Stopped)}
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in _ITEM_TYPES.values()}


def astuple_shallow(item) -> tuple:
    """The fields of an item, in order (``dataclasses.astuple`` copies every nested value)."""
    return tuple(getattr(item, name) for name in _FIELDS[type(item)])


class ReaderFailed(RuntimeError):
    """The reader process ended without finishing the file."""


def keep_known_places(record: dict, *, countries: Set[str], localities: Set[int]) -> None:
    """Leave out what coopdec cannot refer to (before the checksum): recipient countries it does
    not know, GeoNames ids that are not coopdec localities (and locations left with nothing)."""
    record["countries"] = [c for c in record["countries"] if c["code"] in countries]
    locations = record["locations"]
    if any(loc["geonameid"] and loc["geonameid"] not in localities for loc in locations):
        for location in locations:
            if location["geonameid"] not in localities:
                location["geonameid"] = None
        record["locations"] = [
            loc for loc in locations if loc["name"] or loc["geonameid"] or loc["latitude"] is not None
        ]


# Values the import stores in JSON columns, by key of the record (read.py) or of its list items.
_JSON_KEYS = (
    "target_groups",
    "default_aid_types",
    "other_identifiers",
    "regions",
    "tags",
    "policy_markers",
    "other_descriptions",
    "sector_narratives",
)


def dumps(value) -> str:
    """``json.dumps``, with the text of empty values (most of an activity's) without encoding them."""
    if not value:
        return _EMPTY_JSON.get(type(value)) or json.dumps(value)
    return json.dumps(value)


_EMPTY_JSON: dict[type, str] = {dict: "{}", list: "[]"}
_INDICATOR_JSON_KEYS = (
    "title",
    "description",
    "references",
    "baseline_comment",
    "baseline_links",
    "other_baselines",
    "documents",
)
_VALUE_JSON_KEYS = ("comment", "target_comment", "target_links", "actual_links")


def as_json_text(record: dict) -> None:
    """Once checksummed, replace the record's values bound for JSON columns by their JSON text, as
    Django writes it (``json.dumps``): done here, in the reader, rather than by the writer, and far
    fewer objects to send between processes. Title and description stay as they are (the atlas
    document is made of them) and get their text beside them (``title_json``, ``description_json``)."""
    record["title_json"] = dumps(record["title"])
    record["description_json"] = dumps(record["description"])
    for key in _JSON_KEYS:
        record[key] = dumps(record[key])
    for transaction in record["transactions"]:
        transaction["description"] = dumps(transaction["description"])
    for document in record["documents"]:
        document["title"] = dumps(document["title"])
    for result in record["results"]:
        for key in ("title", "description", "documents", "references"):
            result[key] = dumps(result[key])
        for indicator in result["indicators"]:
            for key in _INDICATOR_JSON_KEYS:
                indicator[key] = dumps(indicator[key])
            for value in indicator["values"]:
                for key in _VALUE_JSON_KEYS:
                    value[key] = dumps(value[key])
                value["parts"] = [
                    (measure, dumps(dimensions), number, text, dumps(links))
                    for measure, dimensions, number, text, links in value["parts"]
                ]


def read_file(
    path: Path | str, *, root_lang: str, countries: Set[str], localities: Set[int]
) -> Generator[Parsed | Unreadable | Stopped, None, None]:
    """The items of an activity file, in order (see the module docstring). ``countries`` and
    ``localities``: the country codes and GeoNames ids coopdec knows."""
    try:
        for element in iter_elements(path, "iati-activity"):
            line = element.sourceline
            try:
                parsed = read_activity(element, root_lang=root_lang)
            except ActivityError as exc:
                identifier = (element.findtext("iati-identifier") or "").strip()
                yield Unreadable(line, identifier, str(exc))
                continue
            record = parsed["record"]
            keep_known_places(record, countries=countries, localities=localities)
            digest = checksum(record)
            as_json_text(record)
            yield Parsed(line, record["identifier"], record, parsed["organisations"], digest)
    except etree.XMLSyntaxError as exc:
        yield Stopped(exc.lineno, exc.msg)


def _reader(receive, send, path: str, root_lang: str, countries: Set[str], localities: Set[int]) -> None:
    """The child: send lists of items, then ``("end", None)``, or ``("error", text)``."""
    # Ctrl-C reaches the whole process group: the parent stops the import and terminates this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's end of the pipe, inherited by the fork: closed, so that if the parent dies
    # (killed, even with SIGKILL) the next send fails and this process ends instead of waiting forever.
    receive.close()
    try:
        chunk: list = []
        for item in read_file(path, root_lang=root_lang, countries=countries, localities=localities):
            # Plain tuples: a dataclass instance costs the receiving side half as much again to unpickle.
            chunk.append((type(item).__name__, *astuple_shallow(item)))
            if len(chunk) >= CHUNK:
                send.send(chunk)
                chunk = []
        if chunk:
            send.send(chunk)
        send.send(("end", None))
    except (BrokenPipeError, ConnectionResetError):  # the parent has gone: nothing to say
        pass
    except Exception as exc:  # noqa: BLE001 (reported to the parent, which raises it)
        try:
            send.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
    finally:
        send.close()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def free_core() -> bool:
    """Whether a core this process may use has been idle over the last minute (its load average
    leaves one free): a reader process pays only then. Measured on 2 cores at a load average of 2,
    a reader process made the import 10% slower (two processes shared one core's worth of time and
    did 15% more work in all: pickling, unpickling)."""
    try:
        cores = len(os.sched_getaffinity(0))
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return cores - load >= 1


def read_in_process(
    path: Path | str, *, root_lang: str, countries: Set[str], localities: Set[int]
) -> Generator[Parsed | Unreadable | Stopped, None, None]:
    """``read_file`` run by a forked child process; the same items, in the same order."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    # Objects that exist now are never collected by the child's garbage collector, so it does not
    # touch (and copy) the parent's pages to scan them.
    gc.freeze()
    try:
        process = context.Process(
            target=_reader, args=(receive, send, str(path), root_lang, countries, localities), daemon=True
        )
        process.start()
    finally:
        gc.unfreeze()
    send.close()
    finished = False
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise ReaderFailed(
                    _("the reader process of %(path)s stopped (exit code %(code)s)")
                    % {"path": path, "code": process.exitcode if process.exitcode is not None else "?"}
                ) from None
            if isinstance(message, list):
                for kind, *values in message:
                    yield _ITEM_TYPES[kind](*values)
                continue
            kind, value = message
            if kind == "error":
                raise ReaderFailed(
                    _("the reader process of %(path)s failed: %(reason)s") % {"path": path, "reason": value}
                )
            finished = True
            return
    finally:
        receive.close()
        if not finished and process.is_alive():
            process.terminate()
        process.join()
