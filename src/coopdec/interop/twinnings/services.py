"""Import a twin-towns list: one local government per canonical place, one twinning per pair.

The whole import runs in one transaction: after an error or an interruption nothing of it
remains. A file already imported unchanged is skipped by its checksum (``force`` imports it
again, which creates only what is missing). Organisations, partnerships and parties are created in
bulk, with their history rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus, ReferenceDataset, Source
from coopdec.common.text import fold, neutralise_formula
from coopdec.common.validators import clean_line
from coopdec.cooperation.models import (
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
)
from coopdec.territories.models import Subdivision
from coopdec.territories.resolution import AMBIGUOUS, RESOLVED, UNRESOLVED, Resolution, get_index

from .reader import PlaceText, TwinningsFile, read_pairs

REPORT_COLUMNS = [
    "input_city",
    "input_country",
    "status",
    "geonameid",
    "name",
    "country_code",
    "latitude",
    "longitude",
    "confidence",
    "reason",
]
CHECKSUM_PREFIX = "import:twinnings:"
BATCH = 2000

# Subdivision types between the municipality and the region although their name says "city" or
# "municipal": Italy's metropolitan cities and Sicily's free municipal consortia replaced provinces.
_COUNTY_TYPES = ("metropolitan city", "free municipal consortium")
# Subdivision types that are municipalities rather than counties or regions.
_MUNICIPAL_TYPES = (
    "municipal",
    "city",
    "town",
    "commune",
    "borough",
    "unitary authority",
    "council area",
    "metropolitan district",
    "local council",
    "urban",
    "parish",
)
_REGION_TYPES = (
    "region",
    "state",
    "land",
    "province",
    "autonomous community",
    "republic",
    "territory",
    "nation",
    "country",
)


@dataclass
class ImportSummary:
    places: int = 0
    places_resolved: int = 0
    places_ambiguous: int = 0
    places_unresolved: int = 0
    pairs: int = 0
    pairs_imported: int = 0
    pairs_existing: int = 0
    pairs_skipped: int = 0
    pairs_duplicate: int = 0
    pairs_same_place: int = 0
    organisations_created: int = 0
    organisations_existing: int = 0
    unchanged: bool = False
    dry_run: bool = False
    encoding: str = ""
    separator: str = ""
    checksum: str = ""
    report: list[dict] = field(default_factory=list, repr=False)
    # Records to (re)index in the atlas: every organisation of the file, the new partnerships.
    organisation_ids: list[int] = field(default_factory=list, repr=False)
    partnership_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        for name in ("report", "organisation_ids", "partnership_ids"):
            data.pop(name)
        return data


def organisation_kind_for(subdivision: Subdivision | None) -> str:
    """The kind of local government a canonical place stands for."""
    if subdivision is None:
        return OrganisationKind.MUNICIPALITY
    kind = fold(subdivision.type)
    if kind in _COUNTY_TYPES:
        return OrganisationKind.COUNTY
    if any(word in kind for word in _MUNICIPAL_TYPES):
        return OrganisationKind.MUNICIPALITY
    if subdivision.parent_id is None and any(word in kind for word in _REGION_TYPES):
        return OrganisationKind.REGION
    return OrganisationKind.COUNTY


def report_row(place: PlaceText, result: Resolution) -> dict:
    return {
        "input_city": place.city,
        "input_country": place.country,
        "status": result.status,
        "geonameid": result.geonameid or (result.subdivision.code if result.subdivision else ""),
        "name": result.name,
        "country_code": result.country_code,
        "latitude": "" if result.latitude is None else round(result.latitude, 5),
        "longitude": "" if result.longitude is None else round(result.longitude, 5),
        "confidence": round(result.confidence, 2) if result.status == RESOLVED else "",
        "reason": result.reason,
    }


def write_report(rows: Iterable[dict], path: str | Path) -> None:
    """The per-place report as CSV; cells that a spreadsheet would run as formulas are neutralised."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise_formula(v) for k, v in row.items()})


