"""Validate IATI 2.03 activity and organisation files: the schema first, then the standard's main rules.

Schema errors make a file invalid; rule findings are warnings (the IATI Validator treats most of them
the same way). Every message starts with the line it concerns.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from . import codelists
from .xmlsafe import XML_LANG, HostileXMLError, parse_file, safe_parser

ACTIVITIES_ROOT = "iati-activities"
ORGANISATIONS_ROOT = "iati-organisations"


def schema_dir() -> Path:
    return settings.REFERENCE_DATA_DIR / "iati" / "schemas-2.03"


@cache
def schema(root_tag: str) -> etree.XMLSchema:
    name = {
        ACTIVITIES_ROOT: "iati-activities-schema.xsd",
        ORGANISATIONS_ROOT: "iati-organisations-schema.xsd",
    }[root_tag]
    return etree.XMLSchema(etree.parse(str(schema_dir() / name), safe_parser()))


@dataclass
class FileReport:
    path: str
    valid: bool = True
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _at(line: int | None, message: str) -> str:
    return _("line %(line)s: %(message)s") % {"line": line or "?", "message": message}


def validate_tree(tree: etree._ElementTree, report: FileReport) -> None:
    root = tree.getroot()
    if root.tag not in (ACTIVITIES_ROOT, ORGANISATIONS_ROOT):
        report.valid = False
        report.errors.append(
            _at(
                root.sourceline,
                _("the root element is <%(tag)s>, expected <iati-activities> or <iati-organisations>")
                % {"tag": root.tag},
            )
        )
        return
    xsd = schema(root.tag)
    if not xsd.validate(tree):
        report.valid = False
        report.errors.extend(_at(error.line, error.message) for error in xsd.error_log)
    if root.tag == ACTIVITIES_ROOT:
        for activity in root.iterchildren("iati-activity"):
            report.warnings.extend(activity_warnings(activity))


def validate_file(path: Path | str) -> FileReport:
    report = FileReport(path=str(path))
    try:
        tree = parse_file(path)
    except HostileXMLError as exc:
        report.valid = False
        report.errors.append(_at(1, str(exc)))
        return report
    except etree.XMLSyntaxError as exc:
        report.valid = False
        report.errors.append(_at(exc.lineno, exc.msg))
        return report
    except OSError as exc:
        report.valid = False
        report.errors.append(_at(None, _("cannot read the file (%(reason)s)") % {"reason": exc.strerror or exc}))
        return report
    validate_tree(tree, report)
    return report


# -- rules ---------------------------------------------------------------------------------------

# (element path relative to the activity, attribute, codelist); "{vocab}" entries are handled apart.
_CODE_CHECKS = [
    ("activity-status", "code", "ActivityStatus"),
    ("activity-date", "type", "ActivityDateType"),
    ("activity-scope", "code", "ActivityScope"),
    ("collaboration-type", "code", "CollaborationType"),
    ("default-flow-type", "code", "FlowType"),
    ("default-finance-type", "code", "FinanceType"),
    ("default-tied-status", "code", "TiedStatus"),
    ("recipient-country", "code", "Country"),
    ("participating-org", "role", "OrganisationRole"),
    ("participating-org", "type", "OrganisationType"),
    ("reporting-org", "type", "OrganisationType"),
    ("description", "type", "DescriptionType"),
    ("budget", "type", "BudgetType"),
    ("budget", "status", "BudgetStatus"),
    ("budget/value", "currency", "Currency"),
    ("transaction/transaction-type", "code", "TransactionType"),
    ("transaction/value", "currency", "Currency"),
    ("transaction/flow-type", "code", "FlowType"),
    ("transaction/finance-type", "code", "FinanceType"),
    ("transaction/tied-status", "code", "TiedStatus"),
    ("transaction/recipient-country", "code", "Country"),
    ("document-link/category", "code", "DocumentCategory"),
    ("document-link/language", "code", "Language"),
    ("result", "type", "ResultType"),
    ("result/indicator", "measure", "IndicatorMeasure"),
    ("other-identifier", "type", "OtherIdentifierType"),
    ("policy-marker", "significance", "PolicySignificance"),
    ("location/location-reach", "code", "GeographicLocationReach"),
    ("location/exactness", "code", "GeographicExactness"),
    ("location/location-class", "code", "GeographicLocationClass"),
]

# Elements whose code depends on a vocabulary attribute: (path, default vocabulary, vocabulary → codelist).
_VOCABULARY_CHECKS = [
    ("sector", "1", codelists.SECTOR_VOCABULARY_CODELIST),
    ("transaction/sector", "1", codelists.SECTOR_VOCABULARY_CODELIST),
    ("tag", None, codelists.TAG_VOCABULARY_CODELIST),
    ("recipient-region", "1", codelists.REGION_VOCABULARY_CODELIST),
    ("default-aid-type", "1", codelists.AID_TYPE_VOCABULARY_CODELIST),
    ("transaction/aid-type", "1", codelists.AID_TYPE_VOCABULARY_CODELIST),
    ("policy-marker", "1", codelists.POLICY_MARKER_VOCABULARY_CODELIST),
]


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        return None


def _code_warnings(activity: etree._Element, identifier: str) -> list[str]:
    warnings = []
    default_currency = activity.get("default-currency")
    if default_currency and not codelists.code_exists("Currency", default_currency):
        warnings.append(
            _at(
                activity.sourceline,
                _("activity %(id)s: currency %(code)s is not in the Currency codelist")
                % {"id": identifier, "code": default_currency},
            )
        )
    language = activity.get(XML_LANG)
    if language and not codelists.code_exists("Language", language.lower()):
        warnings.append(
            _at(
                activity.sourceline,
                _("activity %(id)s: language %(code)s is not in the Language codelist")
                % {"id": identifier, "code": language},
            )
        )
    for path, attribute, name in _CODE_CHECKS:
        for element in activity.iterfind(path):
            code = element.get(attribute)
            # Language codes are ISO 639-1; publishers often write them in capitals.
            if code and not codelists.code_exists(name, code.lower() if name == "Language" else code):
                warnings.append(
                    _at(
                        element.sourceline,
                        _("activity %(id)s: %(element)s/@%(attribute)s %(code)s is not in the %(codelist)s codelist")
                        % {
                            "id": identifier,
                            "element": element.tag,
                            "attribute": attribute,
                            "code": code,
                            "codelist": name,
                        },
                    )
                )
    for path, default, by_vocabulary in _VOCABULARY_CHECKS:
        for element in activity.iterfind(path):
            codelist = by_vocabulary.get(element.get("vocabulary", default))
            code = element.get("code")
            if codelist and code and not codelists.code_exists(codelist, code):
                warnings.append(
                    _at(
                        element.sourceline,
                        _("activity %(id)s: %(element)s code %(code)s is not in the %(codelist)s codelist")
                        % {
                            "id": identifier,
                            "element": element.tag,
                            "code": code,
                            "codelist": codelist,
                        },
                    )
                )
    return warnings


def activity_warnings(activity: etree._Element) -> list[str]:
    """The IATI rules this validator checks, for one <iati-activity> element."""
    identifier = (activity.findtext("iati-identifier") or "").strip() or "?"
    line = activity.sourceline
    warnings: list[str] = []

    sectors = activity.findall("sector")
    transactions = activity.findall("transaction")
    sectors_on_transactions = bool(transactions) and all(t.find("sector") is not None for t in transactions)
    if not sectors and not sectors_on_transactions:
        warnings.append(
            _at(
                line,
                _("activity %(id)s has no sector (neither on the activity nor on every transaction)")
                % {"id": identifier},
            )
        )
    by_vocabulary: dict[str, list[etree._Element]] = defaultdict(list)
    for sector in sectors:
        by_vocabulary[sector.get("vocabulary", "1")].append(sector)
    for vocabulary, items in sorted(by_vocabulary.items()):
        percentages = [_decimal(s.get("percentage")) for s in items]
        if len(items) == 1 and percentages[0] is None:
            continue
        total = sum((p or Decimal(0) for p in percentages), Decimal(0))
        if total != 100:
            warnings.append(
                _at(
                    items[0].sourceline,
                    _("activity %(id)s: sector percentages of vocabulary %(vocabulary)s sum to %(total)s, not 100")
                    % {
                        "id": identifier,
                        "vocabulary": vocabulary,
                        "total": format(total.normalize(), "f"),
                    },
                )
            )

    dates = {d.get("type"): d for d in activity.iterfind("activity-date")}
    if "1" not in dates and "2" not in dates:
        warnings.append(
            _at(
                line,
                _("activity %(id)s has no start date (planned or actual)") % {"id": identifier},
            )
        )
    for start_type, end_type in (("1", "3"), ("2", "4")):
        start, end = dates.get(start_type), dates.get(end_type)
        if start is not None and end is not None and (end.get("iso-date") or "") < (start.get("iso-date") or ""):
            warnings.append(
                _at(
                    end.sourceline,
                    _("activity %(id)s: the end date %(end)s is before the start date %(start)s")
                    % {
                        "id": identifier,
                        "end": end.get("iso-date"),
                        "start": start.get("iso-date"),
                    },
                )
            )
    warnings.extend(_code_warnings(activity, identifier))
    return warnings
