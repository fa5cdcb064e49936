"""Turn one <iati-activity> element into a plain, canonical record: what coopdec keeps of it.

The record holds only JSON values (strings, numbers, lists, dicts), in a fixed order, so that its
checksum changes exactly when what the import would write changes. Exporting an imported activity
and reading the export back gives the same record: that is what makes a round trip change nothing.
It is read one element group at a time (``READERS``: a ``read_<group>`` per group of ``groups.GROUPS``,
each beside its ``exporter.write_<group>``; see README.md in this folder).
"""

import hashlib
import json
from collections.abc import Sequence, Set
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.common.text import fold
from coopdec.common.validators import NAME_MAX, TITLE_MAX, clean_line, clean_text, clean_texts, has_forbidden
from coopdec.cooperation.result_links import CODE_MAX, FORMAT_MAX, LINKS_MAX, URL_MAX, VALUE_TEXT_MAX, url_allowed

from .xmlsafe import XML_LANG

STATUSES = {"1", "2", "3", "4", "5", "6"}
ROLES = {"1", "2", "3", "4"}
RESULT_TYPES = {"1", "2", "3", "9"}
MEASURES = {"1", "2", "3", "4", "5"}
SDG_SECTOR_VOCABULARIES = {"7", "8"}
SDG_TAG_VOCABULARIES = {"2", "3"}
DESCRIPTION_GENERAL, DESCRIPTION_TARGET_GROUPS = "1", "3"
MONEY_LIMIT = Decimal(10) ** 16  # DecimalField(max_digits=18, decimal_places=2)
MEASURE_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=18, decimal_places=4)
CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")


# The "too large" message of each kind of number, whole sentences (lazy: translated only when used).
_TOO_LARGE_VALUE = gettext_lazy("the value %(value)s is too large")
_TOO_LARGE_PERCENTAGE = gettext_lazy("the percentage %(value)s is too large")
_TOO_LARGE_BASELINE = gettext_lazy("the baseline %(value)s is too large")
_TOO_LARGE_TARGET = gettext_lazy("the target %(value)s is too large")
_TOO_LARGE_ACTUAL = gettext_lazy("the actual value %(value)s is too large")
_TOO_LARGE_BUDGET = gettext_lazy("the budget %(value)s is too large")
_TOO_LARGE_TRANSACTION = gettext_lazy("the transaction %(value)s is too large")


class ActivityError(ValueError):
    """The activity cannot be imported; the message says why."""


def language_code(value: str | None) -> str:
    if not value:
        return ""
    return value.strip().lower().split("-")[0].split("_")[0]


def narratives(element, default_lang: str) -> dict[str, str]:
    """{language: text} of an element's <narrative> children; the first text per language wins."""
    texts: dict[str, str] = {}
    if element is None:
        return texts
    for narrative in element.iterchildren("narrative"):
        text = clean_text(narrative.text)  # no control or text-direction characters; see common.validators
        if not text:
            continue
        lang = narrative.get(XML_LANG)
        lang = (language_code(lang) or default_lang) if lang else default_lang
        if lang not in texts:
            texts[lang] = text
    return texts


def first_children(element) -> dict:
    """{tag: first child with that tag} of an element: one pass instead of a ``find`` per tag."""
    out: dict = {}
    for child in element:
        out.setdefault(child.tag, child)
    return out


def first_text(texts: dict[str, str], default_lang: str) -> str:
    return texts.get(default_lang) or next(iter(texts.values()), "")