def local_governments_for(
    results: Iterable[Resolution], *, source: str, user=None, status: str = PublicationStatus.PUBLISHED
) -> tuple[dict, int, int]:
    """The local-government organisation of each resolved place, created where missing.

    Returns ({identity: organisation id}, created, existing). One organisation per canonical place:
    an existing local government at the same locality (or the same subdivision) is reused.
    """
    wanted: dict[tuple[str, str], Resolution] = {}
    for result in results:
        if result.identity and result.identity not in wanted:
            wanted[result.identity] = result
    gids = [int(i) for kind, i in wanted if kind == "locality"]
    codes = [c for kind, c in wanted if kind == "subdivision"]
    found: dict[tuple[str, str], int] = {}
    local = Organisation.objects.filter(kind__in=LOCAL_GOVERNMENT_KINDS).order_by("-id")
    for start in range(0, len(gids), BATCH):
        for pk, gid in local.filter(locality_id__in=gids[start : start + BATCH]).values_list("pk", "locality_id"):
            found[("locality", str(gid))] = pk  # the oldest wins (ordered newest first)
    for pk, code in local.filter(subdivision_id__in=codes, locality__isnull=True).values_list("pk", "subdivision_id"):
        found[("subdivision", code)] = pk
    existing = len(found)
    subdivisions = Subdivision.objects.in_bulk(codes)
    new: list[Organisation] = []
    identities: list[tuple[str, str]] = []
    author = user if user is not None and getattr(user, "is_authenticated", False) else None
    for identity, result in wanted.items():
        if identity in found:
            continue
        subdivision = subdivisions.get(result.subdivision.code) if result.subdivision else None
        name = clean_line(result.name)
        new.append(
            Organisation(
                name=name,
                name_folded=fold(name),
                kind=getattr(result, "kind", None) or organisation_kind_for(subdivision),
                locality_id=result.geonameid,
                subdivision_id=subdivision.code if subdivision else None,
                country_id=result.country_code,
                latitude=result.latitude,
                longitude=result.longitude,
                population=(result.locality.population or None) if result.locality else None,
                publication_status=status,
                source=source,
                source_ref=f"geonames:{result.geonameid}" if result.locality else f"iso3166-2:{identity[1]}",
                resolution_confidence=result.confidence,
                resolution_reason=result.reason[:255],
                created_by=author,
            )
        )
        identities.append(identity)
    created = bulk_create_with_history(new, Organisation, batch_size=BATCH, default_user=author)
    if any(o.pk is None for o in created):  # backends that do not return keys
        by_ref = dict(
            Organisation.objects.filter(source=source, source_ref__in=[o.source_ref for o in new]).values_list(
                "source_ref", "pk"
            )
        )
        for organisation in created:
            organisation.pk = by_ref[organisation.source_ref]
    for identity, organisation in zip(identities, created, strict=True):
        found[identity] = organisation.pk
    return found, len(created), existing


def existing_twinnings(organisation_ids: set[int]) -> set[frozenset[int]]:
    """The pairs of organisations already twinned (bilateral twinning partnerships)."""
    parties: dict[int, set[int]] = {}
    links = PartnershipParty.objects.filter(partnership__kind=PartnershipKind.TWINNING).values_list(
        "partnership_id", "organisation_id"
    )
    for partnership_id, organisation_id in links.iterator(chunk_size=10_000):
        parties.setdefault(partnership_id, set()).add(organisation_id)
    return {frozenset(orgs) for orgs in parties.values() if len(orgs) == 2 and orgs <= organisation_ids}


def twinnings_create(pairs: list[tuple[int, int, str]], *, source: str, user=None) -> list[int]:
    """Create one active, published twinning per (organisation, organisation, source_ref)."""
    author = user if user is not None and getattr(user, "is_authenticated", False) else None
    partnerships = [
        Partnership(
            kind=PartnershipKind.TWINNING,
            status=PartnershipStatus.ACTIVE,
            publication_status=PublicationStatus.PUBLISHED,
            source=source,
            source_ref=ref[:255],
            created_by=author,
        )
        for _a, _b, ref in pairs
    ]
    created = bulk_create_with_history(partnerships, Partnership, batch_size=BATCH, default_user=author)
    if any(p.pk is None for p in created):
        raise RuntimeError("the database did not return the keys of the new partnerships")
    links = []
    for partnership, (a, b, _ref) in zip(created, pairs, strict=True):
        links.append(PartnershipParty(partnership_id=partnership.pk, organisation_id=a))
        links.append(PartnershipParty(partnership_id=partnership.pk, organisation_id=b))
    bulk_create_with_history(links, PartnershipParty, batch_size=BATCH, default_user=author)
    return [p.pk for p in created]


