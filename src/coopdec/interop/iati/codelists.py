"""The IATI codelists read straight from data/iati/codelists, so validation needs no database."""

from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

from .xmlsafe import safe_parser

# Sector vocabularies whose codes we can check, and the codelist that holds them.
SECTOR_VOCABULARY_CODELIST = {
    "1": "Sector",
    "2": "SectorCategory",
    "7": "UNSDG-Goals",
    "8": "UNSDG-Targets",
}
TAG_VOCABULARY_CODELIST = {"2": "UNSDG-Goals", "3": "UNSDG-Targets"}
REGION_VOCABULARY_CODELIST = {"1": "Region"}
AID_TYPE_VOCABULARY_CODELIST = {"1": "AidType"}
POLICY_MARKER_VOCABULARY_CODELIST = {"1": "PolicyMarker"}


def codelist_dir() -> Path:
    return settings.REFERENCE_DATA_DIR / "iati" / "codelists"


@cache
def codes(name: str) -> frozenset[str]:
    """Every code of codelist ``name`` (withdrawn ones included: old files may use them)."""
    path = codelist_dir() / f"{name}.xml"
    root = etree.parse(str(path), safe_parser()).getroot()
    return frozenset((item.findtext("code") or "").strip() for item in root.iter("codelist-item"))


def code_exists(name: str, code: str) -> bool:
    return code in codes(name)