def iso_date(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()[:10]
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    # "2019-02-28" is already canonical; other forms that fromisoformat accepts ("20190228") are not.
    return value if len(value) == 10 and value[4] == "-" else parsed.isoformat()


def decimal_text(
    value: str | None, *, quantum: Decimal = CENT, limit: Decimal = MONEY_LIMIT, too_large=_TOO_LARGE_VALUE
) -> str | None:
    """A number as a canonical string, or None when absent or not a number; too large is an error
    (``too_large``: its message, with a ``%(value)s`` placeholder)."""
    text = (value or "").strip().replace(",", "") if value else ""
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if abs(number) >= limit:
        raise ActivityError(str(too_large) % {"value": text})
    return str(number.quantize(quantum))


def percentage(value: str | None) -> str | None:
    text = decimal_text(value, limit=Decimal(1000), too_large=_TOO_LARGE_PERCENTAGE)
    if text is None or not (0 <= Decimal(text) <= 100):
        return None
    return text


def clip(value: str | None, length: int) -> str:
    return value.strip()[:length] if value else ""


def org_key(ref: str, name: str) -> str:
    """How an organisation is recognised across activities: its IATI identifier, else its name."""
    return f"ref:{ref}" if ref else f"name:{fold(name)}" if name else ""


def organisation(element, default_lang: str) -> dict:
    names = narratives(element, default_lang)
    ref = (element.get("ref") or "").strip()
    if len(ref) > 150 or len(ref.split()) > 1:  # (stripped) a reference has no space inside
        ref = ""
    name = clean_line(first_text(names, default_lang), NAME_MAX)
    return {
        "key": org_key(ref, name),
        "ref": ref,
        "name": name or ref,
        "type": (element.get("type") or "").strip(),
    }


def _code_of(element, attribute: str = "code") -> str:
    return (element.get(attribute) or "").strip() if element is not None else ""


def _date_of(element) -> str | None:
    """The ``iso-date`` of an element (period-start, transaction-date...), or None."""
    return iso_date(element.get("iso-date")) if element is not None else None


def _first_code(element, path: str, attribute: str = "code") -> str:
    child = element.find(path)
    return (child.get(attribute) or "").strip() if child is not None else ""


def _measured(element, too_large: str | Promise) -> tuple[str | None, str]:
    """An indicator's baseline, target or actual value: (the number, or None; the text when it is not a number,
    kept exactly so that it is published back as it came, else "")."""
    raw = element.get("value") if element is not None else None
    number = decimal_text(raw, quantum=TEN_THOUSANDTH, limit=MEASURE_LIMIT, too_large=too_large)
    if number is not None or raw is None or not raw.strip():
        return number, ""
    if len(raw) > VALUE_TEXT_MAX:
        raise ActivityError(
            _("an indicator value that is not a number is longer than %(max)s characters") % {"max": VALUE_TEXT_MAX}
        )
    if has_forbidden(raw):
        raise ActivityError(_("an indicator value holds control or text-direction characters"))
    return None, raw


def _flag(element, name: str) -> bool | None:
    """An IATI boolean attribute ("1", "true", "0", "false"), or None when absent or unreadable."""
    text = (element.get(name) or "").strip().lower()
    return True if text in {"1", "true"} else False if text in {"0", "false"} else None


def _dimensions(element) -> dict[str, str]:
    """The ``dimension`` children of a baseline, target or actual: {name: value} (a disaggregation), by
    name (their order means nothing, and PostgreSQL's JSON keeps no order)."""
    dimensions: dict[str, str] = {}
    for dimension in element.iterchildren("dimension"):
        name = clip(dimension.get("name"), 100)
        if name and name not in dimensions:
            dimensions[name] = clip(dimension.get("value"), 100)
    return dict(sorted(dimensions.items()))


def document_links(parent, lang: str) -> list[dict[str, Any]]:
    """The ``document-link`` children of a result, indicator, baseline, target or actual, in file order
    (``exporter._document_link``); one without an http(s) or ftp address fails the activity."""
    links: list[dict[str, Any]] = []
    for element in parent.iterchildren("document-link"):
        url = (element.get("url") or "").strip()
        if not url:
            raise ActivityError(_("a document-link of a result, indicator, baseline, target or actual has no url"))
        if not url_allowed(url):
            raise ActivityError(
                _("the document-link url %(url)s is not an http, https or ftp address of at most %(max)s characters")
                % {"url": url[:80], "max": URL_MAX}
            )
        if len(links) == LINKS_MAX:
            raise ActivityError(_("an element of a result has more than %(max)s document links") % {"max": LINKS_MAX})
        links.append(
            {
                "url": url,
                "format": clip(element.get("format"), FORMAT_MAX),
                "title": narratives(element.find("title"), lang),
                "description": narratives(element.find("description"), lang),
                "categories": [
                    code for code in (clip(c.get("code"), CODE_MAX) for c in element.iterchildren("category")) if code
                ],
                "languages": [
                    code for code in (clip(c.get("code"), CODE_MAX) for c in element.iterchildren("language")) if code
                ],
                "date": iso_date(_first_code(element, "document-date", "iso-date")),
            }
        )
    return links


def _location_refs(element, known: Set[str]) -> list[str]:
    """The ``location/@ref`` of a baseline, target or actual; each must name one of the activity's locations."""
    refs: list[str] = []
    for location in element.iterchildren("location"):
        ref = (location.get("ref") or "").strip()
        if ref not in known:
            raise ActivityError(
                _("a location of a result refers to %(ref)s, which names none of the activity's locations")
                % {"ref": ref[:80] or "—"}
            )
        if ref not in refs:
            refs.append(ref)
    if len(refs) > LINKS_MAX:
        raise ActivityError(_("an element of a result names more than %(max)s locations") % {"max": LINKS_MAX})
    return refs


def _links(element, lang: str, known: Set[str]) -> dict[str, list]:
    """{"locations": [ref], "documents": [...]} of a baseline, target or actual, without the empty ones."""
    links: dict[str, list] = {"locations": _location_refs(element, known), "documents": document_links(element, lang)}
    return {key: value for key, value in links.items() if value}


def _measures(elements, context: "_Context", too_large) -> tuple[dict[str, Any], list, dict[str, str]]:
    """Targets or actuals of a period: (the total: the one without dimensions, as {"value", "text", "links"};
    the parts with dimensions as [(dimensions, value, text, links)]; the first comment)."""
    total: dict[str, Any] = {"value": None, "text": "", "links": {}}
    seen_total = False
    parts: list = []
    comment: dict[str, str] = {}
    for element in elements:
        dimensions, (value, text) = _dimensions(element), _measured(element, too_large=too_large)
        links = _links(element, context.lang, context.locations)
        comment = comment or narratives(element.find("comment"), context.lang)
        if dimensions:
            parts.append((dimensions, value, text, links))
        elif not seen_total:
            seen_total = True
            total = {"value": value, "text": text, "links": links}
    return total, parts, comment


class _Context:
    """What the readers of an indicator's parts need: the activity's language and its locations' refs."""

    __slots__ = ("lang", "locations")

    def __init__(self, lang: str, locations: Set[str]):
        self.lang = lang
        self.locations = locations


def _baseline_year(element) -> tuple[int | None, str | None]:
    year_text = (element.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() and 0 < int(year_text) < 10000 else None
    return year, iso_date(element.get("iso-date"))


def _baseline(indicator, context: _Context) -> dict[str, Any]:
    """The indicator's baseline: year and date of the first dated one; of those of the same year and date,
    the value (the one without dimensions) with its text and links, the parts (those with dimensions)
    and the first comment; every other baseline (another year, or a second total) apart, whole."""
    baseline: dict[str, Any] = {
        "year": None,
        "date": None,
        "start": None,
        "value": None,
        "text": "",
        "links": {},
        "comment": {},
        "parts": [],
        "others": [],
    }
    seen_total = False
    for element in indicator.iterchildren("baseline"):
        year, day = _baseline_year(element)
        start = day or (f"{year:04d}-01-01" if year else None)
        if start is None:
            continue
        if baseline["start"] is None:
            baseline.update(year=year, date=day, start=start)
        dimensions, (value, text) = _dimensions(element), _measured(element, _TOO_LARGE_BASELINE)
        links = _links(element, context.lang, context.locations)
        comment = narratives(element.find("comment"), context.lang)
        if (year, day) != (baseline["year"], baseline["date"]) or (not dimensions and seen_total):
            baseline["others"].append(
                {
                    "year": year or int(start[:4]),
                    "date": day,
                    "value": value,
                    "value_text": text,
                    "comment": comment,
                    "dimensions": dimensions,
                    "locations": links.get("locations", []),
                    "documents": links.get("documents", []),
                }
            )
            continue
        baseline["comment"] = baseline["comment"] or comment
        if dimensions:
            baseline["parts"].append((dimensions, value, text, links))
        else:
            seen_total = True
            baseline.update(value=value, text=text, links=links)
    return baseline


def _period(period, context: _Context, baseline: dict[str, Any]) -> dict[str, Any] | None:
    parts = first_children(period)
    start, end = _date_of(parts.get("period-start")), _date_of(parts.get("period-end"))
    if not start or not end or end < start:
        return None
    target, target_parts, target_comment = _measures(period.iterchildren("target"), context, _TOO_LARGE_TARGET)
    actual, actual_parts, comment = _measures(period.iterchildren("actual"), context, _TOO_LARGE_ACTUAL)
    return {
        "start": start,
        "end": end,
        "baseline": baseline["value"],
        "target": target["value"],
        "actual": actual["value"],
        "comment": comment,
        "target_comment": target_comment,
        "baseline_value_text": baseline["text"],
        "target_value_text": target["text"],
        "actual_value_text": actual["text"],
        "target_links": target["links"],
        "actual_links": actual["links"],
        "parts": [("target", *part) for part in target_parts] + [("actual", *part) for part in actual_parts],
    }


def _references(parent, uri: str = "indicator-uri") -> list[dict[str, str]]:
    """The ``reference`` children of an indicator (``uri``: its indicator-uri) or a result (its vocabulary-uri)."""
    references = []
    for reference in parent.iterchildren("reference"):
        item = {
            "vocabulary": clip(reference.get("vocabulary"), 10),
            "code": clip(reference.get("code"), 100),
            "uri": clip(reference.get(uri), 1000),
        }
        if item["vocabulary"] or item["code"]:
            references.append({key: value for key, value in item.items() if value})
    return references


def _indicator(indicator, context: _Context, position: int) -> dict:
    baseline = _baseline(indicator, context)
    values: list[dict[str, Any]] = [
        value for value in (_period(period, context, baseline) for period in indicator.iterchildren("period")) if value
    ]
    if not values and baseline["start"] and (baseline["value"] is not None or baseline["text"] or baseline["parts"]):
        # An indicator with a baseline and no period: the baseline holds a period of its year.
        values.append(
            {
                "start": baseline["start"],
                "end": f"{baseline['start'][:4]}-12-31",
                "baseline": baseline["value"],
                "target": None,
                "actual": None,
                "comment": {},
                "target_comment": {},
                "baseline_value_text": baseline["text"],
                "target_value_text": "",
                "actual_value_text": "",
                "target_links": {},
                "actual_links": {},
                "parts": [],
            }
        )
    values.sort(key=lambda v: v["start"])
    if values:  # the baseline's parts go with the first period (the exporter reads them there)
        values[0]["parts"] = [("baseline", *part) for part in baseline["parts"]] + values[0]["parts"]
    measure = (indicator.get("measure") or "1").strip()
    return {
        "title": narratives(indicator.find("title"), context.lang),
        "description": narratives(indicator.find("description"), context.lang),
        "measure": measure if measure in MEASURES else "1",
        "ascending": (indicator.get("ascending") or "1").strip().lower() not in {"0", "false"},
        "aggregation_status": _flag(indicator, "aggregation-status"),
        "references": _references(indicator),
        "baseline_year": baseline["year"],
        "baseline_date": baseline["date"],
        "baseline_comment": baseline["comment"],
        "baseline_links": baseline["links"],
        "other_baselines": baseline["others"],
        "documents": document_links(indicator, context.lang),
        "position": position,
        "values": values,
    }


class Source:
    """What every group reader needs of an <iati-activity>: its children by tag (one pass over them),
    its language and currency, and the organisations it names (key → organisation)."""

    __slots__ = ("activity", "children", "declared_lang", "lang", "currency", "organisations")

    def __init__(self, activity, *, root_lang: str, root_currency: str):
        self.activity = activity
        self.children: dict[str, list] = {}
        for child in activity:
            self.children.setdefault(child.tag, []).append(child)
        self.declared_lang = language_code(activity.get(XML_LANG)) or language_code(root_lang)
        self.lang = self.declared_lang or "en"
        self.currency = clip(activity.get("default-currency") or root_currency, 3).upper()
        self.organisations: dict[str, dict] = {}

    def group(self, tag: str) -> Sequence:
        return self.children.get(tag, ())

    def first(self, tag: str):
        found = self.children.get(tag)
        return found[0] if found else None

    def first_code(self, tag: str) -> str:
        found = self.children.get(tag)
        return (found[0].get("code") or "").strip() if found else ""


# One reader per element group of groups.GROUPS, in its order; each has its writer in exporter.py
# (``write_<group>``). A reader fills the group's keys of the record, or raises ActivityError.


def read_identification(source: Source, record: dict) -> None:
    """The activity's identifier, attributes and reporting organisation (``exporter.write_identification``)."""
    identifier_element = source.first("iati-identifier")
    identifier = (identifier_element.text or "").strip() if identifier_element is not None else ""
    if not identifier:
        raise ActivityError(_("the activity has no iati-identifier"))
    if len(identifier) > 200:
        raise ActivityError(_("the iati-identifier is longer than 200 characters"))
    reporting = source.first("reporting-org")
    if reporting is None:
        raise ActivityError(_("the activity has no reporting-org"))
    reporting_org = organisation(reporting, source.lang)
    if not reporting_org["key"]:
        raise ActivityError(_("the reporting-org has neither a ref nor a name"))
    source.organisations[reporting_org["key"]] = reporting_org
    hierarchy = (source.activity.get("hierarchy") or "").strip()
    humanitarian = (source.activity.get("humanitarian") or "").strip().lower()
    record["identifier"] = identifier
    record["language"] = source.declared_lang if len(source.declared_lang) == 2 else ""
    record["currency"] = source.currency
    record["humanitarian"] = (
        True if humanitarian in {"1", "true"} else False if humanitarian in {"0", "false"} else None
    )
    record["hierarchy"] = int(hierarchy) if hierarchy.isdigit() and int(hierarchy) < 32768 else None
    record["reporting_org"] = reporting_org["key"]


def read_texts(source: Source, record: dict) -> None:
    """The title and the descriptions, by type (``exporter.write_texts``)."""
    title = clean_texts(narratives(source.first("title"), source.lang), TITLE_MAX, multiline=False)
    if not title:
        raise ActivityError(_("the activity has no title"))
    descriptions: dict[str, dict[str, str]] = {}
    for description in source.group("description"):
        kind = (description.get("type") or DESCRIPTION_GENERAL).strip()
        merged = descriptions.setdefault(kind, {})
        for code, text in narratives(description, source.lang).items():
            merged.setdefault(code, text)
    record["title"] = title
    record["description"] = descriptions.pop(DESCRIPTION_GENERAL, {})
    record["target_groups"] = descriptions.pop(DESCRIPTION_TARGET_GROUPS, {})
    record["other_descriptions"] = {kind: texts for kind, texts in sorted(descriptions.items()) if texts}


def read_participants(source: Source, record: dict) -> None:
    """The participating organisations, once per organisation and role (``exporter.write_participants``)."""
    participants, seen = [], set()
    for element in source.group("participating-org"):
        org = organisation(element, source.lang)
        role = (element.get("role") or "").strip()
        if not org["key"] or role not in ROLES or (org["key"], role) in seen:
            continue
        seen.add((org["key"], role))
        source.organisations.setdefault(org["key"], org)
        participants.append({"org": org["key"], "role": role, "activity_id": clip(element.get("activity-id"), 200)})
    record["participants"] = participants


def read_other_identifiers(source: Source, record: dict) -> None:
    """Other identifiers of the activity (``exporter.write_other_identifiers``)."""
    record["other_identifiers"] = [
        {
            "ref": (e.get("ref") or "").strip(),
            "type": (e.get("type") or "").strip(),
            "owner_ref": _first_code(e, "owner-org", "ref"),
            "owner_name": narratives(e.find("owner-org"), source.lang),
        }
        for e in source.group("other-identifier")
        if (e.get("ref") or "").strip()
    ]


def read_status(source: Source, record: dict) -> None:
    """The activity status, "2" (implementation) when absent or unknown (``exporter.write_status``)."""
    status = source.first_code("activity-status")
    record["status"] = status if status in STATUSES else "2"


def read_dates(source: Source, record: dict) -> None:
    """The planned and actual start and end dates, the first of each type (``exporter.write_dates``)."""
    dates = {}
    for element in source.group("activity-date"):
        kind = (element.get("type") or "").strip()
        if kind in {"1", "2", "3", "4"} and kind not in dates:
            dates[kind] = iso_date(element.get("iso-date"))
    record["dates"] = {
        "planned_start": dates.get("1"),
        "actual_start": dates.get("2"),
        "planned_end": dates.get("3"),
        "actual_end": dates.get("4"),
    }


def read_scope(source: Source, record: dict) -> None:
    """The geographical scope (``exporter.write_scope``)."""
    record["scope"] = clip(source.first_code("activity-scope"), 2)


def read_recipients(source: Source, record: dict) -> None:
    """Recipient countries (once each) and regions (``exporter.write_recipients``)."""
    countries, seen_codes = [], set()
    for element in source.group("recipient-country"):
        code = (element.get("code") or "").strip().upper()
        if len(code) == 2 and code not in seen_codes:
            seen_codes.add(code)
            countries.append({"code": code, "percentage": percentage(element.get("percentage"))})
    record["countries"] = countries
    record["regions"] = [
        {
            "code": clip(e.get("code"), 20),
            "vocabulary": (e.get("vocabulary") or "1").strip(),
            "percentage": percentage(e.get("percentage")),
        }
        for e in source.group("recipient-region")
        if (e.get("code") or "").strip()
    ]


def _geonameid(location) -> int | None:
    """The GeoNames id (vocabulary G1) of a <location>'s location-id or administrative area, if any."""
    for holder in (*location.iterchildren("location-id"), *location.iterchildren("administrative")):
        if (holder.get("vocabulary") or "") == "G1" and (holder.get("code") or "").strip().isdigit():
            return int(holder.get("code").strip())
    return None


def _point(location) -> tuple[float | None, float | None]:
    """(latitude, longitude) of a <location>'s point, or (None, None) when absent or out of range."""
    pos = location.findtext("point/pos")
    if not pos:
        return None, None
    parts = pos.split()
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def read_locations(source: Source, record: dict) -> None:
    """Locations with a name, a GeoNames id or a point (``exporter.write_locations``)."""
    locations = []
    for element in source.group("location"):
        geonameid = _geonameid(element)
        latitude, longitude = _point(element)
        name = clip(first_text(narratives(element.find("name"), source.lang), source.lang), 255)
        if name or geonameid or latitude is not None:
            locations.append(
                {
                    "ref": clip(element.get("ref"), 100),
                    "name": name,
                    "geonameid": geonameid,
                    "latitude": latitude,
                    "longitude": longitude,
                }
            )
    record["locations"] = locations


def read_sectors_tags(source: Source, record: dict) -> None:
    """Sectors (and the narratives of reporters' own sectors), tags, and the SDGs given as either
    (``exporter.write_sectors_tags``)."""
    sectors, sdgs, sector_narratives, seen = [], set(), {}, set()
    for element in source.group("sector"):
        vocabulary = clip(element.get("vocabulary") or "1", 4)
        code = clip(element.get("code"), 20)
        if not code or (vocabulary, code) in seen:
            continue
        seen.add((vocabulary, code))
        sectors.append({"vocabulary": vocabulary, "code": code, "percentage": percentage(element.get("percentage"))})
        if vocabulary in SDG_SECTOR_VOCABULARIES and len(code) <= 8:
            sdgs.add(code)
        if vocabulary in {"98", "99"}:
            texts = narratives(element, source.lang)
            if texts:
                sector_narratives[f"{vocabulary}|{code}"] = texts
    tags = []
    for element in source.group("tag"):
        vocabulary, code = (element.get("vocabulary") or "").strip(), clip(element.get("code"), 100)
        if not code:
            continue
        if vocabulary in SDG_TAG_VOCABULARIES and len(code) <= 8:
            sdgs.add(code)
            continue
        tags.append(
            {
                "vocabulary": vocabulary,
                "code": code,
                "vocabulary_uri": (element.get("vocabulary-uri") or "").strip(),
                "narrative": narratives(element, source.lang),
            }
        )
    record["sectors"] = sectors
    record["sector_narratives"] = sector_narratives
    record["sdgs"] = sorted(sdgs)
    record["tags"] = tags


def read_policy_markers(source: Source, record: dict) -> None:
    """Policy markers with a code (``exporter.write_policy_markers``)."""
    record["policy_markers"] = [
        {
            "vocabulary": (e.get("vocabulary") or "1").strip(),
            "code": (e.get("code") or "").strip(),
            "significance": (e.get("significance") or "").strip(),
        }
        for e in source.group("policy-marker")
        if (e.get("code") or "").strip()
    ]


def read_aid_codes(source: Source, record: dict) -> None:
    """Collaboration type and the default flow, finance, aid types and tied status (``exporter.write_aid_codes``)."""
    record["collaboration_type"] = clip(source.first_code("collaboration-type"), 2)
    record["default_flow_type"] = clip(source.first_code("default-flow-type"), 4)
    record["default_finance_type"] = clip(source.first_code("default-finance-type"), 4)
    record["default_aid_types"] = [
        {"vocabulary": (e.get("vocabulary") or "1").strip(), "code": (e.get("code") or "").strip()}
        for e in source.group("default-aid-type")
        if (e.get("code") or "").strip()
    ]
    record["default_tied_status"] = clip(source.first_code("default-tied-status"), 2)


def read_budgets(source: Source, record: dict) -> None:
    """Budgets with a period and a value, by start (``exporter.write_budgets``)."""
    budgets: list[dict[str, Any]] = []
    for element in source.group("budget"):
        parts = first_children(element)
        start = _date_of(parts.get("period-start"))
        end = _date_of(parts.get("period-end"))
        value_element = parts.get("value")
        value = decimal_text(value_element.text, too_large=_TOO_LARGE_BUDGET) if value_element is not None else None
        if not start or not end or value is None or value_element is None:
            continue
        budgets.append(
            {
                "type": clip(element.get("type") or "1", 2),
                "status": clip(element.get("status") or "1", 2),
                "start": start,
                "end": end,
                "value": value,
                "currency": clip(value_element.get("currency"), 3).upper() or source.currency,
                "value_date": iso_date(value_element.get("value-date")),
            }
        )
    budgets.sort(key=lambda b: b["start"])
    record["budgets"] = budgets


def _party(element, lang: str) -> tuple[str, str]:
    """(name, ref) of a transaction's provider-org or receiver-org ("", "" when absent)."""
    if element is None:
        return "", ""
    return clip(first_text(narratives(element, lang), lang), 255), clip(element.get("ref"), 150)


def read_transactions(source: Source, record: dict) -> None:
    """Transactions with a type, a date and a value, by date (``exporter.write_transactions``)."""
    transactions: list[dict[str, Any]] = []
    for element in source.group("transaction"):
        parts = first_children(element)
        kind = clip(_code_of(parts.get("transaction-type")), 3)
        when = _date_of(parts.get("transaction-date"))
        value_element = parts.get("value")
        value = (
            decimal_text(value_element.text, too_large=_TOO_LARGE_TRANSACTION) if value_element is not None else None
        )
        if not kind or not when or value is None or value_element is None:
            continue
        provider_name, provider_ref = _party(parts.get("provider-org"), source.lang)
        receiver_name, receiver_ref = _party(parts.get("receiver-org"), source.lang)
        transactions.append(
            {
                "type": kind,
                "date": when,
                "value": value,
                "currency": clip(value_element.get("currency"), 3).upper() or source.currency,
                "value_date": iso_date(value_element.get("value-date")),
                "description": narratives(parts.get("description"), source.lang),
                "provider_name": provider_name,
                "provider_ref": provider_ref,
                "receiver_name": receiver_name,
                "receiver_ref": receiver_ref,
                "reference": clip(element.get("ref"), 200),
            }
        )
    transactions.sort(key=lambda t: t["date"])
    record["transactions"] = transactions


def read_documents(source: Source, record: dict) -> None:
    """Links to documents with a URL (``exporter.write_documents``)."""
    documents = []
    for element in source.group("document-link"):
        url = clip(element.get("url"), 1000)
        if not url:
            continue
        language = language_code(_first_code(element, "language"))
        documents.append(
            {
                "url": url,
                "format": clip(element.get("format"), 100),
                "title": narratives(element.find("title"), source.lang),
                "category": clip(_first_code(element, "category"), 4),
                "language": language if len(language) == 2 else "",
                "date": iso_date(_first_code(element, "document-date", "iso-date")),
            }
        )
    record["documents"] = documents


def read_results(source: Source, record: dict) -> None:
    """Results and their indicators, in file order (``exporter.write_results``)."""
    results = []
    context = _Context(source.lang, {clip(location.get("ref"), 100) for location in source.group("location")} - {""})
    for position, element in enumerate(source.group("result")):
        kind = (element.get("type") or "").strip()
        results.append(
            {
                "type": kind if kind in RESULT_TYPES else "9",
                "aggregation_status": _flag(element, "aggregation-status"),
                "title": narratives(element.find("title"), source.lang),
                "description": narratives(element.find("description"), source.lang),
                "documents": document_links(element, source.lang),
                "references": _references(element, "vocabulary-uri"),
                "position": position,
                "indicators": [_indicator(ind, context, i) for i, ind in enumerate(element.iterchildren("indicator"))],
            }
        )
    record["results"] = results


READERS = (
    read_identification,
    read_texts,
    read_participants,
    read_other_identifiers,
    read_status,
    read_dates,
    read_scope,
    read_recipients,
    read_locations,
    read_sectors_tags,
    read_policy_markers,
    read_aid_codes,
    read_budgets,
    read_transactions,
    read_documents,
    read_results,
)


def read_activity(activity, *, root_lang: str = "", root_currency: str = "") -> dict:
    """The canonical record of an <iati-activity>. Raise ``ActivityError`` when it cannot be imported."""
    source = Source(activity, root_lang=root_lang, root_currency=root_currency)
    record: dict = {}
    for reader in READERS:
        reader(source, record)
    return {"record": record, "organisations": source.organisations}


def checksum(record: dict) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
