"""Stream IATI activity files into coopdec: organisations, partnerships, projects and their details.

How it stays fast and safe (see docs/iati.md):

- the file is streamed with ``iterparse``; each activity element is freed once read;
- activities are written in batches (``common.bulk``): one transaction per batch, bulk inserts for projects (with their
  history rows, in bulk) and for every kind of child row; when a batch fails, it is rolled back and
  replayed one activity per transaction, so a bad activity is reported and skipped and never leaves
  anything half-written (an interrupted import loses at most the batch in flight, never half of one);
- an activity whose canonical record has the same checksum as last time is counted as unchanged
  and not written at all (no history row either).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.atlas import index as atlas_index
from coopdec.common import bulk
from coopdec.common.models import PublicationStatus, Source
from coopdec.common.text import fold
from coopdec.common.validators import NAME_MAX, clean_line
from coopdec.cooperation.models import (
    Budget,
    Document,
    Indicator,
    IndicatorDisaggregation,
    IndicatorValue,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
    PartyRole,
    Project,
    ProjectCountry,
    ProjectLocation,
    ProjectParticipant,
    ProjectSdg,
    ProjectSector,
    Result,
    Transaction,
)
from coopdec.interop.models import IatiActivity
from coopdec.territories.models import Country, Locality

from .read import ActivityError, language_code, narratives, organisation
from .reader import Parsed, Stopped, Unreadable, can_fork, free_core, read_file, read_in_process
from .xmlsafe import XML_LANG, HostileXMLError, iter_elements, root_attributes

BATCH_SIZE = 500
# Files from this size on are read by a second process (reader.py); smaller ones are not worth a fork.
READER_PROCESS_FROM_BYTES = 4 * 1024 * 1024
REINDEX_EVERY = 2000  # updated projects and partnerships reindexed together (new projects: with their batch)
CHANGE_REASON = "IATI import"

# IATI OrganisationType → coopdec organisation kind (docs/iati.md).
KIND_BY_ORGANISATION_TYPE = {
    "10": OrganisationKind.NATIONAL_AGENCY,
    "11": OrganisationKind.MUNICIPALITY,
    "15": OrganisationKind.NATIONAL_AGENCY,
    "21": OrganisationKind.NGO,
    "22": OrganisationKind.NGO,
    "23": OrganisationKind.NGO,
    "24": OrganisationKind.NGO,
    "30": OrganisationKind.PRIVATE,
    "40": OrganisationKind.INTERNATIONAL,
    "60": OrganisationKind.FOUNDATION,
    "70": OrganisationKind.PRIVATE,
    "71": OrganisationKind.PRIVATE,
    "72": OrganisationKind.PRIVATE,
    "73": OrganisationKind.PRIVATE,
    "80": OrganisationKind.ACADEMIC,
    "90": OrganisationKind.CIVIL_SOCIETY,
}
DEFAULT_KIND = OrganisationKind.NGO
# Registration-agency prefixes that are not countries: multilaterals, IATI's own, regions.
NON_COUNTRY_PREFIXES = {"XM", "XI", "XR", "XX"}
# OECD DAC donor codes of the DAC member countries (CRS), as used in identifiers XM-DAC-<code>[-...].
DAC_DONOR_COUNTRY = {
    "1": "AT",
    "2": "BE",
    "3": "DK",
    "4": "FR",
    "5": "DE",
    "6": "IT",
    "7": "NL",
    "8": "NO",
    "9": "PT",
    "10": "SE",
    "11": "CH",
    "12": "GB",
    "18": "FI",
    "20": "IS",
    "21": "IE",
    "22": "LU",
    "40": "GR",
    "50": "ES",
    "61": "SI",
    "68": "CZ",
    "69": "SK",
    "75": "HU",
    "76": "PL",
    "301": "CA",
    "302": "US",
    "701": "JP",
    "742": "KR",
    "801": "AU",
    "820": "NZ",
}
PARTNERSHIP_STATUS = {
    "1": PartnershipStatus.PREPARATION,
    "2": PartnershipStatus.ACTIVE,
    "3": PartnershipStatus.ACTIVE,
    "4": PartnershipStatus.ENDED,
    "5": PartnershipStatus.ENDED,
    "6": PartnershipStatus.DORMANT,
}
PARTY_ROLE = {"1": PartyRole.FUNDER, "4": PartyRole.IMPLEMENTING}
CHILD_MODELS = [
    ProjectParticipant,
    ProjectSector,
    ProjectSdg,
    ProjectCountry,
    ProjectLocation,
    Budget,
    Transaction,
    Result,
]


@dataclass
class Failure:
    path: str
    line: int | None
    identifier: str
    reason: str
    kind: str = "activity"

    def __str__(self):
        values = {
            "path": self.path,
            "line": self.line or "?",
            "identifier": self.identifier or "?",
            "reason": self.reason,
        }
        if self.kind == "organisation":
            return _("%(path)s, line %(line)s, organisation %(identifier)s: %(reason)s") % values
        if not self.identifier:
            return _("%(path)s, line %(line)s: %(reason)s") % values
        return _("%(path)s, line %(line)s, activity %(identifier)s: %(reason)s") % values


@dataclass
class ImportSummary:
    activities: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    organisations: int = 0
    failures: list[Failure] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "activities": self.activities,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
        }


@dataclass
class Resolution:
    """Where an activity's organisations and partnership are in coopdec."""

    reporting_id: int
    partnership_id: int | None
    participants: list[tuple[int, str, str]]  # organisation id, role, activity id


