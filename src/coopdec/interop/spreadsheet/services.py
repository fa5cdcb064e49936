"""Import organisations and partnerships from the coopdec spreadsheet template (docs/import.md).

One row is one organisation (side 1 only) or one partnership between two organisations. Local
governments are found through place resolution, exactly as for the twin-towns list (one
organisation per canonical place); other organisations by name, kind and country. Reading and
checking (``spreadsheet_parse``) writes nothing and gives a row-level report; ``spreadsheet_import``
writes the rows without errors, all in one transaction. The web import writes through a background
task, in batches each in its own short transaction, closed after ``BATCH_SECONDS`` (``jobs.py``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus, Source
from coopdec.common.text import fold, neutralise_formula
from coopdec.common.validators import TITLE_MAX, clean_line
from coopdec.cooperation.models import (
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
)
from coopdec.interop.twinnings.services import local_governments_for
from coopdec.territories.resolution import AMBIGUOUS, RESOLVED, Resolution, get_index

from .reader import ImportFileError, Table, check_headers, read_table

SIDE_COLUMNS = ["organisation", "kind", "city", "country"]
COLUMNS = (
    [f"{c}_1" for c in SIDE_COLUMNS]
    + [f"{c}_2" for c in SIDE_COLUMNS]
    + [
        "partnership_kind",
        "status",
        "start_date",
        "title",
    ]
)
REQUIRED = ["organisation_1", "kind_1", "city_1", "country_1"]
MAX_ROWS = 5000
REPORT_COLUMNS = ["line", "status", "organisation_1", "organisation_2", "problems"]


@dataclass
class Side:
    """One organisation of a row, as resolved: enough to find or create it later."""

    name: str
    kind: str
    country: str
    locality_id: int | None = None
    subdivision_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    confidence: float | None = None
    reason: str = ""

    @property
    def is_local_government(self) -> bool:
        return self.kind in LOCAL_GOVERNMENT_KINDS


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    sides: list[Side] = field(default_factory=list)
    partnership: dict | None = None
    problems: list[str] = field(default_factory=list)
    # For a side whose place is ambiguous: {"1" or "2": [candidate places]} (``place_choices``).
    candidates: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ParsedSheet:
    rows: list[Row]
    checksum: str

    @property
    def valid_rows(self) -> list[Row]:
        return [r for r in self.rows if r.ok]

    @property
    def error_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    def as_data(self) -> dict:
        """A JSON-serialisable form, to keep between preview and confirmation."""
        return {"checksum": self.checksum, "rows": [asdict(r) for r in self.rows]}

    @classmethod
    def from_data(cls, data: dict) -> ParsedSheet:
        rows = []
        for r in data["rows"]:
            rows.append(
                Row(
                    line=r["line"],
                    cells=r["cells"],
                    sides=[Side(**s) for s in r["sides"]],
                    partnership=r["partnership"],
                    problems=r["problems"],
                    candidates=r.get("candidates", {}),
                )
            )
        return cls(rows, data["checksum"])


@dataclass
class SpreadsheetSummary:
    rows: int = 0
    rows_with_errors: int = 0
    organisations_created: int = 0
    organisations_existing: int = 0
    partnerships_created: int = 0
    partnerships_existing: int = 0
    dry_run: bool = False
    organisation_ids: list[int] = field(default_factory=list)  # every organisation the rows name
    partnership_ids: list[int] = field(default_factory=list)  # the partnerships created


@lru_cache(maxsize=8)
def _codes(choices: type[TextChoices]) -> dict[str, str]:
    """Every way of writing a value of ``choices``: its code, and its label in each language of the
    site as the site shows it ("jumelage", "Hermanamiento", "geminação"), folded."""
    codes: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            codes.update({fold(str(label)): code for code, label in choices.choices})
    codes.update({fold(code.replace("_", " ")): code for code in choices.values})
    return codes


def _code(choices: type[TextChoices], value: str) -> str | None:
    return _codes(choices).get(fold(value).replace("_", " "))


def _kind(value: str) -> str | None:
    return _code(OrganisationKind, value) if fold(value) else OrganisationKind.MUNICIPALITY


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's date numbers (1900 system, its leap-year bug included)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")


def _start_date(value: str) -> tuple[str | None, str]:
    """(ISO date or None, problem). Accepted: 2015-06-20, 20/06/2015 (also 20.06.2015, 20-06-2015;
    day first, as written in French, Spanish and Portuguese), 2015, and Excel's date cells (read
    as ISO dates, or as day numbers when the cell is not formatted as a date)."""
    value = value.strip()
    if not value:
        return None, ""
    hint = _("write 2015-06-20, 20/06/2015 or 2015")
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1).isoformat(), ""
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?", value):
            year, month, day = (int(p) for p in value[:10].split(" ")[0].split("T")[0].split("-"))
            return date(year, month, day).isoformat(), ""
        if re.fullmatch(r"\d{5}(\.0+)?", value) and 10_000 <= float(value) <= 80_000:  # 1927–2119
            return (EXCEL_EPOCH + timedelta(days=int(float(value)))).isoformat(), ""
        match = _DAY_FIRST.match(value)
        if match:
            day, month, year = (int(p) for p in match.groups())
            if len(match.group(3)) != 4:
                return None, _(
                    "start_date: “%(value)s”: the year is ambiguous; write it with four digits (%(hint)s)"
                ) % {"value": value, "hint": hint}
            if month > 12 and day <= 12:
                return None, _(
                    "start_date: “%(value)s” reads as month/day; write the day first, or the year first (%(hint)s)"
                ) % {"value": value, "hint": hint}
            return date(year, month, day).isoformat(), ""
    except ValueError:
        return None, _("start_date: “%(value)s” does not exist in the calendar (%(hint)s)") % {
            "value": value,
            "hint": hint,
        }
    return None, _("start_date: “%(value)s” is not a date (%(hint)s)") % {"value": value, "hint": hint}


def _candidate(place) -> dict:
    return {
        "geonameid": place.geonameid,
        "name": place.name,
        "country": place.country,
        "admin1": place.admin1,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "population": place.population,
    }


def _side(
    cells: dict[str, str],
    n: int,
    problems: list[str],
    candidates: dict[str, list[dict]] | None = None,
    chosen: int | None = None,
) -> Side | None:
    name, city, country = (cells.get(f"{c}_{n}", "") for c in ("organisation", "city", "country"))
    kind = _kind(cells.get(f"kind_{n}", ""))
    if kind is None:
        problems.append(
            _("kind_%(n)s: unknown kind “%(value)s” (expected one of %(kinds)s)")
            % {"n": n, "value": cells.get(f"kind_{n}", ""), "kinds": _labels(OrganisationKind)}
        )
        return None
    index = get_index()
    if kind in LOCAL_GOVERNMENT_KINDS:
        if not city:
            problems.append(_("city_%(n)s: a local government needs its place (city, department or region)") % {"n": n})
            return None
        result = index.resolve(city, country)
        picked = next((p for p in result.candidates if p.geonameid == chosen), None) if chosen else None
        if result.status == AMBIGUOUS and picked is not None:  # the user chose among the candidates
            return Side(
                name=(name or picked.name)[:255],
                kind=kind,
                country=picked.country,
                locality_id=picked.geonameid,
                latitude=picked.latitude,
                longitude=picked.longitude,
                population=picked.population or None,
                confidence=1.0,
                reason=_("chosen by the importer among %(count)s places") % {"count": len(result.candidates)},
            )
        if result.status == AMBIGUOUS and result.candidates and candidates is not None:
            candidates[str(n)] = [_candidate(p) for p in result.candidates]
        if result.status != RESOLVED:
            message = (
                _("%(city)s, %(country)s: place ambiguous (%(reason)s)")
                if result.status == AMBIGUOUS
                else _("%(city)s, %(country)s: place not found (%(reason)s)")
            )
            problems.append(message % {"city": city, "country": country, "reason": result.reason})
            return None
        return Side(
            name=clean_line(name or result.name),
            kind=kind,
            country=result.country_code,
            locality_id=result.geonameid,
            subdivision_code=result.subdivision.code if result.subdivision else "",
            latitude=result.latitude,
            longitude=result.longitude,
            population=(result.locality.population or None) if result.locality else None,
            confidence=result.confidence,
            reason=result.reason[:255],
        )
    if not name:
        problems.append(_("organisation_%(n)s: the name is required for this kind of organisation") % {"n": n})
        return None
    guess = index.country(country)
    if not guess.code:
        problems.append(_("country_%(n)s: country not recognised: %(value)s") % {"n": n, "value": country or "—"})
        return None
    side = Side(name=clean_line(name), kind=kind, country=guess.code)
    if city:  # a position on the map, when the city is clear
        result = index.resolve(city, country)
        if result.status == RESOLVED and result.locality:
            side.latitude, side.longitude = result.latitude, result.longitude
    return side


def _labels(choices: type[TextChoices]) -> str:
    return ", ".join(str(label) for _code, label in choices.choices)


def _partnership(cells: dict[str, str], problems: list[str]) -> dict:
    written = cells.get("partnership_kind", "")
    kind = _code(PartnershipKind, written) if fold(written) else PartnershipKind.TWINNING
    if kind is None:
        problems.append(
            _("partnership_kind: unknown kind “%(value)s” (expected one of %(kinds)s)")
            % {"value": written, "kinds": _labels(PartnershipKind)}
        )
    written = cells.get("status", "")
    status = _code(PartnershipStatus, written) if fold(written) else PartnershipStatus.ACTIVE
    if status is None:
        problems.append(
            _("status: unknown status “%(value)s” (expected one of %(values)s)")
            % {"value": written, "values": _labels(PartnershipStatus)}
        )
    start, problem = _start_date(cells.get("start_date", ""))
    if problem:
        problems.append(problem)
    return {"kind": kind, "status": status, "start_date": start, "title": clean_line(cells.get("title", ""), TITLE_MAX)}


def spreadsheet_parse_table(table: Table) -> ParsedSheet:
    if not table.headers:
        raise ImportFileError(
            _("The file has no header line. Expected: %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        )
    position = check_headers(table, required=REQUIRED, optional=[c for c in COLUMNS if c not in REQUIRED])
    if not table.rows:
        raise ImportFileError(_("The file has a header but no rows."))
    rows = []
    for line, values in table.rows:
        cells = {name: (values[i] if i < len(values) else "") for name, i in position.items()}
        extra = len(values) > len(table.headers) and any(v for v in values[len(table.headers) :])
        rows.append(_row(line, cells, [_("more cells than columns in the header")] if extra else []))
    return ParsedSheet(rows, table.checksum)


def _row(line: int, cells: dict[str, str], problems: list[str], chosen: dict[int, int] | None = None) -> Row:
    row = Row(line=line, cells=cells, problems=list(problems))
    chosen = chosen or {}
    first = _side(cells, 1, row.problems, row.candidates, chosen.get(1))
    has_second = any(cells.get(f"{c}_2") for c in ("organisation", "city", "country"))
    second = _side(cells, 2, row.problems, row.candidates, chosen.get(2)) if has_second else None
    row.sides = [s for s in (first, second) if s]
    if has_second:
        row.partnership = _partnership(cells, row.problems)
    return row


def spreadsheet_choose(parsed: ParsedSheet, choices: dict[tuple[int, int], int]) -> ParsedSheet:
    """``parsed`` with the places the user chose for its ambiguous rows: {(line, side 1 or 2):
    GeoNames id among that side's candidates}. A row whose every ambiguity is settled becomes
    ready to import; a choice outside the candidates is ignored."""
    extra = _("more cells than columns in the header")
    rows = []
    for row in parsed.rows:
        picked = {n: choices[(row.line, n)] for n in (1, 2) if (row.line, n) in choices and str(n) in row.candidates}
        rows.append(_row(row.line, row.cells, [p for p in row.problems if p == extra], picked) if picked else row)
    return ParsedSheet(rows, parsed.checksum)


def spreadsheet_parse(data: bytes, *, filename: str = "") -> ParsedSheet:
    """Read and check a spreadsheet; nothing is written. Raises ``ImportFileError`` for an unusable file."""
    return spreadsheet_parse_table(read_table(data, filename=filename, max_rows=MAX_ROWS))


def _identity(side: Side):
    if side.is_local_government:
        return ("locality", str(side.locality_id)) if side.locality_id else ("subdivision", side.subdivision_code)
    return ("named", side.kind, side.country, fold(side.name))


LOOKUP_CHUNK = 500  # names per look-up query (below every database's limit of parameters)


def _other_organisations(sides: list[Side], *, status: str, user) -> tuple[dict, int, int]:
    """Organisations that are not local governments: found by kind, country and folded name."""
    wanted = {_identity(s): s for s in sides}
    found: dict = {}
    # One query per LOOKUP_CHUNK names, not one per side: the per-row look-ups were most of the time
    # (and of the write lock) of an import batch. The oldest organisation wins, as before.
    names = sorted({identity[3] for identity in wanted})
    for start in range(0, len(names), LOOKUP_CHUNK):
        matches = Organisation.objects.filter(name_folded__in=names[start : start + LOOKUP_CHUNK]).order_by("id")
        for pk, kind, country, folded in matches.values_list("pk", "kind", "country_id", "name_folded"):
            identity = ("named", kind, country, folded)
            if identity in wanted:
                found.setdefault(identity, pk)
    existing = len(found)
    new = []
    for identity, side in wanted.items():
        if identity not in found:
            new.append(
                (
                    identity,
                    Organisation(
                        name=side.name,
                        name_folded=fold(side.name),
                        kind=side.kind,
                        country_id=side.country,
                        latitude=side.latitude,
                        longitude=side.longitude,
                        publication_status=status,
                        source=Source.SPREADSHEET,
                        created_by=user,
                    ),
                )
            )
    created = bulk_create_with_history([o for _i, o in new], Organisation, default_user=user)
    for (identity, _o), organisation in zip(new, created, strict=True):
        found[identity] = organisation.pk
    return found, len(created), existing


@transaction.atomic
def spreadsheet_import(
    parsed: ParsedSheet, *, user=None, publish: bool = True, dry_run: bool = False, index: bool = True
) -> SpreadsheetSummary:
    """Write the rows without problems. ``publish``: records are published (else drafts for review).
    ``index=False``: the caller indexes ``organisation_ids`` and ``partnership_ids`` in the atlas
    itself (the background import does it after each batch commits, outside the batch's transaction)."""
    author = user if user is not None and getattr(user, "is_authenticated", False) else None
    status = PublicationStatus.PUBLISHED if publish else PublicationStatus.DRAFT
    summary = SpreadsheetSummary(rows=len(parsed.rows), rows_with_errors=len(parsed.error_rows), dry_run=dry_run)
    rows = parsed.valid_rows
    sides = [s for r in rows for s in r.sides]
    local = [s for s in sides if s.is_local_government]
    others = [s for s in sides if not s.is_local_government]
    organisations, created, existing = local_governments_for(
        # Duck-typed: a _SideResolution has every attribute local_governments_for reads.
        [cast(Resolution, _SideResolution(s)) for s in local],
        source=Source.SPREADSHEET,
        user=author,
        status=status,
    )
    named, created_named, existing_named = _other_organisations(others, status=status, user=author)
    organisations.update(named)
    summary.organisations_created = created + created_named
    summary.organisations_existing = existing + existing_named

    pairs = [
        (r, organisations[_identity(r.sides[0])], organisations[_identity(r.sides[1])])
        for r in rows
        if r.partnership and len(r.sides) == 2
    ]
    involved = {pk for _r, a, b in pairs for pk in (a, b)}
    known: dict[int, set[int]] = {}
    links = PartnershipParty.objects.filter(organisation_id__in=involved).values_list(
        "partnership_id", "organisation_id", "partnership__kind"
    )
    kinds = {}
    for pid, oid, kind in links:
        known.setdefault(pid, set()).add(oid)
        kinds[pid] = kind
    existing_pairs = {(kinds[pid], frozenset(orgs)) for pid, orgs in known.items() if len(orgs) == 2}
    new_partnerships, parties = [], []
    for row, a, b in pairs:
        assert row.partnership is not None  # pairs keep the rows with a partnership
        signature = (row.partnership["kind"], frozenset((a, b)))
        if a == b or signature in existing_pairs:
            summary.partnerships_existing += 1
            continue
        existing_pairs.add(signature)
        title = row.partnership["title"]
        new_partnerships.append(
            Partnership(
                kind=row.partnership["kind"],
                status=row.partnership["status"],
                start_date=row.partnership["start_date"],
                title={"fr": title, "en": title} if title else {},
                publication_status=status,
                source=Source.SPREADSHEET,
                source_ref=_("line %(line)s") % {"line": row.line},
                created_by=author,
            )
        )
        parties.append((a, b))
    created_partnerships = bulk_create_with_history(new_partnerships, Partnership, default_user=author)
    party_links = []
    for partnership, (a, b) in zip(created_partnerships, parties, strict=True):
        party_links += [
            PartnershipParty(partnership_id=partnership.pk, organisation_id=a),
            PartnershipParty(partnership_id=partnership.pk, organisation_id=b),
        ]
    bulk_create_with_history(party_links, PartnershipParty, default_user=author)

    summary.partnerships_created = len(created_partnerships)
    summary.organisation_ids = sorted(set(organisations.values()))
    summary.partnership_ids = [p.pk for p in created_partnerships]
    if index and not dry_run:  # bulk writes send no signals: index what the import touched
        from coopdec.atlas.index import reindex

        reindex(organisations=set(organisations.values()), partnerships=[p.pk for p in created_partnerships])
    if dry_run:
        transaction.set_rollback(True)
    return summary


class _SideResolution:
    """A resolved side seen as a place resolution, so that local governments share one code path."""

    def __init__(self, side: Side):
        from coopdec.territories.resolution import Place, Region

        self.status = RESOLVED
        self.name = side.name
        self.country_code = side.country
        self.geonameid = side.locality_id
        self.latitude, self.longitude = side.latitude, side.longitude
        self.confidence, self.reason = side.confidence, side.reason
        self.locality = (
            Place(
                side.locality_id,
                side.name,
                side.country,
                "",
                side.latitude or 0.0,
                side.longitude or 0.0,
                side.population or 0,
            )
            if side.locality_id
            else None
        )
        self.subdivision = (
            Region(side.subdivision_code, side.name, side.country, side.latitude, side.longitude)
            if side.subdivision_code
            else None
        )
        self.kind = side.kind

    @property
    def identity(self):
        return _identity(
            Side(
                self.name,
                self.kind,
                self.country_code,
                self.geonameid,
                self.subdivision.code if self.subdivision else "",
            )
        )


def error_report(parsed: ParsedSheet) -> str:
    """The row-level report as CSV text (formula-like cells neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in parsed.rows:
        writer.writerow(
            [
                neutralise_formula(v)
                for v in (
                    row.line,
                    "ok" if row.ok else "error",
                    row.cells.get("organisation_1") or row.cells.get("city_1", ""),
                    row.cells.get("organisation_2") or row.cells.get("city_2", ""),
                    " | ".join(row.problems),
                )
            ]
        )
    return out.getvalue()
