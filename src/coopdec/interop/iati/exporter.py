"""Publish an organisation's cooperation as IATI 2.03: its activity file and its organisation file.

Both are generated element by element with ``lxml.etree.xmlfile`` and handed out in chunks, so a
file of any size is never held whole in memory: the ids of the projects are read first, then the
projects and their details 500 at a time. The mapping is documented in docs/iati.md; an activity is
written one element group at a time (``WRITERS``: a ``write_<group>`` per group of ``groups.GROUPS``,
each beside its ``read.read_<group>``; see README.md in this folder).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from lxml import etree

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    ContributionKind,
    ContributorRole,
    Document,
    Indicator,
    IndicatorDisaggregation,
    IndicatorValue,
    IndicatorValueStatus,
    PartnershipParty,
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

from .selectors import organisation_projects
from .xmlsafe import XML_LANG

VERSION = "2.03"
CHUNK_SIZE = 500
# SQLite page cache while an export streams (KiB): it reads each page once, so the 64 MB cache the
# settings give every connection would only hold pages never read again, about a third of the
# export's peak memory (100,398 activities: 200.6 MB with it, 149.4 MB with 16 MB, same CPU time).
EXPORT_PAGE_CACHE_KIB = 16 * 1024


@contextmanager
def _small_page_cache():
    """On SQLite, a smaller page cache for this connection while the export runs, then the one it had."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size=-{EXPORT_PAGE_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={previous:d}")


WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
DEFAULT_DOCUMENT_FORMAT = "application/octet-stream"
DEFAULT_DOCUMENT_CATEGORY = "A12"  # "Activity web page": what a bare link is
SDG_GOAL_TAG, SDG_TARGET_TAG = "2", "3"

# coopdec organisation kind → IATI OrganisationType (the inverse of the import's table; docs/iati.md).
ORGANISATION_TYPE: dict[str, str] = {
    OrganisationKind.MUNICIPALITY: "11",
    OrganisationKind.INTERMUNICIPAL: "11",
    OrganisationKind.COUNTY: "11",
    OrganisationKind.REGION: "11",
    OrganisationKind.LGA_ASSOCIATION: "22",
    OrganisationKind.NGO: "22",
    OrganisationKind.CIVIL_SOCIETY: "90",
    OrganisationKind.ACADEMIC: "80",
    OrganisationKind.NATIONAL_AGENCY: "10",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.FOUNDATION: "60",
    OrganisationKind.PRIVATE: "70",
}
# Parties of a partnership, when a project lists no participating organisation of its own.
PARTY_PARTICIPANT_ROLE = {PartyRole.FUNDER: "1", PartyRole.LEAD: "2"}
FUNDING = "1"
IMPLEMENTING = "4"
ACCOUNTABLE = "2"
INCOMING_COMMITMENT = "11"  # IATI TransactionType of a contribution (docs/iati.md)
CONTRIBUTION_KIND_TEXT: dict[str, str] = {
    ContributionKind.IN_KIND: "Contribution in kind",
    ContributionKind.STAFF_TIME: "Contribution in staff time",
}