class _Journal:
    """Caches that a rolled-back batch must forget (ids of rows that no longer exist)."""

    def __init__(self):
        self.entries: list[tuple[dict, object]] = []

    def put(self, cache: dict, key, value) -> None:
        cache[key] = value
        self.entries.append((cache, key))

    def forget(self) -> None:
        for cache, key in self.entries:
            cache.pop(key, None)
        self.entries.clear()


class ActivityImporter:
    def __init__(self, *, batch_size: int = BATCH_SIZE, reader_process: bool | None = None):
        self.batch_size = batch_size
        self.reader_process = reader_process
        self._localities: frozenset[int] | None = None
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.org_by_ref: dict[str, int] = {}
        self.org_by_name: dict[tuple[str, str], int] = {}
        self.org_kind: dict[int, str] = {}
        self.org_country: dict[int, str] = {}
        for pk, ref, kind, country in Organisation.objects.exclude(iati_identifier="").values_list(
            "id", "iati_identifier", "kind", "country_id"
        ):
            self.org_by_ref[ref] = pk
            self.org_kind[pk], self.org_country[pk] = kind, country
        self.partnerships: dict[frozenset[int], int] = {}
        self.journal = _Journal()
        self.reindex_projects: set[int] = set()
        self.reindex_partnerships: set[int] = set()
        self._vocabulary: atlas_index.Vocabulary | None = None

    # -- files ----------------------------------------------------------------------------------

    def import_file(
        self,
        path: Path | str,
        summary: ImportSummary,
        *,
        wrap: Callable[[Iterable], Iterable] = iter,
    ) -> None:
        path = str(path)
        try:
            root_tag, root = root_attributes(path)
        except HostileXMLError as exc:
            summary.failures.append(Failure(path, 1, "", str(exc)))
            return
        except (etree.XMLSyntaxError, OSError) as exc:
            summary.failures.append(
                Failure(
                    path,
                    getattr(exc, "lineno", None),
                    "",
                    _("not readable XML (%(reason)s)") % {"reason": exc},
                )
            )
            return
        if root_tag == "iati-organisations":
            self._import_organisation_file(path, summary)
            return
        if root_tag != "iati-activities":
            summary.failures.append(
                Failure(
                    path,
                    1,
                    "",
                    _("not an IATI activity file (root element <%(tag)s>)") % {"tag": root_tag},
                )
            )
            return
        version = root.get("version", "")
        if version and not version.startswith("2."):
            summary.failures.append(
                Failure(
                    path,
                    1,
                    "",
                    _("IATI version %(version)s is not supported; only 2.0x files are") % {"version": version},
                )
            )
            return
        root_lang = root.get(XML_LANG, "")
        read = read_in_process if self._use_reader_process(path) else read_file
        items = read(path, root_lang=root_lang, countries=self.countries, localities=self.localities())
        try:
            self._import_items(path, wrap(items), summary)
        finally:
            items.close()  # a reader process is stopped at once, whatever happened
        self.reindex()

    def _import_items(self, path: str, items: Iterable, summary: ImportSummary) -> None:
        batch: list[Parsed] = []
        in_batch: set[str] = set()
        for item in items:
            if isinstance(item, Stopped):
                summary.failures.append(
                    Failure(
                        path,
                        item.line,
                        "",
                        _("the file is not well-formed XML, reading stopped (%(reason)s)") % {"reason": item.reason},
                    )
                )
                break
            summary.activities += 1
            if isinstance(item, Unreadable):
                self._fail(summary, Failure(path, item.line, item.identifier, item.reason))
                continue
            if item.identifier in in_batch:  # the same activity twice: the later one wins
                self._write(batch, summary, path)
                batch, in_batch = [], set()
            batch.append(item)
            in_batch.add(item.identifier)
            if len(batch) >= self.batch_size:
                self._write(batch, summary, path)
                batch, in_batch = [], set()
        self._write(batch, summary, path)

    def localities(self) -> frozenset[int]:
        """The GeoNames ids of coopdec's localities (read once per import: a location names one)."""
        if self._localities is None:
            self._localities = frozenset(Locality.objects.values_list("geonameid", flat=True))
        return self._localities

    def _use_reader_process(self, path: str) -> bool:
        """Read in a second process (``reader_process=None``: for large files, when a core is free)."""
        if self.reader_process is None:
            return can_fork() and Path(path).stat().st_size >= READER_PROCESS_FROM_BYTES and free_core()
        return self.reader_process and can_fork()

    def _reindex_later(self, saved: tuple[list[int], set[int]]) -> None:
        updated, partnerships = saved
        self.reindex_projects.update(updated)
        self.reindex_partnerships.update(partnerships)
        if len(self.reindex_projects) + len(self.reindex_partnerships) >= REINDEX_EVERY:
            self.reindex()

    def reindex(self) -> None:
        """Bulk writes send no signals: bring the atlas index up to date for the projects updated and
        the partnerships they belong to (new projects were indexed with their batch)."""
        if self.reindex_projects or self.reindex_partnerships:
            atlas_index.reindex(projects=self.reindex_projects, partnerships=self.reindex_partnerships, expand=False)
        self.reindex_projects, self.reindex_partnerships = set(), set()

    def _fail(self, summary: ImportSummary, failure: Failure) -> None:
        summary.failed += 1
        summary.failures.append(failure)

    def _import_organisation_file(self, path: str, summary: ImportSummary) -> None:
        """An organisation file: make sure each reporting organisation exists (nothing is overwritten)."""
        for element in iter_elements(path, "iati-organisation"):
            lang = language_code(element.get(XML_LANG)) or "en"
            details = (
                organisation(element.find("reporting-org"), lang) if element.find("reporting-org") is not None else None
            )
            ref = (element.findtext("organisation-identifier") or "").strip()
            names = narratives(element.find("name"), lang)
            if not ref and not details:
                continue
            details = details or {"ref": ref, "name": "", "type": "", "key": f"ref:{ref}"}
            if ref and details["ref"] != ref:
                details = {**details, "ref": ref, "key": f"ref:{ref}"}
            if names:
                details["name"] = clean_line(next(iter(names.values())), NAME_MAX)
            known = bool(details["ref"]) and details["ref"] in self.org_by_ref
            try:
                with transaction.atomic():
                    self._organisation(details, reporting_country=None, recipient_countries=[])
            except ActivityError as exc:
                self.journal.forget()
                summary.failures.append(Failure(path, element.sourceline, ref, str(exc), kind="organisation"))
                continue
            self.journal.entries.clear()
            summary.organisations += not known
            self.journal.entries.clear()

    # -- batches --------------------------------------------------------------------------------

    def _write(self, batch: list[Parsed], summary: ImportSummary, path: str) -> None:
        if not batch:
            return
        # ``exclude(iati_identifier="")`` repeats the condition of the partial unique index, so that
        # SQLite looks the identifiers up in it instead of scanning every project.
        existing = {
            identifier: (pk, content_hash)
            for identifier, pk, content_hash in Project.objects.filter(
                iati_identifier__in=[item.identifier for item in batch]
            )
            .exclude(iati_identifier="")
            .order_by()
            .values_list("iati_identifier", "id", "iati__content_hash")
        }
        pending = []
        for item in batch:
            known = existing.get(item.identifier)
            if known and known[1] == item.checksum:
                summary.unchanged += 1
            else:
                pending.append((item, known[0] if known else None))
        if not pending:
            return
        try:
            with transaction.atomic():
                saved = self._save(pending, path)
        except (ActivityError, DatabaseError, ValueError) as exc:
            self.journal.forget()
            if len(pending) == 1:
                item = pending[0][0]
                self._fail(summary, Failure(path, item.line, item.identifier, str(exc)))
                return
            for one in pending:
                self._write_one(one, summary, path)
            return
        self.journal.entries.clear()
        self._reindex_later(saved)
        for _item, project_id in pending:
            if project_id:
                summary.updated += 1
            else:
                summary.created += 1

    def _write_one(self, pending, summary: ImportSummary, path: str) -> None:
        item, project_id = pending
        try:
            with transaction.atomic():
                saved = self._save([pending], path)
        except (ActivityError, DatabaseError, ValueError) as exc:
            self.journal.forget()
            self._fail(summary, Failure(path, item.line, item.identifier, str(exc)))
            return
        self.journal.entries.clear()
        self._reindex_later(saved)
        if project_id:
            summary.updated += 1
        else:
            summary.created += 1

    # -- organisations and partnerships ---------------------------------------------------------

    def _country_of(
        self, details: dict, *, reporting_country: str | None, recipient_countries: list[str]
    ) -> tuple[str, float, str]:
        """Country of a new organisation, with how sure we are and why (coopdec requires a country)."""
        ref = details["ref"]
        prefix = ref[:2].upper()
        if ref[2:3] == "-" and prefix in self.countries and prefix not in NON_COUNTRY_PREFIXES:
            return prefix, 0.9, "IATI identifier prefix"
        if ref.startswith("XM-DAC-"):
            donor = DAC_DONOR_COUNTRY.get(ref[7:].split("-")[0])
            if donor in self.countries:
                return donor, 0.8, "OECD DAC donor code in the IATI identifier"
        if reporting_country:
            return (
                reporting_country,
                0.2,
                "country of the reporting organisation of an IATI activity",
            )
        if recipient_countries:
            return recipient_countries[0], 0.2, "recipient country of an IATI activity"
        raise ActivityError(
            _(
                "cannot tell the country of organisation %(name)s: its identifier has no country prefix and the "
                "activity has no recipient country"
            )
            % {"name": details["name"] or ref}
        )

    def _organisation(self, details: dict, *, reporting_country: str | None, recipient_countries: list[str]) -> int:
        """Match by IATI identifier, else by name and country; create the organisation when missing."""
        ref, name = details["ref"], details["name"]
        pk: int | None
        if ref and ref in self.org_by_ref:
            return self.org_by_ref[ref]
        if ref:
            # Not in the cache loaded at start: created since, by someone else.
            known = Organisation.objects.filter(iati_identifier=ref).values_list("id", "kind", "country_id").first()
            if known is not None:
                pk = known[0]
                self.org_kind[pk], self.org_country[pk] = known[1], known[2]
                self.journal.put(self.org_by_ref, ref, pk)
                return pk
        country, confidence, reason = self._country_of(
            details, reporting_country=reporting_country, recipient_countries=recipient_countries
        )
        folded = fold(name)[:255]
        pk = None if ref or not folded else self.org_by_name.get((folded, country))
        if pk is None and folded:
            # An organisation already known under another IATI identifier is another organisation.
            candidates = Organisation.objects.filter(name_folded=folded, country_id=country)
            if ref:
                candidates = candidates.filter(iati_identifier="")
            found = candidates.order_by("id").first()
            if found is not None:
                pk = found.pk
                self.org_kind[pk], self.org_country[pk] = found.kind, found.country_id
                if ref:
                    # Fill the blank identifier, so that the next file finds it by reference.
                    found.iati_identifier = ref
                    found._change_reason = CHANGE_REASON
                    found.save(update_fields=["iati_identifier", "updated_at"])
        if pk is None:
            org = Organisation(
                name=name or ref,
                kind=KIND_BY_ORGANISATION_TYPE.get(details["type"], DEFAULT_KIND),
                country_id=country,
                iati_identifier=ref,
                publication_status=PublicationStatus.PUBLISHED,
                source=Source.IATI,
                source_ref=ref,
                resolution_confidence=confidence,
                resolution_reason=reason,
            )
            org._change_reason = CHANGE_REASON
            org.save()
            pk = org.pk
            self.journal.put(self.org_kind, pk, org.kind)
            self.journal.put(self.org_country, pk, country)
        if ref:
            self.journal.put(self.org_by_ref, ref, pk)
        if folded:
            self.journal.put(self.org_by_name, (folded, country), pk)
        return pk

    def _partnership(self, local_governments: dict[int, str], record: dict) -> int:
        """The partnership whose parties are exactly these local governments, created when missing."""
        key = frozenset(local_governments)
        if key in self.partnerships:
            return self.partnerships[key]
        candidates = Partnership.objects.annotate(size=Count("party_links")).filter(size=len(key))
        for org_id in key:
            candidates = candidates.filter(party_links__organisation_id=org_id)
        pk = candidates.order_by("id").values_list("id", flat=True).first()
        if pk is None:
            partnership = Partnership(
                kind=PartnershipKind.AGREEMENT,
                status=PARTNERSHIP_STATUS.get(record["status"], PartnershipStatus.ACTIVE),
                publication_status=PublicationStatus.PUBLISHED,
                source=Source.IATI,
                source_ref=record["identifier"][:255],
            )
            partnership._change_reason = CHANGE_REASON
            partnership.save()
            for org_id, role in sorted(local_governments.items()):
                party = PartnershipParty(partnership=partnership, organisation_id=org_id, role=role)
                party._change_reason = CHANGE_REASON
                party.save()
            pk = partnership.pk
        self.journal.put(self.partnerships, key, pk)
        return pk

    def _resolve(self, item: Parsed) -> "Resolution":
        """Reporting organisation, partnership and participants (organisation id, role, activity id)."""
        record = item.record
        recipients = [c["code"] for c in record["countries"]]
        reporting_id = self._organisation(
            item.organisations[record["reporting_org"]],
            reporting_country=None,
            recipient_countries=recipients,
        )
        reporting_country = self.org_country.get(reporting_id)
        participants, seen = [], set()
        for participant in record["participants"]:
            org_id = self._organisation(
                item.organisations[participant["org"]],
                reporting_country=reporting_country,
                recipient_countries=recipients,
            )
            if (org_id, participant["role"]) not in seen:
                seen.add((org_id, participant["role"]))
                participants.append((org_id, participant["role"], participant["activity_id"]))
        local_governments: dict[int, str] = {}
        for org_id, role, _activity_id in participants:
            if self.org_kind.get(org_id) in LOCAL_GOVERNMENT_KINDS:
                local_governments.setdefault(org_id, PARTY_ROLE.get(role, PartyRole.PARTNER))
        if self.org_kind.get(reporting_id) in LOCAL_GOVERNMENT_KINDS and local_governments:
            local_governments[reporting_id] = PartyRole.LEAD
        partnership_id = self._partnership(local_governments, record) if len(local_governments) >= 2 else None
        return Resolution(reporting_id, partnership_id, participants)

    # -- writing --------------------------------------------------------------------------------

    def _save(self, pending: list[tuple[Parsed, int | None]], path: str) -> tuple[list[int], set[int]]:
        """Write a batch (in the caller's transaction). New projects are indexed in the atlas here,
        in the same transaction; returns the updated projects and the partnerships to reindex."""
        now = timezone.now()
        resolved = [self._resolve(item) for item, _project_id in pending]
        existing_ids = [project_id for _item, project_id in pending if project_id]
        kept_partnership = (
            dict(Project.objects.filter(id__in=existing_ids).values_list("id", "partnership_id"))
            if existing_ids
            else {}
        )
        new_rows, changed_rows = [], []
        for (item, project_id), resolution in zip(pending, resolved, strict=True):
            # A project already in a partnership stays in it: the import only ever attaches one.
            if project_id:
                resolution.partnership_id = resolution.partnership_id or kept_partnership.get(project_id)
            row = _project_row(item.record, resolution)
            if project_id:
                changed_rows.append((*row, now, project_id))
            else:
                new_rows.append((item.identifier, *row, now, now))
        if existing_ids:
            for model in CHILD_MODELS:
                model._default_manager.filter(project_id__in=existing_ids).delete()
            Document.objects.filter(project_id__in=existing_ids, file="").delete()
            IatiActivity.objects.filter(project_id__in=existing_ids).delete()
            _update_projects(changed_rows)
            _history_rows(existing_ids, now, update=True)
        new_ids = iter(bulk.table(Project, PROJECT_INSERT).insert(new_rows, returning=True))
        project_ids = [project_id or next(new_ids) for _item, project_id in pending]
        created = [pid for pid, (_item, known) in zip(project_ids, pending, strict=True) if not known]
        _history_rows(created, now, update=False)
        self._save_children(pending, resolved, project_ids, path, now)
        atlas_index.add_projects(
            [
                _project_facts(pid, item.record, resolution, now)
                for pid, (item, known), resolution in zip(project_ids, pending, resolved, strict=True)
                if not known
            ],
            vocabulary=self.vocabulary(),
        )
        partnerships = {r.partnership_id for r in resolved if r.partnership_id}
        return existing_ids, partnerships

    def vocabulary(self) -> atlas_index.Vocabulary:
        """The atlas labels (axes, sectors, countries): reference data, read once per import."""
        if self._vocabulary is None:
            self._vocabulary = atlas_index.Vocabulary()
        return self._vocabulary

    def _save_children(self, pending, resolved, project_ids: list[int], path: str, now) -> None:
        rows: dict[type[Model], list[tuple]] = {model: [] for model in CHILD_COLUMNS}
        results: list[tuple[int, dict]] = []
        source_file = Path(path).name[:255]
        for (item, _project_id), resolution, pid in zip(pending, resolved, project_ids, strict=True):
            record = item.record
            rows[IatiActivity].append(
                (
                    pid,
                    resolution.reporting_id,
                    record["hierarchy"],
                    record["scope"],
                    record["collaboration_type"],
                    record["default_flow_type"],
                    record["default_finance_type"],
                    record["default_tied_status"],
                    record["default_aid_types"],
                    record["humanitarian"],
                    record["other_identifiers"],
                    record["regions"],
                    record["tags"],
                    record["policy_markers"],
                    record["other_descriptions"],
                    record["sector_narratives"],
                    item.checksum,
                    source_file,
                    now,
                )
            )
            rows[ProjectParticipant] += [(pid, *participant) for participant in resolution.participants]
            rows[ProjectSector] += [(pid, s["vocabulary"], s["code"], s["percentage"]) for s in record["sectors"]]
            rows[ProjectSdg] += [(pid, code) for code in record["sdgs"]]
            rows[ProjectCountry] += [(pid, c["code"], c["percentage"]) for c in record["countries"]]
            rows[ProjectLocation] += [
                (pid, loc["geonameid"], loc["name"], loc["latitude"], loc["longitude"], loc["ref"])
                for loc in record["locations"]
            ]
            rows[Budget] += [
                (pid, b["type"], b["status"], b["start"], b["end"], b["value"], b["currency"], b["value_date"])
                for b in record["budgets"]
            ]
            rows[Transaction] += [(pid, *(t[name] for name in TRANSACTION_KEYS)) for t in record["transactions"]]
            rows[Document] += [
                (pid, d["title"], d["url"], d["format"], d["category"], d["language"], d["date"], now)
                for d in record["documents"]
            ]
            results += [(pid, r) for r in record["results"]]
        for model, model_rows in rows.items():
            bulk.table(model, CHILD_COLUMNS[model]).insert(model_rows)
        if not results:
            return
        _save_results(results)


