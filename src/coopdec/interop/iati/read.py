"""Turn one <iati-activity> element into a plain, canonical record: what coopdec keeps of it.

The record holds only JSON values (strings, numbers, lists, dicts), in a fixed order, so that its
checksum changes exactly when what the import would write changes. Exporting an imported activity
and reading the export back gives the same record: that is what makes a round trip change nothing.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.common.text import fold
from coopdec.common.validators import NAME_MAX, TITLE_MAX, clean_line, clean_text, clean_texts

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


def _measured(element, too_large: str | Promise) -> str | None:
    """An indicator's baseline, target or actual value (None when the element is absent)."""
    if element is None:
        return None
    return decimal_text(element.get("value"), quantum=TEN_THOUSANDTH, limit=MEASURE_LIMIT, too_large=too_large)


def _baseline(indicator) -> tuple[str | None, str | None, str | None]:
    for baseline in indicator.iterchildren("baseline"):
        year = (baseline.get("year") or "").strip()
        start = iso_date(baseline.get("iso-date")) or (
            f"{int(year):04d}-01-01" if year.isdigit() and 0 < int(year) < 10000 else None
        )
        if start is None:
            continue
        return start, f"{start[:4]}-12-31", _measured(baseline, _TOO_LARGE_BASELINE)
    return None, None, None


def _indicator(indicator, lang: str, position: int) -> dict:
    base_start, base_end, baseline = _baseline(indicator)
    values: list[dict[str, Any]] = []
    for period in indicator.iterchildren("period"):
        parts = first_children(period)
        start, end = _date_of(parts.get("period-start")), _date_of(parts.get("period-end"))
        if not start or not end or end < start:
            continue
        target, actual = parts.get("target"), parts.get("actual")
        comment: dict[str, str] = {}
        for holder in (actual, target):
            if holder is not None and not comment:
                comment = narratives(holder.find("comment"), lang)
        values.append(
            {
                "start": start,
                "end": end,
                "baseline": baseline,
                "target": _measured(target, _TOO_LARGE_TARGET),
                "actual": _measured(actual, _TOO_LARGE_ACTUAL),
                "comment": comment,
            }
        )
    if not values and base_start and baseline is not None:
        values.append(
            {
                "start": base_start,
                "end": base_end,
                "baseline": baseline,
                "target": None,
                "actual": None,
                "comment": {},
            }
        )
    values.sort(key=lambda v: v["start"])
    measure = (indicator.get("measure") or "1").strip()
    return {
        "title": narratives(indicator.find("title"), lang),
        "description": narratives(indicator.find("description"), lang),
        "measure": measure if measure in MEASURES else "1",
        "ascending": (indicator.get("ascending") or "1").strip().lower() not in {"0", "false"},
        "position": position,
        "values": values,
    }


