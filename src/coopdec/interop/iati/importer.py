"""Stream IATI activity files into coopdec: organisations, partnerships, projects and their details.

How it stays fast and safe (see docs/iati.md):

- the file is streamed with ``iterparse``; each activity element is freed once read;
- activities are written in batches: one transaction per batch, bulk inserts for projects (with their
  history rows, in bulk) and for every kind of child row; when a batch fails, it is rolled back and
  replayed one activity per transaction, so a bad activity is reported and skipped and never leaves
  anything half-written (an interrupted import loses at most the batch in flight, never half of one);
- an activity whose canonical record has the same checksum as last time is counted as unchanged
  and not written at all (no history row either).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.atlas import index as atlas_index
from coopdec.common.models import PublicationStatus, Source
from coopdec.common.text import fold
from coopdec.cooperation.models import (
    Budget,
    Document,
    Indicator,
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

from .read import ActivityError, checksum, language_code, narratives, organisation, read_activity
from .xmlsafe import XML_LANG, HostileXMLError, iter_elements, root_attributes

BATCH_SIZE = 500
REINDEX_EVERY = 2000  # projects: the atlas index is brought up to date in batches of this size
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
PROJECT_UPDATE_FIELDS = [
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
    "lead_organisation",
    "partnership",
    "publication_status",
    "source",
    "source_ref",
    "updated_at",
]
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
class Parsed:
    line: int | None
    identifier: str
    record: dict
    organisations: dict
    checksum: str = ""


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
    def __init__(self, *, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
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
                    _("IATI version %(version)s is not supported; only 2.0x files are")
                    % {"version": version},
                )
            )
            return
        root_lang = root.get(XML_LANG, "")
        batch: list[Parsed] = []
        in_batch: set[str] = set()
        try:
            for element in wrap(iter_elements(path, "iati-activity")):
                summary.activities += 1
                line = element.sourceline
                identifier = (element.findtext("iati-identifier") or "").strip()
                try:
                    parsed = read_activity(element, root_lang=root_lang)
                except ActivityError as exc:
                    self._fail(summary, Failure(path, line, identifier, str(exc)))
                    continue
                if identifier in in_batch:  # the same activity twice: the later one wins
                    self._write(batch, summary, path)
                    batch, in_batch = [], set()
                batch.append(Parsed(line, identifier, parsed["record"], parsed["organisations"]))
                in_batch.add(identifier)
                if len(batch) >= self.batch_size:
                    self._write(batch, summary, path)
                    batch, in_batch = [], set()
        except etree.XMLSyntaxError as exc:
            summary.failures.append(
                Failure(
                    path,
                    exc.lineno,
                    "",
                    _("the file is not well-formed XML, reading stopped (%(reason)s)")
                    % {"reason": exc.msg},
                )
            )
        self._write(batch, summary, path)
        self.reindex()

    def _reindex_later(self, projects: list[Project]) -> None:
        for project in projects:
            self.reindex_projects.add(project.pk)
            if project.partnership_id:
                self.reindex_partnerships.add(project.partnership_id)
        if len(self.reindex_projects) >= REINDEX_EVERY:
            self.reindex()

    def reindex(self) -> None:
        """Bulk writes send no signals: bring the atlas index up to date for what was written."""
        if self.reindex_projects or self.reindex_partnerships:
            atlas_index.reindex(
                projects=self.reindex_projects, partnerships=self.reindex_partnerships, expand=False
            )
        self.reindex_projects, self.reindex_partnerships = set(), set()

    def _fail(self, summary: ImportSummary, failure: Failure) -> None:
        summary.failed += 1
        summary.failures.append(failure)

    def _import_organisation_file(self, path: str, summary: ImportSummary) -> None:
        """An organisation file: make sure each reporting organisation exists (nothing is overwritten)."""
        for element in iter_elements(path, "iati-organisation"):
            lang = language_code(element.get(XML_LANG)) or "en"
            details = (
                organisation(element.find("reporting-org"), lang)
                if element.find("reporting-org") is not None
                else None
            )
            ref = (element.findtext("organisation-identifier") or "").strip()
            names = narratives(element.find("name"), lang)
            if not ref and not details:
                continue
            details = details or {"ref": ref, "name": "", "type": "", "key": f"ref:{ref}"}
            if ref and details["ref"] != ref:
                details = {**details, "ref": ref, "key": f"ref:{ref}"}
            if names:
                details["name"] = next(iter(names.values()))[:255]
            known = bool(details["ref"]) and details["ref"] in self.org_by_ref
            try:
                with transaction.atomic():
                    self._organisation(details, reporting_country=None, recipient_countries=[])
            except ActivityError as exc:
                self.journal.forget()
                summary.failures.append(
                    Failure(path, element.sourceline, ref, str(exc), kind="organisation")
                )
                continue
            self.journal.entries.clear()
            summary.organisations += not known
            self.journal.entries.clear()

    # -- batches --------------------------------------------------------------------------------

    def _write(self, batch: list[Parsed], summary: ImportSummary, path: str) -> None:
        if not batch:
            return
        self._normalise(batch)
        existing = {
            identifier: (pk, content_hash)
            for identifier, pk, content_hash in Project.objects.filter(
                iati_identifier__in=[item.identifier for item in batch]
            ).values_list("iati_identifier", "id", "iati__content_hash")
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
                projects = self._save(pending, path)
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
        self._reindex_later(projects)
        for _item, project_id in pending:
            if project_id:
                summary.updated += 1
            else:
                summary.created += 1

    def _write_one(self, pending, summary: ImportSummary, path: str) -> None:
        item, project_id = pending
        try:
            with transaction.atomic():
                projects = self._save([pending], path)
        except (ActivityError, DatabaseError, ValueError) as exc:
            self.journal.forget()
            self._fail(summary, Failure(path, item.line, item.identifier, str(exc)))
            return
        self.journal.entries.clear()
        self._reindex_later(projects)
        if project_id:
            summary.updated += 1
        else:
            summary.created += 1

    def _normalise(self, batch: list[Parsed]) -> None:
        """Drop references coopdec cannot hold (unknown countries, unknown GeoNames ids), then checksum."""
        wanted = {
            loc["geonameid"]
            for item in batch
            for loc in item.record["locations"]
            if loc["geonameid"]
        }
        known = (
            set(Locality.objects.filter(geonameid__in=wanted).values_list("geonameid", flat=True))
            if wanted
            else set()
        )
        for item in batch:
            record = item.record
            record["countries"] = [c for c in record["countries"] if c["code"] in self.countries]
            for location in record["locations"]:
                if location["geonameid"] not in known:
                    location["geonameid"] = None
            record["locations"] = [
                loc
                for loc in record["locations"]
                if loc["name"] or loc["geonameid"] or loc["latitude"] is not None
            ]
            item.checksum = checksum(record)

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

    def _organisation(
        self, details: dict, *, reporting_country: str | None, recipient_countries: list[str]
    ) -> int:
        """Match by IATI identifier, else by name and country; create the organisation when missing."""
        ref, name = details["ref"], details["name"]
        if ref and ref in self.org_by_ref:
            return self.org_by_ref[ref]
        if ref:
            # Not in the cache loaded at start: created since, by someone else.
            known = (
                Organisation.objects.filter(iati_identifier=ref)
                .values_list("id", "kind", "country_id")
                .first()
            )
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

    def _resolve(self, item: Parsed) -> tuple[int, int | None, list[tuple[int, str, str]]]:
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
        partnership_id = (
            self._partnership(local_governments, record) if len(local_governments) >= 2 else None
        )
        return reporting_id, partnership_id, participants

    # -- writing --------------------------------------------------------------------------------

    def _save(self, pending: list[tuple[Parsed, int | None]], path: str) -> list[Project]:
        now = timezone.now()
        resolved = [self._resolve(item) for item, _project_id in pending]
        existing_ids = [project_id for _item, project_id in pending if project_id]
        existing = Project.objects.in_bulk(existing_ids) if existing_ids else {}
        new_projects, changed_projects, projects = [], [], []
        for (item, project_id), (reporting_id, partnership_id, _participants) in zip(
            pending, resolved, strict=True
        ):
            project = (
                existing[project_id] if project_id else Project(iati_identifier=item.identifier)
            )
            self._fill_project(project, item.record, reporting_id, partnership_id, now)
            (changed_projects if project_id else new_projects).append(project)
            projects.append(project)
        if existing_ids:
            for model in CHILD_MODELS:
                model.objects.filter(project_id__in=existing_ids).delete()
            Document.objects.filter(project_id__in=existing_ids, file="").delete()
            IatiActivity.objects.filter(project_id__in=existing_ids).delete()
            _update(Project, changed_projects, PROJECT_UPDATE_FIELDS)
            Project.history.bulk_history_create(
                changed_projects, update=True, default_change_reason=CHANGE_REASON, default_date=now
            )
        if new_projects:
            self._create_projects(new_projects, now)
        self._save_children(pending, resolved, projects, path, now)
        return projects

    @staticmethod
    def _create_projects(projects: list[Project], now) -> None:
        """Insert the projects and their "created" history rows with two multi-row inserts."""
        fields = [f.attname for f in Project._meta.concrete_fields if not f.primary_key]
        rows = []
        for project in projects:
            project.created_at = now
            rows.append({name: getattr(project, name) for name in fields})
        for project, pk in zip(projects, _insert(Project, rows, returning=True), strict=True):
            project.pk = pk
        history = [
            {
                **row,
                "id": project.pk,
                "history_date": now,
                "history_change_reason": CHANGE_REASON,
                "history_type": "+",
                "history_user_id": None,
            }
            for row, project in zip(rows, projects, strict=True)
        ]
        _insert(Project.history.model, history)

    @staticmethod
    def _fill_project(
        project: Project, record: dict, reporting_id: int, partnership_id: int | None, now
    ) -> None:
        dates = record["dates"]
        project.title = record["title"]
        project.description = record["description"]
        project.beneficiary_groups = record["target_groups"]
        project.status = record["status"]
        project.planned_start, project.planned_end = dates["planned_start"], dates["planned_end"]
        project.actual_start, project.actual_end = dates["actual_start"], dates["actual_end"]
        project.currency = record["currency"]
        project.language = record["language"]
        project.lead_organisation_id = reporting_id
        # A project already in a partnership stays in it: the import only ever attaches one.
        project.partnership_id = partnership_id or project.partnership_id
        project.publication_status = PublicationStatus.PUBLISHED
        project.source = Source.IATI
        project.source_ref = record["identifier"][:255]
        project.updated_at = now

    def _save_children(self, pending, resolved, projects: list[Project], path: str, now) -> None:
        rows: dict[type, list[dict]] = {
            model: [] for model in (*CHILD_MODELS, Document, IatiActivity, IndicatorValue)
        }
        results: list[tuple[Result, dict]] = []
        source_file = Path(path).name[:255]
        for (item, _project_id), (reporting_id, _partnership_id, participants), project in zip(
            pending, resolved, projects, strict=True
        ):
            record, pid = item.record, project.pk
            rows[IatiActivity].append(
                {
                    "project_id": pid,
                    "reporting_org_id": reporting_id,
                    "hierarchy": record["hierarchy"],
                    "scope": record["scope"],
                    "collaboration_type": record["collaboration_type"],
                    "default_flow_type": record["default_flow_type"],
                    "default_finance_type": record["default_finance_type"],
                    "default_tied_status": record["default_tied_status"],
                    "default_aid_types": record["default_aid_types"],
                    "humanitarian": record["humanitarian"],
                    "other_identifiers": record["other_identifiers"],
                    "recipient_regions": record["regions"],
                    "tags": record["tags"],
                    "policy_markers": record["policy_markers"],
                    "descriptions": record["other_descriptions"],
                    "sector_narratives": record["sector_narratives"],
                    "content_hash": item.checksum,
                    "source_file": source_file,
                    "imported_at": now,
                }
            )
            rows[ProjectParticipant] += [
                {
                    "project_id": pid,
                    "organisation_id": org_id,
                    "role": role,
                    "activity_id": activity_id,
                }
                for org_id, role, activity_id in participants
            ]
            rows[ProjectSector] += [
                {
                    "project_id": pid,
                    "vocabulary": s["vocabulary"],
                    "code": s["code"],
                    "percentage": s["percentage"],
                }
                for s in record["sectors"]
            ]
            rows[ProjectSdg] += [{"project_id": pid, "target": code} for code in record["sdgs"]]
            rows[ProjectCountry] += [
                {"project_id": pid, "country_id": c["code"], "percentage": c["percentage"]}
                for c in record["countries"]
            ]
            rows[ProjectLocation] += [
                {
                    "project_id": pid,
                    "locality_id": loc["geonameid"],
                    "name": loc["name"],
                    "latitude": loc["latitude"],
                    "longitude": loc["longitude"],
                    "ref": loc["ref"],
                }
                for loc in record["locations"]
            ]
            rows[Budget] += [
                {
                    "project_id": pid,
                    "type": b["type"],
                    "status": b["status"],
                    "period_start": b["start"],
                    "period_end": b["end"],
                    "value": b["value"],
                    "currency": b["currency"],
                    "value_date": b["value_date"],
                }
                for b in record["budgets"]
            ]
            rows[Transaction] += [{"project_id": pid, **t} for t in record["transactions"]]
            rows[Document] += [
                {
                    "project_id": pid,
                    "title": d["title"],
                    "url": d["url"],
                    "format": d["format"],
                    "category": d["category"],
                    "language": d["language"],
                    "document_date": d["date"],
                    "created_at": now,
                }
                for d in record["documents"]
            ]
            for r in record["results"]:
                result = Result(
                    project_id=pid,
                    type=r["type"],
                    title=r["title"],
                    description=r["description"],
                    position=r["position"],
                )
                results.append((result, r))
        for model, objects in rows.items():
            if objects and model is not IndicatorValue:
                _insert(model, objects)
        if not results:
            return
        Result.objects.bulk_create([result for result, _r in results], batch_size=500)
        indicators: list[tuple[Indicator, dict]] = [
            (
                Indicator(
                    result_id=result.pk,
                    title=i["title"],
                    description=i["description"],
                    measure=i["measure"],
                    ascending=i["ascending"],
                    position=i["position"],
                ),
                i,
            )
            for result, r in results
            for i in r["indicators"]
        ]
        if indicators:
            Indicator.objects.bulk_create(
                [indicator for indicator, _i in indicators], batch_size=500
            )
            _insert(
                IndicatorValue,
                [
                    {
                        "indicator_id": indicator.pk,
                        "period_start": v["start"],
                        "period_end": v["end"],
                        "baseline": v["baseline"],
                        "target": v["target"],
                        "actual": v["actual"],
                        "comment": v["comment"],
                    }
                    for indicator, i in indicators
                    for v in i["values"]
                ],
            )


_INSERT_CHUNK = 500


class _Table:
    """A multi-row INSERT of plain values for one model: the ORM's bulk_create without building model
    instances (several times faster for the many small rows of an import). Every concrete column is
    written; missing values take the field's default; each value is adapted the way Django adapts it
    for the database in use (JSON, dates, decimals, time zones).
    """

    def __init__(self, model):
        from django.db import connection

        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = [(f.attname, f.get_default()) for f in self.fields]
        self.adapters = [self._adapter(f, ops) for f in self.fields]
        quote = ops.quote_name
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.table = quote(model._meta.db_table)
        self.pk = quote(model._meta.pk.column)
        self.placeholder = "(" + ", ".join(["%s"] * len(self.fields)) + ")"

    @staticmethod
    def _adapter(field, ops):
        kind = field.get_internal_type()
        if kind == "JSONField":
            # Most JSON values of an import are empty: adapt those once.
            empty = {
                "{}": ops.adapt_json_value({}, field.encoder),
                "[]": ops.adapt_json_value([], field.encoder),
            }
            return lambda v: (
                empty["{}"]
                if v == {}
                else empty["[]"]
                if v == []
                else ops.adapt_json_value(v, field.encoder)
            )
        if kind == "DateField":
            return lambda v: ops.adapt_datefield_value(
                date.fromisoformat(v) if isinstance(v, str) else v
            )
        if kind == "DateTimeField":
            return lru_cache(maxsize=16)(
                ops.adapt_datetimefield_value
            )  # the same "now" on every row
        if kind == "DecimalField":
            return lambda v: (
                None
                if v is None
                else ops.adapt_decimalfield_value(
                    Decimal(v) if isinstance(v, str) else v, field.max_digits, field.decimal_places
                )
            )
        return None

    def insert(self, rows: list[dict], *, returning: bool = False) -> list[int]:
        from django.db import connection

        ids: list[int] = []
        suffix = f" RETURNING {self.pk}" if returning else ""
        pairs = list(zip(self.defaults, self.adapters, strict=True))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), _INSERT_CHUNK):
                chunk = rows[start : start + _INSERT_CHUNK]
                params = []
                for row in chunk:
                    for (name, default), adapt in pairs:
                        value = row.get(name, default)
                        params.append(
                            adapt(value) if adapt is not None and value is not None else value
                        )
                values = ", ".join([self.placeholder] * len(chunk))
                # Table and column names come from the model, values are parameters.
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {values}{suffix}"  # noqa: S608
                cursor.execute(sql, params)
                if returning:
                    ids.extend(row[0] for row in cursor.fetchall())
        return ids


_tables: dict[type, _Table] = {}


def _insert(model, rows: list[dict], *, returning: bool = False) -> list[int]:
    if model not in _tables:
        _tables[model] = _Table(model)
    return _tables[model].insert(rows, returning=returning)


def _update(model, objects: list, field_names: list[str]) -> None:
    """``UPDATE ... WHERE id = %s`` for each object, in one ``executemany`` (``bulk_update`` builds a
    CASE expression per field and row, which is slow for wide rows)."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
                for obj in objects
            ],
        )


def iati_files_import(
    *,
    paths: Iterable[Path | str],
    wrap: Callable[[Iterable], Iterable] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import IATI activity (and organisation) files; see the module docstring."""
    summary = ImportSummary()
    importer = ActivityImporter(batch_size=batch_size)
    for path in paths:
        importer.import_file(
            path, summary, wrap=(lambda items, p=path: wrap(items, p)) if wrap else iter
        )
    return summary