# Columns written by the import; every other column of these tables takes its field's default.
PROJECT_COLUMNS = (
    "title",
    "description",
    "beneficiary_groups",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "currency",
    "language",
    "lead_organisation_id",
    "partnership_id",
    "publication_status",
    "source",
    "source_ref",
)
PROJECT_INSERT = ("iati_identifier", *PROJECT_COLUMNS, "created_at", "updated_at")
TRANSACTION_KEYS = (
    "type",
    "date",
    "value",
    "currency",
    "value_date",
    "description",
    "provider_name",
    "provider_ref",
    "receiver_name",
    "receiver_ref",
    "reference",
)
CHILD_COLUMNS = {
    IatiActivity: (
        "project_id",
        "reporting_org_id",
        "hierarchy",
        "scope",
        "collaboration_type",
        "default_flow_type",
        "default_finance_type",
        "default_tied_status",
        "default_aid_types",
        "humanitarian",
        "other_identifiers",
        "recipient_regions",
        "tags",
        "policy_markers",
        "descriptions",
        "sector_narratives",
        "content_hash",
        "source_file",
        "imported_at",
    ),
    ProjectParticipant: ("project_id", "organisation_id", "role", "activity_id"),
    ProjectSector: ("project_id", "vocabulary", "code", "percentage"),
    ProjectSdg: ("project_id", "target"),
    ProjectCountry: ("project_id", "country_id", "percentage"),
    ProjectLocation: ("project_id", "locality_id", "name", "latitude", "longitude", "ref"),
    Budget: (
        "project_id",
        "type",
        "status",
        "period_start",
        "period_end",
        "value",
        "currency",
        "value_date",
    ),
    Transaction: ("project_id", *TRANSACTION_KEYS),
    Document: ("project_id", "title", "url", "format", "category", "language", "document_date", "created_at"),
}
RESULT_KEYS = ("type", "title", "description", "position", "aggregation_status", "documents", "references")
RESULT_COLUMNS = ("project_id", *RESULT_KEYS)
INDICATOR_KEYS = (
    "title",
    "description",
    "measure",
    "ascending",
    "position",
    "aggregation_status",
    "references",
    "baseline_year",
    "baseline_date",
    "baseline_comment",
    "baseline_links",
    "other_baselines",
    "documents",
)
INDICATOR_COLUMNS = ("result_id", *INDICATOR_KEYS)
INDICATOR_VALUE_KEYS = (
    "baseline",
    "target",
    "actual",
    "comment",
    "target_comment",
    "baseline_value_text",
    "target_value_text",
    "actual_value_text",
    "target_links",
    "actual_links",
)
INDICATOR_VALUE_COLUMNS = ("indicator_id", "period_start", "period_end", *INDICATOR_VALUE_KEYS)
DISAGGREGATION_COLUMNS = ("indicator_value_id", "measure", "dimensions", "value", "value_text", "links")