def _already_imported(checksum: str) -> bool:
    return ReferenceDataset.objects.filter(name=(CHECKSUM_PREFIX + checksum)[:64]).exists()


def twinnings_import(
    *,
    path: str | Path | None = None,
    data: bytes | None = None,
    filename: str = "",
    dry_run: bool = False,
    force: bool = False,
    report: bool = False,
    user=None,
) -> ImportSummary:
    """Resolve and import a twin-towns file. Raises ``ImportFileError`` for an unreadable file.

    A file already imported unchanged is not even resolved (unless ``force``, ``dry_run`` or a
    ``report`` is asked for): a second ``make demo`` takes a second.
    """
    if data is not None:
        parsed: TwinningsFile = read_pairs(data, filename=filename)
    elif path is not None:
        parsed = read_pairs(path)
    else:
        raise TypeError("twinnings_import needs a path or data")

    summary = ImportSummary(
        dry_run=dry_run,
        encoding=parsed.encoding,
        separator=parsed.separator,
        checksum=parsed.checksum,
        pairs=len(parsed.pairs),
    )
    skip = not force and not dry_run and _already_imported(parsed.checksum)
    if skip and not report:
        summary.unchanged = True
        return summary
    index = get_index()
    places = parsed.places
    results = {place: index.resolve(place.city, place.country) for place in places}
    summary.places = len(places)
    for place in places:
        status = results[place].status
        summary.places_resolved += status == RESOLVED
        summary.places_ambiguous += status == AMBIGUOUS
        summary.places_unresolved += status == UNRESOLVED
    summary.report = [report_row(place, results[place]) for place in places]
    if skip:
        summary.unchanged = True
        return summary

    with transaction.atomic():
        organisations, summary.organisations_created, summary.organisations_existing = local_governments_for(
            results.values(), source=Source.TWINNINGS, user=user
        )
        already = existing_twinnings(set(organisations.values()))
        seen: set[frozenset[int]] = set()
        todo: list[tuple[int, int, str]] = []
        for first, second in parsed.pairs:
            a, b = results[first].identity, results[second].identity
            if a is None or b is None:
                summary.pairs_skipped += 1
                continue
            ids = frozenset((organisations[a], organisations[b]))
            if len(ids) == 1:
                summary.pairs_same_place += 1
            elif ids in seen:
                summary.pairs_duplicate += 1
            elif ids in already:
                seen.add(ids)
                summary.pairs_existing += 1
            else:
                seen.add(ids)
                ref = f"{first.city}, {first.country} – {second.city}, {second.country}"
                todo.append((organisations[a], organisations[b], ref))
        summary.partnership_ids = twinnings_create(todo, source=Source.TWINNINGS, user=user)
        summary.pairs_imported = len(summary.partnership_ids)
        summary.organisation_ids = sorted(set(organisations.values()))
        if dry_run:
            transaction.set_rollback(True)
        else:
            ReferenceDataset.objects.update_or_create(
                name=(CHECKSUM_PREFIX + parsed.checksum)[:64],
                defaults={"checksum": parsed.checksum, "row_count": len(parsed.pairs)},
            )
    return summary


def atlas_update(summary: ImportSummary) -> int:
    """Index the imported records in the atlas (bulk writes send no signals). Returns documents written."""
    from coopdec.atlas.index import reindex

    if summary.dry_run or summary.unchanged or not (summary.organisation_ids or summary.partnership_ids):
        return 0
    return reindex(organisations=summary.organisation_ids, partnerships=summary.partnership_ids)


def summary_json(summary: ImportSummary) -> str:
    return json.dumps(summary.as_dict(), ensure_ascii=False, indent=2)
