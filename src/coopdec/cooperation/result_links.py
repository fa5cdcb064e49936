"""What IATI attaches to results, indicators, baselines, targets and actuals beyond their figures: links
to documents and references to the activity's locations, kept as JSON on the row that owns them
(docs/decisions.md, 2026-12-07), and the shape every such value must have.

- a document link: ``{"url", "format", "title": {lang: text}, "description": {lang: text},
  "categories": [code], "languages": [code], "date": "YYYY-MM-DD" | None}``;
- the links of a baseline, target or actual: ``{"locations": [ref], "documents": [document link]}``
  (``{}`` when there are none);
- a baseline other than the one the indicator's periods hold (another year): ``{"year", "date",
  "value", "value_text", "comment", "dimensions", "locations", "documents"}``.

The IATI reader (``interop.iati.read``) builds these values from untrusted XML and refuses what does not
fit; the validators below check the same shape on every other write (admin, services).
"""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

URL_MAX = 1000
FORMAT_MAX = 100
CODE_MAX = 10
REF_MAX = 100
VALUE_TEXT_MAX = 1000  # a value that is not a number, kept as text (the longest in the samples: 379)
LINKS_MAX = 100  # documents or locations on one element
URL_SCHEMES = frozenset({"http", "https", "ftp"})

DOCUMENT_KEYS = frozenset({"url", "format", "title", "description", "categories", "languages", "date"})
BASELINE_KEYS = frozenset({"year", "date", "value", "value_text", "comment", "dimensions", "locations", "documents"})


def url_allowed(url: str) -> bool:
    """A link coopdec may show and publish: http(s) or ftp, no spaces, not too long."""
    if not url or len(url) > URL_MAX or any(char.isspace() for char in url):
        return False
    try:
        return urlsplit(url).scheme.lower() in URL_SCHEMES
    except ValueError:
        return False


def _texts_ok(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _codes_ok(value) -> bool:
    return isinstance(value, list) and all(isinstance(code, str) and 0 < len(code) <= CODE_MAX for code in value)


def _document_ok(document) -> bool:
    return (
        isinstance(document, dict)
        and set(document) == DOCUMENT_KEYS
        and isinstance(document["url"], str)
        and url_allowed(document["url"])
        and isinstance(document["format"], str)
        and len(document["format"]) <= FORMAT_MAX
        and _texts_ok(document["title"])
        and _texts_ok(document["description"])
        and _codes_ok(document["categories"])
        and _codes_ok(document["languages"])
        and (document["date"] is None or isinstance(document["date"], str))
    )


def _documents_ok(value) -> bool:
    return isinstance(value, list) and len(value) <= LINKS_MAX and all(_document_ok(d) for d in value)


def _locations_ok(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= LINKS_MAX
        and all(isinstance(ref, str) and 0 < len(ref) <= REF_MAX for ref in value)
    )


def _number_ok(value) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def validate_document_links(value) -> None:
    if not _documents_ok(value):
        raise ValidationError(_("Each document link needs an http(s) address, a format, a title and categories."))


def validate_measure_links(value) -> None:
    if not isinstance(value, dict) or set(value) - {"locations", "documents"}:
        raise ValidationError(_("Links of a measure hold only locations and documents."))
    if not _locations_ok(value.get("locations", [])) or not _documents_ok(value.get("documents", [])):
        raise ValidationError(_("Each document link needs an http(s) address, a format, a title and categories."))


def validate_other_baselines(value) -> None:
    ok = isinstance(value, list) and all(
        isinstance(item, dict)
        and set(item) == BASELINE_KEYS
        and isinstance(item["year"], int)
        and 0 < item["year"] < 10000
        and (item["date"] is None or isinstance(item["date"], str))
        and _number_ok(item["value"])
        and isinstance(item["value_text"], str)
        and len(item["value_text"]) <= VALUE_TEXT_MAX
        and _texts_ok(item["comment"])
        and _texts_ok(item["dimensions"])
        and _locations_ok(item["locations"])
        and _documents_ok(item["documents"])
        for item in value
    )
    if not ok:
        raise ValidationError(_("A baseline needs a year; its value, dimensions and links must be well formed."))