def _save_results(results: list[tuple[int, dict]]) -> None:
    """Results, indicators, periods and their parts by dimensions, in bulk (``read.read_results``).

    Imported values are approved (the default status): their publisher published them.
    """
    result_ids = bulk.table(Result, RESULT_COLUMNS).insert(
        [(pid, *(r[key] for key in RESULT_KEYS)) for pid, r in results],
        returning=True,
    )
    indicators = [
        (result_id, i) for result_id, (_pid, r) in zip(result_ids, results, strict=True) for i in r["indicators"]
    ]
    indicator_ids = bulk.table(Indicator, INDICATOR_COLUMNS).insert(
        [(result_id, *(i[key] for key in INDICATOR_KEYS)) for result_id, i in indicators],
        returning=True,
    )
    values = [
        (indicator_id, v)
        for indicator_id, (_result_id, i) in zip(indicator_ids, indicators, strict=True)
        for v in i["values"]
    ]
    rows = [
        (indicator_id, v["start"], v["end"], *(v[key] for key in INDICATOR_VALUE_KEYS)) for indicator_id, v in values
    ]
    if not any(v["parts"] for _indicator_id, v in values):
        bulk.table(IndicatorValue, INDICATOR_VALUE_COLUMNS).insert(rows)
        return
    value_ids = bulk.table(IndicatorValue, INDICATOR_VALUE_COLUMNS).insert(rows, returning=True)
    bulk.table(IndicatorDisaggregation, DISAGGREGATION_COLUMNS).insert(
        [
            (value_id, *part)
            for value_id, (_indicator_id, v) in zip(value_ids, values, strict=True)
            for part in v["parts"]
        ]
    )


