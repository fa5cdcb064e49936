"""Read a twin-towns list: ``city1,country1,city2,country2``, one pair per line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopdec.interop.spreadsheet.reader import ImportFileError, check_headers, read_path, read_table

COLUMNS = ["city1", "country1", "city2", "country2"]
MAX_NAME = 200


class PlaceText(NamedTuple):
    city: str
    country: str


@dataclass
class TwinningsFile:
    pairs: list[tuple[PlaceText, PlaceText]]
    lines: list[int]
    checksum: str
    encoding: str
    separator: str
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def places(self) -> list[PlaceText]:
        """Distinct places, in order of first appearance."""
        return list(dict.fromkeys(p for pair in self.pairs for p in pair))


def read_pairs(source: str | Path | bytes, *, filename: str = "") -> TwinningsFile:
    table = read_table(source, filename=filename) if isinstance(source, bytes) else read_path(source)
    if not table.headers:
        raise ImportFileError(_("The file has no header line. Expected: %(columns)s.") % {"columns": ",".join(COLUMNS)})
    position = check_headers(table, required=COLUMNS)
    pairs, lines, problems = [], [], []
    for line, cells in table.rows:
        if len(cells) != len(table.headers):
            problems.append(
                (
                    line,
                    _("%(found)s cells where the header has %(expected)s")
                    % {"found": len(cells), "expected": len(table.headers)},
                )
            )
            continue
        values = {name: cells[index] for name, index in position.items()}
        too_long = [name for name, value in values.items() if len(value) > MAX_NAME]
        if too_long:
            problems.append(
                (
                    line,
                    _("longer than %(max)s characters: %(columns)s")
                    % {"max": MAX_NAME, "columns": ", ".join(too_long)},
                )
            )
            continue
        pairs.append((PlaceText(values["city1"], values["country1"]), PlaceText(values["city2"], values["country2"])))
        lines.append(line)
    if problems:
        shown = "; ".join(_("line %(line)s: %(problem)s") % {"line": n, "problem": p} for n, p in problems[:10])
        message = [
            ngettext(
                "%(count)s line cannot be read, nothing was imported.",
                "%(count)s lines cannot be read, nothing was imported.",
                len(problems),
            )
            % {"count": len(problems)},
            shown + ".",
        ]
        more = len(problems) - 10
        if more > 0:
            message.append(
                ngettext(
                    "%(count)s more line with a problem is not listed.",
                    "%(count)s more lines with a problem are not listed.",
                    more,
                )
                % {"count": more}
            )
        raise ImportFileError(" ".join(message))
    if not pairs:
        raise ImportFileError(_("The file has a header but no pairs."))
    return TwinningsFile(pairs, lines, table.checksum, table.encoding, table.separator)