def read_activity(activity, *, root_lang: str = "", root_currency: str = "") -> dict:
    """The canonical record of an <iati-activity>. Raise ``ActivityError`` when it cannot be imported."""
    children: dict[str, list] = {}
    for child in activity:  # one pass over the children; every section below reads its group
        children.setdefault(child.tag, []).append(child)

    def group(tag: str) -> Sequence:
        return children.get(tag, ())

    def first(tag: str):
        found = children.get(tag)
        return found[0] if found else None

    def first_code(tag: str) -> str:
        found = children.get(tag)
        return (found[0].get("code") or "").strip() if found else ""

    identifier_element = first("iati-identifier")
    identifier = (identifier_element.text or "").strip() if identifier_element is not None else ""
    if not identifier:
        raise ActivityError(_("the activity has no iati-identifier"))
    if len(identifier) > 200:
        raise ActivityError(_("the iati-identifier is longer than 200 characters"))
    declared_lang = language_code(activity.get(XML_LANG)) or language_code(root_lang)
    lang = declared_lang or "en"
    currency = clip(activity.get("default-currency") or root_currency, 3).upper()

    reporting = first("reporting-org")
    if reporting is None:
        raise ActivityError(_("the activity has no reporting-org"))
    reporting_org = organisation(reporting, lang)
    if not reporting_org["key"]:
        raise ActivityError(_("the reporting-org has neither a ref nor a name"))

    title = clean_texts(narratives(first("title"), lang), TITLE_MAX, multiline=False)
    if not title:
        raise ActivityError(_("the activity has no title"))

    descriptions: dict[str, dict[str, str]] = {}
    for description in group("description"):
        kind = (description.get("type") or DESCRIPTION_GENERAL).strip()
        texts = narratives(description, lang)
        merged = descriptions.setdefault(kind, {})
        for code, text in texts.items():
            merged.setdefault(code, text)

    participants, organisations, seen = [], {reporting_org["key"]: reporting_org}, set()
    for element in group("participating-org"):
        org = organisation(element, lang)
        role = (element.get("role") or "").strip()
        if not org["key"] or role not in ROLES or (org["key"], role) in seen:
            continue
        seen.add((org["key"], role))
        organisations.setdefault(org["key"], org)
        participants.append({"org": org["key"], "role": role, "activity_id": clip(element.get("activity-id"), 200)})

    dates = {}
    for element in group("activity-date"):
        kind = (element.get("type") or "").strip()
        if kind in {"1", "2", "3", "4"} and kind not in dates:
            dates[kind] = iso_date(element.get("iso-date"))
    status = first_code("activity-status")

    sectors, sdgs, sector_narratives, seen = [], set(), {}, set()
    for element in group("sector"):
        vocabulary = clip(element.get("vocabulary") or "1", 4)
        code = clip(element.get("code"), 20)
        if not code or (vocabulary, code) in seen:
            continue
        seen.add((vocabulary, code))
        sectors.append(
            {
                "vocabulary": vocabulary,
                "code": code,
                "percentage": percentage(element.get("percentage")),
            }
        )
        if vocabulary in SDG_SECTOR_VOCABULARIES and len(code) <= 8:
            sdgs.add(code)
        if vocabulary in {"98", "99"}:
            texts = narratives(element, lang)
            if texts:
                sector_narratives[f"{vocabulary}|{code}"] = texts

    tags = []
    for element in group("tag"):
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
                "narrative": narratives(element, lang),
            }
        )

    countries, seen_codes = [], set()
    for element in group("recipient-country"):
        code = (element.get("code") or "").strip().upper()
        if len(code) == 2 and code not in seen_codes:
            seen_codes.add(code)
            countries.append({"code": code, "percentage": percentage(element.get("percentage"))})
    regions = [
        {
            "code": clip(e.get("code"), 20),
            "vocabulary": (e.get("vocabulary") or "1").strip(),
            "percentage": percentage(e.get("percentage")),
        }
        for e in group("recipient-region")
        if (e.get("code") or "").strip()
    ]

    locations = []
    for element in group("location"):
        geonameid = None
        for holder in (
            *element.iterchildren("location-id"),
            *element.iterchildren("administrative"),
        ):
            if (holder.get("vocabulary") or "") == "G1" and (holder.get("code") or "").strip().isdigit():
                geonameid = int(holder.get("code").strip())
                break
        latitude = longitude = None
        pos = element.findtext("point/pos")
        if pos:
            parts = pos.split()
            try:
                latitude, longitude = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                latitude = longitude = None
            if (
                latitude is not None
                and longitude is not None
                and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
            ):
                latitude = longitude = None
        name = clip(first_text(narratives(element.find("name"), lang), lang), 255)
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

    budgets: list[dict[str, Any]] = []
    for element in group("budget"):
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
                "currency": clip(value_element.get("currency"), 3).upper() or currency,
                "value_date": iso_date(value_element.get("value-date")),
            }
        )
    budgets.sort(key=lambda b: b["start"])

    transactions: list[dict[str, Any]] = []
    for element in group("transaction"):
        parts = first_children(element)
        kind = clip(_code_of(parts.get("transaction-type")), 3)
        when = _date_of(parts.get("transaction-date"))
        value_element = parts.get("value")
        value = (
            decimal_text(value_element.text, too_large=_TOO_LARGE_TRANSACTION) if value_element is not None else None
        )
        if not kind or not when or value is None or value_element is None:
            continue
        provider, receiver = parts.get("provider-org"), parts.get("receiver-org")
        transactions.append(
            {
                "type": kind,
                "date": when,
                "value": value,
                "currency": clip(value_element.get("currency"), 3).upper() or currency,
                "value_date": iso_date(value_element.get("value-date")),
                "description": narratives(parts.get("description"), lang),
                "provider_name": clip(first_text(narratives(provider, lang), lang), 255)
                if provider is not None
                else "",
                "provider_ref": clip(provider.get("ref"), 150) if provider is not None else "",
                "receiver_name": clip(first_text(narratives(receiver, lang), lang), 255)
                if receiver is not None
                else "",
                "receiver_ref": clip(receiver.get("ref"), 150) if receiver is not None else "",
                "reference": clip(element.get("ref"), 200),
            }
        )
    transactions.sort(key=lambda t: t["date"])

    documents = []
    for element in group("document-link"):
        url = clip(element.get("url"), 1000)
        if not url:
            continue
        language = language_code(_first_code(element, "language"))
        documents.append(
            {
                "url": url,
                "format": clip(element.get("format"), 100),
                "title": narratives(element.find("title"), lang),
                "category": clip(_first_code(element, "category"), 4),
                "language": language if len(language) == 2 else "",
                "date": iso_date(_first_code(element, "document-date", "iso-date")),
            }
        )

    results = []
    for position, element in enumerate(group("result")):
        kind = (element.get("type") or "").strip()
        results.append(
            {
                "type": kind if kind in RESULT_TYPES else "9",
                "title": narratives(element.find("title"), lang),
                "description": narratives(element.find("description"), lang),
                "position": position,
                "indicators": [_indicator(ind, lang, i) for i, ind in enumerate(element.iterchildren("indicator"))],
            }
        )

    hierarchy = (activity.get("hierarchy") or "").strip()
    humanitarian = (activity.get("humanitarian") or "").strip().lower()
    record = {
        "identifier": identifier,
        "language": declared_lang if len(declared_lang) == 2 else "",
        "currency": currency,
        "reporting_org": reporting_org["key"],
        "title": title,
        "description": descriptions.pop(DESCRIPTION_GENERAL, {}),
        "target_groups": descriptions.pop(DESCRIPTION_TARGET_GROUPS, {}),
        "other_descriptions": {kind: texts for kind, texts in sorted(descriptions.items()) if texts},
        "status": status if status in STATUSES else "2",
        "dates": {
            "planned_start": dates.get("1"),
            "actual_start": dates.get("2"),
            "planned_end": dates.get("3"),
            "actual_end": dates.get("4"),
        },
        "participants": participants,
        "sectors": sectors,
        "sector_narratives": sector_narratives,
        "sdgs": sorted(sdgs),
        "tags": tags,
        "countries": countries,
        "regions": regions,
        "locations": locations,
        "budgets": budgets,
        "transactions": transactions,
        "documents": documents,
        "results": results,
        "hierarchy": int(hierarchy) if hierarchy.isdigit() and int(hierarchy) < 32768 else None,
        "humanitarian": True if humanitarian in {"1", "true"} else False if humanitarian in {"0", "false"} else None,
        "scope": clip(first_code("activity-scope"), 2),
        "collaboration_type": clip(first_code("collaboration-type"), 2),
        "default_flow_type": clip(first_code("default-flow-type"), 4),
        "default_finance_type": clip(first_code("default-finance-type"), 4),
        "default_tied_status": clip(first_code("default-tied-status"), 2),
        "default_aid_types": [
            {
                "vocabulary": (e.get("vocabulary") or "1").strip(),
                "code": (e.get("code") or "").strip(),
            }
            for e in group("default-aid-type")
            if (e.get("code") or "").strip()
        ],
        "other_identifiers": [
            {
                "ref": (e.get("ref") or "").strip(),
                "type": (e.get("type") or "").strip(),
                "owner_ref": _first_code(e, "owner-org", "ref"),
                "owner_name": narratives(e.find("owner-org"), lang),
            }
            for e in group("other-identifier")
            if (e.get("ref") or "").strip()
        ],
        "policy_markers": [
            {
                "vocabulary": (e.get("vocabulary") or "1").strip(),
                "code": (e.get("code") or "").strip(),
                "significance": (e.get("significance") or "").strip(),
            }
            for e in group("policy-marker")
            if (e.get("code") or "").strip()
        ],
    }
    return {"record": record, "organisations": organisations}


def checksum(record: dict) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