def _project_row(record: dict, resolution: "Resolution") -> tuple:
    """The values of PROJECT_COLUMNS for an activity."""
    dates = record["dates"]
    return (
        record["title_json"],
        record["description_json"],
        record["target_groups"],
        record["status"],
        dates["planned_start"],
        dates["planned_end"],
        dates["actual_start"],
        dates["actual_end"],
        record["currency"],
        record["language"],
        resolution.reporting_id,
        resolution.partnership_id,
        PublicationStatus.PUBLISHED.value,
        Source.IATI.value,
        record["identifier"][:255],
    )


def _project_facts(pid: int, record: dict, resolution: "Resolution", now) -> dict:
    """What the atlas document of a project just created is made of (``atlas.index.project_facts``)."""
    dates = record["dates"]
    return atlas_index.project_facts(
        id=pid,
        title=record["title"],
        description=record["description"],
        status=record["status"],
        currency=record["currency"],
        updated_at=now,
        lead_organisation_id=resolution.reporting_id,
        partnership_id=resolution.partnership_id,
        start=dates["actual_start"] or dates["planned_start"],
        sectors=[(s["vocabulary"], s["code"]) for s in record["sectors"]],
        sdgs=record["sdgs"],
        countries=[c["code"] for c in record["countries"]],
        budgets=[(b["currency"], b["value"], b["start"]) for b in record["budgets"]],
    )