class _Chunks:
    """A write-only file that hands back what was written since the last call."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _timestamp(value: datetime | None = None) -> str:
    return (value or timezone.now()).replace(microsecond=0).isoformat()


def organisation_ref(organisation: Organisation) -> str:
    return organisation.iati_identifier


def activity_identifier(project: Project, reporter: Organisation) -> str:
    """The project's IATI identifier; a project never published before gets its reporter's prefix and its id."""
    if project.iati_identifier:
        return project.iati_identifier
    prefix = organisation_ref(reporter) or "COOPDEC"
    return f"{prefix}-{project.pk}"


def reporter_of(project: Project, exporter: Organisation) -> Organisation:
    """Who reports the activity, the same in every party's file so that its identifier is stable.

    The reporting organisation of an imported activity, else the project's lead organisation, else the
    partnership's lead party, else its first party with an IATI identifier, else its first party.
    """
    iati = getattr(project, "iati", None)
    if iati is not None and iati.reporting_org_id:
        return iati.reporting_org
    if project.lead_organisation is not None:  # None without a query when there is no lead
        return project.lead_organisation
    if project.partnership_id:
        parties = sorted(_related(project.partnership, "party_links"), key=lambda party: party.pk)
        for choose in (
            lambda p: p.role == PartyRole.LEAD,
            lambda p: bool(p.organisation.iati_identifier),
            lambda p: True,
        ):
            chosen = next((party.organisation for party in parties if choose(party)), None)
            if chosen is not None:
                return chosen
    return exporter


def _narratives(parent, texts: dict | None, *, required: bool = False) -> None:
    written = False
    for language, text in (texts or {}).items():
        if text:
            etree.SubElement(parent, "narrative", {XML_LANG: language}).text = text
            written = True
    if required and not written:
        etree.SubElement(parent, "narrative")


def _org(parent, tag: str, organisation: Organisation, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag)
    ref = organisation_ref(organisation)
    if ref:  # never an empty identifier: the name alone (reporting-org always has one, see activity_element)
        element.set("ref", ref)
    element.set("type", ORGANISATION_TYPE.get(organisation.kind, "90"))
    for name, value in attributes.items():
        if value:
            element.set(name.replace("_", "-"), value)
    narrative = etree.SubElement(element, "narrative")
    narrative.text = organisation.name
    return element


def _participants(project: Project, reporter: Organisation) -> list[tuple[Organisation, str, str]]:
    listed = [(p.organisation, p.role, p.activity_id) for p in _related(project, "participants")]
    if listed:
        return listed
    participants, seen = [], set()
    if project.partnership_id:
        for party in _related(project.partnership, "party_links"):
            role = PARTY_PARTICIPANT_ROLE.get(party.role, IMPLEMENTING)
            participants.append((party.organisation, role, ""))
            seen.add(party.organisation_id)
    lead = project.lead_organisation or reporter
    if lead.pk not in seen:
        participants.insert(0, (lead, ACCOUNTABLE, ""))
    funding = {organisation.pk for organisation, role, _their_id in participants if role == FUNDING}
    for contribution in _related(project, "contributions"):
        organisation = contribution.organisation
        if contribution.role == ContributorRole.FUNDER and organisation is not None and organisation.pk not in funding:
            participants.append((organisation, FUNDING, ""))
            funding.add(organisation.pk)
    return participants


def _unregistered_funders(project: Project) -> list[str]:
    """Names of the funders of contributions who are not registered organisations, once each."""
    return list(
        dict.fromkeys(
            c.contributor_name
            for c in _related(project, "contributions")
            if c.role == ContributorRole.FUNDER and c.organisation_id is None and c.contributor_name
        )
    )


def recipient_countries(project: Project) -> list[tuple[str, object]]:
    """(country code, percentage) of the project: as entered (imported), else the countries of its
    places, 100 % when there is one (several places' shares are not known: no percentage)."""
    entered = [(country.country_id, country.percentage) for country in _related(project, "recipient_countries")]
    if entered:
        return entered
    codes = sorted({location.country_id for location in _related(project, "locations") if location.country_id})
    return [(codes[0], 100)] if len(codes) == 1 else [(code, None) for code in codes]


def _contribution_date(contribution: Contribution, project: Project) -> date | None:
    if contribution.year:
        return date(contribution.year, 1, 1)
    return project.actual_start or project.planned_start


def _value(parent, amount, currency: str, value_date) -> None:
    element = etree.SubElement(parent, "value", {"value-date": value_date.isoformat()})
    if currency:
        element.set("currency", currency)
    element.text = str(amount)


def _dated(parent, tag: str, value) -> None:
    etree.SubElement(parent, tag, {"iso-date": value.isoformat()})


def _parts(value, measure: str) -> list:
    return [part for part in _related(value, "disaggregations") if part.measure == measure]


def _counts(value) -> bool:
    """Only approved actuals are published (an update waiting for approval is not)."""
    return value.status == IndicatorValueStatus.APPROVED


def _baseline_only(value) -> bool:
    """The period the reader made for a baseline with no period (``read._indicator``)."""
    return (
        value.target is None
        and value.actual is None
        and not value.target_value_text
        and not value.actual_value_text
        and not value.target_links
        and not value.actual_links
        and not value.comment
        and not value.target_comment
        and not any(part.measure != "baseline" for part in _related(value, "disaggregations"))
        and value.period_end == date(value.period_start.year, 12, 31)
    )


def _document_link(parent, link: dict) -> None:
    """One ``document-link`` (of an activity, or of a result, indicator, baseline, target or actual: the shape
    of ``cooperation.result_links``); what IATI requires and the link lacks takes the defaults."""
    element = etree.SubElement(
        parent, "document-link", url=link["url"], format=link["format"] or DEFAULT_DOCUMENT_FORMAT
    )
    _narratives(etree.SubElement(element, "title"), link["title"], required=True)
    if link["description"]:
        _narratives(etree.SubElement(element, "description"), link["description"], required=True)
    for code in link["categories"] or [DEFAULT_DOCUMENT_CATEGORY]:
        etree.SubElement(element, "category", code=code)
    for code in link["languages"]:
        etree.SubElement(element, "language", code=code)
    if link["date"]:
        etree.SubElement(element, "document-date", {"iso-date": link["date"]})


def _measure_element(parent, tag: str, item: "_Measure") -> etree._Element:
    """A baseline, target or actual: its value (the number, else the text it was published with), then its
    children in the schema's order, which differs between a baseline (document links before the comment)
    and a target or actual (after it)."""
    element = etree.SubElement(parent, tag, item.attributes)
    if item.number is not None:
        element.set("value", _number(item.number))
    elif item.text:
        element.set("value", item.text)
    links = item.links or {}
    for ref in links.get("locations", []):
        etree.SubElement(element, "location", ref=ref)
    for name, dimension in (item.dimensions or {}).items():
        etree.SubElement(element, "dimension", name=name, value=dimension)
    if tag == "baseline":
        for link in links.get("documents", []):
            _document_link(element, link)
    if item.comment:
        _narratives(etree.SubElement(element, "comment"), item.comment, required=True)
    if tag != "baseline":
        for link in links.get("documents", []):
            _document_link(element, link)
    return element


@dataclass(frozen=True, slots=True)
class _Measure:
    """What a baseline, target or actual element holds."""

    number: object = None
    text: str = ""
    links: dict | None = None
    dimensions: dict | None = None
    comment: dict | None = None
    attributes: dict = field(default_factory=dict)


def _part(part, attributes: dict | None = None, comment: dict | None = None) -> _Measure:
    return _Measure(part.value, part.value_text, part.links, part.dimensions, comment, attributes or {})


def _measured(parent, tag: str, total: _Measure, parts: list) -> None:
    """A target or actual: the total, then one element per part with its dimensions; the comment on the
    first element written."""
    comment = total.comment
    if total.number is not None or total.text or total.links or (comment and not parts):
        _measure_element(parent, tag, total)
        comment = None
    for part in parts:
        _measure_element(parent, tag, _part(part, comment=comment))
        comment = None


def _baselines(element, indicator: Indicator, values: list) -> None:
    """The baselines (none is fine: IATI makes it optional): the one the periods hold (its year, date,
    value, links, parts and comment), then those of other years as they were published."""
    holder = next((v for v in values if v.baseline is not None or v.baseline_value_text), None)
    parts_holder = next((v for v in values if _parts(v, "baseline")), None)
    first = holder or parts_holder
    day = indicator.baseline_date or (first.period_start if first is not None else None)
    year = indicator.baseline_year or (day.year if day else None)
    if year is not None:
        attributes = {"year": str(year)}
        if day and (indicator.baseline_date or not indicator.baseline_year):
            attributes["iso-date"] = day.isoformat()
        comment = indicator.baseline_comment or None
        if holder is not None or parts_holder is None or indicator.baseline_links:  # else only parts
            total = _Measure(
                holder.baseline if holder else None,
                holder.baseline_value_text if holder else "",
                indicator.baseline_links,
                None,
                comment,
                attributes,
            )
            _measure_element(element, "baseline", total)
            comment = None
        for part in _parts(parts_holder, "baseline") if parts_holder is not None else []:
            _measure_element(element, "baseline", _part(part, attributes, comment))
            comment = None
    for other in indicator.other_baselines or []:
        attributes = {"year": str(other["year"]), **({"iso-date": other["date"]} if other["date"] else {})}
        links = {"locations": other["locations"], "documents": other["documents"]}
        _measure_element(
            element,
            "baseline",
            _Measure(other["value"], other["value_text"], links, other["dimensions"], other["comment"], attributes),
        )


def _references(element, references: list | None, uri: str) -> None:
    """The reference codes of a result (``uri``: vocabulary-uri) or an indicator (indicator-uri)."""
    for reference in references or []:
        attributes = {"vocabulary": reference.get("vocabulary", ""), "code": reference.get("code", "")}
        if reference.get("uri"):
            attributes[uri] = reference["uri"]
        etree.SubElement(element, "reference", attributes)


def _number(number) -> str:
    return f"{Decimal(number).normalize():f}"


def _indicator(parent, indicator: Indicator) -> None:
    element = etree.SubElement(
        parent,
        "indicator",
        {"measure": indicator.measure, "ascending": "1" if indicator.ascending else "0"},
    )
    if indicator.aggregation_status is not None:
        element.set("aggregation-status", "1" if indicator.aggregation_status else "0")
    _narratives(etree.SubElement(element, "title"), indicator.title, required=True)
    if indicator.description:
        _narratives(etree.SubElement(element, "description"), indicator.description, required=True)
    for link in indicator.documents or []:
        _document_link(element, link)
    _references(element, indicator.references, "indicator-uri")
    values = list(_related(indicator, "values"))
    _baselines(element, indicator, values)
    if len(values) == 1 and _baseline_only(values[0]):
        values = []  # the baseline of an indicator with no period (see read._indicator)
    for value in values:
        period = etree.SubElement(element, "period")
        _dated(period, "period-start", value.period_start)
        _dated(period, "period-end", value.period_end)
        target = _Measure(value.target, value.target_value_text, value.target_links, None, value.target_comment)
        _measured(period, "target", target, _parts(value, "target"))
        if _counts(value):
            actual = _Measure(value.actual, value.actual_value_text, value.actual_links, None, value.comment)
            _measured(period, "actual", actual, _parts(value, "actual"))


@dataclass(frozen=True, slots=True)
class Target:
    """What every group writer needs: the project, its imported IATI details (or None) and who reports it."""

    project: Project
    iati: IatiActivity | None
    reporter: Organisation


# One writer per element group of groups.GROUPS, in its order (the schema's order of an activity's
# children); each has its reader in read.py (``read_<group>``).


def write_identification(activity: etree._Element, target: Target) -> None:
    """The activity's attributes, identifier and reporting organisation (``read.read_identification``)."""
    project, iati = target.project, target.iati
    if project.language:
        activity.set(XML_LANG, project.language)
    if project.currency:
        activity.set("default-currency", project.currency)
    if iati and iati.humanitarian is not None:
        activity.set("humanitarian", "1" if iati.humanitarian else "0")
    if iati and iati.hierarchy is not None:
        activity.set("hierarchy", str(iati.hierarchy))
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(project, target.reporter)
    _org(activity, "reporting-org", target.reporter)


def write_texts(activity: etree._Element, target: Target) -> None:
    """The title and the descriptions, by type; an empty general one if none (``read.read_texts``)."""
    project = target.project
    _narratives(etree.SubElement(activity, "title"), project.title, required=True)
    descriptions = {"1": project.description or project.summary, "3": project.beneficiary_groups}
    descriptions.update(target.iati.descriptions if target.iati else {})
    written = False
    for kind in sorted(descriptions, key=lambda k: (len(k), k)):
        if descriptions[kind]:
            _narratives(etree.SubElement(activity, "description", type=kind), descriptions[kind], required=True)
            written = True
    if not written:
        _narratives(etree.SubElement(activity, "description", type="1"), None, required=True)


def write_participants(activity: etree._Element, target: Target) -> None:
    """The participating organisations, then funders known only by name (``read.read_participants``)."""
    for organisation, role, their_id in _participants(target.project, target.reporter):
        _org(activity, "participating-org", organisation, role=role, activity_id=their_id)
    for name in _unregistered_funders(target.project):
        element = etree.SubElement(activity, "participating-org", role=FUNDING)
        etree.SubElement(element, "narrative").text = name


def write_other_identifiers(activity: etree._Element, target: Target) -> None:
    """Other identifiers of an imported activity (``read.read_other_identifiers``)."""
    for other in target.iati.other_identifiers if target.iati else []:
        element = etree.SubElement(activity, "other-identifier", ref=other["ref"])
        if other["type"]:
            element.set("type", other["type"])
        if other["owner_ref"] or other["owner_name"]:
            owner = etree.SubElement(element, "owner-org")
            if other["owner_ref"]:
                owner.set("ref", other["owner_ref"])
            _narratives(owner, other["owner_name"])


def write_status(activity: etree._Element, target: Target) -> None:
    """The activity status (``read.read_status``)."""
    etree.SubElement(activity, "activity-status", code=target.project.status)


def _activity_dates(project: Project) -> list[tuple[str, date]]:
    """(IATI activity-date type, date) of the project's dates that are set."""
    return [
        (code, value)
        for code, value in (
            ("1", project.planned_start),
            ("2", project.actual_start),
            ("3", project.planned_end),
            ("4", project.actual_end),
        )
        if value
    ]


def write_dates(activity: etree._Element, target: Target) -> None:
    """The planned and actual start and end dates that are set (``read.read_dates``)."""
    for code, value in _activity_dates(target.project):
        etree.SubElement(activity, "activity-date", {"iso-date": value.isoformat(), "type": code})


def write_scope(activity: etree._Element, target: Target) -> None:
    """The geographical scope of an imported activity (``read.read_scope``)."""
    if target.iati and target.iati.scope:
        etree.SubElement(activity, "activity-scope", code=target.iati.scope)


def write_recipients(activity: etree._Element, target: Target) -> None:
    """Recipient countries, then an imported activity's regions (``read.read_recipients``)."""
    for code, percentage in recipient_countries(target.project):
        element = etree.SubElement(activity, "recipient-country", code=code)
        if percentage is not None:
            element.set("percentage", str(percentage))
    for region in target.iati.recipient_regions if target.iati else []:
        element = etree.SubElement(activity, "recipient-region", code=region["code"], vocabulary=region["vocabulary"])
        if region["percentage"] is not None:
            element.set("percentage", region["percentage"])


def write_locations(activity: etree._Element, target: Target) -> None:
    """The project's places: GeoNames id, name and point, as far as known (``read.read_locations``)."""
    for location in _related(target.project, "locations"):
        element = etree.SubElement(activity, "location")
        if location.ref:
            element.set("ref", location.ref)
        if location.locality_id:
            etree.SubElement(element, "location-id", vocabulary="G1", code=str(location.locality_id))
        if location.name:
            etree.SubElement(etree.SubElement(element, "name"), "narrative").text = location.name
        if location.latitude is not None and location.longitude is not None:
            point = etree.SubElement(element, "point", srsName=WGS84)
            etree.SubElement(point, "pos").text = f"{location.latitude!r} {location.longitude!r}"


def write_sectors_tags(activity: etree._Element, target: Target) -> None:
    """Sectors, the SDGs as tags, then an imported activity's other tags (``read.read_sectors_tags``)."""
    sector_narratives = target.iati.sector_narratives if target.iati else {}
    for sector in _related(target.project, "sectors"):
        element = etree.SubElement(activity, "sector", vocabulary=sector.vocabulary, code=sector.code)
        if sector.percentage is not None:
            element.set("percentage", str(sector.percentage))
        _narratives(element, sector_narratives.get(f"{sector.vocabulary}|{sector.code}"))
    for sdg in _related(target.project, "sdgs"):
        vocabulary = SDG_TARGET_TAG if "." in sdg.target else SDG_GOAL_TAG
        etree.SubElement(activity, "tag", vocabulary=vocabulary, code=sdg.target)
    for tag in target.iati.tags if target.iati else []:
        element = etree.SubElement(activity, "tag", vocabulary=tag["vocabulary"], code=tag["code"])
        if tag["vocabulary_uri"]:
            element.set("vocabulary-uri", tag["vocabulary_uri"])
        _narratives(element, tag["narrative"])


def write_policy_markers(activity: etree._Element, target: Target) -> None:
    """An imported activity's policy markers (``read.read_policy_markers``)."""
    for marker in target.iati.policy_markers if target.iati else []:
        element = etree.SubElement(activity, "policy-marker", vocabulary=marker["vocabulary"], code=marker["code"])
        if marker["significance"]:
            element.set("significance", marker["significance"])


def write_aid_codes(activity: etree._Element, target: Target) -> None:
    """An imported activity's collaboration type and default flow, finance, aid types and tied status
    (``read.read_aid_codes``)."""
    iati = target.iati
    if not iati:
        return
    for tag, code in (
        ("collaboration-type", iati.collaboration_type),
        ("default-flow-type", iati.default_flow_type),
        ("default-finance-type", iati.default_finance_type),
    ):
        if code:
            etree.SubElement(activity, tag, code=code)
    for aid_type in iati.default_aid_types:
        etree.SubElement(activity, "default-aid-type", code=aid_type["code"], vocabulary=aid_type["vocabulary"])
    if iati.default_tied_status:
        etree.SubElement(activity, "default-tied-status", code=iati.default_tied_status)


def write_budgets(activity: etree._Element, target: Target) -> None:
    """The project's budgets (``read.read_budgets``)."""
    for budget in _related(target.project, "budgets"):
        element = etree.SubElement(activity, "budget", type=budget.type, status=budget.status)
        _dated(element, "period-start", budget.period_start)
        _dated(element, "period-end", budget.period_end)
        _value(element, budget.value, budget.currency, budget.value_date or budget.period_start)


def _transaction(activity: etree._Element, item: Transaction) -> None:
    element = etree.SubElement(activity, "transaction")
    if item.reference:
        element.set("ref", item.reference)
    etree.SubElement(element, "transaction-type", code=item.type)
    _dated(element, "transaction-date", item.date)
    _value(element, item.value, item.currency, item.value_date or item.date)
    if item.description:
        _narratives(etree.SubElement(element, "description"), item.description, required=True)
    for tag, name, ref in (
        ("provider-org", item.provider_name, item.provider_ref),
        ("receiver-org", item.receiver_name, item.receiver_ref),
    ):
        if name or ref:
            org = etree.SubElement(element, tag)
            if ref:
                org.set("ref", ref)
            if name:
                etree.SubElement(org, "narrative").text = name


def write_transactions(activity: etree._Element, target: Target) -> None:
    """The project's transactions, then its contributions as incoming commitments (``read.read_transactions``)."""
    for item in _related(target.project, "transactions"):
        _transaction(activity, item)
    for contribution in _related(target.project, "contributions"):
        _contribution_transaction(activity, contribution, target.project)


def write_documents(activity: etree._Element, target: Target) -> None:
    """Links to the project's documents that have a URL (``read.read_documents``)."""
    for document in _related(target.project, "documents"):
        if not document.url:
            continue
        link = {
            "url": document.url,
            "format": document.format,
            "title": document.title,
            "description": {},
            "categories": [document.category] if document.category else [],
            "languages": [document.language] if document.language else [],
            "date": document.document_date.isoformat() if document.document_date else None,
        }
        _document_link(activity, link)


def write_results(activity: etree._Element, target: Target) -> None:
    """The project's results that have indicators (``read.read_results``)."""
    for result in _related(target.project, "results"):
        indicators = list(_related(result, "indicators"))
        if not indicators:
            continue
        element = etree.SubElement(activity, "result", type=result.type)
        if result.aggregation_status is not None:
            element.set("aggregation-status", "1" if result.aggregation_status else "0")
        _narratives(etree.SubElement(element, "title"), result.title, required=True)
        if result.description:
            _narratives(etree.SubElement(element, "description"), result.description, required=True)
        for link in result.documents or []:
            _document_link(element, link)
        _references(element, result.references, "vocabulary-uri")
        for indicator in indicators:
            _indicator(element, indicator)


WRITERS = (
    write_identification,
    write_texts,
    write_participants,
    write_other_identifiers,
    write_status,
    write_dates,
    write_scope,
    write_recipients,
    write_locations,
    write_sectors_tags,
    write_policy_markers,
    write_aid_codes,
    write_budgets,
    write_transactions,
    write_documents,
    write_results,
)


def activity_element(project: Project, exporter: Organisation) -> etree._Element | None:
    """One <iati-activity>; None when the project lacks what IATI requires (a date, a reporter's identifier)."""
    if not _activity_dates(project):
        return None
    reporter = reporter_of(project, exporter)
    if not organisation_ref(reporter):
        return None  # reporting-org/@ref is required and never written empty: the editor is told (iati_needs)
    target = Target(project, getattr(project, "iati", None), reporter)
    activity = etree.Element("iati-activity", {"last-updated-datetime": _timestamp(project.updated_at)})
    for writer in WRITERS:
        writer(activity, target)
    return activity


def _contribution_transaction(activity, contribution: Contribution, project: Project) -> None:
    """A contribution as an incoming commitment from its contributor (docs/iati.md)."""
    when = _contribution_date(contribution, project)
    if when is None or not contribution.amount:
        return
    element = etree.SubElement(activity, "transaction")
    etree.SubElement(element, "transaction-type", code=INCOMING_COMMITMENT)
    _dated(element, "transaction-date", when)
    _value(element, contribution.amount, contribution.currency, when)
    if contribution.kind in CONTRIBUTION_KIND_TEXT:
        _narratives(etree.SubElement(element, "description"), {"en": CONTRIBUTION_KIND_TEXT[contribution.kind]})
    provider = etree.SubElement(element, "provider-org")
    organisation = contribution.organisation
    if organisation is not None and organisation_ref(organisation):
        provider.set("ref", organisation_ref(organisation))
    etree.SubElement(provider, "narrative").text = (
        organisation.name if organisation is not None else contribution.contributor_name
    )


PREFETCHED = "export_"


def _related(instance, name: str) -> list:
    """Rows prefetched into a plain list (``Prefetch(to_attr=...)``: no queryset built per instance)."""
    prefetched = getattr(instance, PREFETCHED + name, None)
    return prefetched if prefetched is not None else list(getattr(instance, name).all())


def _prefetch(lookup: str, queryset) -> Prefetch:
    return Prefetch(lookup, queryset=queryset, to_attr=PREFETCHED + lookup.rsplit("__", 1)[-1])


def _projects(ids: list[int]):
    """These projects (in id order) with everything the activity element reads."""
    parts = IndicatorDisaggregation.objects.order_by("id")
    values = IndicatorValue.objects.order_by("period_start", "id").prefetch_related(_prefetch("disaggregations", parts))
    indicators = Indicator.objects.order_by("position", "id").prefetch_related(_prefetch("values", values))
    results = Result.objects.order_by("position", "id").prefetch_related(_prefetch("indicators", indicators))
    return (
        Project.objects.filter(id__in=ids)
        .select_related("lead_organisation", "iati__reporting_org", "partnership")
        .prefetch_related(
            _prefetch(
                "participants",
                ProjectParticipant.objects.select_related("organisation").order_by("id"),
            ),
            _prefetch(
                "partnership__party_links",
                PartnershipParty.objects.select_related("organisation").order_by("id"),
            ),
            _prefetch("sectors", ProjectSector.objects.order_by("id")),
            _prefetch("sdgs", ProjectSdg.objects.order_by("id")),
            _prefetch("recipient_countries", ProjectCountry.objects.order_by("id")),
            _prefetch("locations", ProjectLocation.objects.order_by("id")),
            _prefetch("budgets", Budget.objects.order_by("period_start", "id")),
            _prefetch("transactions", Transaction.objects.order_by("date", "id")),
            _prefetch("contributions", Contribution.objects.select_related("organisation").order_by("year", "id")),
            _prefetch("documents", Document.objects.filter(file="").exclude(url="").order_by("id")),
            _prefetch("results", results),
        )
        .order_by("id")
    )


def activities_xml(organisation: Organisation, *, stats: dict | None = None) -> Iterator[bytes]:
    """The organisation's IATI activity file, in chunks of bytes."""
    stats = stats if stats is not None else {}
    stats.update(exported=0, skipped=0)
    out = _Chunks()
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": VERSION, "generated-datetime": _timestamp()}):
            # The ids first, then the projects a chunk at a time: one query for every wide row lets
            # SQLite sort them all in memory (its plan for the OR of the four ways an organisation
            # has a project: 100,000 projects took 350 MB), while sorting ids costs next to nothing.
            with _small_page_cache():
                ids = list(organisation_projects(organisation).order_by("id").values_list("id", flat=True))
                for start in range(0, len(ids), CHUNK_SIZE):
                    for project in _projects(ids[start : start + CHUNK_SIZE]):
                        element = activity_element(project, organisation)
                        if element is None:
                            stats["skipped"] += 1
                            continue
                        xf.write("\n", element)  # one activity per line: readable diffs and line numbers
                        stats["exported"] += 1
                        yield out.take()
            xf.write("\n")
    yield out.take()


def organisation_xml(organisation: Organisation) -> Iterator[bytes]:
    """The organisation's IATI organisation file: its identifier, name and reporting organisation."""
    out = _Chunks()
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-organisations", {"version": VERSION, "generated-datetime": _timestamp()}):
            element = etree.Element("iati-organisation", {"last-updated-datetime": _timestamp(organisation.updated_at)})
            etree.SubElement(element, "organisation-identifier").text = organisation_ref(organisation)
            name = etree.SubElement(element, "name")
            etree.SubElement(name, "narrative").text = organisation.name
            _org(element, "reporting-org", organisation)
            xf.write(element)
    yield out.take()