def _update_projects(rows: list[tuple]) -> None:
    """``rows``: the values of PROJECT_COLUMNS, then updated_at, then the project's id."""
    bulk.update_rows(Project, (*PROJECT_COLUMNS, "updated_at"), rows)


def _history_rows(project_ids: list[int], now, *, update: bool) -> None:
    """One version per project ("created" or "changed", reason "IATI import"): ``bulk.history_rows``."""
    bulk.history_rows(Project, project_ids, now, update=update, reason=CHANGE_REASON)


def iati_files_import(
    *,
    paths: Iterable[Path | str],
    wrap: Callable[[Iterable, Path | str], Iterable] | None = None,
    batch_size: int = BATCH_SIZE,
    reader_process: bool | None = None,
) -> ImportSummary:
    """Import IATI activity (and organisation) files; see the module docstring.

    ``reader_process``: read in a second process (True), in this one (False), or from
    ``READER_PROCESS_FROM_BYTES`` on when a core is free (None, ``reader.free_core``)."""
    summary = ImportSummary()
    importer = ActivityImporter(batch_size=batch_size, reader_process=reader_process)
    for path in paths:
        importer.import_file(path, summary, wrap=_wrap_of_file(wrap, path))
    return summary


def _wrap_of_file(
    wrap: Callable[[Iterable, Path | str], Iterable] | None, path: Path | str
) -> Callable[[Iterable], Iterable]:
    """``wrap`` told which file it wraps (none: the items as they come)."""
    if wrap is None:
        return iter
    return lambda items: wrap(items, path)
